import type { InstanceRow, Page, PageRequest } from '../rows.ts';
import type { InstanceFilter } from '../store.ts';
import { instanceParams } from '../row-codecs.ts';
import type { SqliteBase } from './sqlite-database.ts';
import { params, rows } from './sqlite-rows.ts';
import { instances as q } from './queries.ts';

/** An account's instances. */
export function withInstances<B extends SqliteBase>(Base: B) {
  return class SqliteInstances extends Base {
    async insertInstance(instance: InstanceRow): Promise<void> {
      this.stmt(q.insert).run(instanceParams(instance));
    }

    async findInstance(accountId: string, instanceId: string): Promise<InstanceRow | undefined> {
      return this.findOne(q.find, [accountId, instanceId], rows.toInstance);
    }

    async listInstances(accountId: string, filter: InstanceFilter, page: PageRequest): Promise<Page<InstanceRow>> {
      return this.page(q.list, q.count, params.instances(accountId, filter), page, rows.toInstance);
    }

    async updateInstance(instance: InstanceRow): Promise<void> {
      this.stmt(q.update).run(instanceParams(instance));
    }

    /** Deletes the instance with its scripts and job groups (the foreign keys cascade). */
    async deleteInstance(accountId: string, instanceId: string): Promise<boolean> {
      return this.stmt(q.delete).run(accountId, instanceId).changes > 0;
    }
  };
}
