import { z } from 'zod';
import type { RecallStrategy, RepeatBy, RoutingStrategy, Strategy } from './job-group.ts';

/**
 * StrategyJson and RecallStrategyJson as callers send them (camelCase, numbers
 * often as strings), validated and normalised into the stored Strategy.
 * docs/strategy.md describes every rule here; keep the two in step.
 */

/** Without start/end time a strategy runs now and, like the public service, ends 20 years later. */
export const DEFAULT_STRATEGY_SPAN_MS = 7305 * 24 * 60 * 60 * 1000;
export const DEFAULT_MAX_ATTEMPTS_PER_DAY = 3;
export const DEFAULT_MIN_ATTEMPT_INTERVAL_MINUTES = 10;

const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$|^24:00:00$/;

/** An integer that may arrive as a JSON number or a numeric string ("3"). */
const intLike = (min: number, max: number) =>
  z
    .union([z.number(), z.string().regex(/^-?\d+$/, 'expected an integer')])
    .transform((v) => Number(v))
    .pipe(z.number().int('expected an integer').min(min).max(max));

const boolLike = z.union([z.boolean(), z.enum(['true', 'false'])]).transform((v) => v === true || v === 'true');

const caseInsensitive = <T extends string>(values: readonly T[]) =>
  z.string().transform((v, ctx) => {
    const match = values.find((candidate) => candidate.toLowerCase() === v.toLowerCase());
    if (!match) {
      ctx.addIssue({ code: 'custom', message: `must be one of ${values.join(', ')}` });
      return z.NEVER;
    }
    return match;
  });

const REPEAT_BY: readonly RepeatBy[] = ['Once', 'Day', 'Week', 'Month'];
const ROUTING: readonly RoutingStrategy[] = ['None', 'LocalFirst', 'LocalProvinceFirst'];

/**
 * Daily windows `[beginTime, endTime)` of `HH:mm:ss` (24:00:00 the end of the day),
 * each non-empty, none overlapping another, at most 24: a group's workingTime and
 * the instance's WorkingTimeFramesJson (SaveBaseStrategyPeriod) alike.
 */
export const workingWindowsSchema = z
  .array(
    z.object({
      beginTime: z.string().regex(TIME_OF_DAY, 'expected HH:mm:ss'),
      endTime: z.string().regex(TIME_OF_DAY, 'expected HH:mm:ss'),
    }),
  )
  .max(24)
  .superRefine((windows, ctx) => {
    windows.forEach((window, i) => {
      if (window.beginTime >= window.endTime) ctx.addIssue({ code: 'custom', path: [i, 'endTime'], message: 'must be later than beginTime' });
    });
    const sorted = [...windows].sort((a, b) => (a.beginTime < b.beginTime ? -1 : 1));
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i]!.beginTime < sorted[i - 1]!.endTime) {
        ctx.addIssue({ code: 'custom', path: [], message: 'windows must not overlap' });
        break;
      }
    }
  });

export const strategyInputSchema = z
  .object({
    id: z.string().max(64).optional(),
    name: z.string().max(256).optional(),
    description: z.string().max(1024).optional(),
    maxAttemptsPerDay: intLike(1, 100).optional(),
    minAttemptInterval: intLike(0, 7 * 24 * 60).optional(),
    routingStrategy: caseInsensitive(ROUTING).optional(),
    repeatBy: caseInsensitive(REPEAT_BY).optional(),
    repeatable: boolLike.optional(),
    repeatDays: z.array(intLike(0, 31)).max(31).optional(),
    workingTime: workingWindowsSchema.optional(),
    startTime: intLike(0, 8_640_000_000_000).optional(),
    endTime: intLike(0, 8_640_000_000_000).optional(),
    timeZoneBy: caseInsensitive(['Instance', 'Callee'] as const).optional(),
    customized: z.string().max(4096).optional(),
  })
  .superRefine((s, ctx) => {
    if (s.startTime !== undefined && s.endTime !== undefined && s.endTime <= s.startTime) {
      ctx.addIssue({ code: 'custom', path: ['endTime'], message: 'must be later than startTime' });
    }
  });

export type StrategyInput = z.infer<typeof strategyInputSchema>;

/**
 * Keys of the public API's strategy that this one takes without using them: the
 * fields GetJobGroup returns under Strategy (the seed page), camelCased, so a caller
 * may send back what it read. Ignored, as the public service ignores them.
 */
const READ_ONLY_KEYS = ['type', 'strategyId', 'strategyName', 'strategyDescription', 'followUpStrategy', 'isTemplate'];
const STRATEGY_KEYS: ReadonlySet<string> = new Set([...Object.keys(strategyInputSchema.shape), ...READ_ONLY_KEYS]);
const WORKING_TIME_KEYS: ReadonlySet<string> = new Set(['beginTime', 'endTime']);

/**
 * The keys of a StrategyJson document that no one knows (a typo such as
 * `maxAttemptPerDay`, which would otherwise leave the default in force), as paths:
 * `maxAttemptPerDay`, `workingTime.0.begin`. Keys are matched exactly, as the schema does.
 */
export function unknownStrategyKeys(document: unknown): string[] {
  if (!isRecord(document)) return [];
  const unknown = Object.keys(document).filter((key) => !STRATEGY_KEYS.has(key));
  const windows = document.workingTime;
  if (Array.isArray(windows)) {
    windows.forEach((window, i) => {
      if (isRecord(window)) for (const key of Object.keys(window)) if (!WORKING_TIME_KEYS.has(key)) unknown.push(`workingTime.${i}.${key}`);
    });
  }
  return unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const recallStrategyInputSchema = z.object({
  emptyNumberIgnore: boolLike.optional(),
  inArrearsIgnore: boolLike.optional(),
  outOfServiceIgnore: boolLike.optional(),
});

export type RecallStrategyInput = z.infer<typeof recallStrategyInputSchema>;

/**
 * The stored strategy after applying `input` over `base` (ModifyJobGroup sends only
 * what changes) or over the defaults (CreateJobGroup). Throws a message naming the
 * field when the combination is inconsistent.
 */
export function resolveStrategy(
  input: StrategyInput | undefined,
  base: Strategy | undefined,
  now: number,
  newId: () => string,
): Strategy {
  const given = input ?? {};
  const startTime = given.startTime ?? base?.startTime ?? now;
  const endTime = given.endTime ?? (given.startTime !== undefined ? undefined : base?.endTime) ?? startTime + DEFAULT_STRATEGY_SPAN_MS;
  const repeatBy = given.repeatBy ?? base?.repeatBy ?? 'Once';
  const repeatDays = [...new Set(given.repeatDays ?? (given.repeatBy ? [] : (base?.repeatDays ?? [])))].sort((a, b) => a - b);
  const strategy: Strategy = {
    id: base?.id ?? given.id ?? newId(),
    name: given.name ?? base?.name ?? '',
    description: given.description ?? base?.description ?? '',
    maxAttemptsPerDay: given.maxAttemptsPerDay ?? base?.maxAttemptsPerDay ?? DEFAULT_MAX_ATTEMPTS_PER_DAY,
    minAttemptInterval: given.minAttemptInterval ?? base?.minAttemptInterval ?? DEFAULT_MIN_ATTEMPT_INTERVAL_MINUTES,
    routingStrategy: given.routingStrategy ?? base?.routingStrategy ?? 'None',
    repeatBy,
    repeatable: given.repeatable ?? base?.repeatable ?? repeatBy !== 'Once',
    repeatDays,
    workingTime: [...(given.workingTime ?? base?.workingTime ?? [])].sort((a, b) => (a.beginTime < b.beginTime ? -1 : 1)),
    startTime,
    endTime,
    timeZoneBy: given.timeZoneBy ?? base?.timeZoneBy ?? 'Instance',
    customized: given.customized ?? base?.customized ?? '{}',
  };
  checkConsistency(strategy);
  return strategy;
}

export class StrategyError extends Error {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(reason);
  }
}

function checkConsistency(strategy: Strategy): void {
  if (strategy.endTime <= strategy.startTime) throw new StrategyError('endTime', 'must be later than startTime');
  if (strategy.repeatBy === 'Week') {
    if (strategy.repeatDays.length === 0) throw new StrategyError('repeatDays', 'Week needs at least one day (0 = Sunday ... 6)');
    if (strategy.repeatDays.some((d) => d > 6)) throw new StrategyError('repeatDays', 'Week days are 0 (Sunday) to 6');
  }
  if (strategy.repeatBy === 'Month') {
    if (strategy.repeatDays.length === 0) throw new StrategyError('repeatDays', 'Month needs at least one day (1 ... 31)');
    if (strategy.repeatDays.some((d) => d < 1)) throw new StrategyError('repeatDays', 'Month days are 1 to 31');
  }
}

export function resolveRecallStrategy(input: RecallStrategyInput | undefined, base: RecallStrategy | undefined): RecallStrategy {
  return {
    emptyNumberIgnore: input?.emptyNumberIgnore ?? base?.emptyNumberIgnore ?? false,
    inArrearsIgnore: input?.inArrearsIgnore ?? base?.inArrearsIgnore ?? false,
    outOfServiceIgnore: input?.outOfServiceIgnore ?? base?.outOfServiceIgnore ?? false,
  };
}
