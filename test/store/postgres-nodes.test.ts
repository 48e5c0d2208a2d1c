/**
 * Several nodes on one PostgreSQL database, at the store level: three
 * PostgresStore instances (three pools, as three server processes would have) on
 * one schema claim, settle and recover the same group's work at the same time,
 * deliberately deciding on the same due jobs. Whatever the interleaving: no job is
 * in two calls at once, the instance's ceiling holds over the nodes together, a
 * dead node's calls are settled exactly once by the survivors, nothing is lost and
 * the stored counters equal the recount.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/engine/clock.ts';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import type { DueJob, JobGroupRow, JobRow, TaskRow } from '../../src/store/rows.ts';
import type { AttemptClaim, AttemptSettlement } from '../../src/store/store.ts';
import { dropSchema, newSchemaName, schemaUrl } from '../helpers/postgres.ts';
import { DAY, Fixtures, T0 } from './store-contract.ts';
import { JobFixtures } from './store-contract-jobs.ts';
import { claimAttempts, commitRound } from '../helpers/store-rounds.ts';

const NOW = T0 + DAY;
const LEASE_MS = 60_000;
const CEILING = 7;
const JOBS = 120;

let serial = 0;

/** The contract suite's claim, with an id naming the node that made it and this test's short lease. */
function claimOf(fixtures: JobFixtures, job: DueJob, now: number, node: string): AttemptClaim {
  return fixtures.claim(job, now, { id: `task-${node}-${++serial}-${job.id}`, leaseExpiresAt: now + LEASE_MS });
}

/** Even attempts answer; odd first attempts ring out and retry at once, so jobs take one or two calls. */
function settlementOf(task: TaskRow, now: number): AttemptSettlement {
  const answered = task.attempt >= 2 || task.jobId.charCodeAt(task.jobId.length - 1) % 2 === 0;
  return {
    task: { ...task, status: answered ? 'SucceededFinish' : 'NoAnswer', endTime: now, endReason: answered ? 'FINISHED' : '', talkMs: answered ? 1000 : 0 },
    job: { id: task.jobId, status: answered ? 'Succeeded' : 'Scheduling', nextAttemptAt: answered ? 0 : now, failureReason: '', endReason: answered ? 'FINISHED' : '' },
    jobDelta: answered ? { executing: -1, completed: 1 } : { executing: -1, scheduling: 1 },
    taskDelta: answered ? { inFlight: -1, finishedNum: 1 } : { inFlight: -1, notAnswered: 1 },
    now,
  };
}

describe('several nodes on one PostgreSQL schema', () => {
  const schema = newSchemaName('nodes');
  const nodes: PostgresStore[] = [];
  let group: JobGroupRow;
  let fixtures: JobFixtures;
  let jobs: JobRow[];
  let accountId: string;

  before(async () => {
    for (let i = 0; i < 3; i++) nodes.push(await openPostgresStore(schemaUrl(schema), new ManualClock(T0), { poolSize: 3 }));
    fixtures = new JobFixtures(nodes[0]!);
    const { account, instance } = await fixtures.seedTenant();
    accountId = account.id;
    await nodes[0]!.updateInstance({ ...instance, maxConcurrentConversation: CEILING });
    group = await fixtures.seedJobGroup(instance.id, { status: 'Scheduling' });
    jobs = Array.from({ length: JOBS }, (_, i) => {
      const id = fixtures.id();
      return {
        id, instanceId: instance.id, jobGroupId: group.id, referenceId: `ref-${i}`, status: 'Scheduling' as const,
        contacts: [{ id: `c-${i}`, phoneNumber: `1380000${String(i).padStart(4, '0')}`, name: `n${i}`, honorific: '', referenceId: '' }],
        extras: [], callingNumbers: [], scriptVersion: '', nextAttemptAt: T0, attempts: 0, attemptDay: '', dayAttempts: 0,
        lastAttemptAt: 0, failureReason: '', endReason: '', createdAt: T0, modifiedAt: T0,
      };
    });
    await nodes[0]!.insertJobs(group.id, jobs, T0);
  });

  after(async () => {
    await Promise.all(nodes.map((node) => node.close()));
    await dropSchema(schema);
  });

  it('claim, settle and recover concurrently: no double call, the ceiling holds, nothing is lost, counters equal the recount', async () => {
    let peakInFlight = 0;
    let now = NOW;
    const dead = nodes[2]!;
    const abandoned: TaskRow[] = [];
    // The third node claims a few calls and dies without settling them.
    {
      const due = await dead.dueJobs(group.id, now, 3);
      abandoned.push(...(await claimAttempts(dead, due.map((job) => claimOf(fixtures, job, now, 'dead')), now)));
      assert.equal(abandoned.length, 3);
    }
    const survivors = nodes.slice(0, 2);
    const inFlightOf = new Map<PostgresStore, TaskRow[]>(survivors.map((node) => [node, []]));

    async function round(node: PostgresStore, name: string): Promise<void> {
      const mine = inFlightOf.get(node)!;
      // Settle half of what this node has in flight, then claim what is due, in one transaction.
      const ending = mine.splice(0, Math.ceil(mine.length / 2));
      // Every node reads the same earliest due jobs: their claims collide on purpose.
      const due = await node.dueJobs(group.id, now, 5);
      const claimed = await commitRound(node, {
        settlements: ending.map((task) => settlementOf(task, now)),
        reschedules: [],
        claims: due.map((job) => claimOf(fixtures, job, now, name)),
        now,
      });
      mine.push(...claimed);
      const lines = await node.instanceConcurrency(accountId, group.instanceId);
      peakInFlight = Math.max(peakInFlight, lines!.inFlight);
    }

    // Both survivors run rounds at once until the group's work is done; the lease of
    // the dead node's calls expires on the way and both survivors try to settle them.
    let recovered = false;
    for (let step = 0; step < 400; step++) {
      await Promise.all(survivors.map((node, i) => round(node, `n${i}`)));
      now += 1_000;
      if (!recovered && now >= NOW + LEASE_MS) {
        const [a, b] = await Promise.all(survivors.map((node) => node.expiredAttempts(now, 100)));
        assert.deepEqual(a!.map((e) => e.task.id).sort(), abandoned.map((t) => t.id).sort(), 'the dead node’s calls are found once their lease expires');
        // Both survivors settle the same expired calls at the same moment: exactly one wins each.
        await Promise.all([a!, b!].map((found, i) => survivors[i]!.settleAttempts(found.map((e) => settlementOf(e.task, now)))));
        recovered = true;
      }
      const counters = await nodes[0]!.storedCounters(group.id);
      if (recovered && counters!.scheduling === 0 && counters!.inFlight === 0 && [...inFlightOf.values()].every((l) => l.length === 0)) break;
    }

    assert.ok(peakInFlight <= CEILING, `in flight never above the ceiling (peak ${peakInFlight})`);
    assert.ok(peakInFlight > 1, 'the nodes did run calls side by side');
    const stored = await nodes[1]!.storedCounters(group.id);
    assert.deepStrictEqual(stored, await nodes[1]!.recountGroup(group.id), 'counters equal the recount');
    assert.equal(stored!.completed, JOBS, 'every job ended answered: none lost');
    assert.equal(stored!.inFlight, 0);

    // No job was in two calls at once: its attempts are 1..n, one task each, and each
    // attempt started only after the previous one ended.
    const all = await nodes[0]!.listJobs(group.instanceId, jobs.map((job) => job.id));
    assert.equal(all.length, JOBS);
    for (const job of all) {
      const found = await nodes[0]!.findJob(group.instanceId, job.id);
      const tasks = found!.tasks;
      assert.deepEqual(tasks.map((t) => t.attempt), tasks.map((_, i) => i + 1), `job ${job.id}: one task per attempt`);
      for (let i = 1; i < tasks.length; i++) assert.ok(tasks[i]!.actualTime >= tasks[i - 1]!.endTime, `job ${job.id}: attempts do not overlap`);
      assert.equal(job.status, 'Succeeded');
    }
    // The dead node's calls count once each.
    const recount = await nodes[0]!.recountGroup(group.id);
    assert.equal(recount.totalCalls, stored!.totalCalls);

    // No hot row: the rounds moved counters in shard rows (one per connection), never
    // in the group's counter row, which holds only what the jobs' insertion added.
    const base = (await nodes[0]!.pool.query('SELECT total_calls, in_flight, completed FROM job_group_counters WHERE job_group_id = $1', [group.id])).rows[0];
    assert.deepEqual(base, { total_calls: 0, in_flight: 0, completed: 0 });
    const shards = (await nodes[0]!.pool.query('SELECT count(*) AS n, sum(total_calls) AS calls FROM job_group_counter_shards WHERE job_group_id = $1', [group.id])).rows[0];
    assert.ok(shards.n >= 1 && shards.n <= 16, `${shards.n} shard rows`);
    assert.equal(shards.calls, stored!.totalCalls);
  });
});

describe('wake-ups between nodes (LISTEN/NOTIFY)', () => {
  it('a node hears, on commit, of jobs another node added or resumed, and stops hearing once unsubscribed', async () => {
    const schema = newSchemaName('wake');
    const [a, b] = [await openPostgresStore(schemaUrl(schema), new ManualClock(T0)), await openPostgresStore(schemaUrl(schema), new ManualClock(T0))];
    const heard: string[] = [];
    const waiters: Array<() => void> = [];
    const stop = await b!.cluster.onWork((jobGroupId) => {
      heard.push(jobGroupId);
      waiters.shift()?.();
    });
    const next = () => new Promise<void>((resolve) => waiters.push(resolve));
    try {
      const fixtures = new Fixtures(a!);
      const { instance } = await fixtures.seedTenant();
      const group = await fixtures.seedJobGroup(instance.id);
      const job: JobRow = {
        id: fixtures.id(), instanceId: instance.id, jobGroupId: group.id, referenceId: 'r', status: 'Scheduling',
        contacts: [{ id: 'c', phoneNumber: '13800000000', name: 'n', honorific: '', referenceId: '' }], extras: [], callingNumbers: [],
        scriptVersion: '', nextAttemptAt: T0, attempts: 0, attemptDay: '', dayAttempts: 0, lastAttemptAt: 0, failureReason: '',
        endReason: '', createdAt: T0, modifiedAt: T0,
      };
      let heardOne = next();
      await a!.insertJobs(group.id, [job], T0);
      await heardOne;
      assert.deepEqual(heard, [group.id], 'jobs added');

      assert.equal(await a!.moveJobs(group.id, { all: true }, ['Scheduling'], 'Paused', T0), 1);
      heardOne = next();
      assert.equal(await a!.moveJobs(group.id, { all: true }, ['Paused'], 'Scheduling', T0), 1);
      await heardOne;
      assert.deepEqual(heard, [group.id, group.id], 'a pause is not work; a resume is');

      await stop();
      await a!.insertJobs(group.id, [{ ...job, id: fixtures.id() }], T0);
      // A NOTIFY after the last one is delivered in order: wait for a round trip on a's side and check nothing more came.
      await a!.getSetting('x');
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(heard.length, 2, 'nothing heard after unsubscribing');
    } finally {
      await stop();
      await a!.close();
      await b!.close();
      await dropSchema(schema);
    }
  });
});

describe('dispatch rounds of several nodes at once', () => {
  /** Two nodes on a fresh schema, an instance with `ceiling` lines and a running group of `count` jobs due at T0. */
  async function twoNodes(ceiling: number, count: number) {
    const schema = newSchemaName('rounds');
    const a = await openPostgresStore(schemaUrl(schema), new ManualClock(T0));
    const b = await openPostgresStore(schemaUrl(schema), new ManualClock(T0));
    const fixtures = new JobFixtures(a);
    const { account, instance } = await fixtures.seedTenant();
    await a.updateInstance({ ...instance, maxConcurrentConversation: ceiling });
    const group = await fixtures.seedJobGroup(instance.id, { status: 'Scheduling' });
    const jobs = Array.from({ length: count }, (_, i) => fixtures.job(group, { nextAttemptAt: T0 + i }));
    await a.insertJobs(group.id, jobs, T0);
    const close = async () => {
      await a.close();
      await b.close();
      await dropSchema(schema);
    };
    return { a, b, fixtures, accountId: account.id, group, jobs, close };
  }

  /**
   * A round on `node` that reads `limit` due jobs, stays open until released, then
   * claims the first `claim` of them: `opened` resolves with what it read.
   */
  function heldRound(node: PostgresStore, fixtures: JobFixtures, groupId: string, limit: number, claim = limit) {
    let read!: (jobs: DueJob[]) => void;
    let release!: () => void;
    const opened = new Promise<DueJob[]>((resolve) => (read = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    const committed = node.dispatchRound(async (round) => {
      const due = await round.dueJobs(groupId, NOW, limit);
      read(due);
      await released;
      return round.commit({ settlements: [], reschedules: [], claims: due.slice(0, claim).map((job) => claimOf(fixtures, job, NOW, 'held')), now: NOW });
    });
    return { opened, release, committed };
  }

  /** A round on `node` that claims every one of `limit` due jobs at once; `check` sees them first. */
  function roundOf(node: PostgresStore, fixtures: JobFixtures, groupId: string, limit: number, check: (due: DueJob[]) => void = () => {}) {
    return node.dispatchRound(async (round) => {
      const due = await round.dueJobs(groupId, NOW, limit);
      check(due);
      return round.commit({ settlements: [], reschedules: [], claims: due.map((job) => claimOf(fixtures, job, NOW, 'now')), now: NOW });
    });
  }

  it('a round holds the jobs it read: a round open at the same time reads the next ones, and what was read but not claimed is due again after', async () => {
    const { a, b, fixtures, group, jobs, close } = await twoNodes(100, 6);
    try {
      // a reads three jobs and, once released, claims two of them.
      const first = heldRound(a, fixtures, group.id, 3, 2);
      const readByA = await first.opened;
      assert.deepEqual(readByA.map((job) => job.id), jobs.slice(0, 3).map((job) => job.id), 'the earliest three');
      const claimedByB = await roundOf(b, fixtures, group.id, 3, (due) => {
        assert.deepEqual(due.map((job) => job.id), jobs.slice(3, 6).map((job) => job.id), 'the next three, not the ones a holds');
      }).finally(first.release);
      assert.equal(claimedByB.length, 3, 'b claimed without waiting for a');
      assert.equal((await first.committed).length, 2);
      assert.deepEqual((await b.dueJobs(group.id, NOW, 10)).map((job) => job.id), [jobs[2]!.id], 'read by a, not claimed: due again');
      const stored = await a.storedCounters(group.id);
      assert.deepStrictEqual(stored, await a.recountGroup(group.id));
      assert.equal(stored!.inFlight, 5);
    } finally {
      await close();
    }
  });

  it('claims made side by side are checked against the ceiling before they commit: only what fits starts', async () => {
    const { a, b, fixtures, accountId, group, close } = await twoNodes(4, 8);
    try {
      // Both nodes decide with four lines free, each on three jobs of its own.
      const first = heldRound(a, fixtures, group.id, 3);
      await first.opened;
      const claimedByB = await roundOf(b, fixtures, group.id, 3).finally(first.release);
      assert.equal(claimedByB.length, 3, 'b committed first: its three fit');
      assert.equal((await first.committed).length, 1, 'a is left the one line free');
      assert.deepEqual(await a.instanceConcurrency(accountId, group.instanceId), { max: 4, inFlight: 4 });
      assert.deepStrictEqual(await a.storedCounters(group.id), await a.recountGroup(group.id));
    } finally {
      await close();
    }
  });
});

describe('MinConcurrency across nodes', () => {
  it("a node that decided on stale figures cannot take the lines another group's MinConcurrency holds", async () => {
    const schema = newSchemaName('minconc');
    const [a, b] = [await openPostgresStore(schemaUrl(schema), new ManualClock(T0)), await openPostgresStore(schemaUrl(schema), new ManualClock(T0))];
    try {
      const fixtures = new JobFixtures(a!);
      const { instance } = await fixtures.seedTenant();
      await a!.updateInstance({ ...instance, maxConcurrentConversation: 6 });
      const big = await fixtures.seedJobGroup(instance.id, { status: 'Scheduling', minConcurrency: 0 });
      // MinConcurrency 3, but only one due job: the small group holds one line.
      const small = await fixtures.seedJobGroup(instance.id, { status: 'Scheduling', minConcurrency: 3 });
      const bigJobs = Array.from({ length: 10 }, () => fixtures.job(big, { nextAttemptAt: T0 }));
      const smallJobs = [fixtures.job(small, { nextAttemptAt: T0 }), fixtures.job(small, { nextAttemptAt: T0 + DAY * 30 })];
      await a!.insertJobs(big.id, bigJobs, T0);
      await a!.insertJobs(small.id, smallJobs, T0);

      // Node a read the instance before the small group had due work, and claims every line for the big one.
      const staleClaims = bigJobs.slice(0, 6).map((job) => claimOf(fixtures, job, NOW, 'a'));
      const claimedByA = await commitRound(a!, { settlements: [], reschedules: [], claims: staleClaims, now: NOW });
      assert.equal(claimedByA.length, 5, "one line is left for the small group's one due job");
      const smallClaimed = await commitRound(b!, { settlements: [], reschedules: [], claims: [claimOf(fixtures, smallJobs[0]!, NOW, 'b')], now: NOW });
      assert.equal(smallClaimed.length, 1);
      const lines = await b!.instanceConcurrency((await a!.listAccounts())[0]!.id, instance.id);
      assert.deepEqual(lines, { max: 6, inFlight: 6 });

      // Once the small group has no due job left, nothing is held for it: a line freed goes to the big group.
      const settled = settlementOf(claimedByA[0]!, NOW + 1_000);
      const refill = await commitRound(a!, { settlements: [settled], reschedules: [], claims: [claimOf(fixtures, bigJobs[6]!, NOW + 1_000, 'a')], now: NOW + 1_000 });
      assert.equal(refill.length, 1);
      // The ceiling still holds for a group within its minimum.
      const overCeiling = await commitRound(b!, { settlements: [], reschedules: [], claims: [claimOf(fixtures, bigJobs[7]!, NOW + 1_000, 'b')], now: NOW + 1_000 });
      assert.equal(overCeiling.length, 0);
    } finally {
      await a!.close();
      await b!.close();
      await dropSchema(schema);
    }
  });
});

describe('work only one node may do at a time', () => {
  it('tryExclusively keeps other nodes out, and a node that dies lets its names go', async () => {
    const schema = newSchemaName('excl');
    const [a, b] = [await openPostgresStore(schemaUrl(schema), new ManualClock(T0)), await openPostgresStore(schemaUrl(schema), new ManualClock(T0))];
    try {
      let release!: () => void;
      const holding = a!.tryExclusively('file-task:Parse:1', () => new Promise<void>((resolve) => (release = resolve)));
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(await b!.tryExclusively('file-task:Parse:1', async () => {}), false, 'held by the other node');
      release();
      assert.equal(await holding, true);
      assert.equal(await b!.tryExclusively('file-task:Parse:1', async () => {}), true);

      // A node that dies mid-task (its connections closed) holds nothing any more.
      let endBody!: () => void;
      const dying = a!.tryExclusively('file-task:Parse:2', () => new Promise<void>((resolve) => (endBody = resolve)));
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(await b!.tryExclusively('file-task:Parse:2', async () => {}), false);
      // The session holding the advisory lock is a's: end it as a dying process's would end.
      await b!.pool.query(`SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(await b!.tryExclusively('file-task:Parse:2', async () => {}), true, 'the dead connection let it go');
      endBody();
      await dying;
    } finally {
      await a!.close().catch(() => undefined);
      await b!.close();
      await dropSchema(schema);
    }
  });
});
