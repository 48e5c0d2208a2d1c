/**
 * PostgreSQL for tests: the server at OUTBOUNDBOT_TEST_DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/test, trust auth, as on the development and
 * CI machines), one schema per test so runs never collide (pg-boss's
 * `test/hooks.ts` gives each test its own schema the same way). When PostgreSQL
 * is unreachable the tests that need it fail; they never skip.
 */
import { createHash, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import pg from 'pg';

export const TEST_DATABASE_URL = process.env.OUTBOUNDBOT_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

const ROOT = new URL('../../', import.meta.url).pathname;

/** `OUTBOUNDBOT_DATABASE_URL` for a schema of the test database. */
export function schemaUrl(schema: string): string {
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('schema', schema);
  return url.toString();
}

/** A new schema name, unique to this run. */
export function newSchemaName(prefix = 't'): string {
  return `${prefix}_${randomBytes(8).toString('hex')}`;
}

/** The schema a data dir's server process uses when the API suites run on PostgreSQL. */
export function schemaForDataDir(dataDir: string): string {
  return `api_${createHash('sha1').update(dataDir).digest('hex').slice(0, 20)}`;
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** The same, synchronously (for cleanups that cannot await); runs a short child process. */
export function dropSchemaSync(schema: string): void {
  const script = `const pg = require('pg'); const c = new pg.Client({ connectionString: process.argv[1] });
    c.connect().then(() => c.query('DROP SCHEMA IF EXISTS "' + process.argv[2] + '" CASCADE')).then(() => c.end(), (e) => { console.error(e.message); process.exit(1); });`;
  const result = spawnSync(process.execPath, ['-e', script, TEST_DATABASE_URL, schema], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`could not drop schema ${schema}: ${result.stderr}`);
}

/** Drops one table of a schema (tests that break the database under a running server). */
export async function dropTable(schema: string, table: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP TABLE "${schema}"."${table}"`);
  } finally {
    await client.end();
  }
}

/** True when the API suites are asked to run on PostgreSQL (`.ci/run` sets it for the second `npm test`). */
export function testBackendIsPostgres(): boolean {
  return process.env.OUTBOUNDBOT_TEST_BACKEND === 'postgres';
}
