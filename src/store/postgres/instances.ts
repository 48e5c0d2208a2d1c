import type { InstanceRow, Page, PageRequest } from '../rows.ts';
import type { InstanceFilter } from '../store.ts';
import { instanceParams } from '../row-codecs.ts';
import type { PostgresBase } from './postgres-database.ts';
import { params, rows } from './postgres-rows.ts';
import { instances as q } from './queries.ts';

/** An account's instances. */
export function withInstances<B extends PostgresBase>(Base: B) {
  return class PostgresInstances extends Base {
    async insertInstance(instance: InstanceRow): Promise<void> {
      await this.run(q.insert, instanceParams(instance));
    }

    async findInstance(accountId: string, instanceId: string): Promise<InstanceRow | undefined> {
      return this.findOne(q.find, { accountId, id: instanceId }, rows.toInstance);
    }

    async listInstances(accountId: string, filter: InstanceFilter, page: PageRequest): Promise<Page<InstanceRow>> {
      return this.page(q.list, q.count, params.instances(accountId, filter), page, rows.toInstance);
    }

    async updateInstance(instance: InstanceRow): Promise<void> {
      await this.run(q.update, instanceParams(instance));
    }

    /** Deletes the instance with its scripts and job groups (the foreign keys cascade). */
    async deleteInstance(accountId: string, instanceId: string): Promise<boolean> {
      return (await this.changes(q.delete, { accountId, id: instanceId })) > 0;
    }
  };
}
