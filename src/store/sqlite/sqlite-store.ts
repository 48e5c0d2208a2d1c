import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Clock } from '../../engine/clock.ts';
import type {
  AccessKeyRow,
  AccessKeyStatus,
  AccountRow,
  ExportProgressRow,
  DueJob,
  JobRow,
  JobStatus,
  TaskRow,
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
import { migrate } from './migrate.ts';
import { COUNTER_OF_STATUS, jobsInStatuses, ZERO_DELTA } from '../job-status-counters.ts';
import * as q from './queries.ts';
import type { JobFilterKey } from './queries.ts';
import { SqliteDialogStore, settledResults } from './sqlite-dialog-store.ts';
import { SqliteFileStore } from './sqlite-file-store.ts';
import { waitingOutsideGroups, WriteGroups } from './write-groups.ts';
import { CounterMoves, statusOrEndTimeStale } from './counter-moves.ts';
import { BackgroundCheckpointer, type CheckpointerOptions } from './wal-checkpointer.ts';
import { keptCallReport } from '../call-report-tally.ts';

type Row = Record<string, unknown>;
type Statement = Database.Statement<unknown[], Row>;

/** Engine and ingest writes between two looks at the WAL's size (BackgroundCheckpointer.notice). */
const WRITES_PER_WAL_LOOK = 64;

export interface SqliteStoreOptions {
  /** Tunes groupWrites (tests make it small). */
  checkpointsPerCommit?: number;
  /** When the background WAL checkpointer starts, and how often it runs (tests start it at once). */
  walCheckpointer?: CheckpointerOptions;
}

/** Opens (creating if needed) `<dataDir>/outboundbot.sqlite` and applies pending migrations. */
export function openSqliteStore(dataDir: string, clock: Clock, options: SqliteStoreOptions = {}): SqliteStore {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, 'outboundbot.sqlite');
  const db = new Database(path);
  for (const pragma of q.PRAGMAS) db.exec(pragma);
  migrate(db, clock.now());
  const checkpointer = new BackgroundCheckpointer(path, options.walCheckpointer);
  const store = new SqliteStore(db, checkpointer, options.checkpointsPerCommit);
  return waitingOutsideGroups(store, store.writeGroups, ['files', 'dialog']);
}

/**
 * The embedded backend. better-sqlite3 is synchronous, so each method runs to
 * completion before the event loop moves on: a method is its own transaction
 * without explicit locking. Methods still return promises to honour the Store
 * contract that the PostgreSQL backend shares.
 */
export class SqliteStore implements Store {
  private readonly statements = new Map<string, Statement>();
  /** The work queued under each name of `exclusively`. */
  private readonly exclusiveChains = new Map<string, Promise<unknown>>();
  /** The names tryExclusively holds now. */
  private readonly heldNames = new Set<string>();

  readonly files: SqliteFileStore;
  readonly dialog: SqliteDialogStore;
  /** The virtual-clock walk's grouped commits; openSqliteStore makes every other caller wait for them. */
  readonly writeGroups: WriteGroups;

  /** dispatch.due, returning rows as arrays (dueJobs). */
  private dueStatement: Database.Statement<unknown[], unknown> | undefined;
  /** Writes that may have grown the WAL since the checkpointer last looked at it. */
  private writesUnnoticed = 0;

  constructor(
    readonly db: Database.Database,
    readonly walCheckpointer: BackgroundCheckpointer,
    checkpointsPerCommit?: number,
  ) {
    this.files = new SqliteFileStore(db, (jobGroupId, added, now) => this.countNewJobs(jobGroupId, added, now));
    this.dialog = new SqliteDialogStore(db);
    this.writeGroups = new WriteGroups(db, checkpointsPerCommit);
  }

  private stmt(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  async close(): Promise<void> {
    await this.walCheckpointer.close();
    this.db.close();
  }

  /** Lets the WAL checkpointer start once the WAL is large; looks at one write in 64 (a stat each time). */
  private noticeWrite(): void {
    if (++this.writesUnnoticed < WRITES_PER_WAL_LOOK) return;
    this.writesUnnoticed = 0;
    this.walCheckpointer.notice();
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

  async initSetting(key: string, value: string): Promise<string> {
    this.stmt(q.settings.init).run({ key, value });
    return String(this.stmt(q.settings.get).get(key)!.value);
  }

  async tryExclusively(name: string, body: () => Promise<void>): Promise<boolean> {
    if (this.heldNames.has(name)) return false;
    this.heldNames.add(name);
    try {
      await body();
      return true;
    } finally {
      this.heldNames.delete(name);
    }
  }

  async groupWrites<T>(body: (checkpoint: () => Promise<void>) => Promise<T>): Promise<T> {
    return this.writeGroups.run(body);
  }

  /** One process owns a SQLite data dir, so serialising within it is enough. */
  async exclusively<T>(name: string, body: () => Promise<T>): Promise<T> {
    const previous = this.exclusiveChains.get(name) ?? Promise.resolve();
    const run = previous.then(body);
    this.exclusiveChains.set(name, run.catch(() => undefined));
    return run;
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

  // Jobs and tasks -----------------------------------------------------------

  async insertJobs(jobGroupId: string, jobs: JobRow[], now: number): Promise<void> {
    if (jobs.length === 0) return; // nothing added: the group must not wake (or complete)
    this.db.transaction(() => {
      const insert = this.stmt(q.jobs.insert);
      for (const job of jobs) insert.run(jobValues(job));
      this.countNewJobs(jobGroupId, jobs.length, now);
    })();
  }

  /** The counters of jobs added to a group (AssignJobs, a parsed file's assignment), inside their transaction. */
  private countNewJobs(jobGroupId: string, added: number, now: number): void {
    this.noticeWrite();
    this.applyDelta(jobGroupId, { totalJobs: added, scheduling: added });
    // New jobs move no call in flight, so a running group's status stays what it
    // was; only a group they wake (Draft or Completed) needs its status and end time redone.
    if (this.stmt(q.counters.wakeGroup).run({ jobGroupId, now }).changes > 0) this.refreshStatusInTransaction(jobGroupId, now);
  }

  async findJob(instanceId: string, jobId: string): Promise<{ job: JobRow; tasks: TaskRow[] } | undefined> {
    const row = this.stmt(q.jobs.find).get(instanceId, jobId);
    if (!row) return undefined;
    return { job: toJob(row), tasks: this.stmt(q.jobs.tasksOf).all(jobId).map(toTask) };
  }

  async listJobs(instanceId: string, jobIds: readonly string[]): Promise<JobRow[]> {
    return this.stmt(q.jobs.byIds).all({ instanceId, ids: JSON.stringify(jobIds) }).map(toJob);
  }

  async queryJobs(instanceId: string, filter: JobFilter, page: PageRequest): Promise<Page<{ job: JobRow; lastTask?: TaskRow }>> {
    const params: Row = {
      instanceId,
      jobGroupId: filter.jobGroupId ?? null,
      statuses: filter.statuses?.length ? JSON.stringify(filter.statuses) : null,
      failureReason: filter.failureReason ?? null,
      phoneNumber: filter.phoneNumber ?? null,
      contactName: filter.contactName ?? null,
      createdFrom: filter.createdFrom ?? null,
      createdTo: filter.createdTo ?? null,
    };
    const given = new Set((Object.keys(params) as Array<JobFilterKey | 'instanceId'>).filter((key): key is JobFilterKey => key !== 'instanceId' && params[key] !== null));
    const sql = q.jobQuery(given);
    const onlyGroupAndStatus = given.has('jobGroupId') && [...given].every((key) => key === 'jobGroupId' || key === 'statuses');
    const totalCount = onlyGroupAndStatus ? this.countGroupJobs(instanceId, filter.jobGroupId!, filter.statuses) : Number(this.stmt(sql.count).get(params)?.n ?? 0);
    const offset = (page.pageNumber - 1) * page.pageSize;
    // Past the last job there is nothing to look for (a missing status would walk the whole group).
    if (offset >= totalCount) return { items: [], totalCount };
    const items = this.stmt(sql.list).all({ ...params, limit: page.pageSize, offset }).map((row) => {
      const job = toJob(row);
      const last = this.stmt(q.jobs.lastTaskOf).get(job.id);
      return { job, lastTask: last ? toTask(last) : undefined };
    });
    return { items, totalCount };
  }

  /** How many of a group's jobs are in the statuses given (all when none), from its counters. */
  private countGroupJobs(instanceId: string, jobGroupId: string, statuses: readonly JobStatus[] | undefined): number {
    const row = this.stmt(q.jobs.groupStatusCounts).get(jobGroupId, instanceId);
    return row ? jobsInStatuses(row, statuses) : 0;
  }

  async moveJobs(jobGroupId: string, selector: JobSelector, from: JobStatus[], to: JobStatus, now: number, nextAttemptAt?: number): Promise<number> {
    return this.db.transaction(() => {
      let moved = 0;
      for (const status of from) {
        const changes = this.stmt(q.jobs.move).run({
          jobGroupId,
          from: status,
          to,
          now,
          nextAttemptAt: nextAttemptAt ?? now,
          all: 'all' in selector ? 1 : 0,
          ids: 'jobIds' in selector ? JSON.stringify(selector.jobIds) : null,
          referenceIds: 'referenceIds' in selector ? JSON.stringify(selector.referenceIds) : null,
        }).changes;
        if (changes === 0) continue;
        moved += changes;
        this.applyDelta(jobGroupId, { [COUNTER_OF_STATUS[status]]: -changes, [COUNTER_OF_STATUS[to]]: changes });
      }
      this.refreshStatusInTransaction(jobGroupId, now);
      return moved;
    })();
  }

  async refreshGroupStatus(jobGroupId: string, now: number): Promise<void> {
    this.db.transaction(() => this.refreshStatusInTransaction(jobGroupId, now))();
  }

  async storedCounters(jobGroupId: string): Promise<JobGroupCounters | undefined> {
    const row = this.stmt(q.counters.stored).get(jobGroupId);
    return row ? (Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)])) as unknown as JobGroupCounters) : undefined;
  }

  async recountGroup(jobGroupId: string): Promise<JobGroupCounters> {
    const row = this.stmt(q.counters.recount).get({ jobGroupId }) ?? {};
    return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v ?? 0)])) as unknown as JobGroupCounters;
  }

  async listAllJobGroupIds(): Promise<string[]> {
    return this.stmt(q.counters.allGroupIds).all().map((row) => String(row.id));
  }

  async instanceConcurrency(accountId: string, instanceId: string): Promise<{ max: number; inFlight: number } | undefined> {
    const row = this.stmt(q.concurrency.instance).get(accountId, instanceId);
    return row ? { max: Number(row.max), inFlight: Number(row.inFlight) } : undefined;
  }

  async accountConcurrency(accountId: string): Promise<{ max: number; inFlight: number }> {
    const row = this.stmt(q.concurrency.account).get({ accountId });
    return { max: Number(row?.max ?? 0), inFlight: Number(row?.inFlight ?? 0) };
  }

  /** DescribeGroupExecutingInfo's report, as kept by the settlements: O(1) in the group's calls. */
  async groupCallReport(jobGroupId: string): Promise<GroupCallReport> {
    return keptCallReport(this.stmt(q.reports.storedCalls).get(jobGroupId) ?? {}, this.stmt(q.reports.storedBuckets).all(jobGroupId));
  }

  async recountCallReport(jobGroupId: string): Promise<GroupCallReport> {
    const totals = this.stmt(q.reports.groupCalls).get(jobGroupId) ?? {};
    const buckets = (sql: string, key: string) =>
      Object.fromEntries(this.stmt(sql).all(jobGroupId).map((row) => [String(row[key]), Number(row.n)]));
    return {
      answered: Number(totals.answered ?? 0),
      talkMs: Number(totals.talkMs ?? 0),
      maxTalkMs: Number(totals.maxTalkMs ?? 0),
      durationBuckets: buckets(q.reports.groupDurationBuckets, 'bucket'),
      turnBuckets: buckets(q.reports.groupTurnBuckets, 'turns'),
    };
  }

  async instanceCallSummaries(accountId: string, instanceIds?: readonly string[]) {
    return this.stmt(q.reports.instanceCalls)
      .all({ accountId, ids: instanceIds?.length ? JSON.stringify(instanceIds) : null })
      .map((row) => ({ instanceId: String(row.instanceId), totalCalls: Number(row.totalCalls), talkMs: Number(row.talkMs) }));
  }

  // Dispatch -------------------------------------------------------------------

  async dispatchableGroups(): Promise<DispatchGroup[]> {
    return this.stmt(q.dispatch.groups).all().map((row) => ({
      group: toJobGroup(row),
      instanceMaxConcurrency: Number(row.instanceMaxConcurrency),
      inFlight: Number(row.inFlight),
      instanceInFlight: Number(row.instanceInFlight),
    }));
  }

  async dueJobs(jobGroupId: string, now: number, limit: number): Promise<DueJob[]> {
    // Rows as arrays: no object with named keys to build per row (a 7-row read took
    // 28 µs against 36 µs), mapped by position in toDueJob.
    const due = (this.dueStatement ??= this.db.prepare(q.dispatch.due).raw(true));
    return (due.all(jobGroupId, now, limit) as unknown[][]).map((row) => toDueJob(row, jobGroupId));
  }

  async nextDueTime(after: number): Promise<number | undefined> {
    const row = this.stmt(q.dispatch.nextDue).get({ after });
    return row?.t == null ? undefined : Number(row.t);
  }

  async claimAttempts(claims: AttemptClaim[], now: number): Promise<TaskRow[]> {
    this.noticeWrite();
    return this.writeGroups.atomic(() => this.withCounterMoves((moves) => this.claimInTransaction(claims, now, moves)));
  }

  async settleAttempt(settlement: AttemptSettlement): Promise<void> {
    return this.settleAttempts([settlement]);
  }

  async settleAttempts(settlements: AttemptSettlement[]): Promise<void> {
    if (settlements.length === 0) return;
    this.noticeWrite();
    this.writeGroups.atomic(() => this.withCounterMoves((moves) => this.settleInTransaction(settlements, moves)));
  }

  async reschedule(changes: Reschedule[], now: number): Promise<void> {
    this.writeGroups.atomic(() => this.withCounterMoves((moves) => this.rescheduleInTransaction(changes, now, moves)));
  }

  async commitRound(round: RoundWrites): Promise<TaskRow[]> {
    this.noticeWrite();
    return this.writeGroups.atomic(() =>
      this.withCounterMoves((moves) => {
        this.settleInTransaction(round.settlements, moves);
        this.rescheduleInTransaction(round.reschedules, round.now, moves);
        return this.claimInTransaction(round.claims, round.now, moves);
      }),
    );
  }

  /**
   * One process dispatches here, so nothing needs holding: the round reads and
   * commits as dueJobs and commitRound do, each waiting for an open write group
   * as a call from outside would (the round runs across awaits).
   */
  async dispatchRound<T>(body: (round: DispatchRound) => Promise<T>): Promise<T> {
    return body({
      dueJobs: async (jobGroupId, now, limit) => {
        await this.writeGroups.closed();
        return this.dueJobs(jobGroupId, now, limit);
      },
      commit: async (writes) => {
        await this.writeGroups.closed();
        return this.commitRound(writes);
      },
    });
  }

  async nextLeaseExpiry(after: number): Promise<number | undefined> {
    const row = this.stmt(q.dispatch.nextLeaseExpiry).get(after);
    return row?.t == null ? undefined : Number(row.t);
  }

  /**
   * Runs a transaction's row writes, then writes the counter moves they collected:
   * each group's counter row once, then its status and end time if they change.
   */
  private withCounterMoves<T>(write: (moves: CounterMoves) => T): T {
    const moves = new CounterMoves();
    const result = write(moves);
    for (const [jobGroupId, { delta, now, started, calls }] of moves.groups) {
      const after = this.stmt(q.counters.applyMoves).get({
        ...delta, jobGroupId, started: started ? 1 : 0, now, answered: calls.answered, talkMs: calls.talkMs, maxTalkMs: calls.maxTalkMs,
      });
      if (calls.answered > 0) {
        for (const [bucket, n] of Object.entries(calls.durationBuckets)) this.stmt(q.reports.addToBucket).run(jobGroupId, 'duration', bucket, n);
        for (const [bucket, n] of Object.entries(calls.turnBuckets)) this.stmt(q.reports.addToBucket).run(jobGroupId, 'turns', bucket, n);
      }
      if (after && statusOrEndTimeStale({ waiting: Number(after.waiting), inFlight: Number(after.inFlight), endTime: Number(after.endTime), status: String(after.status) })) {
        this.refreshStatusInTransaction(jobGroupId, now);
      }
    }
    return result;
  }

  private claimInTransaction(claims: AttemptClaim[], now: number, moves: CounterMoves): TaskRow[] {
    const claimed: TaskRow[] = [];
    // Lines still free per instance, read inside the transaction (with the lines this
    // transaction's settlements free): the ceiling holds even when a decision counted
    // on lines that a settlement did not free after all.
    const freeLines = new Map<string, number>();
    for (const claim of claims) {
      const { task } = claim;
      let free = freeLines.get(task.instanceId);
      if (free === undefined) {
        const lines = this.stmt(q.dispatch.instanceLines).get(task.instanceId);
        free = lines ? Number(lines.max) - Number(lines.inFlight) + moves.freedIn(task.instanceId) : 0;
      }
      if (free <= 0) continue;
      const changes = this.stmt(q.dispatch.claimJob).run({
        jobId: task.jobId,
        attempts: claim.attempts,
        attemptDay: claim.attemptDay,
        dayAttempts: claim.dayAttempts,
        now,
      }).changes;
      if (changes === 0) continue;
      freeLines.set(task.instanceId, free - 1);
      this.stmt(q.dispatch.insertTask).run(insertTaskParams(task));
      moves.add(task.jobGroupId, { scheduling: -1, executing: 1, inFlight: 1, totalCalls: 1 }, now);
      moves.markStarted(task.jobGroupId, now);
      claimed.push(task);
    }
    return claimed;
  }

  private settleInTransaction(settlements: AttemptSettlement[], moves: CounterMoves): void {
    for (const settlement of settlements) {
      const { task, job, now } = settlement;
      const settled = this.stmt(q.dispatch.settleTask).run(settleTaskParams(task)).changes;
      if (settled === 0) continue; // already settled (e.g. by recovery): never count twice
      if (settlement.results) this.dialog.applyResults(settledResults(settlement, settlement.results));
      moves.add(task.jobGroupId, settlement.taskDelta, now);
      // An answered call (one with an end reason) counts in the group's call report.
      if (task.endReason !== '') moves.answered(task.jobGroupId, task.talkMs, task.conversation, now);
      if ((settlement.taskDelta.inFlight ?? 0) < 0) moves.freeLine(task.instanceId);
      const moved = this.stmt(q.dispatch.settleJob).run({
        id: job.id, status: job.status, nextAttemptAt: job.nextAttemptAt, failureReason: job.failureReason, endReason: job.endReason, now,
      }).changes;
      if (moved === 1) moves.add(task.jobGroupId, settlement.jobDelta, now);
    }
  }

  private rescheduleInTransaction(changes: Reschedule[], now: number, moves: CounterMoves): void {
    for (const change of changes) {
      if ('nextAttemptAt' in change) {
        this.stmt(q.dispatch.rescheduleJob).run({ jobId: change.jobId, nextAttemptAt: change.nextAttemptAt, now });
      } else if (this.stmt(q.dispatch.failJob).run({ jobId: change.jobId, failureReason: change.failureReason, now }).changes === 1) {
        moves.add(change.jobGroupId, { scheduling: -1, failed: 1 }, now);
      }
    }
  }

  async expiredAttempts(now: number, limit: number): Promise<Array<{ task: TaskRow; job: JobRow }>> {
    return this.stmt(q.dispatch.expired).all(now, limit).map((row) => {
      const task = toTask(row);
      return { task, job: toJob(this.stmt(q.dispatch.jobById).get(task.jobId)!) };
    });
  }

  // Helpers ------------------------------------------------------------------

  private applyDelta(jobGroupId: string, delta: CounterDelta): void {
    this.stmt(q.counters.apply).run({ ...ZERO_DELTA, ...delta, jobGroupId, started: 0, now: 0 });
  }

  private refreshStatusInTransaction(jobGroupId: string, now: number): void {
    this.stmt(q.counters.refreshStatus).run({ jobGroupId, now });
    this.stmt(q.counters.stampEnd).run({ jobGroupId, now });
  }

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


/** A job's values in the order of q.jobs.insert. */
function jobValues(job: JobRow): unknown[] {
  return [
    job.id,
    job.instanceId,
    job.jobGroupId,
    job.referenceId,
    job.status,
    JSON.stringify(job.contacts),
    jsonList(job.extras),
    jsonList(job.callingNumbers),
    job.scriptVersion,
    job.nextAttemptAt,
    job.createdAt,
    job.modifiedAt,
  ];
}

/** Most jobs have no extras and no calling numbers of their own: '[]' without a JSON.stringify each. */
function jsonList(list: readonly unknown[]): string {
  return list.length === 0 ? '[]' : JSON.stringify(list);
}

function toJob(row: Row): JobRow {
  return {
    ...(row as unknown as JobRow),
    contacts: JSON.parse(String(row.contacts)),
    extras: JSON.parse(String(row.extras)),
    callingNumbers: JSON.parse(String(row.callingNumbers)),
  };
}

/**
 * A due job from a raw row, its columns in DUE_JOB_COLUMNS' order (queries.ts). Built
 * as a literal, not spread from the row: V8 makes such an object many times faster.
 */
function toDueJob(row: unknown[], jobGroupId: string): DueJob {
  return {
    id: String(row[0]),
    instanceId: String(row[1]),
    jobGroupId,
    contacts: JSON.parse(String(row[2])),
    extras: JSON.parse(String(row[3])),
    callingNumbers: JSON.parse(String(row[4])),
    scriptVersion: String(row[5]),
    nextAttemptAt: Number(row[6]),
    attempts: Number(row[7]),
    attemptDay: String(row[8]),
    dayAttempts: Number(row[9]),
  };
}

/**
 * The parameters of dispatch.insertTask and dispatch.settleTask, named one by one: a
 * spread of the whole task row (19 fields) cost more than binding them, once per call.
 */
function insertTaskParams(task: TaskRow) {
  return {
    id: task.id, jobId: task.jobId, jobGroupId: task.jobGroupId, instanceId: task.instanceId, attempt: task.attempt,
    callingNumber: task.callingNumber, calledNumber: task.calledNumber, contact: JSON.stringify(task.contact),
    plannedTime: task.plannedTime, actualTime: task.actualTime, leaseExpiresAt: task.leaseExpiresAt,
  };
}

function settleTaskParams(task: TaskRow) {
  return {
    id: task.id, status: task.status, endTime: task.endTime, ringingMs: task.ringingMs, talkMs: task.talkMs, endReason: task.endReason,
    hangupDirection: task.hangupDirection, sipCode: task.sipCode, conversation: JSON.stringify(task.conversation),
  };
}

function toTask(row: Row): TaskRow {
  return {
    ...(row as unknown as TaskRow),
    contact: JSON.parse(String(row.contact)),
    conversation: JSON.parse(String(row.conversation)),
  };
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
    inFlight: Number(row.inFlight),
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
