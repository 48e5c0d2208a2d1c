import type Database from 'better-sqlite3';
import type { Page, PageRequest } from '../rows.ts';
import { StatementCache, type Statement } from './statement-cache.ts';
import type { BackgroundCheckpointer } from './wal-checkpointer.ts';
import { WriteGroups } from './write-groups.ts';

type Row = Record<string, unknown>;

/** Engine and ingest writes between two looks at the WAL's size (BackgroundCheckpointer.notice). */
const WRITES_PER_WAL_LOOK = 64;

/** A constructor of SqliteDatabase or a class built on it (what the store's parts extend). */
export type SqliteBase<T = SqliteDatabase> = new (...args: any[]) => T;

/**
 * The connection every part of the SQLite store (src/store/sqlite/*) builds on: its
 * statements prepared once, the virtual clock's grouped commits, and the WAL
 * checkpointer that the engine's writes wake.
 */
export class SqliteDatabase {
  readonly statements: StatementCache;
  /** The virtual-clock walk's grouped commits; openSqliteStore makes every other caller wait for them. */
  readonly writeGroups: WriteGroups;
  /** Writes that may have grown the WAL since the checkpointer last looked at it. */
  private writesUnnoticed = 0;

  constructor(
    readonly db: Database.Database,
    readonly walCheckpointer: BackgroundCheckpointer,
    checkpointsPerCommit?: number,
  ) {
    this.statements = new StatementCache(db);
    this.writeGroups = new WriteGroups(db, checkpointsPerCommit);
  }

  stmt(sql: string): Statement {
    return this.statements.get(sql);
  }

  /** Lets the WAL checkpointer start once the WAL is large; looks at one write in 64 (a stat each time). */
  noticeWrite(): void {
    if (++this.writesUnnoticed < WRITES_PER_WAL_LOOK) return;
    this.writesUnnoticed = 0;
    this.walCheckpointer.notice();
  }

  /** The row a lookup finds, mapped; undefined when there is none. */
  findOne<T>(sql: string, params: unknown[], map: (row: Row) => T): T | undefined {
    const row = this.stmt(sql).get(...params);
    return row ? map(row) : undefined;
  }

  /** One page of a list, with the count of all its rows. */
  page<T>(listSql: string, countSql: string, params: Row, page: PageRequest, map: (row: Row) => T): Page<T> {
    const limit = page.pageSize;
    const offset = (page.pageNumber - 1) * page.pageSize;
    const items = this.stmt(listSql).all({ ...params, limit, offset }).map(map);
    const total = this.stmt(countSql).get(params);
    return { items, totalCount: Number(total?.n ?? 0) };
  }

  async close(): Promise<void> {
    await this.walCheckpointer.close();
    this.db.close();
  }
}
