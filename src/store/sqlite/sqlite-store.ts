import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Clock } from '../../engine/clock.ts';
import type { Store } from '../store.ts';
import { withAccounts } from './accounts.ts';
import { withCallTasks } from './call-tasks.ts';
import { withCounterReads } from './counter-reads.ts';
import { withDispatchRounds } from './dispatch-round.ts';
import { withExclusiveNames } from './exclusive-names.ts';
import { withInstances } from './instances.ts';
import { withInstancePolicy } from './instance-policy.ts';
import { withScripts } from './scripts.ts';
import { withJobGroups } from './job-groups.ts';
import { withJobs } from './jobs.ts';
import { withTaskSearch } from './task-search.ts';
import { withJobResults } from './job-results.ts';
import { migrate } from './migrate.ts';
import { PRAGMAS } from './queries.ts';
import { SqliteDatabase } from './sqlite-database.ts';
import { SqliteDialogStore } from './sqlite-dialog-store.ts';
import { SqliteFileStore } from './sqlite-file-store.ts';
import { SqliteNumberStore } from './sqlite-number-store.ts';
import { BackgroundCheckpointer, type CheckpointerOptions } from './wal-checkpointer.ts';
import { waitingOutsideGroups } from './write-groups.ts';

export interface SqliteStoreOptions {
  /** Tunes groupWrites (tests make it small). */
  checkpointsPerCommit?: number;
  /** When the background WAL checkpointer starts, and how often it runs (tests start it at once). */
  walCheckpointer?: CheckpointerOptions;
}

/** Opens (creating if needed) `<dataDir>/outboundbot.sqlite` and applies pending migrations. */
export function openSqliteStore(dataDir: string, clock: Clock, options: SqliteStoreOptions = {}): SqliteStore {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, 'outboundbot.sqlite');
  const db = new Database(path);
  for (const pragma of PRAGMAS) db.exec(pragma);
  migrate(db, clock.now());
  const checkpointer = new BackgroundCheckpointer(path, options.walCheckpointer);
  const store = new SqliteStore(db, checkpointer, options.checkpointsPerCommit);
  return waitingOutsideGroups(store, store.writeGroups, ['files', 'dialog', 'numbers']);
}

/** The store's parts, each a file of one concern, stacked on the connection. */
const SqliteParts = withCallTasks(withJobResults(withDispatchRounds(withCounterReads(withTaskSearch(withJobs(withJobGroups(withScripts(withInstancePolicy(withInstances(withAccounts(withExclusiveNames(SqliteDatabase))))))))))));

/**
 * The embedded backend. better-sqlite3 is synchronous, so each method runs to
 * completion before the event loop moves on: a method is its own transaction
 * without explicit locking. Methods still return promises to honour the Store
 * contract that the PostgreSQL backend shares. One process owns the database, so
 * the store has no `cluster`.
 */
export class SqliteStore extends SqliteParts implements Store {
  readonly files: SqliteFileStore;
  readonly dialog: SqliteDialogStore;
  readonly numbers: SqliteNumberStore;

  constructor(db: Database.Database, walCheckpointer: BackgroundCheckpointer, checkpointsPerCommit?: number) {
    super(db, walCheckpointer, checkpointsPerCommit);
    this.files = new SqliteFileStore(this.statements, (jobGroupId, added, now) => this.countNewJobs(jobGroupId, added, now));
    this.dialog = new SqliteDialogStore(this.statements);
    this.numbers = new SqliteNumberStore(this.statements);
  }
}
