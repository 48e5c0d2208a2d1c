import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import chineseDays from 'chinese-days';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import type { InstanceCallingHours, WorkingWindow } from '../../src/domain/instance-policy.ts';
import { strategyInputSchema } from '../../src/domain/strategy.ts';
import { DEFAULT_PROFILE } from '../../src/telephony/simulated/profile.ts';
import { runScenario, warmNumberLookups, type Scenario, type ScenarioGroup } from './harness.ts';

/**
 * Property tests of the instance's calling hours (SaveBaseStrategyPeriod) on the
 * virtual clock: random group strategies under random instance hours, run through
 * the real engine and store (harness.ts; OUTBOUNDBOT_TEST_BACKEND=postgres runs them
 * on PostgreSQL). No call may start outside the windows both allow, on a weekend
 * with OnlyWeekdays, or on a day the Chinese calendar gives off with OnlyWorkdays;
 * and a make-up working day (2026-10-10, a Saturday) is called. The rules are
 * re-derived here from luxon and chinese-days, not from src/domain/schedule.ts.
 *
 * PROPERTY_SEED fixes fast-check's seed; PROPERTY_RUNS the number of runs.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const SEED = process.env.PROPERTY_SEED ? Number(process.env.PROPERTY_SEED) : Math.floor(Math.random() * 2 ** 31);
const RUNS = process.env.PROPERTY_RUNS ? Number(process.env.PROPERTY_RUNS) : 15;

const ZONES = ['Asia/Shanghai', 'UTC', 'America/New_York'] as const;
/** Start days next to the 2026 holidays and make-up days of the Chinese calendar, and an ordinary week. */
const DATES = ['2026-02-12', '2026-02-26', '2026-04-30', '2026-05-07', '2026-06-18', '2026-09-18', '2026-09-24', '2026-09-30', '2026-10-06', '2026-10-09', '2026-03-09'];
/** Numbers that never answer (no answer, busy, powered off): every job keeps being retried, day after day. */
const RETRIED = ['19900000100', '19900000200', '19900000600'];
const NO_RECALL_IGNORE = { emptyNumberIgnore: false, inArrearsIgnore: false, outOfServiceIgnore: false };

const quarterArb = fc.integer({ min: 0, max: 96 });
const timeOfDay = (quarter: number) => `${String(Math.floor(quarter / 4)).padStart(2, '0')}:${String((quarter % 4) * 15).padStart(2, '0')}:00`;
/** 0-3 non-overlapping windows: sorted distinct quarter marks taken in pairs. */
const windowsArb = fc.uniqueArray(quarterArb, { maxLength: 6 }).map((marks) => {
  const sorted = [...marks].sort((a, b) => a - b);
  const windows: WorkingWindow[] = [];
  for (let i = 0; i + 1 < sorted.length; i += 2) windows.push({ beginTime: timeOfDay(sorted[i]!), endTime: timeOfDay(sorted[i + 1]!) });
  return windows;
});
const hoursArb = fc.record({ workingTime: windowsArb, onlyWeekdays: fc.boolean(), onlyWorkdays: fc.boolean() });

const groupArb = fc.record({
  startOffsetHours: fc.integer({ min: 0, max: 24 }),
  spanDays: fc.integer({ min: 1, max: 6 }),
  maxAttemptsPerDay: fc.integer({ min: 1, max: 3 }),
  minAttemptInterval: fc.integer({ min: 0, max: 120 }),
  repeatBy: fc.constantFrom(...(['Once', 'Day', 'Week'] as const)),
  weekDays: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }),
  workingTime: windowsArb,
  priority: fc.constantFrom(...(['Daily', 'Urgent'] as const)),
  ringingDuration: fc.integer({ min: 5, max: 40 }),
  jobs: fc.array(fc.constantFrom(...RETRIED, '19900000001', '13900000001'), { minLength: 1, maxLength: 6 }),
});

const scenarioArb = fc
  .record({
    zone: fc.constantFrom(...ZONES),
    date: fc.constantFrom(...DATES),
    hour: fc.integer({ min: 0, max: 23 }),
    ceiling: fc.integer({ min: 1, max: 4 }),
    seed: fc.string({ minLength: 1, maxLength: 8 }),
    hours: hoursArb,
    groups: fc.array(groupArb, { minLength: 1, maxLength: 3 }),
  })
  .map((raw): Scenario => {
    const base = DateTime.fromISO(raw.date, { zone: raw.zone }).set({ hour: raw.hour });
    const groups = raw.groups.map((g): ScenarioGroup => {
      const startTime = base.plus({ hours: g.startOffsetHours }).toMillis();
      return group(g.jobs, {
        maxAttemptsPerDay: g.maxAttemptsPerDay,
        minAttemptInterval: g.minAttemptInterval,
        repeatBy: g.repeatBy,
        repeatDays: g.repeatBy === 'Week' ? g.weekDays : [],
        repeatable: g.repeatBy !== 'Once',
        workingTime: g.workingTime,
        startTime,
        endTime: startTime + g.spanDays * DAY,
      }, g.priority, g.ringingDuration);
    });
    const lastEnd = Math.max(...groups.map((g) => g.strategy.endTime));
    return { zone: raw.zone, clockStart: base.toMillis(), ceiling: raw.ceiling, seed: raw.seed, profile: DEFAULT_PROFILE, instanceHours: raw.hours, groups, actions: [], finalTime: lastEnd + DAY };
  });

function group(numbers: string[], strategy: Record<string, unknown>, priority: ScenarioGroup['priority'] = 'Daily', ringingDuration = 10): ScenarioGroup {
  return {
    priority,
    minConcurrency: 0,
    ringingDuration,
    strategy: strategyInputSchema.parse(strategy) as ScenarioGroup['strategy'],
    recall: NO_RECALL_IGNORE,
    jobs: numbers.map((n) => [n]),
  };
}

/** Milliseconds since local midnight as the clock shows it. */
const wallClockMs = (at: DateTime) => ((at.hour * 60 + at.minute) * 60 + at.second) * 1000 + at.millisecond;
const secondsOf = (time: string) => time.split(':').map(Number).reduce((sum, part) => sum * 60 + part, 0);
const inWindows = (windows: readonly WorkingWindow[], ms: number) =>
  windows.length === 0 || windows.some((w) => secondsOf(w.beginTime) * 1000 <= ms && ms < secondsOf(w.endTime) * 1000);

/** Why a call starting at `at` breaks the group's windows or the instance's hours, or undefined. */
function breaks(at: number, zone: string, groupWindows: readonly WorkingWindow[], hours: InstanceCallingHours): string | undefined {
  const local = DateTime.fromMillis(at, { zone });
  const ms = wallClockMs(local);
  if (!inWindows(groupWindows, ms)) return `outside the group's windows ${JSON.stringify(groupWindows)}`;
  if (!inWindows(hours.workingTime, ms)) return `outside the instance's windows ${JSON.stringify(hours.workingTime)}`;
  if (hours.onlyWeekdays && local.weekday > 5) return 'on a weekend with OnlyWeekdays';
  if (hours.onlyWorkdays && !chineseDays.isWorkday(local.toISODate()!)) return `on ${local.toISODate()}, a day off, with OnlyWorkdays`;
  return undefined;
}

describe(`instance calling hours on the engine (seed ${SEED})`, () => {
  before(() => warmNumberLookups([...RETRIED, '19900000001', '13900000001']));

  it('no call starts outside the windows both the group and the instance allow, nor on a day the instance rules out', async () => {
    let calls = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        const trace = await runScenario(scenario);
        for (const [g, traced] of trace.groups.entries()) {
          const windows = scenario.groups[g]!.strategy.workingTime;
          for (const { tasks } of traced.jobs) {
            for (const task of tasks) {
              calls++;
              const why = breaks(task.actualTime, scenario.zone, windows, scenario.instanceHours!);
              assert.equal(why, undefined, `group ${g} called at ${DateTime.fromMillis(task.actualTime, { zone: scenario.zone }).toISO()}: ${why}`);
            }
          }
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    assert.ok(calls > 0, 'the scenarios made calls at all');
  });

  it('a make-up working day (Saturday 2026-10-10) is called under OnlyWorkdays, inside the windows both allow, and no day of the National Day holiday is', async () => {
    // Windows whose intersection is not empty: the group's from the instance's, moved by up to a window's length.
    const overlappingArb = fc
      .record({ begin: fc.integer({ min: 0, max: 88 }), length: fc.integer({ min: 2, max: 8 }), shift: fc.integer({ min: -1, max: 1 }), onlyWeekdays: fc.constant(false) })
      .map(({ begin, length, shift }) => {
        const groupBegin = Math.max(0, Math.min(96 - length, begin + shift * Math.floor(length / 2)));
        return {
          instance: [{ beginTime: timeOfDay(begin), endTime: timeOfDay(Math.min(96, begin + length)) }],
          group: [{ beginTime: timeOfDay(groupBegin), endTime: timeOfDay(groupBegin + length) }],
        };
      });
    await fc.assert(
      fc.asyncProperty(overlappingArb, fc.constantFrom(...RETRIED), fc.integer({ min: 0, max: 60 }), async (windows, number, interval) => {
        const zone = 'Asia/Shanghai';
        const startTime = DateTime.fromISO('2026-10-01T00:00', { zone }).toMillis();
        const hours: InstanceCallingHours = { workingTime: windows.instance, onlyWeekdays: false, onlyWorkdays: true };
        const scenario: Scenario = {
          zone,
          clockStart: startTime,
          ceiling: 2,
          seed: 'make-up day',
          profile: DEFAULT_PROFILE,
          instanceHours: hours,
          groups: [group([number], { maxAttemptsPerDay: 1, minAttemptInterval: interval, repeatBy: 'Day', repeatDays: [], repeatable: true, workingTime: windows.group, startTime, endTime: startTime + 12 * DAY })],
          actions: [],
          finalTime: startTime + 13 * DAY,
        };
        const trace = await runScenario(scenario);
        const tasks = trace.groups[0]!.jobs[0]!.tasks;
        const days = tasks.map((t) => DateTime.fromMillis(t.actualTime, { zone }).toISODate());
        for (const task of tasks) assert.equal(breaks(task.actualTime, zone, windows.group, hours), undefined);
        assert.deepEqual(days, ['2026-10-08', '2026-10-09', '2026-10-10', '2026-10-12'], `windows ${JSON.stringify(windows)}: called on ${days.join(', ')}`);
      }),
      { seed: SEED, numRuns: Math.max(3, Math.ceil(RUNS / 3)) },
    );
  });
});
