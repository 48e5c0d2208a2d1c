import type pg from 'pg';
import type { JobRow } from '../rows.ts';

type Row = Record<string, unknown>;

/**
 * What the sub-stores (dialog, files) use of the PostgresStore: its pool's queries and
 * transactions, and the job writes a parsed file's assignment shares. Declared apart so
 * the sub-stores depend on this narrow surface, not on the store that builds them
 * (no import circle; test/unit/import-graph.test.ts).
 */
export interface PostgresConnection {
  run(sql: string, params?: Row, client?: pg.ClientBase | pg.Pool): Promise<pg.QueryResult<Row>>;
  rows(sql: string, params?: Row, client?: pg.ClientBase | pg.Pool): Promise<Row[]>;
  one(sql: string, params?: Row, client?: pg.ClientBase | pg.Pool): Promise<Row | undefined>;
  transaction<T>(body: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  insertJobs(jobGroupId: string, jobs: JobRow[], now: number): Promise<void>;
  listJobs(instanceId: string, jobIds: readonly string[]): Promise<JobRow[]>;
}
