import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { CALLING_NUMBER } from '../domain/phone-number.ts';
import { isValidZone } from '../domain/schedule.ts';
import {
  recallStrategyInputSchema,
  resolveStrategy,
  StrategyError,
  strategyInputSchema,
  type RecallStrategyInput,
  type StrategyInput,
} from '../domain/strategy.ts';
import type { JobGroupPriority } from '../store/rows.ts';
import { carrierProfileSchema, type CarrierProfile } from '../telephony/simulated/profile.ts';
import { countContacts, ContactsFileError } from './contacts-file.ts';
import { RANDOM_KIND, type NumberMix } from './number-mix.ts';

/**
 * The file `outboundbot simulate` runs: a whole campaign (instance, groups,
 * strategies, contacts) plus the simulated world it runs in (start, time zone,
 * carrier profile, seed). docs/emulator.md, "Forecasting with simulate", documents
 * every field; keep the two in step.
 *
 * Unknown keys are refused everywhere except inside `strategy` and
 * `recallStrategy`, which are StrategyJson / RecallStrategyJson exactly as the API
 * takes them (unknown keys ignored there, as on the wire).
 */

/** Calling number used when neither the instance nor a group names one. */
export const DEFAULT_CALLING_NUMBER = '057188880000';
export const DEFAULT_SEED = 'outboundbot';
export const DEFAULT_TIMEZONE = 'Asia/Shanghai';
export const DEFAULT_MAX_DAYS = 60;
/** Most jobs a `count` may ask for: the run is in-process, on one machine. */
export const MAX_SIMULATED_JOBS = 1_000_000;

const callingNumber = z.string().regex(CALLING_NUMBER, 'expected a calling number of 3 to 20 digits');
const weight = z.number().min(0).max(1_000_000);

const jobsSchema = z
  .strictObject({
    count: z.number().int('expected an integer').min(1).max(MAX_SIMULATED_JOBS).optional(),
    numbers: z.record(z.string().regex(/^(\d{4}|random)$/, 'expected a 4-digit test-number suffix or "random"'), weight).optional(),
    contactsFile: z.string().min(1).optional(),
  })
  .superRefine((jobs, ctx) => {
    if ((jobs.count === undefined) === (jobs.contactsFile === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give either count (with an optional numbers mix) or contactsFile' });
    }
    if (jobs.numbers && jobs.contactsFile !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['numbers'], message: 'goes with count, not with contactsFile' });
    }
    if (jobs.numbers && !Object.values(jobs.numbers).some((w) => w > 0)) {
      ctx.addIssue({ code: 'custom', path: ['numbers'], message: 'needs at least one positive weight' });
    }
  });

const groupSchema = z.strictObject({
  name: z.string().min(1).max(256),
  priority: z.enum(['Urgent', 'Daily']).optional(),
  minConcurrency: z.number().int('expected an integer').min(0).max(10_000).optional(),
  ringingDuration: z.number().int('expected an integer').min(5).max(120).optional(),
  strategy: strategyInputSchema,
  recallStrategy: recallStrategyInputSchema.optional(),
  callingNumbers: z.array(callingNumber).min(1).optional(),
  jobs: jobsSchema,
});

export const scenarioSchema = z.strictObject({
  start: z.union([z.number().int('expected an integer').min(0), z.string().min(1)]).optional(),
  timezone: z
    .string()
    .refine(isValidZone, 'expected an IANA time zone such as Asia/Shanghai')
    .default(DEFAULT_TIMEZONE),
  seed: z.string().max(256).default(DEFAULT_SEED),
  profile: carrierProfileSchema.optional(),
  instance: z.strictObject({
    maxConcurrentConversation: z.number().int('expected an integer').min(1).max(10_000),
    callingNumbers: z.array(callingNumber).min(1).optional(),
  }),
  groups: z.array(groupSchema).min(1).max(100),
  maxDays: z.number().int('expected an integer').min(1).max(3650).default(DEFAULT_MAX_DAYS),
});

export type GroupJobs =
  | { kind: 'count'; count: number; numbers: NumberMix }
  | { kind: 'contactsFile'; path: string; count: number };

export interface ScenarioGroup {
  name: string;
  priority: JobGroupPriority;
  minConcurrency: number;
  ringingDuration?: number;
  strategy: StrategyInput;
  recallStrategy?: RecallStrategyInput;
  callingNumbers?: string[];
  jobs: GroupJobs;
}

export interface Scenario {
  /** Epoch ms where the virtual clock starts. */
  start: number;
  timezone: string;
  seed: string;
  profile: CarrierProfile;
  instance: { maxConcurrentConversation: number; callingNumbers: string[] };
  groups: ScenarioGroup[];
  maxDays: number;
}

/** A bad scenario: `field` is the dotted path of the culprit (`groups.0.jobs.count`). */
export class ScenarioError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(field ? `${field}: ${reason}` : reason);
    this.name = 'ScenarioError';
  }
}

export interface ScenarioContext {
  /** Start when the scenario names none (the CLI passes the system time). */
  now: number;
  /** Where relative contactsFile paths are resolved (the scenario file's folder). */
  baseDir: string;
}

/**
 * Validates a parsed scenario document and applies its defaults; throws a
 * ScenarioError naming the first bad field. Contacts files are only resolved here,
 * not read: `loadScenario` checks them.
 */
export function parseScenario(input: unknown, context: ScenarioContext): Scenario {
  const result = scenarioSchema.safeParse(input);
  if (!result.success) throw issueError(result.error.issues[0]!);
  const raw = result.data;
  const start = resolveStart(raw.start, raw.timezone, context.now);
  const groups = raw.groups.map((group, i): ScenarioGroup => {
    checkStrategy(group.strategy, start, `groups.${i}.strategy`);
    const jobs: GroupJobs =
      group.jobs.count !== undefined
        ? { kind: 'count', count: group.jobs.count, numbers: group.jobs.numbers ?? { [RANDOM_KIND]: 1 } }
        : { kind: 'contactsFile', path: resolve(context.baseDir, group.jobs.contactsFile!), count: 0 };
    return {
      name: group.name,
      priority: group.priority ?? 'Daily',
      minConcurrency: group.minConcurrency ?? 0,
      ringingDuration: group.ringingDuration,
      strategy: group.strategy,
      recallStrategy: group.recallStrategy,
      callingNumbers: group.callingNumbers,
      jobs,
    };
  });
  const names = new Set<string>();
  groups.forEach((group, i) => {
    if (names.has(group.name)) throw new ScenarioError(`groups.${i}.name`, `another group is already named ${JSON.stringify(group.name)}`);
    names.add(group.name);
  });
  // The API's rule (JobGroupService): the MinConcurrency of one priority's groups fits the instance.
  for (const priority of ['Urgent', 'Daily'] as const) {
    let sum = 0;
    groups.forEach((group, i) => {
      if (group.priority !== priority) return;
      sum += group.minConcurrency;
      if (sum > raw.instance.maxConcurrentConversation) {
        throw new ScenarioError(
          `groups.${i}.minConcurrency`,
          `${priority} groups would guarantee ${sum} concurrent calls, more than instance.maxConcurrentConversation (${raw.instance.maxConcurrentConversation})`,
        );
      }
    });
  }
  return {
    start,
    timezone: raw.timezone,
    seed: raw.seed,
    profile: raw.profile ?? carrierProfileSchema.parse({}),
    instance: {
      maxConcurrentConversation: raw.instance.maxConcurrentConversation,
      callingNumbers: raw.instance.callingNumbers ?? [DEFAULT_CALLING_NUMBER],
    },
    groups,
    maxDays: raw.maxDays,
  };
}

/** Reads, parses and validates a scenario file, contacts files included (each read once, streamed). */
export async function loadScenario(path: string, now: number): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ScenarioError('', `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError('', `${path} is not JSON: ${(error as Error).message}`);
  }
  const scenario = parseScenario(document, { now, baseDir: dirname(resolve(path)) });
  await countContactsFiles(scenario);
  return scenario;
}

/** Checks every contacts file and records its number of contacts in the group's jobs. */
export async function countContactsFiles(scenario: Scenario): Promise<void> {
  for (const [i, group] of scenario.groups.entries()) {
    if (group.jobs.kind !== 'contactsFile') continue;
    try {
      group.jobs.count = await countContacts(group.jobs.path);
    } catch (error) {
      if (error instanceof ContactsFileError) throw new ScenarioError(`groups.${i}.jobs.contactsFile`, `${group.jobs.path}: ${error.message}`);
      throw error;
    }
  }
}

function resolveStart(start: number | string | undefined, zone: string, now: number): number {
  if (start === undefined) return now;
  if (typeof start === 'number') return start;
  // An ISO time without an offset is read in the scenario's time zone.
  const parsed = DateTime.fromISO(start, { zone });
  if (!parsed.isValid) throw new ScenarioError('start', 'expected an ISO 8601 time (2026-12-01T08:00:00+08:00) or epoch milliseconds');
  return parsed.toMillis();
}

/** The combination rules resolveStrategy enforces (Week needs days ...), reported on the scenario's field. */
function checkStrategy(strategy: StrategyInput, start: number, field: string): void {
  try {
    resolveStrategy(strategy, undefined, start, () => 'check');
  } catch (error) {
    if (error instanceof StrategyError) throw new ScenarioError(`${field}.${error.field}`, error.message);
    throw error;
  }
}

/** The first schema issue as a ScenarioError whose field is the full path of the culprit. */
function issueError(issue: z.core.$ZodIssue): ScenarioError {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') return new ScenarioError([...path, issue.keys[0]!].join('.'), 'unknown field');
  if (issue.code === 'invalid_key') return new ScenarioError(path.join('.'), issue.issues[0]?.message ?? issue.message);
  if (issue.code === 'invalid_type' && / received undefined$/.test(issue.message)) return new ScenarioError(path.join('.'), 'required');
  return new ScenarioError(path.join('.'), issue.message);
}
