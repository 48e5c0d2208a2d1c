import type { BlockedNumberRow, DialogStore, DialogTrialRow, ScriptItemKind, ScriptItemRow } from '../dialog-store.ts';
import type { Page, PageRequest, TaskRow } from '../rows.ts';
import { matchKey } from '../../domain/phone-number.ts';
import * as q from './dialog-queries.ts';
import { rows as codec } from './postgres-rows.ts';
import { scriptItemParams } from '../row-codecs.ts';
import type { PostgresConnection } from './postgres-connection.ts';

/** The PostgreSQL backend's DialogStore; shares the PostgresStore's pool and transactions. */
export class PostgresDialogStore implements DialogStore {
  constructor(private readonly store: PostgresConnection) {}

  // Block list -----------------------------------------------------------------

  async blockedNumbers(instanceId: string, keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows = await this.store.rows(q.blockList.blocked, { instanceId, numbers: [...keys] });
    return new Set(rows.map((row) => String(row.numberKey)));
  }

  /**
   * Keys the entries written before number_key existed (migration 000012); SQL cannot
   * run libphonenumber. Nodes starting together may each run it: the update is idempotent.
   */
  async fillNumberKeys(): Promise<void> {
    const unkeyed = await this.store.rows(q.blockList.unkeyed, {});
    if (unkeyed.length === 0) return;
    const rows = unkeyed.map((row) => ({ id: String(row.id), numberKey: matchKey(String(row.phoneNumber)) }));
    await this.store.run(q.blockList.setKeys, { rows: JSON.stringify(rows) });
  }

  async addBlockedNumbers(entries: readonly BlockedNumberRow[]): Promise<number> {
    if (entries.length === 0) return 0;
    // One entry per number: a number listed twice in one call, in whatever form, is added once, by its first entry.
    const seen = new Set<string>();
    const unique = entries.filter((entry) => {
      const key = `${entry.instanceId}\u0000${entry.numberKey}`;
      return !seen.has(key) && seen.add(key);
    });
    return (await this.store.run(q.blockList.insertMany, { rows: JSON.stringify(unique) })).rowCount ?? 0;
  }

  async listBlockedNumbers(instanceId: string, search: string | undefined, page: PageRequest): Promise<Page<BlockedNumberRow>> {
    const params = { instanceId, search: search || null };
    const totalCount = Number((await this.store.one(q.blockList.count, params))?.n ?? 0);
    const rows = await this.store.rows(q.blockList.list, { ...params, limit: page.pageSize, offset: (page.pageNumber - 1) * page.pageSize });
    return {
      totalCount,
      items: rows.map(codec.toBlockedNumber),
    };
  }

  async deleteBlockedNumber(instanceId: string, id: string): Promise<boolean> {
    return ((await this.store.run(q.blockList.delete, { instanceId, id })).rowCount ?? 0) > 0;
  }

  // Script items ---------------------------------------------------------------

  async insertScriptItem(item: ScriptItemRow): Promise<boolean> {
    return ((await this.store.run(q.scriptItems.insert, scriptItemParams(item))).rowCount ?? 0) > 0;
  }

  async findScriptItem(instanceId: string, scriptId: string, kind: ScriptItemKind, id: string): Promise<ScriptItemRow | undefined> {
    const row = await this.store.one(q.scriptItems.find, { instanceId, scriptId, kind, id });
    return row ? codec.toScriptItem(row) : undefined;
  }

  async listScriptItems(instanceId: string, scriptId: string, kind?: ScriptItemKind): Promise<ScriptItemRow[]> {
    return (await this.store.rows(q.scriptItems.list, { instanceId, scriptId, kind: kind ?? null })).map(codec.toScriptItem);
  }

  async updateScriptItem(item: ScriptItemRow): Promise<boolean> {
    try {
      return ((await this.store.run(q.scriptItems.update, scriptItemParams(item))).rowCount ?? 0) > 0;
    } catch (error) {
      // A concurrent insert took the name between the check and the write.
      if ((error as { code?: string }).code === '23505') return false;
      throw error;
    }
  }

  async deleteScriptItem(instanceId: string, scriptId: string, kind: ScriptItemKind, id: string): Promise<boolean> {
    return ((await this.store.run(q.scriptItems.delete, { instanceId, scriptId, kind, id })).rowCount ?? 0) > 0;
  }

  async replaceScriptItems(instanceId: string, scriptId: string, items: readonly ScriptItemRow[]): Promise<void> {
    await this.store.transaction(async (client) => {
      await this.store.run(q.scriptItems.deleteAll, { instanceId, scriptId }, client);
      for (const item of items) await this.store.run(q.scriptItems.insert, scriptItemParams({ ...item, instanceId, scriptId }), client);
    });
  }

  // Versions and conversations ---------------------------------------------------

  async findScriptSnapshot(instanceId: string, scriptId: string, version: string): Promise<Record<string, unknown> | undefined> {
    const row = await this.store.one(q.versions.snapshot, { instanceId, scriptId, version });
    return row ? codec.snapshot(row) : undefined;
  }

  async findTrial(instanceId: string, scriptId: string, callId: string): Promise<DialogTrialRow | undefined> {
    const row = await this.store.one(q.trials.find, { instanceId, scriptId, callId });
    return row ? codec.toTrial(row) : undefined;
  }

  async saveTrial(trial: DialogTrialRow): Promise<void> {
    await this.store.run(q.trials.save, {
      ...trial,
      content: JSON.stringify(trial.content),
      state: JSON.stringify(trial.state),
      variables: JSON.stringify(trial.variables),
    });
  }

  async purgeTrials(before: number): Promise<number> {
    return (await this.store.run(q.trials.purge, { before })).rowCount ?? 0;
  }

  async answeredTasks(instanceId: string, jobGroupId: string): Promise<Array<Pick<TaskRow, 'id' | 'endReason' | 'conversation'>>> {
    return (await this.store.rows(q.conversations.answered, { instanceId, jobGroupId })).map(codec.toAnsweredTask);
  }
}
