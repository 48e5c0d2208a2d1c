import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/engine/clock.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { T0, type OpenStore } from '../store/store-contract.ts';

/** Opens an empty SQLite store in a temp data dir of its own (named for `what`), removed by cleanup. */
export function emptySqliteStore(what: string): OpenStore {
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), `outboundbot-${what}-store-`));
    const store = openSqliteStore(dir, new ManualClock(T0));
    return {
      store,
      cleanup: async () => {
        await store.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  };
}
