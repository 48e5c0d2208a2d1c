import { DateTime } from 'luxon';
import type { Strategy } from '../store/rows.ts';

/**
 * When a strategy allows calls, evaluated in a time zone (IANA name).
 *
 * A moment is callable when it lies in [startTime, endTime), on a day the repeat
 * rule selects (Once/Day: every day; Week: weekday in repeatDays, 0 = Sunday;
 * Month: day of month in repeatDays, months without that day skipped), and inside
 * one of the day's working windows [beginTime, endTime) in local time (no windows:
 * the whole day). Local times are converted with the zone's rules of that very
 * day, so windows keep their wall-clock meaning across DST changes; a window edge
 * that falls in a DST gap moves to the first instant after the gap.
 * docs/strategy.md states the same rules with examples.
 */

/** How many local days ahead the search goes before concluding there is no slot. */
const MAX_DAYS_SEARCHED = 800;

export type ScheduleRules = Pick<Strategy, 'startTime' | 'endTime' | 'repeatBy' | 'repeatDays' | 'workingTime'>;

interface Window {
  start: number;
  end: number;
}

/** The earliest callable moment at or after `from`, or undefined when none remains before endTime. */
export function nextCallableTime(rules: ScheduleRules, zone: string, from: number): number | undefined {
  const earliest = Math.max(from, rules.startTime);
  if (earliest >= rules.endTime) return undefined;
  let day = DateTime.fromMillis(earliest, { zone }).startOf('day');
  for (let i = 0; i < MAX_DAYS_SEARCHED; i++, day = day.plus({ days: 1 })) {
    if (day.toMillis() >= rules.endTime) return undefined;
    if (!dayIsSelected(rules, day)) continue;
    for (const window of windowsOfDay(rules, day)) {
      const candidate = Math.max(earliest, window.start);
      if (candidate < window.end && candidate < rules.endTime) return candidate;
    }
  }
  return undefined;
}

export function isCallable(rules: ScheduleRules, zone: string, at: number): boolean {
  return nextCallableTime(rules, zone, at) === at;
}

/** The first callable moment on a local day after the one containing `at` (for "today's attempts are used up"). */
export function nextCallableDay(rules: ScheduleRules, zone: string, at: number): number | undefined {
  const tomorrow = DateTime.fromMillis(at, { zone }).startOf('day').plus({ days: 1 }).toMillis();
  return nextCallableTime(rules, zone, tomorrow);
}

/** The local calendar day of a moment, `YYYY-MM-DD`: the unit of maxAttemptsPerDay. */
export function localDay(zone: string, at: number): string {
  return DateTime.fromMillis(at, { zone }).toISODate() ?? '';
}

export function isValidZone(zone: string): boolean {
  return DateTime.local({ zone }).isValid;
}

function dayIsSelected(rules: ScheduleRules, day: DateTime): boolean {
  if (rules.repeatBy === 'Week') return rules.repeatDays.includes(day.weekday % 7);
  if (rules.repeatBy === 'Month') return rules.repeatDays.includes(day.day);
  return true;
}

function windowsOfDay(rules: ScheduleRules, day: DateTime): Window[] {
  if (rules.workingTime.length === 0) {
    return [{ start: day.toMillis(), end: day.plus({ days: 1 }).toMillis() }];
  }
  return rules.workingTime.map((w) => ({ start: atLocalTime(day, w.beginTime), end: atLocalTime(day, w.endTime) }));
}

function atLocalTime(day: DateTime, time: string): number {
  const [hour, minute, second] = time.split(':').map(Number) as [number, number, number];
  if (hour === 24) return day.plus({ days: 1 }).toMillis();
  const exact = day.set({ hour, minute, second, millisecond: 0 });
  if (exact.hour === hour && exact.minute === minute && exact.second === second) return exact.toMillis();
  // The wall time does not exist (a spring-forward gap) and luxon pushed it forward
  // by the gap's length. The edge belongs at the first instant after the gap: the
  // first instant whose local wall time has reached the requested one. Local time
  // only moves forward across a gap, so a binary search finds it.
  const wanted = hour * 3600 + minute * 60 + second;
  let low = day.toMillis();
  let high = exact.toMillis();
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    const local = DateTime.fromMillis(mid, { zone: day.zone });
    const seconds = local.hasSame(day, 'day') ? local.hour * 3600 + local.minute * 60 + local.second : Number.POSITIVE_INFINITY;
    if (seconds >= wanted) high = mid;
    else low = mid;
  }
  return high;
}
