import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Clock } from '../../engine/clock.ts';
import type {
  AccessKeyRow,
  AccessKeyStatus,
  AccountRow,
  ExportProgressRow,
  InstanceRow,
  JobGroupCounters,
  JobGroupRow,
  JobGroupView,
  Page,
  PageRequest,
  ResultCount,
  ScriptRow,
  ScriptVersionRow,
} from '../rows.ts';
import type { InstanceFilter, JobGroupFilter, ScriptFilter, Store } from '../store.ts';
import { migrate } from './migrate.ts';
import * as q from './queries.ts';

type Row = Record<string, unknown>;
type Statement = Database.Statement<unknown[], Row>;

/** Opens (creating if needed) `<dataDir>/outboundbot.sqlite` and applies pending migrations. */
export function openSqliteStore(dataDir: string, clock: Clock): SqliteStore {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new Database(join(dataDir, 'outboundbot.sqlite'));
  for (const pragma of q.PRAGMAS) db.exec(pragma);
  migrate(db, clock.now());
  return new SqliteStore(db);
}

/**
 * The embedded backend. better-sqlite3 is synchronous, so each method runs to
 * completion before the event loop moves on: a method is its own transaction
 * without explicit locking. Methods still return promises to honour the Store
 * contract that the PostgreSQL backend shares.
 */
export class SqliteStore implements Store {
  private readonly statements = new Map<string, Statement>();

  constructor(readonly db: Database.Database) {}

  private stmt(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  async close(): Promise<void> {
    this.db.close();
  }

  // Accounts and keys --------------------------------------------------------

  async insertAccount(account: AccountRow): Promise<void> {
    this.stmt(q.accounts.insert).run(account);
  }

  async findAccount(id: string): Promise<AccountRow | undefined> {
    return this.stmt(q.accounts.find).get(id) as AccountRow | undefined;
  }

  async listAccounts(): Promise<AccountRow[]> {
    return this.stmt(q.accounts.list).all() as unknown as AccountRow[];
  }

  async insertAccessKey(key: AccessKeyRow): Promise<void> {
    this.stmt(q.accessKeys.insert).run({
      ...key,
      isRoot: key.isRoot ? 1 : 0,
      policy: key.policy ? JSON.stringify(key.policy) : null,
    });
  }

  async findAccessKey(id: string): Promise<AccessKeyRow | undefined> {
    const row = this.stmt(q.accessKeys.find).get(id);
    return row ? toAccessKey(row) : undefined;
  }

  async listAccessKeys(): Promise<AccessKeyRow[]> {
    return this.stmt(q.accessKeys.list).all().map(toAccessKey);
  }

  async updateAccessKey(id: string, change: { status?: AccessKeyStatus; secret?: string }): Promise<boolean> {
    return this.db.transaction(() => {
      let changed = 0;
      if (change.status) changed += this.stmt(q.accessKeys.setStatus).run({ id, status: change.status }).changes;
      if (change.secret) changed += this.stmt(q.accessKeys.setSecret).run({ id, secret: change.secret }).changes;
      return changed > 0;
    })();
  }

  async claimNonce(accessKeyId: string, nonce: string, now: number, expiresAt: number): Promise<boolean> {
    return this.stmt(q.nonces.claim).run({ accessKeyId, nonce, expiresAt, now }).changes === 1;
  }

  async purgeNonces(now: number): Promise<number> {
    return this.stmt(q.nonces.purge).run(now).changes;
  }

  async getSetting(key: string): Promise<string | undefined> {
    const row = this.stmt(q.settings.get).get(key);
    return row ? String(row.value) : undefined;
  }

  async setSetting(key: string, value: string): Promise<void> {
    this.stmt(q.settings.set).run({ key, value });
  }

  // Instances ----------------------------------------------------------------

  async insertInstance(instance: InstanceRow): Promise<void> {
    this.stmt(q.instances.insert).run(instanceParams(instance));
  }

  async findInstance(accountId: string, instanceId: string): Promise<InstanceRow | undefined> {
    const row = this.stmt(q.instances.find).get(accountId, instanceId);
    return row ? toInstance(row) : undefined;
  }

  async listInstances(accountId: string, filter: InstanceFilter, page: PageRequest): Promise<Page<InstanceRow>> {
    const params = { accountId, name: filter.name ?? null, resourceGroupId: filter.resourceGroupId ?? null };
    return this.page(q.instances.list, q.instances.count, params, page, toInstance);
  }

  async updateInstance(instance: InstanceRow): Promise<void> {
    this.stmt(q.instances.update).run(instanceParams(instance));
  }

  async deleteInstance(accountId: string, instanceId: string): Promise<boolean> {
    return this.stmt(q.instances.delete).run(accountId, instanceId).changes > 0;
  }

  // Scripts ------------------------------------------------------------------

  async insertScript(script: ScriptRow): Promise<void> {
    this.stmt(q.scripts.insert).run(scriptParams(script));
  }

  async findScript(instanceId: string, scriptId: string): Promise<ScriptRow | undefined> {
    const row = this.stmt(q.scripts.find).get(instanceId, scriptId);
    return row ? toScript(row) : undefined;
  }

  async listScripts(instanceId: string, filter: ScriptFilter, page: PageRequest): Promise<Page<ScriptRow>> {
    const params = { instanceId, name: filter.name ?? null, nluEngine: filter.nluEngine ?? null };
    return this.page(q.scripts.list, q.scripts.count, params, page, toScript);
  }

  async updateScript(script: ScriptRow): Promise<void> {
    this.stmt(q.scripts.update).run(scriptParams(script));
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
    return this.page(q.scriptVersions.list, q.scriptVersions.count, { instanceId, scriptId }, page, (row) => ({
      scriptId: String(row.scriptId),
      instanceId: String(row.instanceId),
      version: String(row.version),
      description: String(row.description),
      publishedAt: Number(row.publishedAt),
      snapshot: JSON.parse(String(row.snapshot)),
    }));
  }

  // Job groups ---------------------------------------------------------------

  async insertJobGroup(group: JobGroupRow): Promise<void> {
    this.db.transaction(() => {
      this.stmt(q.jobGroups.insert).run(jobGroupParams(group));
      this.stmt(q.jobGroups.insertCounters).run(group.id);
    })();
  }

  async findJobGroup(instanceId: string, jobGroupId: string): Promise<JobGroupRow | undefined> {
    const row = this.stmt(q.jobGroups.find).get(instanceId, jobGroupId);
    return row ? toJobGroup(row) : undefined;
  }

  async viewJobGroup(instanceId: string, jobGroupId: string, briefKeys?: readonly string[]): Promise<JobGroupView | undefined> {
    const row = this.stmt(q.jobGroups.view).get(instanceId, jobGroupId);
    if (!row) return undefined;
    const view = toJobGroupView(row);
    this.attachResults(view, briefKeys);
    return view;
  }

  async listJobGroups(instanceId: string, filter: JobGroupFilter, page: PageRequest): Promise<Page<JobGroupView>> {
    const params = {
      instanceId,
      statuses: filter.statuses?.length ? JSON.stringify(filter.statuses) : null,
      searchText: filter.searchText || null,
      createdFrom: filter.createdFrom ?? null,
      createdTo: filter.createdTo ?? null,
      onlyMinConcurrency: filter.onlyMinConcurrencyEnabled ? 1 : 0,
    };
    return this.page(q.jobGroups.list, q.jobGroups.count, params, page, toJobGroupView);
  }

  async updateJobGroup(group: JobGroupRow): Promise<void> {
    this.stmt(q.jobGroups.update).run(jobGroupParams(group));
  }

  async deleteJobGroup(instanceId: string, jobGroupId: string): Promise<boolean> {
    return this.stmt(q.jobGroups.delete).run(instanceId, jobGroupId).changes > 0;
  }

  async sumMinConcurrency(instanceId: string, priority: string, excludeJobGroupId?: string): Promise<number> {
    const row = this.stmt(q.jobGroups.sumMinConcurrency).get({ instanceId, priority, excludeId: excludeJobGroupId ?? '' });
    return Number(row?.n ?? 0);
  }

  // Helpers ------------------------------------------------------------------

  private attachResults(view: JobGroupView, briefKeys?: readonly string[]): void {
    const wanted = briefKeys?.length ? new Set(briefKeys) : undefined;
    for (const row of this.stmt(q.jobGroups.results).all(view.group.id)) {
      const result: ResultCount = { key: String(row.key), value: String(row.value), count: Number(row.count) };
      if (row.kind === 'category') view.categories.push(result);
      else if (!wanted || wanted.has(result.key)) view.briefs.push(result);
    }
  }

  private page<T>(listSql: string, countSql: string, params: Row, page: PageRequest, map: (row: Row) => T): Page<T> {
    const limit = page.pageSize;
    const offset = (page.pageNumber - 1) * page.pageSize;
    const items = this.stmt(listSql).all({ ...params, limit, offset }).map(map);
    const total = this.stmt(countSql).get(params);
    return { items, totalCount: Number(total?.n ?? 0) };
  }
}

function toAccessKey(row: Row): AccessKeyRow {
  return {
    id: String(row.id),
    accountId: String(row.accountId),
    secret: String(row.secret),
    status: row.status as AccessKeyStatus,
    isRoot: row.isRoot === 1,
    name: String(row.name),
    policy: row.policy ? JSON.parse(String(row.policy)) : undefined,
    createdAt: Number(row.createdAt),
  };
}

function instanceParams(instance: InstanceRow): Row {
  return { ...instance, callingNumbers: JSON.stringify(instance.callingNumbers) };
}

function toInstance(row: Row): InstanceRow {
  return { ...(row as unknown as InstanceRow), callingNumbers: JSON.parse(String(row.callingNumbers)) };
}

function scriptParams(script: ScriptRow): Row {
  return {
    ...script,
    settings: JSON.stringify(script.settings),
    publishedVersion: script.publishedVersion ?? null,
    isDrafted: script.isDrafted ? 1 : 0,
  };
}

function toScript(row: Row): ScriptRow {
  return {
    ...(row as unknown as ScriptRow),
    settings: JSON.parse(String(row.settings)),
    publishedVersion: row.publishedVersion == null ? undefined : String(row.publishedVersion),
    isDrafted: row.isDrafted === 1,
  };
}

function jobGroupParams(group: JobGroupRow): Row {
  return {
    ...group,
    strategy: JSON.stringify(group.strategy),
    recallStrategy: JSON.stringify(group.recallStrategy),
    callingNumbers: JSON.stringify(group.callingNumbers),
    recallCallingNumbers: JSON.stringify(group.recallCallingNumbers),
    flashSmsExtras: group.flashSmsExtras ? JSON.stringify(group.flashSmsExtras) : null,
  };
}

function toJobGroup(row: Row): JobGroupRow {
  return {
    id: String(row.id),
    instanceId: String(row.instanceId),
    name: String(row.name),
    description: String(row.description),
    scriptId: String(row.scriptId),
    scenarioId: String(row.scenarioId),
    strategy: JSON.parse(String(row.strategy)),
    recallStrategy: JSON.parse(String(row.recallStrategy)),
    callingNumbers: JSON.parse(String(row.callingNumbers)),
    recallCallingNumbers: JSON.parse(String(row.recallCallingNumbers)),
    priority: row.priority as JobGroupRow['priority'],
    ringingDuration: Number(row.ringingDuration),
    minConcurrency: Number(row.minConcurrency),
    flashSmsExtras: row.flashSmsExtras ? JSON.parse(String(row.flashSmsExtras)) : undefined,
    jobFilePath: String(row.jobFilePath),
    jobDataParsingTaskId: String(row.jobDataParsingTaskId),
    status: row.status as JobGroupRow['status'],
    createdAt: Number(row.createdAt),
    modifiedAt: Number(row.modifiedAt),
  };
}

function toJobGroupView(row: Row): JobGroupView {
  const counters: JobGroupCounters = {
    totalJobs: Number(row.totalJobs),
    scheduling: Number(row.scheduling),
    executing: Number(row.executing),
    completed: Number(row.completed),
    failed: Number(row.failed),
    paused: Number(row.paused),
    cancelled: Number(row.cancelled),
    notAnswered: Number(row.notAnswered),
    totalCalls: Number(row.totalCalls),
    startTime: Number(row.startTime),
    endTime: Number(row.endTime),
    finishedNum: Number(row.finishedNum),
    clientHangupNum: Number(row.clientHangupNum),
    noInteractNum: Number(row.noInteractNum),
    timeoutHangupNum: Number(row.timeoutHangupNum),
    unrecognizedNum: Number(row.unrecognizedNum),
  };
  return {
    group: toJobGroup(row),
    counters,
    scriptName: row.scriptName == null ? '' : String(row.scriptName),
    scriptVersion: row.scriptVersion == null ? '' : String(row.scriptVersion),
    scriptNluEngine: row.scriptNluEngine == null ? '' : String(row.scriptNluEngine),
    briefs: [],
    categories: [],
    latestExport: row.latestExport ? (JSON.parse(String(row.latestExport)) as ExportProgressRow) : undefined,
  };
}
