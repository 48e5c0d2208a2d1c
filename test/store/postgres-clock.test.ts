/**
 * Nodes on one PostgreSQL database judge leases by the database's clock: a node's
 * SyncedClock is set to it, whatever the node's own clock says. On the virtual clock,
 * the advancing node waits for its live peers only, and not for ever.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { ManualClock, SystemClock } from '../../src/engine/clock.ts';
import { SyncedClock } from '../../src/engine/synced-clock.ts';
import { LIVENESS_MS, PostgresClockSync } from '../../src/store/postgres/postgres-clock-sync.ts';
import { openPostgresStore, type PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { dropSchema, newSchemaName, schemaUrl } from '../helpers/postgres.ts';

const HOUR = 3_600_000;

describe('a node clock synced to the database', () => {
  const schema = newSchemaName('clock');
  let store: PostgresStore;

  before(async () => {
    store = await openPostgresStore(schemaUrl(schema), new SystemClock(), { poolSize: 2 });
  });

  after(async () => {
    await store.close();
    await dropSchema(schema);
  });

  it('tells the database time even when the node clock is an hour off either way', async () => {
    for (const skew of [-HOUR, HOUR]) {
      const local = new ManualClock(Date.now() + skew);
      const clock = new SyncedClock(local, () => store.databaseTime());
      assert.ok(Math.abs(clock.now() - Date.now()) >= HOUR - 1_000, 'unsynced, it follows the node clock');
      await clock.sync();
      const reference = await store.databaseTime();
      // The manual node clock stands still, so the synced clock stands at the moment of the sync.
      assert.ok(Math.abs(clock.now() - reference) < 1_000, `synced clock ${clock.now()} vs database ${reference}`);
    }
  });

  it('runs on the node clock between measurements', async () => {
    const local = new ManualClock(1_000);
    let remote = 50_000;
    const clock = new SyncedClock(local, async () => remote);
    await clock.sync();
    assert.equal(clock.now(), 50_000);
    local.advance(2_500);
    assert.equal(clock.now(), 52_500);
    remote = 60_000;
    await clock.sync();
    assert.equal(clock.now(), 60_000);
  });

  it('takes a reading to be from halfway through its round trip', async () => {
    const local = new ManualClock(0);
    // The reference answers 10 s in, and the answer arrives 20 s after the question.
    const clock = new SyncedClock(local, async () => {
      local.advance(10_000);
      const reading = 100_000;
      local.advance(10_000);
      return reading;
    });
    await clock.sync();
    assert.equal(clock.now(), 110_000);
  });

  it('keeps to whole milliseconds, as times are stored', async () => {
    const local = new ManualClock(0);
    const clock = new SyncedClock(local, async () => {
      local.advance(3);
      return 1_000;
    });
    await clock.sync();
    assert.ok(Number.isInteger(clock.now()), String(clock.now()));
  });
});

describe('the virtual clock shared by nodes, as the advancing node sees its peers', () => {
  const schema = newSchemaName('vclock');
  let store: PostgresStore;

  before(async () => {
    store = await openPostgresStore(schemaUrl(schema), new SystemClock(), { poolSize: 3 });
  });

  after(async () => {
    await store.close();
    await dropSchema(schema);
  });

  it('waits for a live peer, not for one gone silent, and gives up on a live peer that never processes the moment', async () => {
    const sync = new PostgresClockSync(store, pino({ level: 'silent' }), 300);
    assert.equal(await sync.join(1_000, async () => undefined), 1_000);
    try {
      const peer = (seenAgoMs: number, virtualNow: number, nextTimer: number | null) =>
        store.pool.query(
          `INSERT INTO cluster_nodes (id, seen_at, virtual_now, next_timer) VALUES ($1, (extract(epoch FROM clock_timestamp()) * 1000)::bigint - $2, $3, $4)`,
          [`peer-${seenAgoMs}-${virtualNow}`, seenAgoMs, virtualNow, nextTimer],
        );
      // A peer that processed the moment tells its earliest timer; a silent one is not waited for.
      await peer(0, 5_000, 7_000);
      await peer(LIVENESS_MS + 1_000, 0, 2_000);
      assert.equal(await sync.settled(5_000), 7_000);
      // A live peer still behind holds the advance until the deadline.
      await peer(0, 4_000, null);
      await assert.rejects(sync.settled(5_000), /has not processed virtual time 5000/);
    } finally {
      await sync.leave();
    }
  });
});
