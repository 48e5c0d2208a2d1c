import type { Page, PageRequest, ScriptRow, ScriptVersionRow } from '../rows.ts';
import type { ScriptFilter } from '../store.ts';
import type { SqliteBase } from './sqlite-database.ts';
import { params, rows } from './sqlite-rows.ts';
import * as q from './queries.ts';

/** The scripts of an instance, and their published versions. */
export function withScripts<B extends SqliteBase>(Base: B) {
  return class SqliteScripts extends Base {
    async insertScript(script: ScriptRow): Promise<void> {
      this.stmt(q.scripts.insert).run(rows.scriptParams(script));
    }

    async updateScript(script: ScriptRow): Promise<void> {
      this.stmt(q.scripts.update).run(rows.scriptParams(script));
    }

    async findScript(instanceId: string, scriptId: string): Promise<ScriptRow | undefined> {
      return this.findOne(q.scripts.find, [instanceId, scriptId], rows.toScript);
    }

    async listScripts(instanceId: string, filter: ScriptFilter, page: PageRequest): Promise<Page<ScriptRow>> {
      return this.page(q.scripts.list, q.scripts.count, params.scripts(instanceId, filter), page, rows.toScript);
    }

    async deleteScript(instanceId: string, scriptId: string): Promise<boolean> {
      return this.stmt(q.scripts.delete).run(instanceId, scriptId).changes > 0;
    }

    /** Freezes the version and marks the script published, in one transaction. */
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
