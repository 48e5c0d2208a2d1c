import type Database from 'better-sqlite3';
import type { DialogStore } from '../dialog-store.ts';

/** The embedded backend's DialogStore; shares the SqliteStore's connection. */
export class SqliteDialogStore implements DialogStore {
  constructor(private readonly db: Database.Database) {}
}
