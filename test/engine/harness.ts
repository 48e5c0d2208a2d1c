import { mkdtempSync, rmSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { seededBytes } from '../../src/domain/ids.ts';
import { ManualClock } from '../../src/engine/clock.ts';
import { createVirtualRuntime } from '../../src/engine/virtual-runtime.ts';
import { TaskRunner } from '../../src/files/task-runner.ts';
import type { InstanceCallingHours } from '../../src/domain/instance-policy.ts';
import type { RecallStrategyInput, StrategyInput } from '../../src/domain/strategy.ts';
import type { JobGroupCounters, JobGroupPriority, JobGroupStatus, JobRow, JobStatus, TaskRow } from '../../src/store/rows.ts';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import type { Store } from '../../src/store/store.ts';
import { dropSchema, newSchemaName, schemaUrl, testBackendIsPostgres } from '../helpers/postgres.ts';
import { NumberDirectory } from '../../src/telephony/number-directory.ts';
import type { CarrierProfile } from '../../src/telephony/simulated/profile.ts';

/**
 * Runs one campaign scenario in-process for the engine's property tests: a fresh
 * SQLite data dir, the virtual runtime (engine + simulated carrier on a manual
 * clock), one account, one instance, its groups and jobs created through the
 * services, then the user's actions interleaved with clock advances, and finally
 * one advance well past every strategy's end. Ids come from the scenario's seed
 * (seededBytes, as `outboundbot simulate` does) so that a scenario replays exactly,
 * unless `systemIds` asks for the CSPRNG the emulator uses.
 *
 * Everything the invariants need is read back through the store, with what the run
 * observed on the way: calls started while a group was paused or a job suspended or
 * cancelled, status moves off the state machine, counters that differed from a
 * recount. The data dir is removed before returning.
 */

export interface ScenarioGroup {
  priority: JobGroupPriority;
  minConcurrency: number;
  /** Seconds a call rings before it counts as not answered. */
  ringingDuration: number;
  /** Every rule set explicitly (validated by strategyInputSchema). */
  strategy: StrategyInput & Required<Pick<StrategyInput, 'maxAttemptsPerDay' | 'minAttemptInterval' | 'repeatBy' | 'repeatDays' | 'repeatable' | 'workingTime' | 'startTime' | 'endTime'>>;
  recall: Required<RecallStrategyInput>;
  /** Each job's contacts' phone numbers. */
  jobs: string[][];
}

export type GroupAction = { at: number; kind: 'pauseGroup' | 'resumeGroup'; group: number };
export type JobAction = { at: number; kind: 'suspendJob' | 'resumeJob' | 'cancelJob'; group: number; job: number };
export type UserAction = GroupAction | JobAction;

export interface Scenario {
  /** The engine's zone (OUTBOUNDBOT_TIMEZONE). */
  zone: string;
  /** Where the virtual clock starts; jobs are assigned then. */
  clockStart: number;
  /** The instance's MaxConcurrentConversation. */
  ceiling: number;
  /** The instance's calling hours (SaveBaseStrategyPeriod), saved before any group is created; none: open all hours. */
  instanceHours?: InstanceCallingHours;
  seed: string;
  profile: CarrierProfile;
  groups: ScenarioGroup[];
  /** Sorted by time, none before clockStart. */
  actions: UserAction[];
  /** The one advance after the actions goes here: well past every strategy's end. */
  finalTime: number;
}

/** A span in which no new call of a group (or of one job) may start, with the calls that started anyway. */
export interface Stop {
  what: string;
  group: number;
  job?: number;
  from: number;
  /** undefined: never lifted. */
  to?: number;
  startedDuring: TaskRow[];
}

export interface JobTrace {
  job: JobRow;
  /** By attempt. */
  tasks: TaskRow[];
  /** The user's last successful move of this job was a suspend: it should end Paused. */
  leftSuspended: boolean;
  /** When the user resumed it (successful ResumeJobs only). */
  resumedAt: number[];
}

export interface GroupTrace {
  id: string;
  status: JobGroupStatus;
  stored: JobGroupCounters;
  recount: JobGroupCounters;
  jobs: JobTrace[];
}

export interface Trace {
  groups: GroupTrace[];
  stops: Stop[];
  /** Stored counters that differed from a recount at some action time. */
  midRunMismatches: string[];
  /** User actions whose effect on the job's or group's status broke the state machine (docs/strategy.md, "Job and group states"). */
  wrongMoves: string[];
  /** What each action did, to read a counterexample by. */
  log: string[];
}

const silent = pino({ level: 'silent' });

/** Far more engine rounds than any scenario needs (one per call start, call end or due time). */
const MAX_ROUNDS = 200_000;

/**
 * Phone-number metadata lookups, shared by every runtime of the process. Each runtime
 * has its own NumberDirectory, which decodes the multi-megabyte metadata tables on
 * first use (about 100 ms) and drops them with the runtime: hundreds of scenarios
 * would spend most of their time there. The data is static, so one memo per process
 * changes no result.
 */
const lookups = new Map<string, ReturnType<NumberDirectory['describe']>>();
const describeNumber = NumberDirectory.prototype.describe;
NumberDirectory.prototype.describe = function describe(this: NumberDirectory, number: string) {
  let found = lookups.get(number);
  if (!found) {
    found = describeNumber.call(this, number);
    lookups.set(number, found);
  }
  return found;
};

const CALLING_NUMBER = '057188880000';

/** Looks the numbers up once, ahead of the runs, so the first scenario is not charged for it. */
export async function warmNumberLookups(numbers: readonly string[]): Promise<void> {
  const directory = new NumberDirectory();
  await Promise.all([CALLING_NUMBER, ...numbers].map((n) => directory.describe(n)));
}

export async function runScenario(scenario: Scenario, options: { systemIds?: boolean } = {}): Promise<Trace> {
  const dir = mkdtempSync(join(tmpdir(), 'outboundbot-engine-'));
  // With OUTBOUNDBOT_TEST_BACKEND=postgres the same scenarios run on a schema of their own.
  const schema = testBackendIsPostgres() ? newSchemaName('engine') : undefined;
  const store = schema
    ? await openPostgresStore(schemaUrl(schema), new ManualClock(scenario.clockStart), { poolSize: 2 })
    : openSqliteStore(dir, new ManualClock(scenario.clockStart));
  try {
    return await drive(store, dir, scenario, options.systemIds ? undefined : seededBytes(scenario.seed));
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    if (schema) await dropSchema(schema);
  }
}

interface OpenStop {
  stop: Stop;
  /** Task ids of the group (or job) when the stop began. */
  before: Set<string>;
}

async function drive(store: Store, dataDir: string, scenario: Scenario, idBytes: ((size: number) => Uint8Array) | undefined): Promise<Trace> {
  const { services, driver, clock, engine } = createVirtualRuntime({
    store,
    files: { tasks: new TaskRunner(silent), dataDir, baseUrl: () => 'http://127.0.0.1', logger: silent },
    start: scenario.clockStart,
    zone: scenario.zone,
    seed: scenario.seed,
    profile: scenario.profile,
    logger: silent,
    idBytes,
  });
  // The driver's loop never yields to timers, so a runaway engine would hang the suite:
  // a budget of rounds turns that into a failed run instead.
  const round = engine.round.bind(engine);
  let rounds = 0;
  engine.round = () => {
    if (++rounds > MAX_ROUNDS) throw new Error(`runaway: more than ${MAX_ROUNDS} engine rounds, clock at ${new Date(clock.now()).toISOString()}`);
    return round();
  };
  const { account, key } = await services.accessKeys.createAccount('property');
  const instance = await services.instances.create(
    { accountId: account.id, accessKeyId: key.id },
    { name: 'property', maxConcurrentConversation: scenario.ceiling, callingNumbers: [CALLING_NUMBER] },
  );
  if (scenario.instanceHours) await services.instancePolicy.saveCallingHours(account.id, instance.id, scenario.instanceHours);
  const groupIds: string[] = [];
  for (const [g, group] of scenario.groups.entries()) {
    const view = await services.jobGroups.create(account.id, instance.id, {
      name: `group ${g}`,
      strategy: group.strategy,
      recallStrategy: group.recall,
      priority: group.priority,
      minConcurrency: group.minConcurrency,
      ringingDuration: group.ringingDuration,
    });
    groupIds.push(view.group.id);
  }
  const jobIds: string[][] = [];
  for (const [g, group] of scenario.groups.entries()) {
    const jobs = group.jobs.map((numbers, j) => ({ referenceId: `g${g}j${j}`, contacts: numbers.map((phoneNumber) => ({ phoneNumber })) }));
    jobIds.push(await services.jobs.assign(account.id, instance.id, groupIds[g]!, { jobs }));
  }

  const at = () => new Date(clock.now()).toISOString();
  const jobsOf = (group: number, job?: number) => (job === undefined ? jobIds[group]! : [jobIds[group]![job]!]);
  const tasksOf = async (group: number, job?: number): Promise<TaskRow[]> => {
    const tasks: TaskRow[] = [];
    for (const id of jobsOf(group, job)) tasks.push(...((await store.findJob(instance.id, id))?.tasks ?? []));
    return tasks;
  };
  const groupStatus = async (group: number) => (await store.findJobGroup(instance.id, groupIds[group]!))!.status;

  const stops: Stop[] = [];
  const openGroupStops = new Map<number, OpenStop>();
  const openJobStops = new Map<string, OpenStop>();
  const leftSuspended = new Set<string>();
  const resumedAt = new Map<string, number[]>();
  const midRunMismatches: string[] = [];
  const wrongMoves: string[] = [];
  const log: string[] = [];

  const open = async (what: string, group: number, job?: number): Promise<OpenStop> => {
    const stop: Stop = { what, group, job, from: clock.now(), startedDuring: [] };
    stops.push(stop);
    return { stop, before: new Set((await tasksOf(group, job)).map((t) => t.id)) };
  };
  const collect = async (entry: OpenStop): Promise<void> => {
    entry.stop.startedDuring = (await tasksOf(entry.stop.group, entry.stop.job)).filter((t) => !entry.before.has(t.id));
  };
  const lift = async (entry: OpenStop | undefined): Promise<void> => {
    if (!entry) return;
    entry.stop.to = clock.now();
    await collect(entry);
  };

  const pauseGroup = async (group: number): Promise<void> => {
    const was = await groupStatus(group);
    const note = await refusable(() => services.jobGroups.modify(account.id, instance.id, groupIds[group]!, { status: 'Paused' }));
    const now = await groupStatus(group);
    log.push(`${at()} pause group ${group}: ${was} -> ${now}${note}`);
    if ((was === 'Scheduling' || was === 'Executing') && now !== 'Paused') wrongMoves.push(`${at()} pausing ${was} group ${group} left it ${now}`);
    if (was !== 'Paused' && now === 'Paused') openGroupStops.set(group, await open(`group ${group} paused`, group));
  };
  const resumeGroup = async (group: number): Promise<void> => {
    const was = await groupStatus(group);
    const note = await refusable(() => services.jobGroups.modify(account.id, instance.id, groupIds[group]!, { status: 'Scheduling' }));
    const now = await groupStatus(group);
    log.push(`${at()} resume group ${group}: ${was} -> ${now}${note}`);
    if (was === 'Paused' && now === 'Paused') wrongMoves.push(`${at()} resuming paused group ${group} left it Paused`);
    if (now !== 'Paused') {
      await lift(openGroupStops.get(group));
      openGroupStops.delete(group);
    }
  };
  const moveJob = async (action: JobAction): Promise<void> => {
    const id = jobIds[action.group]![action.job]!;
    const move = action.kind === 'suspendJob' ? 'suspend' : action.kind === 'resumeJob' ? 'resume' : 'cancel';
    const statusOf = async () => (await store.findJob(instance.id, id))!.job.status;
    const was = await statusOf();
    const moved = await services.jobs.move(account.id, instance.id, groupIds[action.group]!, { jobIds: [id] }, move);
    const now = await statusOf();
    const name = `job ${action.group}/${action.job}`;
    log.push(`${at()} ${move} ${name}: ${was} -> ${now}`);
    const expected = MOVES[move][was] ?? was;
    if (now !== expected || moved !== (expected === was ? 0 : 1)) wrongMoves.push(`${at()} ${move} of ${was} ${name}: now ${now}, reported ${moved} moved; expected ${expected}`);
    if (moved !== 1) return;
    if (move === 'suspend') {
      leftSuspended.add(id);
      openJobStops.set(id, await open(`${name} suspended`, action.group, action.job));
      return;
    }
    leftSuspended.delete(id);
    await lift(openJobStops.get(id));
    openJobStops.delete(id);
    if (move === 'resume') resumedAt.set(id, [...(resumedAt.get(id) ?? []), clock.now()]);
    else openJobStops.set(id, await open(`${name} cancelled`, action.group, action.job));
  };

  for (const action of scenario.actions) {
    await driver.advanceTo(action.at);
    for (const [g, id] of groupIds.entries()) {
      const diff = counterDiff((await store.storedCounters(id))!, await store.recountGroup(id));
      if (diff.length > 0) midRunMismatches.push(`group ${g} at ${at()}: ${diff.join(', ')}`);
      const reportDiff = await callReportDiff(store, id);
      if (reportDiff) midRunMismatches.push(`group ${g} at ${at()}: ${reportDiff}`);
    }
    if ('job' in action) await moveJob(action);
    else await (action.kind === 'pauseGroup' ? pauseGroup : resumeGroup)(action.group);
  }
  // A group left paused keeps its jobs waiting for good: resume it before the end.
  for (const group of [...openGroupStops.keys()]) await resumeGroup(group);

  await driver.advanceTo(scenario.finalTime);
  for (const entry of [...openGroupStops.values(), ...openJobStops.values()]) await collect(entry);

  const groups: GroupTrace[] = [];
  for (const [g, id] of groupIds.entries()) {
    const reportDiff = await callReportDiff(store, id);
    if (reportDiff) midRunMismatches.push(`group ${g} at the end: ${reportDiff}`);
    const jobs: JobTrace[] = [];
    for (const jobId of jobIds[g]!) {
      const found = (await store.findJob(instance.id, jobId))!;
      jobs.push({
        job: found.job,
        tasks: [...found.tasks].sort((a, b) => a.attempt - b.attempt),
        leftSuspended: leftSuspended.has(jobId),
        resumedAt: resumedAt.get(jobId) ?? [],
      });
    }
    groups.push({
      id,
      status: (await store.viewJobGroup(instance.id, id))!.group.status,
      stored: (await store.storedCounters(id))!,
      recount: await store.recountGroup(id),
      jobs,
    });
  }
  return { groups, stops, midRunMismatches, wrongMoves, log };
}

/** What SuspendJobs, ResumeJobs and CancelJobs do to a job in each status; a status not listed stays as it is. */
const MOVES: Record<'suspend' | 'resume' | 'cancel', Partial<Record<JobStatus, JobStatus>>> = {
  suspend: { Scheduling: 'Paused' },
  resume: { Paused: 'Scheduling' },
  cancel: { Scheduling: 'Cancelled', Paused: 'Cancelled', Executing: 'Cancelled' },
};

/** Runs a service call the service may refuse (pausing a Completed group ...); returns a note for the log. */
async function refusable(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return '';
  } catch (error) {
    return ` (refused: ${(error as Error).message})`;
  }
}

export function counterDiff(stored: JobGroupCounters, recount: JobGroupCounters): string[] {
  const keys = new Set([...Object.keys(stored), ...Object.keys(recount)]) as Set<keyof JobGroupCounters>;
  return [...keys].filter((k) => stored[k] !== recount[k]).map((k) => `${k}: stored ${stored[k]}, recounted ${recount[k]}`);
}

/** How the group's call report as kept differs from its recount from the tasks, if it does. */
async function callReportDiff(store: Store, jobGroupId: string): Promise<string | undefined> {
  const [kept, recount] = [await store.groupCallReport(jobGroupId), await store.recountCallReport(jobGroupId)];
  return isDeepStrictEqual(kept, recount) ? undefined : `call report ${JSON.stringify(kept)}, recounted ${JSON.stringify(recount)}`;
}
