import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { canMove, JOB_GROUP_STATUSES, moverOf } from '../../src/domain/job-group-status.ts';
import { ManualClock } from '../../src/engine/clock.ts';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import type { JobGroupStatus } from '../../src/store/rows.ts';
import type { Store } from '../../src/store/store.ts';
import { dropSchema, newSchemaName, schemaUrl } from '../helpers/postgres.ts';
import { JobFixtures } from './store-contract-jobs.ts';
import { T0 } from './store-contract.ts';

/**
 * The engine moves a group's status in SQL (counters.wakeGroup when jobs are added,
 * counters.refreshStatus after counter changes), not through the transition table
 * of src/domain/job-group-status.ts. Here the SQL is fed every input it reads (each
 * status, and each of the counters it looks at zero or not), and every move it
 * makes must be one the table gives to the engine. On both backends.
 */

/** The counters DERIVED_STATUS reads. */
interface Inputs {
  scheduling: number;
  executing: number;
  paused: number;
  inFlight: number;
}

const COMBINATIONS: Inputs[] = [];
for (let bits = 0; bits < 16; bits++) {
  COMBINATIONS.push({ scheduling: bits & 1, executing: (bits >> 1) & 1, paused: (bits >> 2) & 1, inFlight: (bits >> 3) & 1 });
}

interface Backend {
  store: Store;
  /** Sets a group's counters as the SQL reads them, bypassing the store (the inputs under test). */
  setCounters(jobGroupId: string, inputs: Inputs): Promise<void>;
  cleanup(): Promise<void>;
}

const SET_COUNTERS = 'UPDATE job_group_counters SET scheduling = $1, executing = $2, paused = $3, in_flight = $4 WHERE job_group_id = $5';

async function sqlite(): Promise<Backend> {
  const dir = await mkdtemp(join(tmpdir(), 'outboundbot-moves-'));
  const store = openSqliteStore(dir, new ManualClock(T0));
  return {
    store,
    async setCounters(id, c) {
      store.db.prepare(SET_COUNTERS.replace(/\$\d/g, '?')).run(c.scheduling, c.executing, c.paused, c.inFlight, id);
    },
    async cleanup() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function postgres(): Promise<Backend> {
  const schema = newSchemaName('moves');
  const store = await openPostgresStore(schemaUrl(schema), new ManualClock(T0), { poolSize: 4 });
  return {
    store,
    async setCounters(id, c) {
      // No shard rows exist yet, so the totals the SQL reads are the counter row's.
      await store.pool.query(SET_COUNTERS, [c.scheduling, c.executing, c.paused, c.inFlight, id]);
    },
    async cleanup() {
      await store.close();
      await dropSchema(schema);
    },
  };
}

const move = (from: JobGroupStatus, to: JobGroupStatus) => `${from} -> ${to}`;

for (const [name, open] of [['SQLite', sqlite], ['PostgreSQL', postgres]] as const) {
  describe(`${name}: the engine's own job-group status moves`, () => {
    it('refreshStatus, fed every status and counter combination, makes only engine moves of the transition table', async () => {
      const backend = await open();
      try {
        const f = new JobFixtures(backend.store);
        const { instance } = await f.seedTenant();
        const observed = new Set<string>();
        for (const status of JOB_GROUP_STATUSES) {
          for (const inputs of COMBINATIONS) {
            const group = await f.seedJobGroup(instance.id, { status });
            await backend.setCounters(group.id, inputs);
            await backend.store.refreshGroupStatus(group.id, f.clock.now());
            const after = (await backend.store.findJobGroup(instance.id, group.id))!.status;
            if (after === status) continue;
            observed.add(move(status, after));
            assert.ok(canMove(status, after, 'engine'), `${move(status, after)} with ${JSON.stringify(inputs)}: the table gives it to ${moverOf(status, after) ?? 'nobody'}`);
          }
        }
        // Not vacuous: the SQL makes each of the running group's moves.
        assert.deepEqual([...observed].sort(), ['Executing -> Completed', 'Executing -> Scheduling', 'Scheduling -> Completed', 'Scheduling -> Executing']);
      } finally {
        await backend.cleanup();
      }
    });

    it('jobs added to a group of every status wake it only by an engine move of the transition table', async () => {
      const backend = await open();
      try {
        const f = new JobFixtures(backend.store);
        const { instance } = await f.seedTenant();
        const observed = new Set<string>();
        for (const status of JOB_GROUP_STATUSES) {
          const group = await f.seedJobGroup(instance.id, { status });
          await f.seedJobs(group, 1);
          const after = (await backend.store.findJobGroup(instance.id, group.id))!.status;
          if (after === status) continue;
          observed.add(move(status, after));
          assert.ok(canMove(status, after, 'engine'), `${move(status, after)}: the table gives it to ${moverOf(status, after) ?? 'nobody'}`);
        }
        // Not vacuous: new jobs wake a Draft and a Completed group. (PostgreSQL also
        // refreshes a running group there, which moves the seeded Executing group with
        // no call in flight to Scheduling: an engine move too.)
        for (const wake of ['Completed -> Scheduling', 'Draft -> Scheduling']) assert.ok(observed.has(wake), wake);
      } finally {
        await backend.cleanup();
      }
    });
  });
}

describe('the transition table', () => {
  it('gives pausing, resuming and cancelling to the user, and no move to both', () => {
    for (const from of JOB_GROUP_STATUSES) {
      for (const to of JOB_GROUP_STATUSES) {
        if (from === to) continue;
        const mover = moverOf(from, to);
        if (to === 'Paused' || to === 'Cancelled' || from === 'Paused') assert.ok(mover === undefined || mover === 'user', move(from, to));
        assert.equal(canMove(from, to), mover !== undefined);
        assert.equal(canMove(from, to, 'user') && canMove(from, to, 'engine'), false, move(from, to));
      }
    }
  });
});
