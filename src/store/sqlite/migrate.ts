import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { migrations as sql } from './queries.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The numbered migrations in order; files are named NNNNNN_name.sql and never edited once released. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{6}_.+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 6)),
      name: file.slice(7, -4),
      sql: readFileSync(`${dir}${file}`, 'utf8'),
    }));
}

/** Applies the migrations not yet recorded, each in its own transaction. */
export function migrate(db: Database.Database, now: number, all: Migration[] = loadMigrations()): number[] {
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
