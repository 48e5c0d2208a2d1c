import pg from 'pg';
import type { Page, PageRequest } from '../rows.ts';
import { UnstorableValueError } from '../errors.ts';
import type { PostgresLocation } from './database-url.ts';
import { bind } from './queries.ts';

type Row = Record<string, unknown>;

// BIGINT (epoch ms, counters) and NUMERIC (sums) come back as JS numbers: every
// value stored fits in 2^53 the way it does on SQLite.
const TYPES = {
  getTypeParser(oid: number, format?: string) {
    if (oid === 20 || oid === 1700) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig;

/** character_not_in_repertoire (a NUL in text), untranslatable_character (a NUL escape in JSONB). */
const UNSTORABLE_TEXT = new Set(['22021', '22P05']);
/** Transient conflicts a transaction is retried on: deadlock_detected, serialization_failure. */
const RETRYABLE = new Set(['40P01', '40001']);
const TRANSACTION_ATTEMPTS = 5;

/** The store's pool: every connection on the schema's search path, BIGINT read as numbers. */
export function createPool(location: PostgresLocation, poolSize: number): pg.Pool {
  const pool = new pg.Pool({
    connectionString: location.connectionString,
    max: poolSize,
    connectionTimeoutMillis: location.connectTimeoutMs,
    types: TYPES,
    options: `-c search_path=${location.schema}`,
    application_name: 'outboundbot',
  });
  // An idle client that loses its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  return pool;
}

/** A constructor of PostgresDatabase or a class built on it (what the store's parts extend). */
export type PostgresBase<T = PostgresDatabase> = new (...args: any[]) => T;

/**
 * The pool's statements and transactions, which every part of the PostgreSQL store
 * (src/store/postgres/*) builds on: named parameters bound once per SQL text,
 * transactions retried on deadlock or serialization failure.
 */
export class PostgresDatabase {
  constructor(readonly pool: pg.Pool, readonly location: PostgresLocation) {}

  /** Runs one statement outside an explicit transaction, or on `client` when given. */
  async run(sql: string, params: Row = {}, client: pg.ClientBase | pg.Pool = this.pool): Promise<pg.QueryResult<Row>> {
    try {
      return await client.query<Row>(bind(sql, params));
    } catch (error) {
      // PostgreSQL text and JSONB cannot hold U+0000 (SQLite can): the value is the caller's.
      if (UNSTORABLE_TEXT.has((error as { code?: string }).code ?? '')) {
        throw new UnstorableValueError('text containing a NUL character (U+0000) cannot be stored');
      }
      throw error;
    }
  }

  async rows(sql: string, params: Row = {}, client: pg.ClientBase | pg.Pool = this.pool): Promise<Row[]> {
    return (await this.run(sql, params, client)).rows;
  }

  async one(sql: string, params: Row = {}, client: pg.ClientBase | pg.Pool = this.pool): Promise<Row | undefined> {
    return (await this.run(sql, params, client)).rows[0];
  }

  /** The row a lookup finds, mapped; undefined when there is none. */
  async findOne<T>(sql: string, params: Row, map: (row: Row) => T): Promise<T | undefined> {
    const row = await this.one(sql, params);
    return row ? map(row) : undefined;
  }

  /** How many rows a statement changed. */
  async changes(sql: string, params: Row = {}, client: pg.ClientBase | pg.Pool = this.pool): Promise<number> {
    return (await this.run(sql, params, client)).rowCount ?? 0;
  }

  /** Runs `body` in one transaction, retried on deadlock or serialization failure. */
  async transaction<T>(body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN');
        const result = await body(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        if (attempt < TRANSACTION_ATTEMPTS && RETRYABLE.has((error as { code?: string }).code ?? '')) continue;
        throw error;
      } finally {
        client.release();
      }
    }
  }

  /** One page of a list, with the count of all its rows. */
  async page<T>(listSql: string, countSql: string, params: Row, page: PageRequest, map: (row: Row) => T): Promise<Page<T>> {
    const limit = page.pageSize;
    const offset = (page.pageNumber - 1) * page.pageSize;
    const items = (await this.rows(listSql, { ...params, limit, offset })).map(map);
    const total = await this.one(countSql, params);
    return { items, totalCount: Number(total?.n ?? 0) };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
