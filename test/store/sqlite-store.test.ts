import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { ManualClock } from '../../src/engine/clock.ts';
import { backendMigrations as loadMigrations, migrate } from '../../src/store/sqlite/migrate.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { counters as counterSql } from '../../src/store/sqlite/counter-queries.ts';
import { dispatch as dispatchSql } from '../../src/store/sqlite/dispatch-queries.ts';
import { jobQuery, jobs as jobSql, type JobFilterKey } from '../../src/store/sqlite/job-queries.ts';
import { exportReads } from '../../src/store/sqlite/file-queries.ts';
import { statusOrEndTimeStale } from '../../src/store/sqlite/counter-moves.ts';
import type { JobGroupRow } from '../../src/store/rows.ts';
import { emptySqliteStore } from '../helpers/sqlite-store.ts';
import { runStoreContract } from './store-contract.ts';
import { runCallTaskStoreContract } from './store-contract-call-tasks.ts';
import { runJobStoreContract } from './store-contract-jobs.ts';
import { runTaskSearchStoreContract } from './store-contract-task-search.ts';
import { runPolicyStoreContract } from './store-contract-policy.ts';

const T0 = 1_760_000_000_000;

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'outboundbot-store-'));
}

/** An empty store in a temp data dir of its own, removed by cleanup. */
const openEmptyStore = emptySqliteStore('main');

runStoreContract('SQLite', openEmptyStore);
runJobStoreContract('SQLite', openEmptyStore);
runTaskSearchStoreContract('SQLite', openEmptyStore);
runPolicyStoreContract('SQLite', openEmptyStore);
runCallTaskStoreContract('SQLite', openEmptyStore);

/** A temp data dir for one test, removed afterwards along with any store left open in it. */
async function withDataDir(body: (dir: string, opened: SqliteStore[]) => Promise<void>): Promise<void> {
  const dir = await tempDir();
  const opened: SqliteStore[] = [];
  try {
    await body(dir, opened);
  } finally {
    for (const store of opened) if (store.db.open) await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

interface MigrationRecord {
  version: number;
  name: string;
  applied_at: number;
}

function recordedMigrations(store: SqliteStore): MigrationRecord[] {
  return store.db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all() as MigrationRecord[];
}

describe('openSqliteStore', () => {
  it('creates outboundbot.sqlite inside the given data dir, creating missing directories', () =>
    withDataDir(async (dir, opened) => {
      const dataDir = join(dir, 'nested', 'data');
      opened.push(openSqliteStore(dataDir, new ManualClock(T0)));
      assert.ok(existsSync(join(dataDir, 'outboundbot.sqlite')));
      assert.deepStrictEqual(
        (await readdir(dir)).sort(),
        ['nested'],
        'nothing is written beside the data dir',
      );
    }));

  it('records every migration file in schema_migrations with the time of the clock', () =>
    withDataDir(async (dir, opened) => {
      const store = openSqliteStore(dir, new ManualClock(T0));
      opened.push(store);
      const expected = loadMigrations().map(({ version, name }) => ({ version, name, applied_at: T0 }));
      assert.ok(expected.length >= 2, 'the migrations directory is found');
      assert.deepStrictEqual(recordedMigrations(store), expected);
    }));

  it('migration 000009 fills the call report of the calls answered before it, equal to the recount', () =>
    withDataDir(async (dir, opened) => {
      // A data dir as the release before it left it: migrations up to 000008, calls settled.
      const old = new Database(join(dir, 'outboundbot.sqlite'));
      migrate(old, T0, loadMigrations().filter(({ version }) => version < 9));
      old.pragma('foreign_keys = OFF'); // a group and its calls alone, without the rows they belong to
      old.prepare(`INSERT INTO job_groups (id, instance_id, name, description, script_id, scenario_id, strategy, recall_strategy,
          calling_numbers, recall_calling_numbers, priority, ringing_duration, min_concurrency, job_file_path,
          job_data_parsing_task_id, status, created_at, modified_at)
        VALUES ('g', 'i', 'g', '', '', '', '{}', '{}', '[]', '[]', 'Daily', 25, 0, '', '', 'Completed', 0, 0)`).run();
      old.prepare(`INSERT INTO job_group_counters (job_group_id) VALUES ('g')`).run();
      const insertTask = old.prepare(`INSERT INTO tasks (id, job_id, job_group_id, instance_id, attempt, status, calling_number,
          called_number, contact, planned_time, actual_time, lease_expires_at, end_time, ringing_ms, talk_ms, end_reason,
          hangup_direction, sip_code, conversation)
        VALUES (?, ?, 'g', 'i', 1, ?, '0571', '13800000000', '{}', 0, ?, 0, 0, 0, ?, ?, '', '', ?)`);
      const said = (n: number) => JSON.stringify(Array.from({ length: n }, () => ({ speaker: 'Contact', text: '嗯', timestamp: 0 })));
      insertTask.run('t1', 'j1', 'SucceededFinish', 1, 5_000, 'FINISHED', said(1));
      insertTask.run('t2', 'j2', 'SucceededFinish', 2, 45_000, 'CLIENT_HANGUP', said(3));
      insertTask.run('t3', 'j3', 'NoAnswer', 3, 0, '', '[]');
      old.close();

      const store = openSqliteStore(dir, new ManualClock(T0));
      opened.push(store);
      const report = await store.groupCallReport('g');
      assert.deepStrictEqual(report, {
        answered: 2,
        talkMs: 50_000,
        maxTalkMs: 45_000,
        durationBuckets: { '0-10': 1, '30-60': 1 },
        turnBuckets: { '1': 1, '3': 1 },
      });
      assert.deepStrictEqual(await store.recountCallReport('g'), report);
    }));

  it('migration 000012 keys the block-list entries written before it, so each stops its number in every form', () =>
    withDataDir(async (dir, opened) => {
      // A data dir as the release before it left it: migrations up to 000011, numbers listed as users wrote them.
      const old = new Database(join(dir, 'outboundbot.sqlite'));
      migrate(old, T0, loadMigrations().filter(({ version }) => version < 12));
      old.pragma('foreign_keys = OFF'); // entries alone, without their instance
      const insert = old.prepare(`INSERT INTO contact_block_list (id, instance_id, phone_number, name, remark, creator, created_at)
        VALUES (?, 'i', ?, '', '', '', 0)`);
      insert.run('b1', '+8613900139000');
      insert.run('b2', '13800138000');
      insert.run('b3', '12345'); // not a phone number, taken by the old rule: it still matches itself
      old.close();

      const store = openSqliteStore(dir, new ManualClock(T0));
      opened.push(store);
      assert.deepStrictEqual(
        await store.dialog.blockedNumbers('i', ['+8613900139000', '+8613800138000', '12345', '+8613700137000']),
        new Set(['+8613900139000', '+8613800138000', '12345']),
      );
      const listed = await store.dialog.listBlockedNumbers('i', undefined, { pageNumber: 1, pageSize: 10 });
      assert.deepStrictEqual(listed.items.map((row) => row.phoneNumber).sort(), ['12345', '13800138000', '+8613900139000'].sort(), 'kept as written');
    }));

  it('reopening the same data dir applies no migration twice and keeps the records of the first run', () =>
    withDataDir(async (dir, opened) => {
      const first = openSqliteStore(dir, new ManualClock(T0));
      opened.push(first);
      const recorded = recordedMigrations(first);
      await first.close();

      const second = openSqliteStore(dir, new ManualClock(T0 + 60_000));
      opened.push(second);
      assert.deepStrictEqual(recordedMigrations(second), recorded);
      assert.deepStrictEqual(migrate(second.db, T0 + 120_000), [], 'an up-to-date database has nothing pending');
      assert.deepStrictEqual(recordedMigrations(second), recorded);
    }));

  it('keeps every kind of row across close and reopen', () =>
    withDataDir(async (dir, opened) => {
      const first = openSqliteStore(dir, new ManualClock(T0));
      opened.push(first);
      const account = { id: 'account-1', uid: 1_200_000_000_000_001, name: 'acme', createdAt: T0 };
      const key = {
        id: 'LTAIpersist',
        accountId: account.id,
        secret: 's3cret',
        status: 'Active' as const,
        isRoot: true,
        name: 'root',
        createdAt: T0,
      };
      const instance = {
        id: 'instance-1',
        accountId: account.id,
        name: 'bot',
        description: '',
        maxConcurrentConversation: 5,
        nluServiceType: 'Managed',
        resourceGroupId: '',
        callingNumbers: ['05712345678'],
        creatorId: account.uid,
        creatorName: 'root',
        ownerName: 'acme',
        createdAt: T0,
        modifiedAt: T0,
      };
      const script = {
        id: 'script-1',
        instanceId: instance.id,
        name: 'greeting',
        description: '',
        industry: 'Finance',
        scene: 'Collection',
        nluEngine: 'Prompts',
        nluAccessType: 'Managed',
        settings: { scriptContent: ['hi'] },
        isDrafted: true,
        createdAt: T0,
        updatedAt: T0,
      };
      const group: JobGroupRow = {
        id: 'group-1',
        instanceId: instance.id,
        name: 'campaign',
        description: '',
        scriptId: script.id,
        scenarioId: script.id,
        strategy: {
          id: 'strategy-1',
          name: '',
          description: '',
          maxAttemptsPerDay: 3,
          minAttemptInterval: 10,
          routingStrategy: 'None',
          repeatBy: 'Once',
          repeatable: false,
          repeatDays: [],
          workingTime: [],
          startTime: T0,
          endTime: T0 + 1000,
          timeZoneBy: 'Instance',
          customized: '{}',
        },
        recallStrategy: { emptyNumberIgnore: false, inArrearsIgnore: false, outOfServiceIgnore: false },
        callingNumbers: [],
        recallCallingNumbers: [],
        priority: 'Daily',
        ringingDuration: 25,
        minConcurrency: 2,
        jobFilePath: '',
        jobDataParsingTaskId: '',
        status: 'Draft',
        createdAt: T0,
        modifiedAt: T0,
      };
      await first.insertAccount(account);
      await first.insertAccessKey(key);
      await first.setSetting('root.accessKeyId', key.id);
      await first.claimNonce(key.id, 'nonce-1', T0, T0 + 900_000);
      await first.insertInstance(instance);
      await first.insertScript(script);
      await first.publishScript({
        scriptId: script.id,
        instanceId: instance.id,
        version: String(T0),
        description: '',
        publishedAt: T0,
        snapshot: script,
      });
      await first.insertJobGroup(group);
      await first.close();

      const second = openSqliteStore(dir, new ManualClock(T0 + 60_000));
      opened.push(second);
      assert.deepStrictEqual(await second.findAccount(account.id), account);
      assert.equal((await second.findAccessKey(key.id))?.secret, 's3cret');
      assert.equal(await second.getSetting('root.accessKeyId'), key.id);
      assert.equal(await second.claimNonce(key.id, 'nonce-1', T0 + 1, T0 + 900_000), false, 'a replay is refused across a restart');
      assert.deepStrictEqual(await second.findInstance(account.id, instance.id), instance);
      assert.equal((await second.findScript(instance.id, script.id))?.publishedVersion, String(T0));
      assert.equal((await second.listScriptVersions(instance.id, script.id, { pageNumber: 1, pageSize: 10 })).totalCount, 1);
      const view = await second.viewJobGroup(instance.id, group.id);
      assert.equal(view?.group.name, 'campaign');
      assert.equal(view?.scriptName, 'greeting');
      assert.equal(await second.sumMinConcurrency(instance.id, 'Daily'), 2);
    }));
});

describe('SQLite job indexes', () => {
  /** The query plan's lines for a statement, its parameters bound to NULL. */
  function planOf(store: SqliteStore, sql: string): string[] {
    const named = [...sql.matchAll(/@(\w+)/g)].map((m) => m[1]!);
    const explain = store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`);
    const rows = named.length > 0
      ? explain.all(Object.fromEntries(named.map((name) => [name, null])))
      : explain.all(...Array<null>((sql.match(/\?/g) ?? []).length).fill(null));
    return (rows as Array<{ detail: string }>).map((row) => row.detail);
  }

  it('no index but the due index holds a job\'s status, so claiming and settling a call rewrite no other index entry', () =>
    withDataDir(async (dir, opened) => {
      const store = openSqliteStore(dir, new ManualClock(T0));
      opened.push(store);
      const indexes = store.db.prepare(`SELECT name FROM pragma_index_list('jobs')`).all() as Array<{ name: string }>;
      const holdingStatus = indexes
        .filter(({ name }) => (store.db.prepare(`SELECT name FROM pragma_index_info(?)`).all(name) as Array<{ name: string }>).some((column) => column.name === 'status'))
        .map(({ name }) => name);
      assert.deepStrictEqual(holdingStatus, [], 'a status change would rewrite these entries twice per call');
      assert.ok(indexes.some(({ name }) => name === 'jobs_due'), 'due jobs are found by index');
    }));

  it('reads a group\'s jobs by index: due jobs, the recount, Suspend/Resume/Cancel and the export\'s walk past its last key', () =>
    withDataDir(async (dir, opened) => {
      const store = openSqliteStore(dir, new ManualClock(T0));
      opened.push(store);
      for (const [name, sql] of Object.entries({ due: dispatchSql.due, recount: counterSql.recount, move: jobSql.move, exportWalk: exportReads.jobs })) {
        const plan = planOf(store, sql);
        assert.ok(!plan.some((line) => /^SCAN (jobs|j)\b/.test(line)), `${name} scans the jobs table: ${plan.join(' | ')}`);
      }
      // Each export page seeks past the last (created_at, rowid) instead of reading the group from its start.
      const exportPlan = planOf(store, exportReads.jobs);
      assert.ok(exportPlan.some((line) => line.includes('jobs_of_group (job_group_id=? AND created_at>?)')), exportPlan.join(' | '));
    }));

  it('lists a group\'s jobs newest first from jobs_of_group, with no sort, whatever other filter is given', () =>
    withDataDir(async (dir, opened) => {
      const store = openSqliteStore(dir, new ManualClock(T0));
      opened.push(store);
      for (const given of [['jobGroupId'], ['jobGroupId', 'statuses'], ['jobGroupId', 'failureReason', 'createdFrom']] as JobFilterKey[][]) {
        const plan = planOf(store, jobQuery(new Set(given)).list);
        assert.ok(plan.some((line) => line.startsWith('SEARCH j USING INDEX jobs_of_group')), `${given.join('+')}: ${plan.join(' | ')}`);
        assert.ok(!plan.some((line) => line.includes('TEMP B-TREE')), `${given.join('+')}: ${plan.join(' | ')}`);
      }
      const instanceWide = planOf(store, jobQuery(new Set(['statuses'])).list);
      assert.ok(instanceWide.some((line) => line.startsWith('SEARCH j USING INDEX jobs_by_instance')), instanceWide.join(' | '));
    }));

  it('pages an instance\'s calls for export by seeking in tasks_by_instance, with no sort of all of them', () =>
    withDataDir(async (dir, opened) => {
      const store = openSqliteStore(dir, new ManualClock(T0));
      opened.push(store);
      const plan = planOf(store, exportReads.tasks);
      assert.ok(plan.some((line) => line.includes('tasks_by_instance (instance_id=? AND actual_time>?)')), plan.join(' | '));
      assert.ok(!plan.some((line) => line.includes('TEMP B-TREE')), plan.join(' | '));
    }));

  it('ListJobs looks its jobs up by primary key, not by walking the instance\'s jobs', () =>
    withDataDir(async (dir, opened) => {
      const store = openSqliteStore(dir, new ManualClock(T0));
      opened.push(store);
      const plan = planOf(store, jobSql.byIds);
      assert.ok(plan.some((line) => /SEARCH j USING INDEX sqlite_autoindex_jobs_1 \(id=\?\)/.test(line)), plan.join(' | '));
      assert.ok(!plan.some((line) => line.includes('jobs_by_instance')), plan.join(' | '));
    }));
});

describe('statusOrEndTimeStale', () => {
  it('says a group needs its status or end time refreshed exactly when the refresh statements would change it', () =>
    withDataDir(async (dir, opened) => {
      const store = openSqliteStore(dir, new ManualClock(T0));
      opened.push(store);
      store.db.pragma('foreign_keys = OFF');
      store.db.prepare(`INSERT INTO job_groups (id, instance_id, name, description, script_id, scenario_id, strategy, recall_strategy,
          calling_numbers, recall_calling_numbers, priority, ringing_duration, min_concurrency, job_file_path,
          job_data_parsing_task_id, status, created_at, modified_at)
        VALUES ('g', 'i', 'g', '', '', '', '{}', '{}', '[]', '[]', 'Daily', 25, 0, '', '', 'Draft', 0, 0)`).run();
      store.db.prepare(`INSERT INTO job_group_counters (job_group_id) VALUES ('g')`).run();
      const setGroup = store.db.prepare(`UPDATE job_groups SET status = ? WHERE id = 'g'`);
      const setCounters = store.db.prepare(`UPDATE job_group_counters SET scheduling = ?, paused = ?, in_flight = ?, end_time = ? WHERE job_group_id = 'g'`);
      const refresh = store.db.prepare(counterSql.refreshStatus);
      const stamp = store.db.prepare(counterSql.stampEnd);
      let checked = 0;
      for (const status of ['Draft', 'Scheduling', 'Executing', 'Completed', 'Paused', 'Cancelled']) {
        for (const [scheduling, paused, inFlight] of [[0, 0, 0], [3, 0, 0], [0, 2, 0], [0, 0, 1], [4, 0, 2]] as const) {
          for (const endTime of [0, T0 - 1]) {
            setGroup.run(status);
            setCounters.run(scheduling, paused, inFlight, endTime);
            const stale = statusOrEndTimeStale({ waiting: scheduling + paused, inFlight, endTime, status });
            const changed = refresh.run({ jobGroupId: 'g', now: T0 }).changes + stamp.run({ jobGroupId: 'g', now: T0 }).changes;
            assert.equal(stale, changed > 0, `${status}, ${scheduling} scheduling, ${paused} paused, ${inFlight} in flight, end time ${endTime}`);
            checked++;
          }
        }
      }
      assert.equal(checked, 60);
    }));
});
