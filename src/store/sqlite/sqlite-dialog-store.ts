import type Database from 'better-sqlite3';
import type { BlockedNumberRow, DialogStore, DialogTrialRow, ScriptItemKind, ScriptItemRow } from '../dialog-store.ts';
import { calledNumberKey, type Page, type PageRequest, type TaskRow } from '../rows.ts';
import type { AttemptSettlement, CallResults } from '../store.ts';
import { matchKey } from '../../domain/phone-number.ts';
import * as q from './dialog-queries.ts';

type Row = Record<string, unknown>;
type Statement = Database.Statement<unknown[], Row>;

/** A business result a settled call records, and the callee to block when it opted out. */
export interface SettledResults {
  jobGroupId: string;
  instanceId: string;
  briefs: ReadonlyArray<{ key: string; value: string }>;
  categories: readonly string[];
  block?: { id: string; phoneNumber: string; numberKey: string; name: string; remark: string; createdAt: number };
}

/** The embedded backend's DialogStore; shares the SqliteStore's connection. */
export class SqliteDialogStore implements DialogStore {
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: Database.Database) {
    this.fillNumberKeys();
  }

  private stmt(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
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
      items: rows.map((row) => ({
        id: String(row.id),
        instanceId: String(row.instanceId),
        phoneNumber: String(row.phoneNumber),
        numberKey: String(row.numberKey),
        name: String(row.name),
        remark: String(row.remark),
        creator: String(row.creator),
        createdAt: Number(row.createdAt),
      })),
    };
  }

  async deleteBlockedNumber(instanceId: string, id: string): Promise<boolean> {
    return this.stmt(q.blockList.delete).run(instanceId, id).changes > 0;
  }

  // Script items ---------------------------------------------------------------

  async insertScriptItem(item: ScriptItemRow): Promise<boolean> {
    return this.stmt(q.scriptItems.insert).run(itemParams(item)).changes > 0;
  }

  async findScriptItem(instanceId: string, scriptId: string, kind: ScriptItemKind, id: string): Promise<ScriptItemRow | undefined> {
    const row = this.stmt(q.scriptItems.find).get(instanceId, scriptId, kind, id);
    return row ? toItem(row) : undefined;
  }

  async listScriptItems(instanceId: string, scriptId: string, kind?: ScriptItemKind): Promise<ScriptItemRow[]> {
    return this.stmt(q.scriptItems.list).all({ instanceId, scriptId, kind: kind ?? null }).map(toItem);
  }

  async updateScriptItem(item: ScriptItemRow): Promise<boolean> {
    return this.db.transaction(() => {
      if (this.stmt(q.scriptItems.nameTaken).get({ scriptId: item.scriptId, kind: item.kind, name: item.name, id: item.id })) return false;
      return this.stmt(q.scriptItems.update).run(itemParams(item)).changes > 0;
    })();
  }

  async deleteScriptItem(instanceId: string, scriptId: string, kind: ScriptItemKind, id: string): Promise<boolean> {
    return this.stmt(q.scriptItems.delete).run(instanceId, scriptId, kind, id).changes > 0;
  }

  async replaceScriptItems(instanceId: string, scriptId: string, items: readonly ScriptItemRow[]): Promise<void> {
    this.db.transaction(() => {
      this.stmt(q.scriptItems.deleteAll).run(instanceId, scriptId);
      for (const item of items) this.stmt(q.scriptItems.insert).run(itemParams({ ...item, instanceId, scriptId }));
    })();
  }

  // Versions and conversations ---------------------------------------------------

  async findScriptSnapshot(instanceId: string, scriptId: string, version: string): Promise<Record<string, unknown> | undefined> {
    const row = this.stmt(q.versions.snapshot).get(instanceId, scriptId, version);
    return row ? (JSON.parse(String(row.snapshot)) as Record<string, unknown>) : undefined;
  }

  async findTrial(instanceId: string, scriptId: string, callId: string): Promise<DialogTrialRow | undefined> {
    const row = this.stmt(q.trials.find).get(instanceId, scriptId, callId);
    if (!row) return undefined;
    return {
      instanceId: String(row.instanceId),
      scriptId: String(row.scriptId),
      callId: String(row.callId),
      nluEngine: String(row.nluEngine),
      content: JSON.parse(String(row.content)),
      state: JSON.parse(String(row.state)),
      variables: JSON.parse(String(row.variables)),
      updatedAt: Number(row.updatedAt),
    };
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
      .map((row) => ({ id: String(row.id), endReason: String(row.endReason) as TaskRow['endReason'], conversation: JSON.parse(String(row.conversation)) }));
  }

  /**
   * Records a settled call's business results; called by SqliteStore inside the
   * settlement transaction, so the tallies move with the task's end.
   */
  applyResults(results: SettledResults): void {
    const tally = this.stmt(q.results.tally);
    for (const brief of results.briefs) tally.run({ jobGroupId: results.jobGroupId, kind: 'brief', key: brief.key, value: brief.value });
    for (const category of results.categories) tally.run({ jobGroupId: results.jobGroupId, kind: 'category', key: category, value: '' });
    if (results.block) this.stmt(q.results.block).run({ ...results.block, instanceId: results.instanceId });
  }
}

function itemParams(item: ScriptItemRow): Record<string, unknown> {
  return { ...item, body: JSON.stringify(item.body) };
}

function toItem(row: Row): ScriptItemRow {
  return {
    id: String(row.id),
    scriptId: String(row.scriptId),
    instanceId: String(row.instanceId),
    kind: String(row.kind) as ScriptItemKind,
    name: String(row.name),
    body: JSON.parse(String(row.body)) as Record<string, unknown>,
    createdAt: Number(row.createdAt),
    updatedAt: Number(row.updatedAt),
  };
}

/** The rows a settlement's results move: tallies of the group, and the callee's block entry on an opt-out. */
export function settledResults(settlement: AttemptSettlement, results: CallResults): SettledResults {
  const { task } = settlement;
  return {
    jobGroupId: task.jobGroupId,
    instanceId: task.instanceId,
    briefs: results.briefs,
    categories: results.categories,
    block: results.optOut
      ? {
          id: task.id,
          phoneNumber: task.calledNumber,
          numberKey: calledNumberKey(task),
          name: task.contact.name,
          remark: 'opted out during a call',
          createdAt: task.endTime || settlement.now,
        }
      : undefined,
  };
}
