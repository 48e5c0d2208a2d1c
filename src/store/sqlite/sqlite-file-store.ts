import type Database from 'better-sqlite3';
import type { FileStore } from '../file-store.ts';

/** The embedded backend's FileStore; shares the SqliteStore's connection. */
export class SqliteFileStore implements FileStore {
  constructor(private readonly db: Database.Database) {}
}
