import type Database from 'better-sqlite3';
import { bindings, pool } from '../number-queries.ts';
import { withInstanceNames, type CallingNumberRow, type InstanceBindingRow, type NumberStore, type PoolNumberRow } from '../number-store.ts';
import type { Page, PageRequest } from '../rows.ts';
import { rows as codec } from './sqlite-rows.ts';
import type { StatementCache } from './statement-cache.ts';

/** The embedded backend's NumberStore; shares the SqliteStore's connection. */
export class SqliteNumberStore implements NumberStore {
  private readonly db: Database.Database;

  constructor(private readonly statements: StatementCache) {
    this.db = statements.db;
  }

  private stmt(sql: string) {
    return this.statements.get(sql);
  }

  async addNumbers(rows: readonly CallingNumberRow[]): Promise<Set<string>> {
    const added = new Set<string>();
    this.db.transaction(() => {
      for (const row of rows) if (this.stmt(pool.insert).run(row).changes > 0) added.add(row.numberKey);
    })();
    return added;
  }

  async findNumber(accountId: string, numberKey: string): Promise<CallingNumberRow | undefined> {
    const row = this.stmt(pool.find).get({ accountId, numberKey });
    return row ? codec.toCallingNumber(row) : undefined;
  }

  async listNumbers(accountId: string): Promise<PoolNumberRow[]> {
    return this.db.transaction(() =>
      withInstanceNames(this.stmt(pool.list).all({ accountId }).map(codec.toCallingNumber), this.stmt(pool.boundNames).all({ accountId })),
    )();
  }

  async removeNumber(accountId: string, numberKey: string): Promise<boolean> {
    return this.stmt(pool.remove).run({ accountId, numberKey }).changes > 0;
  }

  async setBindings(accountId: string, numberId: string, instanceIds: readonly string[], now: number): Promise<Set<string>> {
    return this.db.transaction(() => {
      this.stmt(bindings.clear).run({ numberId });
      const bound = new Set<string>();
      for (const instanceId of instanceIds) {
        if (this.stmt(bindings.bind).run({ accountId, numberId, instanceId, createdAt: now }).changes > 0) bound.add(instanceId);
      }
      return bound;
    })();
  }

  async bindKeys(accountId: string, instanceId: string, numberKeys: readonly string[], now: number): Promise<void> {
    this.db.transaction(() => {
      for (const numberKey of numberKeys) this.stmt(bindings.bindKey).run({ accountId, instanceId, numberKey, createdAt: now });
    })();
  }

  async instanceBindings(accountId: string, numberId: string): Promise<InstanceBindingRow[]> {
    return this.stmt(bindings.ofNumber).all({ accountId, numberId }).map((row) => ({
      instanceId: String(row.instanceId),
      instanceName: String(row.instanceName),
      bound: Boolean(row.bound),
    }));
  }

  async listInstanceNumbers(instanceId: string, page: PageRequest): Promise<Page<CallingNumberRow>> {
    return this.db.transaction(() => ({
      totalCount: Number(this.stmt(bindings.countOfInstance).get({ instanceId })!.n),
      items: this.stmt(bindings.ofInstance)
        .all({ instanceId, limit: page.pageSize, offset: (page.pageNumber - 1) * page.pageSize })
        .map(codec.toCallingNumber),
    }))();
  }

  async findInstanceNumber(instanceId: string, numberId: string): Promise<CallingNumberRow | undefined> {
    const row = this.stmt(bindings.findInInstance).get({ instanceId, numberId });
    return row ? codec.toCallingNumber(row) : undefined;
  }

  async setRateLimit(accountId: string, numberId: string, count: number, period: number): Promise<boolean> {
    return this.stmt(pool.setRateLimit).run({ accountId, numberId, count, period }).changes > 0;
  }

  async unbind(instanceId: string, numberId: string): Promise<boolean> {
    return this.stmt(bindings.unbind).run({ instanceId, numberId }).changes > 0;
  }
}
