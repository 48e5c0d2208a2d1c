/**
 * Nodes on one PostgreSQL database judge leases by the database's clock: a node's
 * SyncedClock is set to it, whatever the node's own clock says.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock, SystemClock } from '../../src/engine/clock.ts';
import { SyncedClock } from '../../src/engine/synced-clock.ts';
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
