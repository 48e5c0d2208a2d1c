/**
 * The PostgreSQL backend, each figure next to a baseline measured in the same run
 * (STYLE habit 13: only the ratios are meant to travel).
 *
 * 1. ingest     N jobs through the store's path (`insertJobs`, batches of 10 000:
 *               COPY inside the transaction that also moves the counters) against a
 *               raw COPY of the same rows into a twin of the `jobs` table (same
 *               columns, indexes and foreign key), batches of the two paths
 *               alternating: rows/s, ratio (target >= 0.8).
 * 2. dispatch   claims through the store (`dispatchRound`: due read holding its
 *               jobs, then claim, tasks, counters and the instance's lines checked
 *               under its lock; 100 a round) by
 *               1, 2 and 3 nodes (one PostgresStore each, all on the same group),
 *               against a raw `FOR UPDATE SKIP LOCKED` claim loop with 10
 *               connections on the twin table: claims/s, ratio (target >= 0.8);
 *               and, with no target, against the same loop making a claim's writes
 *               (job update + task insert into a twin of `tasks`).
 * 3. view       GetJobGroup's read (`viewJobGroup`) in a loop on PostgreSQL and on
 *               SQLite with the same group: reads/s.
 *
 * Env: OUTBOUNDBOT_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test),
 * BENCH_JOBS (default 100 000), BENCH_SECONDS (per timed loop, default 5). The
 * bench works in a schema of its own, dropped at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createIdGenerator } from '../src/domain/ids.ts';
import { ManualClock } from '../src/engine/clock.ts';
import { openPostgresStore, type PostgresStore } from '../src/store/postgres/postgres-store.ts';
import { jobCopyLine } from '../src/store/postgres/copy-jobs.ts';
import type { DueJob, JobGroupRow, JobRow } from '../src/store/rows.ts';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import type { AttemptClaim, Store } from '../src/store/store.ts';

const BASE_URL = process.env.OUTBOUNDBOT_BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const JOBS = Number(process.env.BENCH_JOBS || 100_000);
const SECONDS = Number(process.env.BENCH_SECONDS || 5);
const T0 = 1_760_000_000_000;
const SCHEMA = `bench_${process.pid}`;
const TARGET = { ingestRatio: 0.8, dispatchRatio: 0.8 };

const clock = new ManualClock(T0);
const ids = createIdGenerator(clock);

function url(schema: string): string {
  const u = new URL(BASE_URL);
  u.searchParams.set('schema', schema);
  return u.toString();
}

let tenants = 0;

async function seedTenant(store: Store): Promise<JobGroupRow> {
  const accountId = ids.next();
  await store.insertAccount({ id: accountId, uid: 1_200_000_000_000_000 + ++tenants, name: 'bench', createdAt: T0 });
  const instanceId = ids.next();
  await store.insertInstance({
    id: instanceId, accountId, name: 'bench', description: '', maxConcurrentConversation: 1_000_000_000, nluServiceType: 'Managed',
    resourceGroupId: '', callingNumbers: ['05712345678'], creatorId: 1, creatorName: 'bench', ownerName: 'bench', createdAt: T0, modifiedAt: T0,
  });
  const group: JobGroupRow = {
    id: ids.next(), instanceId, name: 'bench', description: '', scriptId: '', scenarioId: '',
    strategy: {
      id: '', name: '', description: '', maxAttemptsPerDay: 3, minAttemptInterval: 10, routingStrategy: 'None', repeatBy: 'Once',
      repeatable: false, repeatDays: [], workingTime: [], startTime: T0, endTime: T0 + 86_400_000, timeZoneBy: 'Instance', customized: '{}',
    },
    recallStrategy: { emptyNumberIgnore: false, inArrearsIgnore: false, outOfServiceIgnore: false },
    callingNumbers: ['05712345678'], recallCallingNumbers: [], priority: 'Daily', ringingDuration: 25, minConcurrency: 0,
    jobFilePath: '', jobDataParsingTaskId: '', status: 'Scheduling', createdAt: T0, modifiedAt: T0,
  };
  await store.insertJobGroup(group);
  return group;
}

function jobsOf(group: JobGroupRow, n: number): JobRow[] {
  return Array.from({ length: n }, (_, i) => ({
    id: ids.next(), instanceId: group.instanceId, jobGroupId: group.id, referenceId: `ref-${i}`, status: 'Scheduling' as const,
    contacts: [{ id: `c${i}`, phoneNumber: `138${String(i).padStart(8, '0')}`, name: `客户 ${i}`, honorific: '先生', referenceId: `r${i}` }],
    extras: [{ key: 'amount', value: String(i) }], callingNumbers: [], scriptVersion: '', nextAttemptAt: T0 + (i % 1000),
    attempts: 0, attemptDay: '', dayAttempts: 0, lastAttemptAt: 0, failureReason: '', endReason: '', createdAt: T0, modifiedAt: T0,
  }));
}

function claimOf(job: DueJob, now: number): AttemptClaim {
  const contact = job.contacts[0]!;
  return {
    task: {
      id: ids.next(), jobId: job.id, jobGroupId: job.jobGroupId, instanceId: job.instanceId, attempt: 1, status: 'Executing',
      callingNumber: '05712345678', calledNumber: contact.phoneNumber, contact, plannedTime: job.nextAttemptAt, actualTime: now,
      leaseExpiresAt: now + 600_000, endTime: 0, ringingMs: 0, talkMs: 0, endReason: '', hangupDirection: '', sipCode: '', conversation: [],
    },
    attempts: 1,
    attemptDay: '2025-10-10',
    dayAttempts: 1,
  };
}

const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
const line = (label: string, value: string) => console.log(`${label.padEnd(44)} ${value}`);

async function ingest(store: PostgresStore, admin: pg.Client): Promise<string> {
  const group = await seedTenant(store);
  const rows = jobsOf(group, JOBS);
  const raw = jobsOf(group, JOBS);
  // The twin is the same table: columns, defaults, indexes and the foreign key to its group.
  await admin.query(`CREATE TABLE "${SCHEMA}".raw_jobs (LIKE "${SCHEMA}".jobs INCLUDING ALL)`);
  await admin.query(`ALTER TABLE "${SCHEMA}".raw_jobs ADD FOREIGN KEY (job_group_id) REFERENCES "${SCHEMA}".job_groups(id) ON DELETE CASCADE`);

  // Batches alternate between the two paths, so neither runs on a warmer machine.
  let storeMs = 0;
  let rawMs = 0;
  for (let i = 0; i < rows.length; i += 10_000) {
    let started = performance.now();
    await store.insertJobs(group.id, rows.slice(i, i + 10_000), T0);
    storeMs += performance.now() - started;

    started = performance.now();
    await admin.query('BEGIN');
    const stream = admin.query(copyFrom(`COPY "${SCHEMA}".raw_jobs (id, instance_id, job_group_id, reference_id, status, contacts, extras,
      calling_numbers, script_version, next_attempt_at, created_at, modified_at) FROM STDIN`));
    const chunk = raw.slice(i, i + 10_000);
    await pipeline(Readable.from((function* () {
      for (let j = 0; j < chunk.length; j += 500) yield chunk.slice(j, j + 500).map(jobCopyLine).join('');
    })()), stream);
    await admin.query('COMMIT');
    rawMs += performance.now() - started;
  }
  const counters = await store.storedCounters(group.id);
  if (counters?.totalJobs !== JOBS) throw new Error(`ingest lost rows: ${counters?.totalJobs} of ${JOBS}`);
  const ratio = rawMs / storeMs;
  line(`ingest ${JOBS} jobs, store (insertJobs/COPY)`, `${rate(JOBS, storeMs)} rows/s`);
  line(`ingest ${JOBS} jobs, raw COPY`, `${rate(JOBS, rawMs)} rows/s`);
  line('ingest ratio (store / raw)', `${ratio.toFixed(2)} (target >= ${TARGET.ingestRatio}${ratio >= TARGET.ingestRatio ? ', met' : ', NOT met'})`);
  return group.id;
}

/** Claims by `nodes` stores at once on one fresh group of JOBS due jobs, for SECONDS or until none is left. */
async function dispatch(nodes: PostgresStore[]): Promise<number> {
  const group = await seedTenant(nodes[0]!);
  const rows = jobsOf(group, JOBS);
  for (let i = 0; i < rows.length; i += 10_000) await nodes[0]!.insertJobs(group.id, rows.slice(i, i + 10_000), T0);
  // What autovacuum does after a bulk load: without statistics the planner guesses
  // freshly loaded tables hold a handful of rows and picks scans accordingly.
  await nodes[0]!.pool.query('ANALYZE jobs');
  const now = T0 + 10_000;
  const deadline = performance.now() + SECONDS * 1000;
  let claimed = 0;
  const started = performance.now();
  await Promise.all(nodes.map(async (node) => {
    while (performance.now() < deadline) {
      // A round as the engine makes one: the due read holds its jobs from the other nodes' rounds.
      const got = await node.dispatchRound(async (round) => {
        const due = await round.dueJobs(group.id, now, 100);
        if (due.length === 0) return -1;
        return (await round.commit({ settlements: [], reschedules: [], claims: due.map((job) => claimOf(job, now)), now })).length;
      });
      if (got < 0) return;
      claimed += got;
    }
  }));
  return rate(claimed, performance.now() - started);
}

/**
 * A raw loop on the twin table: 10 connections each running `statement` (which
 * claims up to 100 due rows of the group and returns a row each) until nothing is left.
 */
async function rawLoop(groupId: string, statement: string): Promise<number> {
  const admin = new pg.Client({ connectionString: BASE_URL });
  await admin.connect();
  await admin.query(`UPDATE "${SCHEMA}".raw_jobs SET status = 'Scheduling'`);
  await admin.query(`VACUUM ANALYZE "${SCHEMA}".raw_jobs`);
  await admin.end();
  const deadline = performance.now() + SECONDS * 1000;
  let claimed = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: 10 }, async () => {
    const client = new pg.Client({ connectionString: BASE_URL });
    await client.connect();
    try {
      while (performance.now() < deadline) {
        const result = await client.query(statement, [T0 + 10_000, groupId]);
        if (result.rowCount === 0) return;
        claimed += result.rowCount ?? 0;
      }
    } finally {
      await client.end();
    }
  }));
  return rate(claimed, performance.now() - started);
}

const DUE_RAW = `SELECT id FROM "${SCHEMA}".raw_jobs WHERE job_group_id = $2 AND status = 'Scheduling' AND next_attempt_at <= $1
  ORDER BY next_attempt_at, id LIMIT 100 FOR UPDATE SKIP LOCKED`;

/** The baseline: 10 connections claiming 100 due rows at a time with FOR UPDATE SKIP LOCKED on the twin table. */
async function rawDispatch(groupId: string): Promise<number> {
  return rawLoop(groupId, `UPDATE "${SCHEMA}".raw_jobs SET status = 'Executing' WHERE id IN (${DUE_RAW})`);
}

/**
 * A second baseline, with no target: the same loop making the writes a store claim
 * makes (the job's update and its task's insert, into a twin of `tasks` with its
 * indexes and foreign key), in one statement, with no ceiling, counters or checks.
 */
async function rawDispatchWithTasks(groupId: string): Promise<number> {
  const admin = new pg.Client({ connectionString: BASE_URL });
  await admin.connect();
  await admin.query(`CREATE TABLE IF NOT EXISTS "${SCHEMA}".raw_tasks (LIKE "${SCHEMA}".tasks INCLUDING ALL)`);
  await admin.query(`ALTER TABLE "${SCHEMA}".raw_tasks ADD FOREIGN KEY (job_id) REFERENCES "${SCHEMA}".raw_jobs(id) ON DELETE CASCADE`);
  await admin.end();
  return rawLoop(groupId, `WITH claimed AS (
      UPDATE "${SCHEMA}".raw_jobs SET status = 'Executing', attempts = attempts + 1, last_attempt_at = $1, modified_at = $1
      WHERE id IN (${DUE_RAW})
      RETURNING id, job_group_id, instance_id, contacts, next_attempt_at, attempts
    )
    INSERT INTO "${SCHEMA}".raw_tasks (id, job_id, job_group_id, instance_id, attempt, status, calling_number, called_number,
      contact, planned_time, actual_time, lease_expires_at)
    SELECT gen_random_uuid()::text, id, job_group_id, instance_id, attempts, 'Executing', '05712345678', contacts->0->>'phoneNumber',
      contacts->0, next_attempt_at, $1, $1 + 600000
    FROM claimed`);
}

async function viewRate(store: Store, group: JobGroupRow): Promise<number> {
  const deadline = performance.now() + SECONDS * 1000;
  let reads = 0;
  const started = performance.now();
  while (performance.now() < deadline) {
    await store.viewJobGroup(group.instanceId, group.id);
    reads++;
  }
  return rate(reads, performance.now() - started);
}

async function main(): Promise<void> {
  const admin = new pg.Client({ connectionString: BASE_URL });
  await admin.connect();
  const nodes: PostgresStore[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'outboundbot-bench-pg-'));
  try {
    for (let i = 0; i < 3; i++) nodes.push(await openPostgresStore(url(SCHEMA), clock, { poolSize: 4 }));
    console.log(`PostgreSQL bench: ${JOBS} jobs, ${SECONDS} s per timed loop, schema ${SCHEMA}\n`);
    const ingestGroup = await ingest(nodes[0]!, admin);

    const raw = await rawDispatch(ingestGroup);
    line('raw SKIP LOCKED claim loop, 10 connections', `${raw} claims/s`);
    const rawWithTasks = await rawDispatchWithTasks(ingestGroup);
    line('raw loop with the claim writes (job + task)', `${rawWithTasks} claims/s (${(rawWithTasks / raw).toFixed(2)} of the claim loop)`);
    for (const n of [1, 2, 3]) {
      const claims = await dispatch(nodes.slice(0, n));
      const ratio = claims / raw;
      line(`store claims, ${n} node${n > 1 ? 's' : ''} (dispatchRound, 100/round)`, `${claims} claims/s, ratio ${ratio.toFixed(2)} (target >= ${TARGET.dispatchRatio}${ratio >= TARGET.dispatchRatio ? ', met' : ', NOT met'}); ${(claims / rawWithTasks).toFixed(2)} of the same writes raw`);
    }

    const pgGroup = await seedTenant(nodes[0]!);
    await nodes[0]!.insertJobs(pgGroup.id, jobsOf(pgGroup, 1_000), T0);
    const sqlite = openSqliteStore(dir, clock);
    const liteGroup = await seedTenant(sqlite);
    await sqlite.insertJobs(liteGroup.id, jobsOf(liteGroup, 1_000), T0);
    const pgViews = await viewRate(nodes[0]!, pgGroup);
    const liteViews = await viewRate(sqlite, liteGroup);
    await sqlite.close();
    line('GetJobGroup read (viewJobGroup), PostgreSQL', `${pgViews} reads/s`);
    line('GetJobGroup read (viewJobGroup), SQLite', `${liteViews} reads/s (PostgreSQL / SQLite ${(pgViews / liteViews).toFixed(2)})`);
  } finally {
    await Promise.all(nodes.map((node) => node.close()));
    await admin.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
