import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/engine/clock.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { runFileStoreContract } from './file-store-contract.ts';
import { T0, type OpenedStore } from './store-contract.ts';

/** An empty SQLite store in a temp data dir of its own, removed by cleanup. */
async function openEmptyStore(): Promise<OpenedStore> {
  const dir = await mkdtemp(join(tmpdir(), 'outboundbot-files-store-'));
  const store = openSqliteStore(dir, new ManualClock(T0));
  return {
    store,
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

runFileStoreContract('SQLite', openEmptyStore);
