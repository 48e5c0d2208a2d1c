import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/engine/clock.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { runNumberStoreContract } from './number-store-contract.ts';

runNumberStoreContract('SQLite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'outboundbot-number-store-'));
  const store = openSqliteStore(dir, new ManualClock(1_760_000_000_000));
  return {
    store,
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
