import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { invalidParameter } from '../../domain/errors.ts';
import type { Clock } from '../../engine/clock.ts';
import type {
  AccessKeyRow,
  AccessKeyStatus,
  AccountRow,
  ExportProgressRow,
  JobGroupCounters,
  JobGroupRow,
  JobGroupView,
  DueJob,
  JobRow,
  JobStatus,
  InstanceRow,
  Page,
  PageRequest,
  ResultCount,
  ScriptRow,
  ScriptVersionRow,
  TaskRow,
} from '../rows.ts';
import { calledNumberKey } from '../rows.ts';
import type {
  AttemptClaim,
  AttemptSettlement,
  CounterDelta,
  DispatchGroup,
  DispatchRound,
  GroupCallReport,
  InstanceFilter,
  JobFilter,
  JobGroupFilter,
  JobSelector,
  Reschedule,
  RoundWrites,
  ScriptFilter,
  Store,
} from '../store.ts';
import { admitClaims, type LineReservation } from '../../domain/line-admission.ts';
import { emptyCallReport, keptCallReport, tallyAnsweredCall } from '../call-report-tally.ts';
import { migrate } from './migrate.ts';
import { COUNTER_OF_STATUS, jobsInStatuses, ZERO_DELTA } from '../job-status-counters.ts';
import { PostgresDialogStore } from './postgres-dialog-store.ts';
import { PostgresFileStore } from './postgres-file-store.ts';
import * as q from './queries.ts';
import { bind, copyLine } from './queries.ts';
import { toDueJob, toJob, toTask } from './row-mapping.ts';

type Row = Record<string, unknown>;

/** Where a PostgreSQL store lives: the server's URL and the schema its tables are in. */
export interface PostgresLocation {
  /** A libpq-style URL (`postgres://user@host:5432/db`) without the `schema` parameter. */
  connectionString: string;
  schema: string;
}

/** Schema names are spliced into `search_path`, so only plain identifiers are accepted. */
export const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Splits `postgres://…?schema=name` into the driver's URL and the schema (default
 * `public`). The `schema` parameter is ours; every other parameter goes to the driver.
 */
export function parseDatabaseUrl(url: string): PostgresLocation {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') || 'public';
  if (!SCHEMA_NAME.test(schema)) throw new Error(`the schema parameter must be a plain identifier, got "${schema}"`);
  parsed.searchParams.delete('schema');
  return { connectionString: parsed.toString(), schema };
}

// BIGINT (epoch ms, counters) and NUMERIC (sums) come back as JS numbers: every
// value stored fits in 2^53 the way it does on SQLite.
const TYPES = {
  getTypeParser(oid: number, format?: string) {
    if (oid === 20 || oid === 1700) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig;

export interface PostgresStoreOptions {
  /**
   * Connections in the pool (default 10, at least 2: an engine round holds one from
   * its due read to its commit while the engine reads on another).
   */
  poolSize?: number;
}

/** Connects, creates the schema if needed and applies pending migrations under the advisory lock. */
export async function openPostgresStore(url: string, clock: Clock, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
  const location = parseDatabaseUrl(url);
  const poolSize = options.poolSize ?? 10;
  if (!Number.isInteger(poolSize) || poolSize < 2) throw new Error(`a PostgreSQL pool needs at least 2 connections, not ${poolSize}`);
  const pool = new pg.Pool({
    connectionString: location.connectionString,
    max: poolSize,
    types: TYPES,
    options: `-c search_path=${location.schema}`,
    application_name: 'outboundbot',
  });
  // An idle client that loses its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    try {
      await migrate(client, location.schema, clock.now());
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end();
    throw error;
  }
  const store = new PostgresStore(pool, location);
  try {
    await store.dialog.fillNumberKeys();
  } catch (error) {
    await pool.end();
    throw error;
  }
  return store;
}

/** character_not_in_repertoire (a NUL in text), untranslatable_character (a NUL escape in JSONB). */
const UNSTORABLE_TEXT = new Set(['22021', '22P05']);
/** Transient conflicts a transaction is retried on: deadlock_detected, serialization_failure. */
const RETRYABLE = new Set(['40P01', '40001']);
const BATCH_ROWS_VIA_JSON = 1_000;
/** The `free` lines of an optimistic claim, checked after it (the claim statement's `free` is an int). */
const UNLIMITED_LINES = 2_147_483_647;

/**
 * The PostgreSQL backend. Each Store method is one transaction on a pooled
 * connection; claims and settlements are batched into a few statements each.
 * Several server processes may share one database: every state change is guarded
 * in SQL (a job is claimed only while Scheduling, a task settled only while
 * Executing) and counters move by increments under their row lock, so the
 * outcome is the same whichever node runs it.
 */
export class PostgresStore implements Store {
  readonly files: PostgresFileStore;
  readonly dialog: PostgresDialogStore;
  /** The names tryExclusively holds now in this process. */
  private readonly heldNames = new Set<string>();

  constructor(readonly pool: pg.Pool, readonly location: PostgresLocation) {
    this.files = new PostgresFileStore(this);
    this.dialog = new PostgresDialogStore(this);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** Runs one statement outside an explicit transaction. */
  async run(sql: string, params: Row = {}, client: pg.ClientBase | pg.Pool = this.pool): Promise<pg.QueryResult<Row>> {
    try {
      return await client.query<Row>(bind(sql, params));
    } catch (error) {
      // PostgreSQL text and JSONB cannot hold U+0000 (SQLite can): a value carrying it
      // is the caller's bad input, answered 400 InvalidParameter rather than 500.
      if (UNSTORABLE_TEXT.has((error as { code?: string }).code ?? '')) {
        throw invalidParameter('value', 'text containing a NUL character (U+0000) cannot be stored');
      }
      throw error;
    }
  }

  async rows(sql: string, params: Row = {}, client: pg.ClientBase | pg.Pool = this.pool): Promise<Row[]> {
    return (await this.run(sql, params, client)).rows;
  }

  async one(sql: string, params: Row = {}, client: pg.ClientBase | pg.Pool = this.pool): Promise<Row | undefined> {
    return (await this.run(sql, params, client)).rows[0];
  }

  /** Runs `body` in one transaction, retried on deadlock or serialization failure. */
  async transaction<T>(body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN');
        const result = await body(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        if (attempt < 5 && RETRYABLE.has((error as { code?: string }).code ?? '')) continue;
        throw error;
      } finally {
        client.release();
      }
    }
  }

  // Wake-ups -------------------------------------------------------------------

  /** Tells every listening node, when the transaction commits, that the group has new due work. */
  private async notifyWork(client: pg.ClientBase, jobGroupId: string): Promise<void> {
    await this.run(q.wakeups.notify, { channel: q.wakeups.channel(this.location.schema), jobGroupId }, client);
  }

  /**
   * Calls `listener` with a group's id whenever any node (this one included) commits
   * new due work for it: jobs added, or jobs resumed to Scheduling. A dispatcher can
   * sleep until its next known due time or such a wake-up, instead of polling.
   * Resolves once listening; the returned function stops it.
   */
  onWork(listener: (jobGroupId: string) => void): Promise<() => Promise<void>> {
    return this.onNotification(q.wakeups.channel(this.location.schema), q.wakeups.listen(this.location.schema), listener);
  }

  /**
   * Calls `listener` with the payload of every notification on `channel`. The
   * listening connection is a client of its own, reconnected after a failure (a
   * notification missed meanwhile costs only latency: every listener here also
   * polls, more slowly). Resolves once listening; the returned function stops it.
   */
  async onNotification(channel: string, listenSql: string, listener: (payload: string) => void): Promise<() => Promise<void>> {
    let client: pg.Client | undefined;
    let stopped = false;
    const connect = async (): Promise<void> => {
      const next = new pg.Client({ connectionString: this.location.connectionString, application_name: 'outboundbot-listen' });
      next.on('notification', (message) => {
        if (message.channel === channel && message.payload) listener(message.payload);
      });
      next.on('error', () => {
        if (client === next) client = undefined;
        next.end().catch(() => undefined);
        if (!stopped) setTimeout(() => void connect().catch(() => undefined), 1_000).unref();
      });
      await next.connect();
      await next.query(listenSql);
      if (stopped) {
        await next.end();
        return;
      }
      client = next;
    };
    await connect();
    return async () => {
      stopped = true;
      const current = client;
      client = undefined;
      await current?.end();
    };
  }

  /** The database server's clock (epoch ms), which every node's clock is set to (SyncedClock). */
  async databaseTime(): Promise<number> {
    return Number((await this.one(q.databaseTime))!.now);
  }

  // Accounts and keys --------------------------------------------------------

  async insertAccount(account: AccountRow): Promise<void> {
    await this.run(q.accounts.insert, { ...account });
  }

  async findAccount(id: string): Promise<AccountRow | undefined> {
    return (await this.one(q.accounts.find, { id })) as AccountRow | undefined;
  }

  async listAccounts(): Promise<AccountRow[]> {
    return (await this.rows(q.accounts.list)) as unknown as AccountRow[];
  }

  async insertAccessKey(key: AccessKeyRow): Promise<void> {
    await this.run(q.accessKeys.insert, { ...key, policy: key.policy ? JSON.stringify(key.policy) : null });
  }

  async findAccessKey(id: string): Promise<AccessKeyRow | undefined> {
    const row = await this.one(q.accessKeys.find, { id });
    return row ? toAccessKey(row) : undefined;
  }

  async listAccessKeys(): Promise<AccessKeyRow[]> {
    return (await this.rows(q.accessKeys.list)).map(toAccessKey);
  }

  async updateAccessKey(id: string, change: { status?: AccessKeyStatus; secret?: string }): Promise<boolean> {
    return this.transaction(async (client) => {
      let changed = 0;
      if (change.status) changed += (await this.run(q.accessKeys.setStatus, { id, status: change.status }, client)).rowCount ?? 0;
      if (change.secret) changed += (await this.run(q.accessKeys.setSecret, { id, secret: change.secret }, client)).rowCount ?? 0;
      return changed > 0;
    });
  }

  async claimNonce(accessKeyId: string, nonce: string, now: number, expiresAt: number): Promise<boolean> {
    return (await this.run(q.nonces.claim, { accessKeyId, nonce, expiresAt, now })).rowCount === 1;
  }

  async purgeNonces(now: number): Promise<number> {
    return (await this.run(q.nonces.purge, { now })).rowCount ?? 0;
  }

  async getSetting(key: string): Promise<string | undefined> {
    const row = await this.one(q.settings.get, { key });
    return row ? String(row.value) : undefined;
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.run(q.settings.set, { key, value });
  }
  async initSetting(key: string, value: string): Promise<string> {
    return String((await this.one(q.settings.init, { key, value }))!.value);
  }

  async tryExclusively(name: string, body: () => Promise<void>): Promise<boolean> {
    // Session-level locks are re-entrant within a session, so the same process is
    // kept out by a set of its own names, other processes by the lock.
    if (this.heldNames.has(name)) return false;
    this.heldNames.add(name);
    const client = await this.pool.connect();
    // The connection is held for as long as the body runs: losing it (a database
    // restart) loses the lock, which must not crash the process.
    const ignore = () => undefined;
    client.on('error', ignore);
    const params = { schema: this.location.schema, name };
    try {
      if (!(await this.one(q.settings.tryLock, params, client))?.locked) return false;
      try {
        await body();
        return true;
      } finally {
        await this.run(q.settings.unlock, params, client).catch(() => undefined);
      }
    } finally {
      client.off('error', ignore);
      client.release();
      this.heldNames.delete(name);
    }
  }

  /** Each call commits at once: nodes follow every step, and a round's commit is not what limits them here. */
  async groupWrites<T>(body: (checkpoint: () => Promise<void>) => Promise<T>): Promise<T> {
    return body(async () => {});
  }

  async exclusively<T>(name: string, body: () => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const params = { schema: this.location.schema, name };
    try {
      await this.run(q.settings.lock, params, client);
      try {
        return await body();
      } finally {
        await this.run(q.settings.unlock, params, client).catch(() => undefined);
      }
    } finally {
      client.release();
    }
  }


  // Instances ----------------------------------------------------------------

  async insertInstance(instance: InstanceRow): Promise<void> {
    await this.run(q.instances.insert, instanceParams(instance));
  }

  async findInstance(accountId: string, instanceId: string): Promise<InstanceRow | undefined> {
    const row = await this.one(q.instances.find, { accountId, id: instanceId });
    return row ? toInstance(row) : undefined;
  }

  async listInstances(accountId: string, filter: InstanceFilter, page: PageRequest): Promise<Page<InstanceRow>> {
    const params = { accountId, name: filter.name ?? null, resourceGroupId: filter.resourceGroupId ?? null };
    return this.page(q.instances.list, q.instances.count, params, page, toInstance);
  }

  async updateInstance(instance: InstanceRow): Promise<void> {
    await this.run(q.instances.update, instanceParams(instance));
  }

  async deleteInstance(accountId: string, instanceId: string): Promise<boolean> {
    return ((await this.run(q.instances.delete, { accountId, id: instanceId })).rowCount ?? 0) > 0;
  }

  // Scripts ------------------------------------------------------------------

  async insertScript(script: ScriptRow): Promise<void> {
    await this.run(q.scripts.insert, scriptParams(script));
  }

  async findScript(instanceId: string, scriptId: string): Promise<ScriptRow | undefined> {
    const row = await this.one(q.scripts.find, { instanceId, id: scriptId });
    return row ? toScript(row) : undefined;
  }

  async listScripts(instanceId: string, filter: ScriptFilter, page: PageRequest): Promise<Page<ScriptRow>> {
    const params = { instanceId, name: filter.name ?? null, nluEngine: filter.nluEngine ?? null };
    return this.page(q.scripts.list, q.scripts.count, params, page, toScript);
  }

  async updateScript(script: ScriptRow): Promise<void> {
    await this.run(q.scripts.update, scriptParams(script));
  }

  async deleteScript(instanceId: string, scriptId: string): Promise<boolean> {
    return ((await this.run(q.scripts.delete, { instanceId, id: scriptId })).rowCount ?? 0) > 0;
  }

  async publishScript(version: ScriptVersionRow): Promise<void> {
    await this.transaction(async (client) => {
      await this.run(q.scriptVersions.insert, { ...version, snapshot: JSON.stringify(version.snapshot) }, client);
      await this.run(q.scripts.markPublished, { ...version }, client);
    });
  }

  async listScriptVersions(instanceId: string, scriptId: string, page: PageRequest): Promise<Page<ScriptVersionRow>> {
    return this.page(q.scriptVersions.list, q.scriptVersions.count, { instanceId, scriptId }, page, (row) => ({
      scriptId: String(row.scriptId),
      instanceId: String(row.instanceId),
      version: String(row.version),
      description: String(row.description),
      publishedAt: Number(row.publishedAt),
      snapshot: row.snapshot as ScriptVersionRow['snapshot'],
    }));
  }

  // Job groups ---------------------------------------------------------------

  async insertJobGroup(group: JobGroupRow): Promise<void> {
    await this.transaction(async (client) => {
      await this.run(q.jobGroups.insert, jobGroupParams(group), client);
      await this.run(q.jobGroups.insertCounters, { id: group.id }, client);
    });
  }

  async findJobGroup(instanceId: string, jobGroupId: string): Promise<JobGroupRow | undefined> {
    const row = await this.one(q.jobGroups.find, { instanceId, id: jobGroupId });
    return row ? toJobGroup(row) : undefined;
  }

  async viewJobGroup(instanceId: string, jobGroupId: string, briefKeys?: readonly string[]): Promise<JobGroupView | undefined> {
    const row = await this.one(q.jobGroups.view, { instanceId, id: jobGroupId });
    if (!row) return undefined;
    const view = toJobGroupView(row);
    attachResults(view, row.results as Row[], briefKeys);
    return view;
  }

  async listJobGroups(instanceId: string, filter: JobGroupFilter, page: PageRequest): Promise<Page<JobGroupView>> {
    const params = {
      instanceId,
      statuses: filter.statuses?.length ? filter.statuses : null,
      searchText: filter.searchText || null,
      createdFrom: filter.createdFrom ?? null,
      createdTo: filter.createdTo ?? null,
      onlyMinConcurrency: Boolean(filter.onlyMinConcurrencyEnabled),
    };
    return this.page(q.jobGroups.list, q.jobGroups.count, params, page, toJobGroupView);
  }

  async updateJobGroup(group: JobGroupRow): Promise<void> {
    await this.run(q.jobGroups.update, jobGroupParams(group));
  }

  async deleteJobGroup(instanceId: string, jobGroupId: string): Promise<boolean> {
    return ((await this.run(q.jobGroups.delete, { instanceId, id: jobGroupId })).rowCount ?? 0) > 0;
  }

  async sumMinConcurrency(instanceId: string, priority: string, excludeJobGroupId?: string): Promise<number> {
    const row = await this.one(q.jobGroups.sumMinConcurrency, { instanceId, priority, excludeId: excludeJobGroupId ?? '' });
    return Number(row?.n ?? 0);
  }

  // Jobs and tasks -----------------------------------------------------------

  async insertJobs(jobGroupId: string, jobs: JobRow[], now: number): Promise<void> {
    if (jobs.length === 0) return; // nothing added: the group must not wake (or complete)
    await this.transaction(async (client) => {
      await this.lockGroups(client, [jobGroupId]);
      if (jobs.length <= BATCH_ROWS_VIA_JSON) {
        await this.run(q.jobs.insertMany, { rows: JSON.stringify(jobs) }, client);
      } else {
        await copyJobs(client, jobs);
      }
      await this.applyDeltas(client, new Map([[jobGroupId, { totalJobs: jobs.length, scheduling: jobs.length }]]));
      await this.run(q.counters.wakeGroup, { jobGroupId, now }, client);
      await this.refreshStatuses(client, [{ id: jobGroupId, now }]);
      await this.notifyWork(client, jobGroupId);
    });
  }

  async findJob(instanceId: string, jobId: string): Promise<{ job: JobRow; tasks: TaskRow[] } | undefined> {
    const row = await this.one(q.jobs.find, { instanceId, id: jobId });
    if (!row) return undefined;
    return { job: toJob(row), tasks: (await this.rows(q.jobs.tasksOf, { jobId })).map(toTask) };
  }

  async listJobs(instanceId: string, jobIds: readonly string[]): Promise<JobRow[]> {
    return (await this.rows(q.jobs.byIds, { instanceId, ids: [...jobIds] })).map(toJob);
  }

  async queryJobs(instanceId: string, filter: JobFilter, page: PageRequest): Promise<Page<{ job: JobRow; lastTask?: TaskRow }>> {
    const params = {
      instanceId,
      jobGroupId: filter.jobGroupId ?? null,
      statuses: filter.statuses?.length ? filter.statuses : null,
      failureReason: filter.failureReason ?? null,
      phoneNumber: filter.phoneNumber ?? null,
      contactName: filter.contactName ?? null,
      createdFrom: filter.createdFrom ?? null,
      createdTo: filter.createdTo ?? null,
    };
    // A group's totals, by status or not, come from its counters; a page past them is empty.
    const onlyGroupAndStatus = filter.jobGroupId !== undefined && params.failureReason === null && params.phoneNumber === null
      && params.contactName === null && params.createdFrom === null && params.createdTo === null;
    let result: Page<JobRow>;
    if (onlyGroupAndStatus) {
      const totalCount = await this.countGroupJobs(instanceId, filter.jobGroupId!, filter.statuses);
      const offset = (page.pageNumber - 1) * page.pageSize;
      const items = offset >= totalCount ? [] : (await this.rows(q.jobs.query, { ...params, limit: page.pageSize, offset })).map(toJob);
      result = { items, totalCount };
    } else {
      result = await this.page(q.jobs.query, q.jobs.queryCount, params, page, toJob);
    }
    const last = new Map<string, TaskRow>();
    if (result.items.length > 0) {
      for (const row of await this.rows(q.jobs.lastTasksOf, { ids: result.items.map((job) => job.id) })) {
        const task = toTask(row);
        last.set(task.jobId, task);
      }
    }
    return { totalCount: result.totalCount, items: result.items.map((job) => ({ job, lastTask: last.get(job.id) })) };
  }

  /** How many of a group's jobs are in the statuses given (all when none), from its counters. */
  private async countGroupJobs(instanceId: string, jobGroupId: string, statuses: readonly JobStatus[] | undefined): Promise<number> {
    const row = await this.one(q.jobs.groupStatusCounts, { jobGroupId, instanceId });
    return row ? jobsInStatuses(row, statuses) : 0;
  }

  async moveJobs(jobGroupId: string, selector: JobSelector, from: JobStatus[], to: JobStatus, now: number, nextAttemptAt?: number): Promise<number> {
    return this.transaction(async (client) => {
      await this.lockGroups(client, [jobGroupId]);
      let moved = 0;
      const delta: CounterDelta = {};
      for (const status of from) {
        const changes = (await this.run(q.jobs.move, {
          jobGroupId,
          from: status,
          to,
          now,
          nextAttemptAt: nextAttemptAt ?? now,
          all: 'all' in selector,
          ids: 'jobIds' in selector ? selector.jobIds : null,
          referenceIds: 'referenceIds' in selector ? selector.referenceIds : null,
        }, client)).rowCount ?? 0;
        if (changes === 0) continue;
        moved += changes;
        const fromKey = COUNTER_OF_STATUS[status];
        const toKey = COUNTER_OF_STATUS[to];
        delta[fromKey] = (delta[fromKey] ?? 0) - changes;
        delta[toKey] = (delta[toKey] ?? 0) + changes;
      }
      if (moved > 0) await this.applyDeltas(client, new Map([[jobGroupId, delta]]));
      await this.refreshStatuses(client, [{ id: jobGroupId, now }]);
      if (moved > 0 && to === 'Scheduling') await this.notifyWork(client, jobGroupId);
      return moved;
    });
  }

  async refreshGroupStatus(jobGroupId: string, now: number): Promise<void> {
    await this.transaction(async (client) => {
      await this.lockGroups(client, [jobGroupId]);
      await this.refreshStatuses(client, [{ id: jobGroupId, now }]);
    });
  }

  async storedCounters(jobGroupId: string): Promise<JobGroupCounters | undefined> {
    const row = await this.one(q.counters.stored, { jobGroupId });
    return row ? numbers<JobGroupCounters>(row) : undefined;
  }

  async recountGroup(jobGroupId: string): Promise<JobGroupCounters> {
    return numbers<JobGroupCounters>((await this.one(q.counters.recount, { jobGroupId })) ?? {});
  }

  async listAllJobGroupIds(): Promise<string[]> {
    return (await this.rows(q.counters.allGroupIds)).map((row) => String(row.id));
  }

  async instanceConcurrency(accountId: string, instanceId: string): Promise<{ max: number; inFlight: number } | undefined> {
    const row = await this.one(q.concurrency.instance, { accountId, instanceId });
    return row ? { max: Number(row.max), inFlight: Number(row.inFlight) } : undefined;
  }

  async accountConcurrency(accountId: string): Promise<{ max: number; inFlight: number }> {
    const row = await this.one(q.concurrency.account, { accountId });
    return { max: Number(row?.max ?? 0), inFlight: Number(row?.inFlight ?? 0) };
  }

  /** Kept as counters by the settlements (migration 000011): a fixed number of rows whatever the group's calls. */
  async groupCallReport(jobGroupId: string): Promise<GroupCallReport> {
    return keptCallReport((await this.one(q.reports.storedCalls, { jobGroupId })) ?? {}, await this.rows(q.reports.storedBuckets, { jobGroupId }));
  }

  async recountCallReport(jobGroupId: string): Promise<GroupCallReport> {
    const totals = (await this.one(q.reports.groupCalls, { jobGroupId })) ?? {};
    const buckets = async (sql: string, key: string) =>
      Object.fromEntries((await this.rows(sql, { jobGroupId })).map((row) => [String(row[key]), Number(row.n)]));
    return {
      answered: Number(totals.answered ?? 0),
      talkMs: Number(totals.talkMs ?? 0),
      maxTalkMs: Number(totals.maxTalkMs ?? 0),
      durationBuckets: await buckets(q.reports.groupDurationBuckets, 'bucket'),
      turnBuckets: await buckets(q.reports.groupTurnBuckets, 'turns'),
    };
  }

  async instanceCallSummaries(accountId: string, instanceIds?: readonly string[]) {
    const rows = await this.rows(q.reports.instanceCalls, { accountId, ids: instanceIds?.length ? [...instanceIds] : null });
    return rows.map((row) => ({ instanceId: String(row.instanceId), totalCalls: Number(row.totalCalls), talkMs: Number(row.talkMs) }));
  }

  // Dispatch -------------------------------------------------------------------

  async dispatchableGroups(): Promise<DispatchGroup[]> {
    return (await this.rows(q.dispatch.groups)).map((row) => ({
      group: toJobGroup(row),
      instanceMaxConcurrency: Number(row.instanceMaxConcurrency),
      inFlight: Number(row.inFlight),
      instanceInFlight: Number(row.instanceInFlight),
    }));
  }

  async dueJobs(jobGroupId: string, now: number, limit: number): Promise<DueJob[]> {
    return (await this.rows(q.dispatch.due, { jobGroupId, now, limit })).map((row) => toDueJob(row, jobGroupId));
  }

  async nextDueTime(after: number): Promise<number | undefined> {
    const row = await this.one(q.dispatch.nextDue, { after });
    return row?.t == null ? undefined : Number(row.t);
  }

  async claimAttempts(claims: AttemptClaim[], now: number): Promise<TaskRow[]> {
    return this.roundTransaction([], [], claims, now);
  }

  async settleAttempt(settlement: AttemptSettlement): Promise<void> {
    return this.settleAttempts([settlement]);
  }

  async settleAttempts(settlements: AttemptSettlement[]): Promise<void> {
    await this.roundTransaction(settlements, [], [], Math.max(0, ...settlements.map((settlement) => settlement.now)));
  }

  async reschedule(changes: Reschedule[], now: number): Promise<void> {
    await this.roundTransaction([], changes, [], now);
  }

  async commitRound(round: RoundWrites): Promise<TaskRow[]> {
    return this.roundTransaction(round.settlements, round.reschedules, round.claims, round.now);
  }

  private async roundTransaction(settlements: AttemptSettlement[], reschedules: Reschedule[], claims: AttemptClaim[], now: number): Promise<TaskRow[]> {
    if (settlements.length + reschedules.length + claims.length === 0) return [];
    return this.dispatchRound((round) => round.commit({ settlements, reschedules, claims, now }));
  }

  /**
   * A round in one transaction. Its due reads lock the jobs they return (SKIP
   * LOCKED: a job another node's round holds is passed over, never waited for), so
   * nodes dispatching one group at once read and claim different jobs. Its counter
   * moves go to shard rows (no group-wide lock), so the statuses they imply are
   * brought up to date just after it commits, under the groups' locks: whichever
   * of two concurrent rounds refreshes last sees both.
   */
  async dispatchRound<T>(body: (round: DispatchRound) => Promise<T>): Promise<T> {
    const touched = new Set<string>();
    let refreshAt = 0;
    const result = await this.transaction(async (client) => {
      touched.clear(); // a retried transaction starts over
      let committed = false;
      return body({
        dueJobs: async (jobGroupId, now, limit) => {
          if (committed) throw new Error('dueJobs after the round committed');
          return (await this.rows(q.dispatch.dueForRound, { jobGroupId, now, limit }, client)).map((row) => toDueJob(row, jobGroupId));
        },
        commit: async ({ settlements, reschedules, claims, now }) => {
          if (committed) throw new Error('a round commits once');
          committed = true;
          refreshAt = now;
          for (const id of await this.settleIn(client, settlements)) touched.add(id);
          for (const id of await this.rescheduleIn(client, reschedules, now)) touched.add(id);
          const started = await this.claimIn(client, claims, now);
          for (const task of started) touched.add(task.jobGroupId);
          return started;
        },
      });
    });
    if (touched.size > 0) {
      await this.transaction(async (client) => {
        await this.lockGroups(client, [...touched]);
        await this.refreshStatuses(client, [...touched].map((id) => ({ id, now: refreshAt })));
      });
    }
    return result;
  }

  async nextLeaseExpiry(after: number): Promise<number | undefined> {
    const row = await this.one(q.dispatch.nextLeaseExpiry, { after });
    return row?.t == null ? undefined : Number(row.t);
  }

  private async lockGroups(client: pg.ClientBase, groupIds: string[]): Promise<void> {
    if (groupIds.length > 0) await this.run(q.counters.lockGroups, { ids: groupIds, schema: this.location.schema }, client);
  }

  /**
   * Claims in two tries. First optimistically: the jobs are claimed with no
   * instance lock, so rounds of several nodes claim side by side, and only then are
   * the instances locked and their lines checked, the locks held just until commit.
   * That holds when every instance is within its ceiling and still has the lines
   * its groups' MinConcurrency reserve. Otherwise the claims are undone (to a
   * savepoint) and made again exactly: instances locked first, each claim admitted
   * against the lines counted under the locks. Either way every commit that starts
   * calls happens under the instance's lock, after a count that saw all earlier
   * ones, so the ceiling holds over every node's calls.
   */
  private async claimIn(client: pg.ClientBase, claims: AttemptClaim[], now: number): Promise<TaskRow[]> {
    // A job named twice in one call is claimed once, by its first claim.
    const seen = new Set<string>();
    claims = claims.filter((claim) => !seen.has(claim.task.jobId) && seen.add(claim.task.jobId));
    if (claims.length === 0) return [];
    const instanceIds = [...new Set(claims.map((claim) => claim.task.instanceId))].sort();

    await client.query('SAVEPOINT claims');
    const optimistic = await this.claimRows(client, claims, new Map(instanceIds.map((id) => [id, UNLIMITED_LINES])), now, null);
    if (optimistic.length === 0) return [];
    await this.run(q.dispatch.lockInstances, { ids: instanceIds }, client);
    const lines = await this.rows(q.dispatch.linesAfterClaims, { ids: instanceIds, now }, client);
    if (lines.every((row) => Number(row.free) >= Math.max(0, Number(row.reserved)))) return optimistic;
    await client.query('ROLLBACK TO SAVEPOINT claims');

    await this.run(q.dispatch.lockInstances, { ids: instanceIds }, client);
    // Lines still free per instance, read under the instance locks.
    const free = new Map<string, number>();
    for (const row of await this.rows(q.dispatch.instanceLines, { ids: instanceIds }, client)) {
      free.set(String(row.id), Math.max(0, Number(row.max) - Number(row.inFlight)));
    }
    // Nor may a node that decided on stale figures take lines another group's
    // MinConcurrency holds: the claims are admitted again here, under the locks.
    const reservations = new Map<string, LineReservation[]>();
    for (const row of await this.rows(q.dispatch.reservations, { ids: instanceIds, now }, client)) {
      const list = reservations.get(String(row.instanceId)) ?? [];
      list.push({ jobGroupId: String(row.jobGroupId), lines: Number(row.lines) });
      reservations.set(String(row.instanceId), list);
    }
    claims = admitClaims(claims.map((claim) => ({ claim, instanceId: claim.task.instanceId, jobGroupId: claim.task.jobGroupId })), free, reservations).map(({ claim }) => claim);
    return this.claimRows(client, claims, free, now, q.CLAIM_UNDER_LOCK_SHARD);
  }

  /**
   * Claims the jobs still Scheduling, due and in a running group, each instance
   * taking at most its `free` lines in the claims' order, inserts their tasks and
   * moves the counters, in one statement: on `shard`, or on the connection's when null.
   * Returns the claimed tasks in the claims' order.
   */
  private async claimRows(client: pg.ClientBase, claims: AttemptClaim[], free: ReadonlyMap<string, number>, now: number, shard: number | null): Promise<TaskRow[]> {
    if (claims.length === 0) return [];
    const order = new Map(claims.map((claim, i) => [claim.task.jobId, i]));
    const claimedIds = new Set(
      (
        await this.rows(q.dispatch.claim, {
          claims: JSON.stringify(claims.map((claim, ord) => ({
            jobId: claim.task.jobId,
            instanceId: claim.task.instanceId,
            attempts: claim.attempts,
            attemptDay: claim.attemptDay,
            dayAttempts: claim.dayAttempts,
            ord,
          }))),
          free: JSON.stringify([...free].map(([instanceId, lines]) => ({ instanceId, free: lines }))),
          tasks: JSON.stringify(claims.map((claim) => claim.task)),
          ids: claims.map((claim) => claim.task.jobId),
          now,
          shard,
        }, client)
      ).map((row) => String(row.jobId)),
    );
    const claimed = claims.filter((claim) => claimedIds.has(claim.task.jobId)).map((claim) => claim.task);
    claimed.sort((x, y) => order.get(x.jobId)! - order.get(y.jobId)!);
    return claimed;
  }

  /** Settles the calls not settled yet; returns the groups whose counters moved. */
  private async settleIn(client: pg.ClientBase, settlements: AttemptSettlement[]): Promise<string[]> {
    if (settlements.length === 0) return [];
    // A task listed twice settles once, by its first settlement.
    const seen = new Set<string>();
    settlements = settlements.filter(({ task }) => !seen.has(task.id) && seen.add(task.id));
    const changed = await this.rows(q.dispatch.settle, {
      tasks: JSON.stringify(settlements.map(({ task }) => task)),
      jobs: JSON.stringify(settlements.map(({ job, task, now }) => ({
        id: job.id, status: job.status, nextAttemptAt: job.nextAttemptAt, failureReason: job.failureReason, endReason: job.endReason, taskId: task.id, now,
      }))),
    }, client);
    const settledTasks = new Set(changed.filter((row) => row.kind === 'task').map((row) => String(row.id)));
    const movedJobs = new Set(changed.filter((row) => row.kind === 'job').map((row) => String(row.id)));
    if (settledTasks.size === 0) return []; // all already settled (e.g. by recovery): never count twice
    const settled = settlements.filter(({ task }) => settledTasks.has(task.id));
    // Counter moves are summed per group and written once per group.
    const deltas = new Map<string, CounterDelta>();
    for (const settlement of settled) {
      const groupId = settlement.task.jobGroupId;
      const delta = deltas.get(groupId) ?? {};
      addDelta(delta, settlement.taskDelta);
      if (movedJobs.delete(settlement.job.id)) addDelta(delta, settlement.jobDelta); // one job change counts once
      deltas.set(groupId, delta);
    }
    await this.applyResults(client, settled);
    await this.applyToShards(client, deltas);
    await this.applyCallReports(client, settled);
    return [...deltas.keys()];
  }

  /** Adds the answered calls among `settled` to their groups' call reports, on this connection's shard rows. */
  private async applyCallReports(client: pg.ClientBase, settled: AttemptSettlement[]): Promise<void> {
    const reports = new Map<string, GroupCallReport>();
    for (const { task } of settled) {
      if (task.endReason === '') continue; // not answered: not in the report
      const report = reports.get(task.jobGroupId) ?? emptyCallReport();
      tallyAnsweredCall(report, task.talkMs, task.conversation);
      reports.set(task.jobGroupId, report);
    }
    if (reports.size === 0) return;
    const ids = [...reports.keys()].sort();
    const calls = ids.map((jobGroupId) => {
      const { answered, talkMs, maxTalkMs } = reports.get(jobGroupId)!;
      return { jobGroupId, answered, talkMs, maxTalkMs };
    });
    const buckets = ids.flatMap((jobGroupId) => {
      const { durationBuckets, turnBuckets } = reports.get(jobGroupId)!;
      return [
        ...Object.entries(durationBuckets).map(([bucket, n]) => ({ jobGroupId, kind: 'duration', bucket, n })),
        ...Object.entries(turnBuckets).map(([bucket, n]) => ({ jobGroupId, kind: 'turns', bucket, n })),
      ];
    });
    await this.run(q.reports.applyCalls, { calls: JSON.stringify(calls), buckets: JSON.stringify(buckets) }, client);
  }

  /** Tallies the business results of settled calls and blocks the callees who opted out. */
  private async applyResults(client: pg.ClientBase, settled: AttemptSettlement[]): Promise<void> {
    const tallies = new Map<string, { jobGroupId: string; kind: string; key: string; value: string; n: number }>();
    const blocks: Row[] = [];
    const tally = (jobGroupId: string, kind: string, key: string, value: string) => {
      const id = JSON.stringify([jobGroupId, kind, key, value]);
      const entry = tallies.get(id) ?? { jobGroupId, kind, key, value, n: 0 };
      entry.n += 1;
      tallies.set(id, entry);
    };
    for (const settlement of settled) {
      const { task, results } = settlement;
      if (!results) continue;
      for (const brief of results.briefs) tally(task.jobGroupId, 'brief', brief.key, brief.value);
      for (const category of results.categories) tally(task.jobGroupId, 'category', category, '');
      if (results.optOut) {
        blocks.push({
          id: task.id,
          instanceId: task.instanceId,
          phoneNumber: task.calledNumber,
          numberKey: calledNumberKey(task),
          name: task.contact.name,
          remark: 'opted out during a call',
          createdAt: task.endTime || settlement.now,
        });
      }
    }
    if (tallies.size > 0) await this.run(q.results.tally, { rows: JSON.stringify([...tallies.values()]) }, client);
    if (blocks.length > 0) await this.run(q.results.block, { rows: JSON.stringify(blocks) }, client);
  }

  /** Moves due jobs on, or fails them; returns the groups whose counters moved. */
  private async rescheduleIn(client: pg.ClientBase, changes: Reschedule[], now: number): Promise<string[]> {
    if (changes.length === 0) return [];
    const later = changes.filter((change): change is Extract<Reschedule, { nextAttemptAt: number }> => 'nextAttemptAt' in change);
    const failed = changes.filter((change): change is Extract<Reschedule, { failureReason: string }> => 'failureReason' in change);
    if (later.length > 0) await this.run(q.dispatch.rescheduleJobs, { changes: JSON.stringify(later), now }, client);
    if (failed.length === 0) return [];
    const deltas = new Map<string, CounterDelta>();
    for (const row of await this.rows(q.dispatch.failJobs, { changes: JSON.stringify(failed), now }, client)) {
      const groupId = String(row.jobGroupId);
      const delta = deltas.get(groupId) ?? { scheduling: 0, failed: 0 };
      delta.scheduling! -= 1;
      delta.failed! += 1;
      deltas.set(groupId, delta);
    }
    await this.applyToShards(client, deltas);
    return [...deltas.keys()];
  }

  async expiredAttempts(now: number, limit: number): Promise<Array<{ task: TaskRow; job: JobRow }>> {
    const tasks = (await this.rows(q.dispatch.expired, { now, limit })).map(toTask);
    if (tasks.length === 0) return [];
    const jobs = new Map(
      (await this.rows(q.dispatch.jobsByIds, { ids: [...new Set(tasks.map((task) => task.jobId))] })).map((row) => {
        const job = toJob(row);
        return [job.id, job] as const;
      }),
    );
    return tasks.filter((task) => jobs.has(task.jobId)).map((task) => ({ task, job: jobs.get(task.jobId)! }));
  }

  // Helpers ------------------------------------------------------------------

  /** Applies summed deltas, one row per group (whose counter row the transaction has locked). */
  private async applyDeltas(client: pg.ClientBase, deltas: Map<string, CounterDelta>): Promise<void> {
    if (deltas.size === 0) return;
    const ids = [...deltas.keys()].sort();
    const rows = ids.map((jobGroupId) => ({ ...ZERO_DELTA, ...deltas.get(jobGroupId), jobGroupId }));
    await this.run(q.counters.apply, { deltas: JSON.stringify(rows) }, client);
  }

  /** Adds an engine round's summed deltas to this connection's shard row of each group. */
  private async applyToShards(client: pg.ClientBase, deltas: Map<string, CounterDelta>): Promise<void> {
    if (deltas.size === 0) return;
    const rows = [...deltas.keys()].sort().map((jobGroupId) => ({ ...ZERO_DELTA, ...deltas.get(jobGroupId), jobGroupId }));
    await this.run(q.counters.applyToShards, { deltas: JSON.stringify(rows) }, client);
  }

  private async refreshStatuses(client: pg.ClientBase, groups: Array<{ id: string; now: number }>): Promise<void> {
    if (groups.length === 0) return;
    await this.run(q.counters.refreshStatus, { groups: JSON.stringify(groups) }, client);
  }

  private async page<T>(listSql: string, countSql: string, params: Row, page: PageRequest, map: (row: Row) => T): Promise<Page<T>> {
    const limit = page.pageSize;
    const offset = (page.pageNumber - 1) * page.pageSize;
    const items = (await this.rows(listSql, { ...params, limit, offset })).map(map);
    const total = await this.one(countSql, params);
    return { items, totalCount: Number(total?.n ?? 0) };
  }
}

/** Streams jobs into the table with COPY (text format) on the transaction's connection. */
async function copyJobs(client: pg.PoolClient, jobs: JobRow[]): Promise<void> {
  const stream = client.query(copyFrom(q.jobs.copyIn));
  const CHUNK = 500;
  async function* lines() {
    for (let i = 0; i < jobs.length; i += CHUNK) {
      yield jobs.slice(i, i + CHUNK).map(jobCopyLine).join('');
    }
  }
  await pipeline(Readable.from(lines()), stream);
}

export function jobCopyLine(job: JobRow): string {
  return copyLine([
    job.id, job.instanceId, job.jobGroupId, job.referenceId, job.status,
    JSON.stringify(job.contacts), JSON.stringify(job.extras), JSON.stringify(job.callingNumbers),
    job.scriptVersion, job.nextAttemptAt, job.createdAt, job.modifiedAt,
  ]);
}

function addDelta(sum: CounterDelta, delta: CounterDelta): void {
  for (const [key, value] of Object.entries(delta) as Array<[keyof CounterDelta, number]>) sum[key] = (sum[key] ?? 0) + value;
}

function numbers<T>(row: Row): T {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v ?? 0)])) as T;
}

function toAccessKey(row: Row): AccessKeyRow {
  return {
    id: String(row.id),
    accountId: String(row.accountId),
    secret: String(row.secret),
    status: row.status as AccessKeyStatus,
    isRoot: row.isRoot === true,
    name: String(row.name),
    policy: row.policy ? (row.policy as AccessKeyRow['policy']) : undefined,
    createdAt: Number(row.createdAt),
  };
}

function instanceParams(instance: InstanceRow): Row {
  return { ...instance, callingNumbers: JSON.stringify(instance.callingNumbers) };
}

function toInstance(row: Row): InstanceRow {
  return {
    id: String(row.id),
    accountId: String(row.accountId),
    name: String(row.name),
    description: String(row.description),
    maxConcurrentConversation: Number(row.maxConcurrentConversation),
    nluServiceType: String(row.nluServiceType),
    resourceGroupId: String(row.resourceGroupId),
    callingNumbers: row.callingNumbers as string[],
    creatorId: Number(row.creatorId),
    creatorName: String(row.creatorName),
    ownerName: String(row.ownerName),
    createdAt: Number(row.createdAt),
    modifiedAt: Number(row.modifiedAt),
  };
}

function scriptParams(script: ScriptRow): Row {
  return { ...script, settings: JSON.stringify(script.settings), publishedVersion: script.publishedVersion ?? null };
}

function toScript(row: Row): ScriptRow {
  return {
    id: String(row.id),
    instanceId: String(row.instanceId),
    name: String(row.name),
    description: String(row.description),
    industry: String(row.industry),
    scene: String(row.scene),
    nluEngine: String(row.nluEngine),
    nluAccessType: String(row.nluAccessType),
    settings: row.settings as ScriptRow['settings'],
    publishedVersion: row.publishedVersion == null ? undefined : String(row.publishedVersion),
    isDrafted: row.isDrafted === true,
    createdAt: Number(row.createdAt),
    updatedAt: Number(row.updatedAt),
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
    strategy: row.strategy as JobGroupRow['strategy'],
    recallStrategy: row.recallStrategy as JobGroupRow['recallStrategy'],
    callingNumbers: row.callingNumbers as string[],
    recallCallingNumbers: row.recallCallingNumbers as string[],
    priority: row.priority as JobGroupRow['priority'],
    ringingDuration: Number(row.ringingDuration),
    minConcurrency: Number(row.minConcurrency),
    flashSmsExtras: row.flashSmsExtras ? (row.flashSmsExtras as JobGroupRow['flashSmsExtras']) : undefined,
    jobFilePath: String(row.jobFilePath),
    jobDataParsingTaskId: String(row.jobDataParsingTaskId),
    status: row.status as JobGroupRow['status'],
    createdAt: Number(row.createdAt),
    modifiedAt: Number(row.modifiedAt),
  };
}

/** Splits a group's result tallies into Briefs (only `briefKeys` when given) and Categories. */
function attachResults(view: JobGroupView, results: Row[], briefKeys?: readonly string[]): void {
  const wanted = briefKeys?.length ? new Set(briefKeys) : undefined;
  for (const row of results) {
    const result: ResultCount = { key: String(row.key), value: String(row.value), count: Number(row.count) };
    if (row.kind === 'category') view.categories.push(result);
    else if (!wanted || wanted.has(result.key)) view.briefs.push(result);
  }
}

function toJobGroupView(row: Row): JobGroupView {
  const counters = numbers<JobGroupCounters>(
    Object.fromEntries(
      ['totalJobs', 'scheduling', 'executing', 'completed', 'failed', 'paused', 'cancelled', 'notAnswered', 'totalCalls', 'inFlight',
        'startTime', 'endTime', 'finishedNum', 'clientHangupNum', 'noInteractNum', 'timeoutHangupNum', 'unrecognizedNum'].map((key) => [key, row[key]]),
    ),
  );
  return {
    group: toJobGroup(row),
    counters,
    scriptName: row.scriptName == null ? '' : String(row.scriptName),
    scriptVersion: row.scriptVersion == null ? '' : String(row.scriptVersion),
    scriptNluEngine: row.scriptNluEngine == null ? '' : String(row.scriptNluEngine),
    briefs: [],
    categories: [],
    latestExport: row.latestExport ? (row.latestExport as ExportProgressRow) : undefined,
  };
}
