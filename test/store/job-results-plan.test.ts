/**
 * QueryJobsWithResult's pages on both backends: what they return (newest first, the
 * count, a page past the end), and how they are found: by walking the group's
 * jobs_of_group index from the newest job, never by sorting the group. The plans
 * are read with EXPLAIN QUERY PLAN (SQLite) and EXPLAIN (PostgreSQL) on a group large
 * enough that a sort would be chosen if the index could not serve the order.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ManualClock } from '../../src/engine/clock.ts';
import { newJob, type JobRow } from '../../src/store/rows.ts';
import { jobResultConditions, type JobResultFilter } from '../../src/store/job-result-filter.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { codec as sqliteCodec } from '../../src/store/sqlite/sqlite-rows.ts';
import { jobResultQuery as sqliteQuery, sqliteResultDialect } from '../../src/store/sqlite/job-result-queries.ts';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { codec as postgresCodec } from '../../src/store/postgres/postgres-rows.ts';
import { jobResultQuery as postgresQuery, postgresResultDialect } from '../../src/store/postgres/job-result-queries.ts';
import { bind } from '../../src/store/postgres/queries.ts';
import type { Store } from '../../src/store/store.ts';
import { dropSchema, newSchemaName, schemaUrl } from '../helpers/postgres.ts';
import { Fixtures, T0 } from './store-contract.ts';

const JOBS = 3_000;

/** A group of JOBS jobs, one created per millisecond, oldest first; the last 500 paused; job 7's contact stored before contacts carried an e164. */
async function seedGroup(store: Store): Promise<{ instanceId: string; jobGroupId: string; jobs: JobRow[] }> {
  const fixtures = new Fixtures(store);
  const { instance } = await fixtures.seedTenant();
  const group = await fixtures.seedJobGroup(instance.id);
  const jobs = Array.from({ length: JOBS }, (_, i) =>
    newJob({ id: fixtures.id(), instanceId: instance.id, jobGroupId: group.id, referenceId: `ref-${i}`, contacts: [{ id: fixtures.id(), phoneNumber: `1380000${String(i).padStart(4, '0')}`, ...(i === 7 ? {} : { e164: `+861380000${String(i).padStart(4, '0')}` }), name: '', honorific: '', referenceId: '' }], extras: [], callingNumbers: [], scriptVersion: '' }, T0 + DAY_MS + i),
  );
  await store.insertJobs(group.id, jobs, T0 + DAY_MS);
  await store.moveJobs(group.id, { jobIds: jobs.slice(-500).map((job) => job.id) }, ['Scheduling'], 'Paused', T0 + DAY_MS);
  return { instanceId: instance.id, jobGroupId: group.id, jobs };
}

const DAY_MS = 86_400_000;

interface Backend {
  name: string;
  open(): Promise<{ store: Store; cleanup: () => Promise<void> }>;
  /** The plan of the page statement for `filter`, one line per node. */
  plan(store: Store, filter: JobResultFilter, params: Record<string, unknown>): Promise<string[]>;
  /** What every page plan's walk must read: the group's index, backwards for PostgreSQL. */
  walk: RegExp;
  /** What must not be in a page plan: a sort. */
  sort: RegExp;
}

const BACKENDS: Backend[] = [
  {
    name: 'SQLite',
    async open() {
      const dir = await mkdtemp(join(tmpdir(), 'outboundbot-results-'));
      const store = openSqliteStore(dir, new ManualClock(T0));
      return { store, cleanup: async () => { await store.close(); await rm(dir, { recursive: true, force: true }); } };
    },
    async plan(store, filter, params) {
      const where = jobResultConditions(filter, sqliteResultDialect, sqliteCodec);
      const sql = sqliteQuery(where).page;
      return (store as SqliteStore).db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ ...where.params, ...params }).map((row) => String((row as { detail: string }).detail));
    },
    walk: /^(SEARCH|SCAN) j USING (COVERING )?INDEX jobs_of_group/,
    sort: /TEMP B-TREE/,
  },
  {
    name: 'PostgreSQL',
    async open() {
      const schema = newSchemaName('results');
      const store = await openPostgresStore(schemaUrl(schema), new ManualClock(T0), { poolSize: 2 });
      return { store, cleanup: async () => { await store.close(); await dropSchema(schema); } };
    },
    async plan(store, filter, params) {
      const pool = (store as PostgresStore).pool;
      await pool.query('ANALYZE jobs');
      const where = jobResultConditions(filter, postgresResultDialect, postgresCodec);
      const bound = bind(`EXPLAIN ${postgresQuery(where).page}`, { ...where.params, ...params });
      return (await pool.query({ text: bound.text, values: bound.values })).rows.map((row) => String(row['QUERY PLAN']));
    },
    walk: /Index (Only )?Scan Backward using jobs_of_group on jobs j/,
    sort: /Sort/,
  },
];

for (const backend of BACKENDS) {
  describe(`QueryJobsWithResult pages on ${backend.name}`, () => {
    it('pages newest first, counts from the counters or the conditions, and an empty page past the end', async () => {
      const { store, cleanup } = await backend.open();
      try {
        const { instanceId, jobGroupId, jobs } = await seedGroup(store);
        const newestFirst = jobs.map((job) => job.id).reverse();
        const page = async (filter: JobResultFilter, pageNumber: number, pageSize = 10) => {
          const result = await store.queryJobResults(instanceId, jobGroupId, filter, { pageNumber, pageSize });
          return { ids: result.items.map((item) => item.job.id), total: result.totalCount, tasks: result.items.filter((item) => item.lastTask).length };
        };
        assert.deepEqual(await page({}, 1), { ids: newestFirst.slice(0, 10), total: JOBS, tasks: 0 });
        assert.deepEqual(await page({}, 100), { ids: newestFirst.slice(990, 1000), total: JOBS, tasks: 0 });
        assert.deepEqual(await page({}, 301), { ids: [], total: JOBS, tasks: 0 });
        assert.deepEqual(await page({ jobStatus: 'Paused' }, 2, 100), { ids: newestFirst.slice(100, 200), total: 500, tasks: 0 });
        assert.deepEqual(await page({ jobStatus: 'Scheduling' }, 1, 5), { ids: newestFirst.slice(500, 505), total: 2_500, tasks: 0 });
        // Not called yet: not answered, and no call time to fall in a range.
        assert.equal((await page({ answered: false }, 1)).total, JOBS);
        assert.equal((await page({ answered: true }, 1)).total, 0);
        assert.equal((await page({ callFrom: 0 }, 1)).total, 0);
        const target = jobs[1234]!;
        for (const search of [{ text: target.id, phoneKey: target.id }, { text: 'ref-1234', phoneKey: 'ref-1234' }, { text: '+8613800001234', phoneKey: '+8613800001234' }]) {
          assert.deepEqual(await page({ search }, 1), { ids: [target.id], total: 1, tasks: 0 }, search.text);
        }
        // A contact stored without an e164 is found by its number as written.
        assert.deepEqual(await page({ search: { text: '13800000007', phoneKey: '+8613800000007' } }, 1), { ids: [jobs[7]!.id], total: 1, tasks: 0 });
        assert.deepEqual(await page({ search: { text: '+8613800000007', phoneKey: '+8613800000007' } }, 1), { ids: [], total: 0, tasks: 0 });
        // Another instance's id finds nothing, even with the group's id.
        assert.deepEqual(await store.queryJobResults('another-instance', jobGroupId, {}, { pageNumber: 1, pageSize: 10 }), { items: [], totalCount: 0 });
      } finally {
        await cleanup();
      }
    });

    it('walks jobs_of_group from the newest job and never sorts the group, filtered or not', async () => {
      const { store, cleanup } = await backend.open();
      try {
        const { jobGroupId } = await seedGroup(store);
        const params = { jobGroupId, limit: 10, offset: 990 };
        // A status most of the group holds. For one the statistics say few jobs hold
        // (Executing: at most the lines in use), PostgreSQL may read just those by
        // jobs_by_group and sort them, a handful, which costs less than the walk.
        for (const filter of [{}, { jobStatus: 'Scheduling' }, { answered: true, taskStatuses: ['NoAnswer'] }, { search: { text: 'x', phoneKey: 'x' } }] as JobResultFilter[]) {
          const plan = await backend.plan(store, filter, params);
          assert.ok(plan.some((line) => backend.walk.test(line.trim())), `${JSON.stringify(filter)}: ${plan.join(' | ')}`);
          assert.ok(!plan.some((line) => backend.sort.test(line)), `${JSON.stringify(filter)} sorts: ${plan.join(' | ')}`);
        }
        // With nothing but the group, SQLite reads the index alone (the OFFSET skips entries, not rows).
        if (backend.name === 'SQLite') assert.ok((await backend.plan(store, {}, params)).some((line) => line.includes('COVERING INDEX jobs_of_group')));
      } finally {
        await cleanup();
      }
    });
  });
}
