import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import pino from 'pino';
import { createIdGenerator } from '../../src/domain/ids.ts';
import { ManualClock } from '../../src/engine/clock.ts';
import { TaskRunner } from '../../src/files/task-runner.ts';
import { createServices } from '../../src/services/services.ts';
import { newJob } from '../../src/store/rows.ts';
import { openSqliteStore, type SqliteStore, type SqliteStoreOptions } from '../../src/store/sqlite/sqlite-store.ts';
import { BackgroundCheckpointer } from '../../src/store/sqlite/wal-checkpointer.ts';

const T0 = 1_760_000_000_000;
/** Jobs written per insertJobs call, and calls: enough for the store to look at its WAL (one write in 64). */
const JOBS_PER_CALL = 20;
const CALLS = 130;

async function withStore(options: SqliteStoreOptions, body: (store: SqliteStore, databasePath: string, assignJobs: () => Promise<void>) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'outboundbot-checkpointer-'));
  const clock = new ManualClock(T0);
  let store = openSqliteStore(dir, clock, options);
  const ids = createIdGenerator(clock);
  const logger = pino({ level: 'silent' });
  const services = createServices({ store, clock, ids }, { tasks: new TaskRunner(logger), dataDir: dir, baseUrl: () => 'http://127.0.0.1', logger });
  const { account, key } = await services.accessKeys.createAccount('a');
  const instance = await services.instances.create({ accountId: account.id, accessKeyId: key.id }, { name: 'i', maxConcurrentConversation: 1, callingNumbers: ['057188880000'] });
  const { group } = await services.jobGroups.create(account.id, instance.id, { name: 'g', strategy: {} });
  let made = 0;
  const assignJobs = async () => {
    for (let call = 0; call < CALLS; call++) {
      const jobs = Array.from({ length: JOBS_PER_CALL }, () =>
        newJob(
          { id: ids.next(), instanceId: instance.id, jobGroupId: group.id, referenceId: String(++made), contacts: [{ id: ids.next(), phoneNumber: `1380000${String(made).padStart(4, '0')}`, name: 'x'.repeat(200), honorific: '', referenceId: '' }], extras: [], callingNumbers: [], scriptVersion: '' },
          T0,
        ),
      );
      await store.insertJobs(group.id, jobs, T0);
    }
  };
  try {
    await body(store, join(dir, 'outboundbot.sqlite'), assignJobs);
    await store.close();
    // Everything written is there after a reopen, whoever copied it back.
    store = openSqliteStore(dir, clock);
    assert.equal((await store.storedCounters(group.id))!.totalJobs, made);
    assert.equal((store.db.prepare('SELECT count(*) AS n FROM jobs').get() as { n: number }).n, made);
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Waits until `ready` holds, for at most two seconds. */
async function eventually(ready: () => boolean): Promise<boolean> {
  for (let waited = 0; waited < 2_000 && !ready(); waited += 10) await sleep(10);
  return ready();
}

describe('BackgroundCheckpointer', () => {
  it('copies committed pages into the database file on its thread, with no checkpoint on the writer', () =>
    withStore({ walCheckpointer: { startAtWalBytes: 0, intervalMs: 10 } }, async (store, databasePath, assignJobs) => {
      const before = statSync(databasePath).size;
      await assignJobs();
      assert.equal(store.walCheckpointer.running, true);
      // The writer checkpoints once the WAL holds wal_autocheckpoint pages; it never held that many.
      const writerCheckpointsAt = Number(store.db.pragma('wal_autocheckpoint', { simple: true }));
      assert.ok(statSync(`${databasePath}-wal`).size < writerCheckpointsAt * (4096 + 24));
      assert.ok(await eventually(() => statSync(databasePath).size > before + 500_000), 'the database file did not grow');
    }));

  it('does not start while the WAL is smaller than its threshold, and the pages then stay in the WAL', () =>
    withStore({ walCheckpointer: { startAtWalBytes: 1024 * 1024 * 1024, intervalMs: 10 } }, async (store, databasePath, assignJobs) => {
      const before = statSync(databasePath).size;
      await assignJobs();
      await sleep(100);
      assert.equal(store.walCheckpointer.running, false);
      assert.equal(statSync(databasePath).size, before);
    }));

  it('stops with the store, and writes go on being committed while it runs', () =>
    withStore({ walCheckpointer: { startAtWalBytes: 0, intervalMs: 1 } }, async (store, _databasePath, assignJobs) => {
      await assignJobs();
      assert.equal(store.walCheckpointer.running, true);
      await assignJobs();
      await store.walCheckpointer.close();
      assert.equal(store.walCheckpointer.running, false);
      // Closed, it starts no new worker however large the WAL grows.
      await assignJobs();
      assert.equal(store.walCheckpointer.running, false);
    }));

  it('is gone after its worker fails, starts no other, and still closes', async () => {
    const checkpointer = new BackgroundCheckpointer(join(tmpdir(), 'outboundbot-no-such-dir', 'missing.sqlite'), { startAtWalBytes: 0, intervalMs: 10 });
    checkpointer.notice();
    assert.equal(checkpointer.running, true);
    assert.ok(await eventually(() => !checkpointer.running), 'the failed worker still counts as running');
    checkpointer.notice();
    assert.equal(checkpointer.running, false);
    await checkpointer.close();
  });
});
