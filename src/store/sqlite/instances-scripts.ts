import type { InstanceRow, Page, PageRequest, ScriptRow, ScriptVersionRow } from '../rows.ts';
import type { InstanceFilter, ScriptFilter } from '../store.ts';
import { instanceParams } from '../row-codecs.ts';
import type { SqliteBase } from './sqlite-database.ts';
import { rows } from './sqlite-rows.ts';
import * as q from './queries.ts';

/** Instances, and the scripts of an instance with their published versions. */
export function withInstancesAndScripts<B extends SqliteBase>(Base: B) {
  return class SqliteInstancesAndScripts extends Base {
    async insertInstance(instance: InstanceRow): Promise<void> {
      this.stmt(q.instances.insert).run(instanceParams(instance));
    }

    async findInstance(accountId: string, instanceId: string): Promise<InstanceRow | undefined> {
      const row = this.stmt(q.instances.find).get(accountId, instanceId);
      return row ? rows.toInstance(row) : undefined;
    }

    async listInstances(accountId: string, filter: InstanceFilter, page: PageRequest): Promise<Page<InstanceRow>> {
      const params = { accountId, name: filter.name ?? null, resourceGroupId: filter.resourceGroupId ?? null };
      return this.page(q.instances.list, q.instances.count, params, page, rows.toInstance);
    }

    async updateInstance(instance: InstanceRow): Promise<void> {
      this.stmt(q.instances.update).run(instanceParams(instance));
    }

    async deleteInstance(accountId: string, instanceId: string): Promise<boolean> {
      return this.stmt(q.instances.delete).run(accountId, instanceId).changes > 0;
    }

    async insertScript(script: ScriptRow): Promise<void> {
      this.stmt(q.scripts.insert).run(rows.scriptParams(script));
    }

    async findScript(instanceId: string, scriptId: string): Promise<ScriptRow | undefined> {
      const row = this.stmt(q.scripts.find).get(instanceId, scriptId);
      return row ? rows.toScript(row) : undefined;
    }

    async listScripts(instanceId: string, filter: ScriptFilter, page: PageRequest): Promise<Page<ScriptRow>> {
      const params = { instanceId, name: filter.name ?? null, nluEngine: filter.nluEngine ?? null };
      return this.page(q.scripts.list, q.scripts.count, params, page, rows.toScript);
    }

    async updateScript(script: ScriptRow): Promise<void> {
      this.stmt(q.scripts.update).run(rows.scriptParams(script));
    }

    async deleteScript(instanceId: string, scriptId: string): Promise<boolean> {
      return this.stmt(q.scripts.delete).run(instanceId, scriptId).changes > 0;
    }

    async publishScript(version: ScriptVersionRow): Promise<void> {
      this.db.transaction(() => {
        this.stmt(q.scriptVersions.insert).run({ ...version, snapshot: JSON.stringify(version.snapshot) });
        this.stmt(q.scripts.markPublished).run(version);
      })();
    }

    async listScriptVersions(instanceId: string, scriptId: string, page: PageRequest): Promise<Page<ScriptVersionRow>> {
      return this.page(q.scriptVersions.list, q.scriptVersions.count, { instanceId, scriptId }, page, rows.toScriptVersion);
    }
  };
}
