import type { Config } from '../config/config.ts';
import type { Clock } from '../engine/clock.ts';
import { openPostgresStore } from './postgres/postgres-store.ts';
import { openSqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './store.ts';

/**
 * The configured backend: PostgreSQL when OUTBOUNDBOT_DATABASE_URL is set (several
 * nodes may share it), else the embedded SQLite database in the data dir.
 * Pending migrations are applied either way.
 */
export async function openStore(config: Pick<Config, 'dataDir' | 'databaseUrl'>, clock: Clock): Promise<Store> {
  if (config.databaseUrl) return openPostgresStore(config.databaseUrl, clock);
  return openSqliteStore(config.dataDir, clock);
}
