import { fileURLToPath } from 'node:url';
import { loadMigrations, type Migration } from '../migrations-loader.ts';
import type pg from 'pg';
import { bind, migrations as sql } from './queries.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/** This backend's numbered migrations, in order. */
export const backendMigrations = (): Migration[] => loadMigrations(MIGRATIONS_DIR);

/**
 * Creates the schema if needed and applies the migrations not yet recorded, all in
 * one transaction under a transaction-scoped advisory lock keyed by the schema:
 * several nodes starting at once queue on the lock, the first applies everything,
 * the others find it recorded and apply nothing. DDL is transactional in
 * PostgreSQL, so a node dying mid-migration leaves no half-applied step.
 */
export async function migrate(client: pg.ClientBase, schema: string, now: number, all: Migration[] = backendMigrations()): Promise<number[]> {
  await client.query('BEGIN');
  try {
    await client.query(bind(sql.lock, { schema }));
    await client.query(sql.createSchema(schema));
    await client.query(sql.setSearchPath(schema));
    await client.query(sql.createTable);
    const applied = new Set((await client.query<{ version: number }>(sql.applied)).rows.map((row) => Number(row.version)));
    const done: number[] = [];
    for (const migration of all) {
      if (applied.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query(bind(sql.record, { version: migration.version, name: migration.name, appliedAt: now }));
      done.push(migration.version);
    }
    await client.query('COMMIT');
    return done;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
