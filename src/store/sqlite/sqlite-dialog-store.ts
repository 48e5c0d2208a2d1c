import type Database from 'better-sqlite3';
import type { BlockedNumberRow, DialogStore, DialogTrialRow, ScriptItemKind, ScriptItemRow } from '../dialog-store.ts';
import type { Page, PageRequest, TaskRow } from '../rows.ts';
import { matchKey } from '../../domain/phone-number.ts';
import * as q from './dialog-queries.ts';
import { rows as codec } from './sqlite-rows.ts';
import type { StatementCache } from './statement-cache.ts';
import { scriptItemParams } from '../row-codecs.ts';

/** The embedded backend's DialogStore; shares the SqliteStore's connection. */
export class SqliteDialogStore implements DialogStore {
  private readonly db: Database.Database;

  constructor(private readonly statements: StatementCache) {
    this.db = statements.db;
    this.fillNumberKeys();
  }

  private stmt(sql: string) {
    return this.statements.get(sql);
  }

  // Block list -----------------------------------------------------------------

  async blockedNumbers(instanceId: string, keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0 || this.stmt(q.blockList.any).get(instanceId) === undefined) return new Set();
    const rows = this.stmt(q.blockList.blocked).all({ instanceId, numbers: JSON.stringify(keys) });
    return new Set(rows.map((row) => String(row.numberKey)));
  }

  /** Keys the entries written before number_key existed (migration 000012); SQL cannot run libphonenumber. */
  private fillNumberKeys(): void {
    const unkeyed = this.stmt(q.blockList.unkeyed).all();
    if (unkeyed.length === 0) return;
    this.db.transaction(() => {
      for (const row of unkeyed) this.stmt(q.blockList.setKey).run({ id: row.id, numberKey: matchKey(String(row.phoneNumber)) });
    })();
  }

  async addBlockedNumbers(entries: readonly BlockedNumberRow[]): Promise<number> {
    let added = 0;
    this.db.transaction(() => {
      for (const entry of entries) added += this.stmt(q.blockList.insert).run(entry).changes;
    })();
    return added;
  }

  async listBlockedNumbers(instanceId: string, search: string | undefined, page: PageRequest): Promise<Page<BlockedNumberRow>> {
    const params = { instanceId, search: search || null };
    const totalCount = Number(this.stmt(q.blockList.count).get(params)!.n);
    const rows = this.stmt(q.blockList.list).all({ ...params, limit: page.pageSize, offset: (page.pageNumber - 1) * page.pageSize });
    return {
      totalCount,
      items: rows.map(codec.toBlockedNumber),
    };
  }

  async deleteBlockedNumber(instanceId: string, id: string): Promise<boolean> {
    return this.stmt(q.blockList.delete).run(instanceId, id).changes > 0;
  }

  // Script items ---------------------------------------------------------------

  async insertScriptItem(item: ScriptItemRow): Promise<boolean> {
    return this.stmt(q.scriptItems.insert).run(scriptItemParams(item)).changes > 0;
  }

  async findScriptItem(instanceId: string, scriptId: string, kind: ScriptItemKind, id: string): Promise<ScriptItemRow | undefined> {
    const row = this.stmt(q.scriptItems.find).get(instanceId, scriptId, kind, id);
    return row ? codec.toScriptItem(row) : undefined;
  }

  async listScriptItems(instanceId: string, scriptId: string, kind?: ScriptItemKind): Promise<ScriptItemRow[]> {
    return this.stmt(q.scriptItems.list).all({ instanceId, scriptId, kind: kind ?? null }).map(codec.toScriptItem);
  }

  async updateScriptItem(item: ScriptItemRow): Promise<boolean> {
    return this.db.transaction(() => {
      if (this.stmt(q.scriptItems.nameTaken).get({ scriptId: item.scriptId, kind: item.kind, name: item.name, id: item.id })) return false;
      return this.stmt(q.scriptItems.update).run(scriptItemParams(item)).changes > 0;
    })();
  }

  async deleteScriptItem(instanceId: string, scriptId: string, kind: ScriptItemKind, id: string): Promise<boolean> {
    return this.stmt(q.scriptItems.delete).run(instanceId, scriptId, kind, id).changes > 0;
  }

  async replaceScriptItems(instanceId: string, scriptId: string, items: readonly ScriptItemRow[]): Promise<void> {
    this.db.transaction(() => {
      this.stmt(q.scriptItems.deleteAll).run(instanceId, scriptId);
      for (const item of items) this.stmt(q.scriptItems.insert).run(scriptItemParams({ ...item, instanceId, scriptId }));
    })();
  }

  // Versions and conversations ---------------------------------------------------

  async findScriptSnapshot(instanceId: string, scriptId: string, version: string): Promise<Record<string, unknown> | undefined> {
    const row = this.stmt(q.versions.snapshot).get(instanceId, scriptId, version);
    return row ? codec.snapshot(row) : undefined;
  }

  async findTrial(instanceId: string, scriptId: string, callId: string): Promise<DialogTrialRow | undefined> {
    const row = this.stmt(q.trials.find).get(instanceId, scriptId, callId);
    return row ? codec.toTrial(row) : undefined;
  }

  async saveTrial(trial: DialogTrialRow): Promise<void> {
    this.stmt(q.trials.save).run({
      ...trial,
      content: JSON.stringify(trial.content),
      state: JSON.stringify(trial.state),
      variables: JSON.stringify(trial.variables),
    });
  }

  async purgeTrials(before: number): Promise<number> {
    return this.stmt(q.trials.purge).run(before).changes;
  }

  async answeredTasks(instanceId: string, jobGroupId: string): Promise<Array<Pick<TaskRow, 'id' | 'endReason' | 'conversation'>>> {
    return this.stmt(q.conversations.answered)
      .all(instanceId, jobGroupId)
      .map(codec.toAnsweredTask);
  }
}
