import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ManualClock } from '../../src/engine/clock.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { taskSearchDialect } from '../../src/store/sqlite/task-search-queries.ts';
import { taskSearchSql, type TaskFilterKey, type TaskSort } from '../../src/store/task-search.ts';

/** SearchTask's statements on SQLite: which index each walks, and that the indexed sort needs no sort step. */
describe('SQLite call-history plans', () => {
  async function withStore(body: (store: SqliteStore) => void): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), 'outboundbot-task-plans-'));
    const store = openSqliteStore(dir, new ManualClock(1_760_000_000_000));
    try {
      body(store);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** The plan of the page's inner walk (the statement bound to NULLs). */
  function planOf(store: SqliteStore, given: TaskFilterKey[], sort: TaskSort): string {
    const sql = taskSearchSql(taskSearchDialect, given, sort).list;
    const named = [...new Set([...sql.matchAll(/@(\w+)/g)].map((m) => m[1]!))];
    const rows = store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(Object.fromEntries(named.map((name) => [name, null]))) as Array<{ detail: string }>;
    return rows.map((row) => row.detail).join('\n');
  }

  const newest: TaskSort = { by: 'actualTime', order: 'desc' };

  it('walks the instance\'s calls newest first by tasks_by_instance, with no sort of the instance', () =>
    withStore((store) => {
      const plan = planOf(store, [], newest);
      assert.match(plan, /tasks_by_instance/);
      assert.doesNotMatch(plan.split('\n').slice(0, 2).join('\n'), /TEMP B-TREE/, plan);
    }));

  it('walks a group\'s calls by tasks_by_group, a job\'s by tasks_by_job, one call by its key', () =>
    withStore((store) => {
      assert.match(planOf(store, ['jobGroupId'], newest), /tasks_by_group/);
      assert.match(planOf(store, ['jobId'], newest), /tasks_by_job/);
      assert.match(planOf(store, ['taskId'], newest), /sqlite_autoindex_tasks_1|PRIMARY KEY/);
    }));

  it('finds a callee\'s calls by tasks_by_callee (migration 000014)', () =>
    withStore((store) => {
      assert.match(planOf(store, ['calledKey'], newest), /tasks_by_callee/);
    }));
});
