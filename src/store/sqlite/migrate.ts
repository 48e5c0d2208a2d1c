import { fileURLToPath } from 'node:url';
import { loadMigrations, type Migration } from '../migrations-loader.ts';
import type Database from 'better-sqlite3';
import { migrations as sql } from './queries.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/** This backend's numbered migrations, in order. */
export const backendMigrations = (): Migration[] => loadMigrations(MIGRATIONS_DIR);

/** Applies the migrations not yet recorded, each in its own transaction. */
export function migrate(db: Database.Database, now: number, all: Migration[] = backendMigrations()): number[] {
  db.exec(sql.createTable);
  const applied = new Set((db.prepare(sql.applied).all() as Array<{ version: number }>).map((row) => row.version));
  const record = db.prepare(sql.record);
  const done: number[] = [];
  for (const migration of all) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run({ version: migration.version, name: migration.name, appliedAt: now });
    })();
    done.push(migration.version);
  }
  return done;
}
