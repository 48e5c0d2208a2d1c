import { bindings, pool } from '../number-queries.ts';
import { withInstanceNames, type CallingNumberRow, type InstanceBindingRow, type NumberStore, type PoolNumberRow } from '../number-store.ts';
import type { Page, PageRequest } from '../rows.ts';
import type { PostgresConnection } from './postgres-connection.ts';
import { rows as codec } from './postgres-rows.ts';

/** The PostgreSQL backend's NumberStore; shares the PostgresStore's pool and transactions. */
export class PostgresNumberStore implements NumberStore {
  constructor(private readonly store: PostgresConnection) {}

  async addNumbers(rows: readonly CallingNumberRow[]): Promise<Set<string>> {
    return this.store.transaction(async (client) => {
      const added = new Set<string>();
      for (const row of rows) {
        if (((await this.store.run(pool.insert, { ...row }, client)).rowCount ?? 0) > 0) added.add(row.numberKey);
      }
      return added;
    });
  }

  async findNumber(accountId: string, numberKey: string): Promise<CallingNumberRow | undefined> {
    const row = await this.store.one(pool.find, { accountId, numberKey });
    return row ? codec.toCallingNumber(row) : undefined;
  }

  async listNumbers(accountId: string): Promise<PoolNumberRow[]> {
    return this.store.transaction(async (client) => {
      const numbers = (await this.store.rows(pool.list, { accountId }, client)).map(codec.toCallingNumber);
      return withInstanceNames(numbers, await this.store.rows(pool.boundNames, { accountId }, client));
    });
  }

  async removeNumber(accountId: string, numberKey: string): Promise<boolean> {
    return ((await this.store.run(pool.remove, { accountId, numberKey })).rowCount ?? 0) > 0;
  }

  async setBindings(accountId: string, numberId: string, instanceIds: readonly string[], now: number): Promise<Set<string>> {
    return this.store.transaction(async (client) => {
      await this.store.run(bindings.clear, { numberId }, client);
      const bound = new Set<string>();
      for (const instanceId of instanceIds) {
        const result = await this.store.run(bindings.bind, { accountId, numberId, instanceId, createdAt: now }, client);
        if ((result.rowCount ?? 0) > 0) bound.add(instanceId);
      }
      return bound;
    });
  }

  async bindKeys(accountId: string, instanceId: string, numberKeys: readonly string[], now: number): Promise<void> {
    await this.store.transaction(async (client) => {
      for (const numberKey of numberKeys) await this.store.run(bindings.bindKey, { accountId, instanceId, numberKey, createdAt: now }, client);
    });
  }

  async instanceBindings(accountId: string, numberId: string): Promise<InstanceBindingRow[]> {
    return (await this.store.rows(bindings.ofNumber, { accountId, numberId })).map((row) => ({
      instanceId: String(row.instanceId),
      instanceName: String(row.instanceName),
      bound: Boolean(row.bound),
    }));
  }

  async listInstanceNumbers(instanceId: string, page: PageRequest): Promise<Page<CallingNumberRow>> {
    return this.store.transaction(async (client) => ({
      totalCount: Number((await this.store.one(bindings.countOfInstance, { instanceId }, client))?.n ?? 0),
      items: (await this.store.rows(bindings.ofInstance, { instanceId, limit: page.pageSize, offset: (page.pageNumber - 1) * page.pageSize }, client))
        .map(codec.toCallingNumber),
    }));
  }

  async findInstanceNumber(instanceId: string, numberId: string): Promise<CallingNumberRow | undefined> {
    const row = await this.store.one(bindings.findInInstance, { instanceId, numberId });
    return row ? codec.toCallingNumber(row) : undefined;
  }

  async setRateLimit(accountId: string, numberId: string, count: number, period: number): Promise<boolean> {
    return ((await this.store.run(pool.setRateLimit, { accountId, numberId, count, period })).rowCount ?? 0) > 0;
  }

  async unbind(instanceId: string, numberId: string): Promise<boolean> {
    return ((await this.store.run(bindings.unbind, { instanceId, numberId })).rowCount ?? 0) > 0;
  }
}
