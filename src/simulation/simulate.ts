import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { pino } from 'pino';
import { ApiError } from '../domain/errors.ts';
import { MAX_JOBS_PER_ASSIGNMENT, type JobInput } from '../domain/job-input.ts';
import type { Services } from '../services/services.ts';
import type { JobGroupCounters, JobGroupStatus } from '../store/rows.ts';
import { openSqliteStore } from '../store/sqlite/sqlite-store.ts';
import { readContacts } from './contacts-file.ts';
import { mixedNumbers } from './number-mix.ts';
import { ScenarioError, type Scenario, type ScenarioGroup } from './scenario.ts';
import { seededBytes } from '../domain/ids.ts';
import { createVirtualRuntime } from '../engine/virtual-runtime.ts';
import { TaskRunner } from '../files/task-runner.ts';

/**
 * `outboundbot simulate`: runs a whole scenario in-process on virtual time, one
 * local day at a time, and reports what each day did and when the campaign ends.
 *
 * The campaign is built through the services the API uses, over a fresh SQLite
 * store in a temporary folder (removed at the end), and driven by the same engine,
 * simulated carrier and virtual driver as the emulator (src/engine/virtual-runtime.ts,
 * with ids drawn from the seed so that a seed replays: see seededBytes in src/domain/ids.ts).
 * Figures are read from the group counters GetJobGroup reports, after each day:
 *
 *   attempts     calls started that day            (difference of TotalCalls)
 *   connects     calls answered that day           (TotalCalls - TotalNotAnswered - in flight)
 *   completions  jobs Succeeded that day           (difference of TotalCompleted)
 *   failures     jobs Failed that day              (difference of Failed)
 *
 * A day is the scenario time zone's local day, from midnight to midnight; day 1 is
 * the day of `start`. The run stops at the end of the day on which every group is
 * Completed, or after `maxDays`. Memory does not grow with the number of jobs: jobs
 * are generated or streamed and assigned 99 at a time, and only counters are read.
 */
export interface Figures {
  attempts: number;
  connects: number;
  completions: number;
  failures: number;
}

export interface GroupDay extends Figures {
  name: string;
  status: JobGroupStatus;
  /** Jobs not ended at the end of the day. */
  remaining: number;
}

export interface SimulatedDay extends Figures {
  /** 1 for the day of `start`. */
  day: number;
  /** Local date, YYYY-MM-DD. */
  date: string;
  /** Local weekday, Mon ... Sun. */
  weekday: string;
  /** Totals from the start to the end of this day. */
  cumulative: Figures;
  remaining: number;
  groups: GroupDay[];
}

export interface GroupOutcome extends Figures {
  name: string;
  totalJobs: number;
  status: JobGroupStatus;
  remaining: number;
  /** When the group completed (its last job ended), ISO in the scenario's zone; null if it did not. */
  finishedAt: string | null;
  finishedAtMs: number | null;
  finishDay: number | null;
}

export interface SimulationResult {
  start: string;
  timezone: string;
  seed: string;
  maxDays: number;
  totalJobs: number;
  days: SimulatedDay[];
  totals: Figures;
  remaining: number;
  /** True when every group completed within maxDays. */
  finished: boolean;
  /** The forecast finish time: when the last group completed. */
  finishedAt: string | null;
  finishedAtMs: number | null;
  finishDay: number | null;
  groups: GroupOutcome[];
}

export interface SimulateProgress {
  /** Jobs ended (Succeeded or Failed) so far. */
  ended: number;
  totalJobs: number;
  maxDays: number;
}

export interface SimulateOptions {
  /** Called after each batch of jobs assigned, before the clock starts. */
  onAssign?: (assigned: number, total: number) => void;
  /** Called after each simulated day. */
  onDay?: (day: SimulatedDay, progress: SimulateProgress) => void;
  /** Stops the run between days (Ctrl-C); the simulation's temp data dir is removed all the same. */
  signal?: AbortSignal;
}

const ACCOUNT_NAME = 'simulate';

export async function simulate(scenario: Scenario, options: SimulateOptions = {}): Promise<SimulationResult> {
  const { start, timezone: zone } = scenario;
  const dataDir = mkdtempSync(join(tmpdir(), 'outboundbot-simulate-'));
  const store = openSqliteStore(dataDir, { now: () => start });
  const logger = pino({ level: 'silent' });
  const runtime = createVirtualRuntime({
    store,
    // A simulation assigns its jobs directly; the file pipeline is there, idle.
    files: { tasks: new TaskRunner(logger), dataDir, baseUrl: () => 'http://127.0.0.1', logger },
    start,
    zone,
    seed: scenario.seed,
    profile: scenario.profile,
    logger,
    idBytes: seededBytes(scenario.seed),
  });
  try {
    const { services, driver } = runtime;
    const { account, key } = await services.accessKeys.createAccount(ACCOUNT_NAME);
    const instance = await services.instances.create(
      { accountId: account.id, accessKeyId: key.id },
      { name: ACCOUNT_NAME, maxConcurrentConversation: scenario.instance.maxConcurrentConversation, callingNumbers: scenario.instance.callingNumbers },
    );
    const groups: Array<{ name: string; id: string }> = [];
    const toAssign = scenario.groups.reduce((n, group) => n + group.jobs.count, 0);
    let assigned = 0;
    const onBatch = (size: number) => options.onAssign?.((assigned += size), toAssign);
    for (const [i, group] of scenario.groups.entries()) {
      const id = await createGroup(services, account.id, instance.id, group, i);
      await assignJobs(services, account.id, instance.id, id, group, scenario.seed, i, onBatch);
      groups.push({ name: group.name, id });
    }

    // GetJobGroup's view: the stored counters, O(1) in the group's size.
    const read = () => Promise.all(groups.map(({ id }) => services.jobGroups.view(account.id, instance.id, id)));
    let previous = (await read()).map((view) => view.counters);
    const totalJobs = previous.reduce((n, counters) => n + counters.totalJobs, 0);

    const days: SimulatedDay[] = [];
    const finishDays = new Map<string, number>();
    let dayStart = DateTime.fromMillis(start, { zone }).startOf('day');
    for (let day = 1; day <= scenario.maxDays; day++) {
      const next = dayStart.plus({ days: 1 }).startOf('day');
      // Up to the last millisecond of the day: what happens at midnight belongs to the next day.
      options.signal?.throwIfAborted();
      await driver.advanceTo(next.toMillis() - 1);
      const views = await read();
      const groupDays = views.map((view, g): GroupDay => {
        const now = view.counters;
        if (view.group.status === 'Completed' && !finishDays.has(groups[g]!.id)) finishDays.set(groups[g]!.id, day);
        return { name: groups[g]!.name, status: view.group.status, ...difference(cumulativeOf(now), cumulativeOf(previous[g]!)), remaining: remainingOf(now) };
      });
      const cumulative = sum(views.map((view) => cumulativeOf(view.counters)));
      const simulated: SimulatedDay = {
        day,
        date: dayStart.toISODate()!,
        weekday: dayStart.toFormat('ccc', { locale: 'en-US' }),
        ...sum(groupDays),
        cumulative,
        remaining: groupDays.reduce((n, g) => n + g.remaining, 0),
        groups: groupDays,
      };
      days.push(simulated);
      options.onDay?.(simulated, { ended: cumulative.completions + cumulative.failures, totalJobs, maxDays: scenario.maxDays });
      previous = views.map((view) => view.counters);
      if (views.every((view) => view.group.status === 'Completed')) break;
      dayStart = next;
    }

    const finalViews = await read();
    const outcomes = finalViews.map((view, g): GroupOutcome => {
      const completed = view.group.status === 'Completed' && view.counters.endTime > 0;
      return {
        name: groups[g]!.name,
        totalJobs: view.counters.totalJobs,
        status: view.group.status,
        ...cumulativeOf(view.counters),
        remaining: remainingOf(view.counters),
        finishedAt: completed ? isoIn(zone, view.counters.endTime) : null,
        finishedAtMs: completed ? view.counters.endTime : null,
        finishDay: completed ? (finishDays.get(groups[g]!.id) ?? null) : null,
      };
    });
    const finished = outcomes.every((o) => o.finishedAtMs !== null);
    const last = finished ? outcomes.reduce((a, b) => (b.finishedAtMs! > a.finishedAtMs! ? b : a)) : undefined;
    return {
      start: isoIn(zone, start),
      timezone: zone,
      seed: scenario.seed,
      maxDays: scenario.maxDays,
      totalJobs,
      days,
      totals: sum(outcomes),
      remaining: outcomes.reduce((n, o) => n + o.remaining, 0),
      finished,
      finishedAt: last?.finishedAt ?? null,
      finishedAtMs: last?.finishedAtMs ?? null,
      finishDay: finished ? Math.max(...outcomes.map((o) => o.finishDay ?? 0)) : null,
      groups: outcomes,
    };
  } finally {
    runtime.timers.clear();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function createGroup(services: Services, accountId: string, instanceId: string, group: ScenarioGroup, index: number): Promise<string> {
  try {
    const view = await services.jobGroups.create(accountId, instanceId, {
      name: group.name,
      strategy: group.strategy,
      recallStrategy: group.recallStrategy,
      callingNumbers: group.callingNumbers,
      priority: group.priority,
      minConcurrency: group.minConcurrency,
      ringingDuration: group.ringingDuration,
    });
    return view.group.id;
  } catch (error) {
    // The scenario schema checks what the service does; this is a safety net naming the group.
    if (error instanceof ApiError) throw new ScenarioError(`groups.${index}`, error.message);
    throw error;
  }
}

/** Assigns a group's jobs 99 at a time (AssignJobs' limit), generated or streamed, never all in memory. */
async function assignJobs(
  services: Services,
  accountId: string,
  instanceId: string,
  jobGroupId: string,
  group: ScenarioGroup,
  seed: string,
  index: number,
  onBatch: (size: number) => void,
): Promise<void> {
  let batch: JobInput[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await services.jobs.assign(accountId, instanceId, jobGroupId, { jobs: batch });
    onBatch(batch.length);
    batch = [];
  };
  const jobs: AsyncIterable<JobInput> | Iterable<JobInput> =
    group.jobs.kind === 'count' ? generatedJobs(group.jobs.count, group.jobs.numbers, seed, index) : fileJobs(group.jobs.path);
  for await (const job of jobs) {
    batch.push(job);
    if (batch.length === MAX_JOBS_PER_ASSIGNMENT) await flush();
  }
  await flush();
}

function* generatedJobs(count: number, mix: Record<string, number>, seed: string, index: number): Generator<JobInput> {
  let n = 0;
  for (const phoneNumber of mixedNumbers(count, mix, seed, `group-${index}`)) {
    n++;
    yield { referenceId: String(n), contacts: [{ phoneNumber }] };
  }
}

async function* fileJobs(path: string): AsyncGenerator<JobInput> {
  for await (const contact of readContacts(path)) {
    yield {
      referenceId: contact.referenceId,
      contacts: [{ phoneNumber: contact.phoneNumber, e164: contact.e164, name: contact.name, honorific: contact.honorific, referenceId: contact.referenceId }],
    };
  }
}

function cumulativeOf(counters: JobGroupCounters): Figures {
  return {
    attempts: counters.totalCalls,
    // A call in flight is counted in totalCalls but is neither answered nor not answered yet.
    connects: counters.totalCalls - counters.notAnswered - counters.inFlight,
    completions: counters.completed,
    failures: counters.failed,
  };
}

function remainingOf(counters: JobGroupCounters): number {
  return counters.scheduling + counters.executing + counters.paused;
}

function difference(now: Figures, before: Figures): Figures {
  return {
    attempts: now.attempts - before.attempts,
    connects: now.connects - before.connects,
    completions: now.completions - before.completions,
    failures: now.failures - before.failures,
  };
}

function sum(list: readonly Figures[]): Figures {
  const total: Figures = { attempts: 0, connects: 0, completions: 0, failures: 0 };
  for (const f of list) {
    total.attempts += f.attempts;
    total.connects += f.connects;
    total.completions += f.completions;
    total.failures += f.failures;
  }
  return total;
}

function isoIn(zone: string, at: number): string {
  return DateTime.fromMillis(at, { zone }).toISO({ suppressMilliseconds: true })!;
}
