import type { Page, PageRequest, ScriptRow, ScriptVersionRow } from '../rows.ts';
import type { ScriptFilter } from '../store.ts';
import type { PostgresBase } from './postgres-database.ts';
import { params, rows } from './postgres-rows.ts';
import * as q from './queries.ts';

/** The scripts of an instance, and their published versions. */
export function withScripts<B extends PostgresBase>(Base: B) {
  return class PostgresScripts extends Base {
    async insertScript(script: ScriptRow): Promise<void> {
      await this.run(q.scripts.insert, rows.scriptParams(script));
    }

    async updateScript(script: ScriptRow): Promise<void> {
      await this.run(q.scripts.update, rows.scriptParams(script));
    }

    async findScript(instanceId: string, scriptId: string): Promise<ScriptRow | undefined> {
      return this.findOne(q.scripts.find, { instanceId, id: scriptId }, rows.toScript);
    }

    async listScripts(instanceId: string, filter: ScriptFilter, page: PageRequest): Promise<Page<ScriptRow>> {
      return this.page(q.scripts.list, q.scripts.count, params.scripts(instanceId, filter), page, rows.toScript);
    }

    async deleteScript(instanceId: string, scriptId: string): Promise<boolean> {
      return (await this.changes(q.scripts.delete, { instanceId, id: scriptId })) > 0;
    }

    /** Freezes the version and marks the script published, in one transaction. */
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
