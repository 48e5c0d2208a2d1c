import type { InstanceRow, Page, PageRequest, ScriptRow, ScriptVersionRow } from '../rows.ts';
import type { InstanceFilter, ScriptFilter } from '../store.ts';
import { instanceParams } from '../row-codecs.ts';
import type { PostgresBase } from './postgres-database.ts';
import { rows } from './postgres-rows.ts';
import * as q from './queries.ts';

/** Instances, and the scripts of an instance with their published versions. */
export function withInstancesAndScripts<B extends PostgresBase>(Base: B) {
  return class PostgresInstancesAndScripts extends Base {
    async insertInstance(instance: InstanceRow): Promise<void> {
      await this.run(q.instances.insert, instanceParams(instance));
    }

    async findInstance(accountId: string, instanceId: string): Promise<InstanceRow | undefined> {
      const row = await this.one(q.instances.find, { accountId, id: instanceId });
      return row ? rows.toInstance(row) : undefined;
    }

    async listInstances(accountId: string, filter: InstanceFilter, page: PageRequest): Promise<Page<InstanceRow>> {
      const params = { accountId, name: filter.name ?? null, resourceGroupId: filter.resourceGroupId ?? null };
      return this.page(q.instances.list, q.instances.count, params, page, rows.toInstance);
    }

    async updateInstance(instance: InstanceRow): Promise<void> {
      await this.run(q.instances.update, instanceParams(instance));
    }

    async deleteInstance(accountId: string, instanceId: string): Promise<boolean> {
      return (await this.changes(q.instances.delete, { accountId, id: instanceId })) > 0;
    }

    async insertScript(script: ScriptRow): Promise<void> {
      await this.run(q.scripts.insert, rows.scriptParams(script));
    }

    async findScript(instanceId: string, scriptId: string): Promise<ScriptRow | undefined> {
      const row = await this.one(q.scripts.find, { instanceId, id: scriptId });
      return row ? rows.toScript(row) : undefined;
    }

    async listScripts(instanceId: string, filter: ScriptFilter, page: PageRequest): Promise<Page<ScriptRow>> {
      const params = { instanceId, name: filter.name ?? null, nluEngine: filter.nluEngine ?? null };
      return this.page(q.scripts.list, q.scripts.count, params, page, rows.toScript);
    }

    async updateScript(script: ScriptRow): Promise<void> {
      await this.run(q.scripts.update, rows.scriptParams(script));
    }

    async deleteScript(instanceId: string, scriptId: string): Promise<boolean> {
      return (await this.changes(q.scripts.delete, { instanceId, id: scriptId })) > 0;
    }

    async publishScript(version: ScriptVersionRow): Promise<void> {
      await this.transaction(async (client) => {
        await this.run(q.scriptVersions.insert, { ...version, snapshot: JSON.stringify(version.snapshot) }, client);
        await this.run(q.scripts.markPublished, { ...version }, client);
      });
    }

    async listScriptVersions(instanceId: string, scriptId: string, page: PageRequest): Promise<Page<ScriptVersionRow>> {
      return this.page(q.scriptVersions.list, q.scriptVersions.count, { instanceId, scriptId }, page, rows.toScriptVersion);
    }
  };
}
