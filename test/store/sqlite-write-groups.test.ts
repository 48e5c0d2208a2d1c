import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { ManualClock } from '../../src/engine/clock.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { WriteGroups } from '../../src/store/sqlite/write-groups.ts';

const T0 = 1_760_000_000_000;

/**
 * A store whose groups commit at every 3rd checkpoint, and a second connection to
 * the same file that sees only what is committed.
 */
async function withStore(body: (store: SqliteStore, committed: (key: string) => string | undefined) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'outboundbot-groups-'));
  const store = openSqliteStore(dir, new ManualClock(T0), { checkpointsPerCommit: 3 });
  const reader = new Database(join(dir, 'outboundbot.sqlite'), { readonly: true });
  const read = reader.prepare('SELECT value FROM settings WHERE key = ?');
  try {
    await body(store, (key) => (read.get(key) as { value: string } | undefined)?.value);
  } finally {
    reader.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

describe('SqliteStore.groupWrites', () => {
  it('commits a group at every third checkpoint and when the body ends, not before', () =>
    withStore(async (store, committed) => {
      const seen: Array<string | undefined> = [];
      const result = await store.groupWrites(async (checkpoint) => {
        for (let step = 1; step <= 4; step++) {
          await store.setSetting('step', String(step));
          seen.push(committed('step'));
          await checkpoint();
        }
        return 'walked';
      });
      assert.equal(result, 'walked');
      // Steps 1-3 commit together at the third checkpoint; step 4 when the body ends.
      assert.deepEqual(seen, [undefined, undefined, undefined, '3']);
      assert.equal(committed('step'), '4');
    }));

  it('makes another caller wait until the group commits at the next checkpoint, so what it wrote is durable when it is answered', () =>
    withStore(async (store, committed) => {
      let outsideAnswered = false;
      // A request arriving mid-walk. It is scheduled here, outside the group: work
      // started from inside the group's async context counts as the group's own.
      const outside = sleep(10).then(async () => {
        await store.setSetting('request', 'r');
        outsideAnswered = true;
        assert.equal(committed('request'), 'r', 'answered before it was committed');
        assert.equal(committed('walk'), '1', 'it ran before the group committed');
      });
      await store.groupWrites(async (checkpoint) => {
        await store.setSetting('walk', '1');
        await sleep(30);
        assert.equal(outsideAnswered, false, 'the outside write ran inside the open group');
        assert.equal(await store.getSetting('request'), undefined);
        await checkpoint(); // commits at once for the waiting caller, which runs before the group opens again
        assert.equal(outsideAnswered, true);
        await store.setSetting('walk', '2');
        await sleep(5); // real I/O inside the group: the owner itself never waits
        assert.equal(await store.getSetting('walk'), '2');
      });
      await outside;
      assert.equal(committed('walk'), '2');
    }));

  it('commits what a failing body did before the failure, and the store stays usable', () =>
    withStore(async (store, committed) => {
      await assert.rejects(
        store.groupWrites(async () => {
          await store.setSetting('before', 'kept');
          throw new Error('walk failed');
        }),
        /walk failed/,
      );
      assert.equal(committed('before'), 'kept');
      assert.equal(store.db.inTransaction, false);
      await store.setSetting('after', 'x');
      assert.equal(committed('after'), 'x');
    }));

  it('keeps each call atomic inside a group: a failed call leaves nothing, the others commit', () =>
    withStore(async (store, committed) => {
      await store.groupWrites(async () => {
        await store.setSetting('first', '1');
        // A transaction that fails inside the group is rolled back to its savepoint only.
        await assert.rejects(store.insertAccount({ id: 'a', uid: 1, name: 'x', createdAt: T0 }).then(() => store.insertAccount({ id: 'a', uid: 1, name: 'x', createdAt: T0 })));
        await store.setSetting('second', '2');
      });
      assert.equal(committed('first'), '1');
      assert.equal(committed('second'), '2');
      assert.equal((await store.listAccounts()).length, 1);
    }));

  it('runs a group nested in a group as part of it', () =>
    withStore(async (store, committed) => {
      await store.groupWrites(async () => {
        await store.groupWrites(async () => store.setSetting('inner', 'i'));
        assert.equal(committed('inner'), undefined, 'the inner group committed on its own');
      });
      assert.equal(committed('inner'), 'i');
    }));
});

describe('WriteGroups.atomic', () => {
  /** A WriteGroups on a file of its own (commits at every 3rd checkpoint) and a second connection that sees only what is committed. */
  async function withGroups(body: (groups: WriteGroups, write: (key: string) => void, committed: () => string[], db: Database.Database) => Promise<void>): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), 'outboundbot-atomic-'));
    const db = new Database(join(dir, 'groups.sqlite'));
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE kv (key TEXT PRIMARY KEY)');
    const reader = new Database(join(dir, 'groups.sqlite'), { readonly: true });
    const insert = db.prepare('INSERT INTO kv (key) VALUES (?)');
    const keys = reader.prepare('SELECT key FROM kv ORDER BY key').pluck();
    try {
      await body(new WriteGroups(db, 3), (key) => insert.run(key), () => keys.all() as string[], db);
    } finally {
      reader.close();
      db.close();
      await rm(dir, { recursive: true, force: true });
    }
  }

  it('outside a group is a transaction of its own: a failure leaves nothing of it', () =>
    withGroups(async (groups, write, committed) => {
      groups.atomic(() => write('a'));
      assert.throws(() => groups.atomic(() => (write('b'), write('a'))), /UNIQUE/);
      assert.deepEqual(committed(), ['a']);
    }));

  it('inside its group commits with the group, and a failure rolls back the group since its last commit and closes it', () =>
    withGroups(async (groups, write, committed) => {
      await assert.rejects(
        groups.run(async (checkpoint) => {
          for (const key of ['s1', 's2', 's3']) {
            groups.atomic(() => write(key));
            await checkpoint(); // the third commits s1-s3
          }
          groups.atomic(() => write('s4'));
          assert.deepEqual(committed(), ['s1', 's2', 's3'], 'a step committed before its group');
          await checkpoint();
          groups.atomic(() => (write('s5'), write('s1'))); // fails half-way, with no savepoint to go back to
        }),
        /UNIQUE/,
      );
      // s4 and the half of s5 went with the group, as a crash there would take them.
      assert.deepEqual(committed(), ['s1', 's2', 's3']);
      assert.equal(groups.mustWait(), false, 'the failed group still holds other callers back');
      groups.atomic(() => write('after'));
      assert.deepEqual(committed(), ['after', 's1', 's2', 's3']);
    }));

  it('inside a group whose transaction SQLite ended itself is a transaction of its own again', () =>
    withGroups(async (groups, write, committed, db) => {
      await groups.run(async () => {
        groups.atomic(() => write('kept'));
        db.exec('ROLLBACK'); // as SQLite does on a full disk: the group's work is gone
        assert.throws(() => groups.atomic(() => (write('half'), write('half'))), /UNIQUE/);
        groups.atomic(() => write('alone'));
      });
      assert.deepEqual(committed(), ['alone'], 'the failed write left half of itself');
    }));
});
