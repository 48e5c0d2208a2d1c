import type { Logger } from 'pino';
import type { Clock } from '../../engine/clock.ts';
import type { Store, StoreCluster } from '../store.ts';
import { withAccounts } from './accounts.ts';
import { withCallTasks } from './call-tasks.ts';
import { withAdvisoryLocks } from './advisory-locks.ts';
import { withCounterReads } from './counter-reads.ts';
import { parseDatabaseUrl, type PostgresLocation } from './database-url.ts';
import { withDispatchRounds } from './dispatch-round.ts';
import { withInstances } from './instances.ts';
import { withInstancePolicy } from './instance-policy.ts';
import { withScripts } from './scripts.ts';
import { withJobGroups } from './job-groups.ts';
import { withJobs } from './jobs.ts';
import { withTaskSearch } from './task-search.ts';
import { withJobResults } from './job-results.ts';
import { migrate } from './migrate.ts';
import { onWork } from './notifications.ts';
import { PostgresClockSync } from './postgres-clock-sync.ts';
import { createPool, PostgresDatabase } from './postgres-database.ts';
import { PostgresDialogStore } from './postgres-dialog-store.ts';
import { PostgresFileStore } from './postgres-file-store.ts';
import { PostgresNumberStore } from './postgres-number-store.ts';
import * as q from './queries.ts';

export interface PostgresStoreOptions {
  /**
   * Connections in the pool (default 10, at least 2: an engine round holds one from
   * its due read to its commit while the engine reads on another).
   */
  poolSize?: number;
}

/** Connects, creates the schema if needed and applies pending migrations under the advisory lock. */
export async function openPostgresStore(url: string, clock: Clock, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
  const location = parseDatabaseUrl(url);
  const poolSize = options.poolSize ?? 10;
  if (!Number.isInteger(poolSize) || poolSize < 2) throw new Error(`a PostgreSQL pool needs at least 2 connections, not ${poolSize}`);
  const pool = createPool(location, poolSize);
  try {
    const client = await pool.connect().catch((error: unknown) => {
      throw connectFailure(error, location);
    });
    try {
      await migrate(client, location.schema, clock.now());
    } finally {
      client.release();
    }
    const store = new PostgresStore(pool, location);
    await store.dialog.fillNumberKeys();
    return store;
  } catch (error) {
    await pool.end();
    throw error;
  }
}

/**
 * The driver ends a connection that does not open within connect_timeout with a
 * plain "timeout expired" (or the pool's "timeout exceeded"), no code: it is given
 * ETIMEDOUT, so a caller tells it from a bug as it tells a refused connection.
 */
function connectFailure(error: unknown, location: PostgresLocation): unknown {
  if (!(error instanceof Error) || (error as { code?: unknown }).code !== undefined || !/timeout/i.test(error.message)) return error;
  return Object.assign(new Error(`no answer within ${location.connectTimeoutMs / 1000} s (connect_timeout)`, { cause: error }), { code: 'ETIMEDOUT' });
}

/** The store's parts, each a file of one concern, stacked on the pool's statements and transactions. */
const PostgresParts = withCallTasks(withJobResults(withDispatchRounds(withCounterReads(withTaskSearch(withJobs(withJobGroups(withScripts(withInstancePolicy(withInstances(withAccounts(withAdvisoryLocks(PostgresDatabase))))))))))));

/**
 * The PostgreSQL backend. Each Store method is one transaction on a pooled
 * connection; claims and settlements are batched into a few statements each.
 * Several server processes may share one database: every state change is guarded
 * in SQL (a job is claimed only while Scheduling, a task settled only while
 * Executing) and counters move by increments under their row lock, so the
 * outcome is the same whichever node runs it.
 */
export class PostgresStore extends PostgresParts implements Store {
  readonly files: PostgresFileStore;
  readonly dialog: PostgresDialogStore;
  readonly numbers: PostgresNumberStore;
  /** Several nodes share this store: what the server does for them (server.ts). */
  readonly cluster: StoreCluster;

  constructor(pool: ConstructorParameters<typeof PostgresDatabase>[0], location: PostgresLocation) {
    super(pool, location);
    this.files = new PostgresFileStore(this);
    this.dialog = new PostgresDialogStore(this);
    this.numbers = new PostgresNumberStore(this);
    this.cluster = {
      databaseTime: () => this.databaseTime(),
      clockSync: (logger: Logger) => new PostgresClockSync(this, logger),
      onWork: (listener) => onWork(this.location, listener),
    };
  }

  /** The database server's clock (epoch ms), which every node's clock is set to (SyncedClock). */
  async databaseTime(): Promise<number> {
    return Number((await this.one(q.databaseTime))!.now);
  }

  /** Each call commits at once: nodes follow every step, and a round's commit is not what limits them here. */
  async groupWrites<T>(body: (checkpoint: () => Promise<void>) => Promise<T>): Promise<T> {
    return body(async () => {});
  }
}
