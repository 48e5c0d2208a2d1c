import type Database from 'better-sqlite3';

type Row = Record<string, unknown>;
export type Statement = Database.Statement<unknown[], Row>;

/**
 * Each SQL text prepared once per connection. The SQLite store and its two
 * sub-stores share one cache, as they share the connection.
 */
export class StatementCache {
  private readonly statements = new Map<string, Statement>();

  constructor(readonly db: Database.Database) {}

  get(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql) as Statement;
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
