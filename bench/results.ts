/**
 * QueryJobsWithResult's pages at two group sizes: page 1 against page 100 (PageSize
 * 10), at 10k jobs and at BENCH_JOBS (default 1M), through `store.queryJobResults`,
 * the store method the action calls. The targets: page 100 costs about
 * what page 1 does, and the large group's pages about what the small one's do
 * (ratio ≤ 1.3). The baseline, measured in the same run (STYLE habit 13), is the
 * same page found by sorting the group (`ORDER BY` on an expression no index
 * serves), which is what "never by sorting the group" avoids.
 *
 * Cases: no filter (the index alone), JobStatusFilter Scheduling (each job's row
 * read in index order), HasAnsweredFilter false (each job's latest task probed too;
 * its RowCount is a count over the group, reported apart). No job has a call: the
 * walk is the cost measured, and calls change only what each step reads.
 *
 * Env: BENCH_JOBS (default 1000000), BENCH_REPS (default 50), BENCH_BACKEND=postgres
 * (default sqlite; PostgreSQL at OUTBOUNDBOT_TEST_DATABASE_URL or the test database).
 * Prints a table and one JSON line; missing a target is reported, never fatal.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createIdGenerator } from '../src/domain/ids.ts';
import { ManualClock } from '../src/engine/clock.ts';
import { newJob, type JobRow } from '../src/store/rows.ts';
import type { JobResultFilter, Store } from '../src/store/store.ts';
import { openSqliteStore, type SqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import { openPostgresStore, type PostgresStore } from '../src/store/postgres/postgres-store.ts';
import { dropSchema, newSchemaName, schemaUrl } from '../test/helpers/postgres.ts';
import { Fixtures } from '../test/store/store-contract.ts';

const LARGE = positiveInteger('BENCH_JOBS', 1_000_000);
const REPS = positiveInteger('BENCH_REPS', 50);
const BACKEND = process.env.BENCH_BACKEND === 'postgres' ? 'postgres' : 'sqlite';
const PAGE_SIZE = 10;
const TARGET_RATIO = 1.3;
const BATCH = 10_000;

function positiveInteger(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
}

interface Opened {
  store: Store;
  /** The baseline: the page's ids found by sorting the group's jobs (no index serves the order). */
  sortedPage(jobGroupId: string, offset: number): Promise<unknown>;
  cleanup(): Promise<void>;
}

async function open(): Promise<Opened> {
  const clock = new ManualClock(Date.parse('2026-12-01T00:00:00Z'));
  if (BACKEND === 'postgres') {
    const schema = newSchemaName('bench_results');
    const store: PostgresStore = await openPostgresStore(schemaUrl(schema), clock, { poolSize: 2 });
    return {
      store,
      sortedPage: async (jobGroupId, offset) => (await store.pool.query(
        'SELECT id FROM jobs WHERE job_group_id = $1 ORDER BY created_at + 0 DESC, id DESC LIMIT $2 OFFSET $3', [jobGroupId, PAGE_SIZE, offset])).rows,
      cleanup: async () => { await store.close(); await dropSchema(schema); },
    };
  }
  const dir = await mkdtemp(join(tmpdir(), 'outboundbot-bench-results-'));
  const store: SqliteStore = openSqliteStore(dir, clock);
  const sorted = store.db.prepare('SELECT id FROM jobs WHERE job_group_id = ? ORDER BY created_at + 0 DESC, rowid DESC LIMIT ? OFFSET ?');
  return {
    store,
    sortedPage: async (jobGroupId, offset) => sorted.all(jobGroupId, PAGE_SIZE, offset),
    cleanup: async () => { await store.close(); await rm(dir, { recursive: true, force: true }); },
  };
}

/** A group of `size` jobs, one per millisecond, inserted as AssignJobs inserts them (in batches). */
async function seed(opened: Opened, size: number): Promise<{ instanceId: string; jobGroupId: string; seedS: number }> {
  const fixtures = new Fixtures(opened.store);
  const { instance } = await fixtures.seedTenant();
  const group = await fixtures.seedJobGroup(instance.id);
  const ids = createIdGenerator(new ManualClock(Date.parse('2026-12-01T00:00:00Z')));
  const started = performance.now();
  const at = Date.parse('2026-12-01T00:00:00Z');
  for (let done = 0; done < size; done += BATCH) {
    const jobs: JobRow[] = [];
    for (let i = done; i < Math.min(size, done + BATCH); i++) {
      const digits = String(i).padStart(8, '0');
      jobs.push(newJob({
        id: ids.next(), instanceId: instance.id, jobGroupId: group.id, referenceId: `ref-${i}`,
        contacts: [{ id: ids.next(), phoneNumber: `139${digits}`, e164: `+86139${digits}`, name: '', honorific: '', referenceId: '' }],
        extras: [], callingNumbers: [], scriptVersion: '',
      }, at + i));
    }
    await opened.store.insertJobs(group.id, jobs, at);
  }
  if (BACKEND === 'postgres') await (opened.store as PostgresStore).pool.query('VACUUM ANALYZE jobs');
  else (opened.store as SqliteStore).db.exec('ANALYZE');
  return { instanceId: instance.id, jobGroupId: group.id, seedS: (performance.now() - started) / 1000 };
}

interface Timing { p50: number; p99: number }

async function time(body: () => Promise<unknown>): Promise<Timing> {
  for (let i = 0; i < 3; i++) await body();
  const samples: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const started = performance.now();
    await body();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { p50: samples[Math.floor(samples.length / 2)]!, p99: samples[Math.min(samples.length - 1, Math.ceil(samples.length * 0.99) - 1)]! };
}

const CASES: Array<[string, JobResultFilter]> = [
  ['no filter', {}],
  ['JobStatusFilter Scheduling', { jobStatus: 'Scheduling' }],
  ['HasAnsweredFilter false', { answered: false }],
];

type Row = { size: number; case: string; page: number; p50: number; p99: number };

async function measure(size: number): Promise<{ rows: Row[]; baseline: Row[]; seedS: number; countMs: number }> {
  const opened = await open();
  try {
    const { instanceId, jobGroupId, seedS } = await seed(opened, size);
    const rows: Row[] = [];
    for (const [name, filter] of CASES) {
      for (const page of [1, 100]) {
        // The page alone: its RowCount is known (the counters, or the count timed below).
        const t = await time(() => opened.store.queryJobResults(instanceId, jobGroupId, filter, { pageNumber: page, pageSize: PAGE_SIZE }));
        rows.push({ size, case: name, page, ...t });
      }
    }
    const baseline: Row[] = [];
    for (const page of [1, 100]) baseline.push({ size, case: 'baseline: the group sorted', page, ...(await timeFew(() => opened.sortedPage(jobGroupId, (page - 1) * PAGE_SIZE))) });
    return { rows, baseline, seedS, countMs: rows.find((r) => r.case === 'HasAnsweredFilter false' && r.page === 1)!.p50 };
  } finally {
    await opened.cleanup();
  }
}

/** The baseline sorts the whole group each call: fewer repetitions. */
async function timeFew(body: () => Promise<unknown>): Promise<Timing> {
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    await body();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { p50: samples[2]!, p99: samples[4]! };
}

const small = await measure(10_000);
const large = await measure(LARGE);
const fmt = (ms: number) => (ms < 10 ? ms.toFixed(3) : ms.toFixed(1));
console.log(`QueryJobsWithResult pages on ${BACKEND}, PageSize ${PAGE_SIZE}, ${REPS} reps (baseline 5); seeded 10k in ${small.seedS.toFixed(1)} s, ${LARGE} in ${large.seedS.toFixed(1)} s`);
console.log(`| case | page | 10k p50 / p99 ms | ${LARGE} p50 / p99 ms | large/10k (p50) |`);
console.log('|---|---:|---:|---:|---:|');
const verdicts: Array<Record<string, unknown>> = [];
for (const [i, row] of [...small.rows, ...small.baseline].entries()) {
  const big = [...large.rows, ...large.baseline][i]!;
  const ratio = big.p50 / row.p50;
  console.log(`| ${row.case} | ${row.page} | ${fmt(row.p50)} / ${fmt(row.p99)} | ${fmt(big.p50)} / ${fmt(big.p99)} | ${ratio.toFixed(2)} |`);
  verdicts.push({ case: row.case, page: row.page, small: row.p50, large: big.p50, largeP99: big.p99, ratio });
}
for (const [label, result] of [['10k', small], [String(LARGE), large]] as const) {
  for (const [name] of CASES) {
    const [p1, p100] = [1, 100].map((page) => result.rows.find((r) => r.case === name && r.page === page)!.p50);
    console.log(`${label} ${name}: page 100 / page 1 = ${(p100! / p1!).toFixed(2)}`);
  }
}
const pageRatios = verdicts.filter((v) => !String(v.case).startsWith('baseline') && v.case !== 'HasAnsweredFilter false');
const met = pageRatios.every((v) => Number(v.ratio) <= TARGET_RATIO);
console.log(`target large/10k ≤ ${TARGET_RATIO} for the pages counted by the counters: ${met ? 'met' : 'NOT met'}`);
console.log(JSON.stringify({ backend: BACKEND, jobs: LARGE, pageSize: PAGE_SIZE, reps: REPS, verdicts }));
