/**
 * The kill test at the store level: three node processes (test/helpers/pg-node.ts)
 * work one group on one PostgreSQL schema while one of them, chosen at random, is
 * SIGKILLed at a random moment and restarted, 10 times. A killed node may die
 * mid-transaction (rolled back) or with calls in flight (settled by a survivor once
 * their lease expires). Afterwards: no job lost (every one ended), none in two calls
 * at once, no attempt counted twice (counters equal the recount), and the calls in
 * flight, sampled all along, never above the instance's ceiling. The call report kept
 * in counters equals its recount too.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/engine/clock.ts';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import type { JobGroupRow, JobRow } from '../../src/store/rows.ts';
import { dropSchema, newSchemaName, schemaUrl } from '../helpers/postgres.ts';
import { Fixtures, T0 } from './store-contract.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const CEILING = 5;
const JOBS = 200;
const KILLS = 10;

function startNode(url: string, groupId: string, name: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'test/helpers/pg-node.ts', url, groupId, name], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('nodes killed at random on one PostgreSQL schema', () => {
  const schema = newSchemaName('kill');
  const url = schemaUrl(schema);
  let store: PostgresStore;
  let group: JobGroupRow;
  let accountId: string;

  before(async () => {
    store = await openPostgresStore(url, new ManualClock(T0), { poolSize: 2 });
    const fixtures = new Fixtures(store);
    const { account, instance } = await fixtures.seedTenant();
    accountId = account.id;
    await store.updateInstance({ ...instance, maxConcurrentConversation: CEILING });
    group = await fixtures.seedJobGroup(instance.id, { status: 'Scheduling' });
    const jobs: JobRow[] = Array.from({ length: JOBS }, (_, i) => ({
      id: fixtures.id(), instanceId: instance.id, jobGroupId: group.id, referenceId: `ref-${i}`, status: 'Scheduling',
      contacts: [{ id: `c-${i}`, phoneNumber: `1380000${String(i).padStart(4, '0')}`, name: `n${i}`, honorific: '', referenceId: '' }],
      extras: [], callingNumbers: [], scriptVersion: '', nextAttemptAt: T0, attempts: 0, attemptDay: '', dayAttempts: 0,
      lastAttemptAt: 0, failureReason: '', endReason: '', createdAt: T0, modifiedAt: T0,
    }));
    await store.insertJobs(group.id, jobs, T0);
  });

  after(async () => {
    await store.close();
    await dropSchema(schema);
  });

  it('10 kills and restarts: 0 lost, 0 in two calls at once, 0 counted twice, in flight never above the ceiling', async (t) => {
    const nodes = ['a', 'b', 'c'].map((name) => ({ name, child: startNode(url, group.id, name) }));
    let peak = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const lines = await store.instanceConcurrency(accountId, group.instanceId);
        peak = Math.max(peak, lines!.inFlight);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    try {
      for (let kill = 0; kill < KILLS; kill++) {
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.floor(Math.random() * 400)));
        const victim = nodes[Math.floor(Math.random() * nodes.length)]!;
        victim.child.kill('SIGKILL');
        await exited(victim.child);
        victim.child = startNode(url, group.id, victim.name);
      }
      // The nodes end by themselves once nothing is left to call.
      const codes = await Promise.race([
        Promise.all(nodes.map((node) => exited(node.child))),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the nodes did not finish the group in 120 s')), 120_000).unref()),
      ]);
      assert.deepEqual(codes, [0, 0, 0], 'every node ended cleanly');
    } finally {
      sampling = false;
      await sampler;
      for (const node of nodes) node.child.kill('SIGKILL');
    }

    assert.ok(peak <= CEILING, `in flight never above the ceiling (peak ${peak} of ${CEILING})`);
    const stored = await store.storedCounters(group.id);
    assert.deepStrictEqual(stored, await store.recountGroup(group.id), 'counters equal the recount: nothing counted twice');
    assert.deepStrictEqual(await store.groupCallReport(group.id), await store.recountCallReport(group.id), 'the call report equals its recount');
    assert.equal(stored!.completed, JOBS, 'every job ended answered: none lost');
    assert.equal(stored!.inFlight, 0);
    let recovered = 0;
    for (const { id } of await store.listJobs(group.instanceId, (await store.queryJobs(group.instanceId, { jobGroupId: group.id }, { pageNumber: 1, pageSize: JOBS })).items.map((i) => i.job.id))) {
      const { job, tasks } = (await store.findJob(group.instanceId, id))!;
      assert.equal(job.status, 'Succeeded');
      assert.deepEqual(tasks.map((task) => task.attempt), tasks.map((_, i) => i + 1), `job ${id}: one task per attempt`);
      assert.ok(tasks.every((task) => task.status !== 'Executing'), `job ${id}: every call settled`);
      recovered += tasks.filter((task) => task.endTime >= task.leaseExpiresAt).length;
      for (let i = 1; i < tasks.length; i++) {
        assert.ok(tasks[i]!.actualTime >= tasks[i - 1]!.endTime, `job ${id}: attempt ${i + 1} started after attempt ${i} ended`);
      }
    }
    // How many calls died with a killed node and were settled by a survivor after their lease.
    t.diagnostic(`peak in flight ${peak} of ${CEILING}; ${recovered} calls recovered after a kill; ${stored!.totalCalls} calls`);
  });
});
