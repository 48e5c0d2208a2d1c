import type {
  JobGroupCounters,
  DueJob,
  JobRow,
  JobStatus,
  TaskRow,
  AccessKeyRow,
  AccessKeyStatus,
  AccountRow,
  InstanceRow,
  JobGroupRow,
  JobGroupStatus,
  JobGroupView,
  Page,
  PageRequest,
  ScriptRow,
  ScriptVersionRow,
} from './rows.ts';
import type { DialogStore } from './dialog-store.ts';
import type { NumberStore } from './number-store.ts';
import type { CounterDelta } from '../domain/job-group.ts';
import type { FileStore } from './file-store.ts';
import type { Logger } from 'pino';
import type { ClockSync } from '../engine/clock-sync.ts';
import type { TaskSearchFilter, TaskSearchRow, TaskSort } from './task-search.ts';
import type { InstanceCallingHours } from '../domain/instance-policy.ts';

/** Additive changes to a group's counters (defined in the domain, which computes them). */
export type { CounterDelta } from '../domain/job-group.ts';

export interface InstanceFilter {
  name?: string;
  resourceGroupId?: string;
}

export interface ScriptFilter {
  name?: string;
  nluEngine?: string;
}

/** A group the dispatcher may draw from, with what it needs to decide. */
export interface DispatchGroup {
  group: JobGroupRow;
  instanceMaxConcurrency: number;
  /** Calls of this group in flight. */
  inFlight: number;
  /** Calls in flight over all the instance's groups (the ceiling counts these). */
  instanceInFlight: number;
  /** The instance's calling hours (OPEN_ALL_HOURS when it has set none), read in the same query. */
  instanceHours: InstanceCallingHours;
}

/** Starting one attempt: the job moves to Executing and its task is recorded, leased, before dialling. */
export interface AttemptClaim {
  task: TaskRow;
  attempts: number;
  attemptDay: string;
  dayAttempts: number;
}

/** Ending one attempt; the job change applies only while the job is still Executing. */
export interface AttemptSettlement {
  task: TaskRow;
  job: { id: string; status: JobStatus; nextAttemptAt: number; failureReason: string; endReason: string };
  /** Counter moves of the job's status change, applied with it. */
  jobDelta: CounterDelta;
  /** Counter moves of the call itself (line freed, outcome tallies), always applied. */
  taskDelta: CounterDelta;
  now: number;
  /** Business results the conversation set (job_group_results), and whether the callee opted out (block list); applied with the task. */
  results?: CallResults;
}

/** What an answered call's script recorded: Briefs, Categories, an opt-out. */
export interface CallResults {
  briefs: Array<{ key: string; value: string }>;
  categories: string[];
  optOut?: boolean;
}

/** A due job that cannot be called now: moved to its next callable moment, or failed when none is left. */
export type Reschedule =
  | { jobId: string; jobGroupId: string; nextAttemptAt: number }
  | { jobId: string; jobGroupId: string; failureReason: string };

/**
 * One dispatch round's reads of due work and its writes (Store.dispatchRound).
 * On a database several nodes share, the jobs `dueJobs` returns are held from
 * the other nodes' rounds until this round ends, so nodes dispatching the same
 * group at once each get jobs of their own instead of all reading the earliest.
 */
export interface DispatchRound {
  /** As Store.dueJobs, less any job another round holds. */
  dueJobs(jobGroupId: string, now: number, limit: number): Promise<DueJob[]>;
  /**
   * Writes the round in one transaction, the round's last call: the settlements, then
   * the reschedules, then the claims. A claim is skipped when its job is no longer
   * Scheduling or not due, its group not running, or its instance has no line left
   * under MaxConcurrentConversation (counted over every node's calls). Returns the tasks claimed.
   */
  commit(writes: RoundWrites): Promise<TaskRow[]>;
}

/** What a dispatch round commits. */
export interface RoundWrites {
  settlements: AttemptSettlement[];
  reschedules: Reschedule[];
  claims: AttemptClaim[];
  now: number;
}

/** Answered calls of a group: talk time and how long / how interactive they were. */
export interface GroupCallReport {
  answered: number;
  talkMs: number;
  maxTalkMs: number;
  /** Answered calls per talk-time bucket ('0-10', '10-30' ... seconds). */
  durationBuckets: Record<string, number>;
  /** Answered calls per number of callee turns. */
  turnBuckets: Record<string, number>;
}

export type JobSelector = { all: true } | { jobIds: string[] } | { referenceIds: string[] };

export interface JobFilter {
  jobGroupId?: string;
  statuses?: JobStatus[];
  failureReason?: string;
  /** A contact's number in any written form (`13900139000`, `+86 139 0013 9000`): matched by its canonical form. */
  phoneNumber?: string;
  contactName?: string;
  createdFrom?: number;
  createdTo?: number;
}

/** QueryJobsWithResult's filters of a group's jobs (their SQL: job-result-filter.ts). */
export interface JobResultFilter {
  jobStatus?: JobStatus;
  /** The latest call's status is one of these. */
  taskStatuses?: readonly string[];
  answered?: boolean;
  hangUpByRejection?: boolean;
  reachedEndOfFlow?: boolean;
  /** The job's FailureReason is one of these. */
  failureReasons?: readonly string[];
  /** The latest call started at or after this (epoch ms). */
  callFrom?: number;
  /** The latest call started at or before this (epoch ms). */
  callTo?: number;
  /** The job's id or reference id is `text`, or a contact's number is `text` in any written form: its e164 is `phoneKey` (matchKey), or it is written `text`. */
  search?: { text: string; phoneKey: string };
}

export interface JobGroupFilter {
  statuses?: JobGroupStatus[];
  searchText?: string;
  createdFrom?: number;
  createdTo?: number;
  onlyMinConcurrencyEnabled?: boolean;
}

/** What a store that several nodes share does for the server that opens it (src/server/server.ts). */
export interface StoreCluster {
  /** The database server's clock (epoch ms), which every node's clock is set to (SyncedClock). */
  databaseTime(): Promise<number>;
  /** The virtual clock shared by the nodes. */
  clockSync(logger: Logger): ClockSync;
  /**
   * Calls `listener` with a group's id whenever any node commits new due work for it
   * (jobs added, jobs resumed). Resolves once listening; the returned function stops it.
   */
  onWork(listener: (jobGroupId: string) => void): Promise<() => Promise<void>>;
}

/**
 * Everything the services need from persistence. Each method is one atomic unit
 * (its own transaction), so a backend never leaks transaction handles into the
 * domain. Every backend passes test/store/store-contract.ts.
 *
 * Lookups below the account level take the owning scope (account, instance) as
 * well as the id: a row of another scope is indistinguishable from an absent one.
 */
export interface Store {
  close(): Promise<void>;

  /** Present when several server processes share the store (PostgreSQL); undefined when one process owns it (SQLite). */
  readonly cluster?: StoreCluster;

  /** Contact-list uploads, parsing and export tasks. */
  readonly files: FileStore;
  /** Dialog flows, intents, conversations and the block list. */
  readonly dialog: DialogStore;
  /** A tenant's calling-number pool and its bindings to instances. */
  readonly numbers: NumberStore;

  // Accounts and AccessKeys.
  insertAccount(account: AccountRow): Promise<void>;
  findAccount(id: string): Promise<AccountRow | undefined>;
  listAccounts(): Promise<AccountRow[]>;
  insertAccessKey(key: AccessKeyRow): Promise<void>;
  findAccessKey(id: string): Promise<AccessKeyRow | undefined>;
  listAccessKeys(): Promise<AccessKeyRow[]>;
  updateAccessKey(id: string, change: { status?: AccessKeyStatus; secret?: string }): Promise<boolean>;
  /**
   * Records a signature nonce; false when the same key already used it and the
   * record has not expired at `now` (a replay). Expired records are purged by purgeNonces.
   */
  claimNonce(accessKeyId: string, nonce: string, now: number, expiresAt: number): Promise<boolean>;
  purgeNonces(now: number): Promise<number>;
  /** A small key/value area for server-wide settings (e.g. the generated root key's id). */
  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string): Promise<void>;
  /** Sets `key` to `value` unless it holds one already; returns what it holds (one value, however many nodes race). */
  initSetting(key: string, value: string): Promise<string>;
  /**
   * Runs `body` while no other process sharing this store runs a body under the
   * same name: several nodes starting at once bootstrap the root account once.
   */
  exclusively<T>(name: string, body: () => Promise<T>): Promise<T>;
  /**
   * Runs `body` unless a body under the same name is running already, in this
   * process or another sharing the store; true when it ran. A process that dies
   * releases its names (on PostgreSQL, with its connection).
   */
  tryExclusively(name: string, body: () => Promise<void>): Promise<boolean>;
  /**
   * Runs `body` (a virtual-clock walk) with its writes committed in groups: at some
   * of the `checkpoint`s it passes between steps, and when it ends. Every call is
   * still atomic, and other callers never see a group's uncommitted writes. A
   * backend whose commits are not the bottleneck may commit each call at once.
   */
  groupWrites<T>(body: (checkpoint: () => Promise<void>) => Promise<T>): Promise<T>;

  // Instances.
  insertInstance(instance: InstanceRow): Promise<void>;
  findInstance(accountId: string, instanceId: string): Promise<InstanceRow | undefined>;
  listInstances(accountId: string, filter: InstanceFilter, page: PageRequest): Promise<Page<InstanceRow>>;
  updateInstance(instance: InstanceRow): Promise<void>;
  /** Deletes the instance with its scripts and job groups. */
  deleteInstance(accountId: string, instanceId: string): Promise<boolean>;
  /** The instance's calling hours (StrategyLevel 2), undefined when it has set none. */
  findCallingHours(instanceId: string): Promise<InstanceCallingHours | undefined>;
  /** Sets the instance's calling hours, replacing any it had. */
  saveCallingHours(instanceId: string, hours: InstanceCallingHours, now: number): Promise<void>;

  // Scripts.
  insertScript(script: ScriptRow): Promise<void>;
  findScript(instanceId: string, scriptId: string): Promise<ScriptRow | undefined>;
  listScripts(instanceId: string, filter: ScriptFilter, page: PageRequest): Promise<Page<ScriptRow>>;
  updateScript(script: ScriptRow): Promise<void>;
  deleteScript(instanceId: string, scriptId: string): Promise<boolean>;
  /** Freezes a version and marks the script published, atomically. */
  publishScript(version: ScriptVersionRow): Promise<void>;
  listScriptVersions(instanceId: string, scriptId: string, page: PageRequest): Promise<Page<ScriptVersionRow>>;

  // Job groups.
  /** Inserts the group with zeroed counters. */
  insertJobGroup(group: JobGroupRow): Promise<void>;
  findJobGroup(instanceId: string, jobGroupId: string): Promise<JobGroupRow | undefined>;
  /** The group with its counters, script details, result tallies and latest export. */
  viewJobGroup(instanceId: string, jobGroupId: string, briefKeys?: readonly string[]): Promise<JobGroupView | undefined>;
  listJobGroups(instanceId: string, filter: JobGroupFilter, page: PageRequest): Promise<Page<JobGroupView>>;
  updateJobGroup(group: JobGroupRow): Promise<void>;
  deleteJobGroup(instanceId: string, jobGroupId: string): Promise<boolean>;
  /** Sum of MinConcurrency over the instance's groups of that priority, excluding one group. */
  sumMinConcurrency(instanceId: string, priority: string, excludeJobGroupId?: string): Promise<number>;

  // Jobs and tasks.
  /** Adds jobs to a group (Scheduling), moving its counters and waking a Draft or Completed group; no jobs, no change. */
  insertJobs(jobGroupId: string, jobs: JobRow[], now: number): Promise<void>;
  findJob(instanceId: string, jobId: string): Promise<{ job: JobRow; tasks: TaskRow[] } | undefined>;
  listJobs(instanceId: string, jobIds: readonly string[]): Promise<JobRow[]>;
  /** Jobs of the instance, newest first, filtered; each with its latest task if any. */
  queryJobs(instanceId: string, filter: JobFilter, page: PageRequest): Promise<Page<{ job: JobRow; lastTask?: TaskRow }>>;
  /**
   * A group's jobs newest first, filtered by status and their latest call's result,
   * each with that call (QueryJobsWithResult); pages walk the group's index, never sort it.
   */
  queryJobResults(instanceId: string, jobGroupId: string, filter: JobResultFilter, page: PageRequest): Promise<Page<{ job: JobRow; lastTask?: TaskRow }>>;
  /**
   * Moves the selected jobs of a group from any of `from` to `to`, with their
   * counters, in one transaction; returns how many moved. `nextAttemptAt` is set
   * on jobs moving to Scheduling.
   */
  moveJobs(jobGroupId: string, selector: JobSelector, from: JobStatus[], to: JobStatus, now: number, nextAttemptAt?: number): Promise<number>;
  /** Re-derives a running group's status from its counters (Scheduling/Executing/Completed). */
  refreshGroupStatus(jobGroupId: string, now: number): Promise<void>;
  /** The counters as stored (what GetJobGroup reports). */
  storedCounters(jobGroupId: string): Promise<JobGroupCounters | undefined>;
  /** Counters recomputed from the job and task rows, for `outboundbot verify`. */
  recountGroup(jobGroupId: string): Promise<JobGroupCounters>;
  listAllJobGroupIds(): Promise<string[]>;
  /** The calls of an instance (or of one of its groups) that may have a recording: answered, or still in progress. */
  recordedTaskIds(instanceId: string, jobGroupId?: string): Promise<string[]>;

  // Call history (SearchTask, GetTaskByUuid; src/store/task-search.ts).
  /** The instance's calls matching the filter, one page in the sort's order, with the count of all that match. */
  searchTasks(instanceId: string, filter: TaskSearchFilter, sort: TaskSort, page: PageRequest): Promise<Page<TaskSearchRow>>;
  /** One call of the instance; undefined when absent or another instance's. */
  findTask(instanceId: string, taskId: string): Promise<TaskRow | undefined>;

  /** An instance's concurrency ceiling and the calls it has in flight. */
  instanceConcurrency(accountId: string, instanceId: string): Promise<{ max: number; inFlight: number } | undefined>;
  /** The same summed over an account's instances. */
  accountConcurrency(accountId: string): Promise<{ max: number; inFlight: number }>;

  // Reports: the group call report as kept in counters, and aggregates over task rows.
  groupCallReport(jobGroupId: string): Promise<GroupCallReport>;
  /** The same report recounted from the group's tasks, for `outboundbot verify`. */
  recountCallReport(jobGroupId: string): Promise<GroupCallReport>;
  instanceCallSummaries(accountId: string, instanceIds?: readonly string[]): Promise<Array<{ instanceId: string; totalCalls: number; talkMs: number }>>;

  // Dispatch.
  dispatchableGroups(): Promise<DispatchGroup[]>;
  /** Up to `limit` Scheduling jobs of the group due at `now`, earliest first, by index. */
  dueJobs(jobGroupId: string, now: number, limit: number): Promise<DueJob[]>;
  /** The earliest next attempt of any dispatchable job later than `after`, if any. */
  nextDueTime(after: number): Promise<number | undefined>;
  /**
   * Runs one dispatch round: `body` reads due work through the round and ends by
   * committing its writes through it (or returns without writing). What the round
   * commits is durable when this resolves, so calls are dialled after it, never in
   * `body`. On PostgreSQL `body` runs in one transaction and is run again from the
   * start if that transaction meets a deadlock, so it must not act outside the store.
   */
  dispatchRound<T>(body: (round: DispatchRound) => Promise<T>): Promise<T>;
  /** Several settlements in one transaction, each applied as a round's commit applies it (recovery's write). */
  settleAttempts(settlements: AttemptSettlement[]): Promise<void>;
  /** The earliest lease of a call in flight that expires after `after` (when recovery may next be needed). */
  nextLeaseExpiry(after: number): Promise<number | undefined>;
  /** Tasks still Executing whose lease has expired, with their jobs. */
  expiredAttempts(now: number, limit: number): Promise<Array<{ task: TaskRow; job: JobRow }>>;
}
