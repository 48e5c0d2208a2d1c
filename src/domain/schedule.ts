import { DateTime, type Zone } from 'luxon';
import type { Strategy } from '../store/rows.ts';

/**
 * When a strategy allows calls, evaluated in a time zone (IANA name).
 *
 * A moment is callable when it lies in [startTime, endTime), on a day the repeat
 * rule selects (Once/Day: every day; Week: weekday in repeatDays, 0 = Sunday;
 * Month: day of month in repeatDays, months without that day skipped), and inside
 * one of the day's working windows [beginTime, endTime) in local time (no windows:
 * the whole day). Local times are converted with the zone's rules of that very
 * day, so windows keep their wall-clock meaning across DST changes: a window edge
 * that falls in a DST gap moves to the first instant after the gap, and in an hour
 * the clock shows twice, each pass is judged by the time the clock shows.
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
    // Windows come sorted by start: the first that still has time left holds the answer.
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

/**
 * The day's callable intervals. A day is cut into stretches of one UTC offset
 * (two on a DST-change day); within a stretch local time runs evenly, so a window
 * [begin, end) of wall-clock times is one interval there. Across stretches it may
 * be two: on a fall-back night a window beginning at 01:30 holds the first 01:30
 * to the change and again from the second 01:30 on, but not the repeated 01:00
 * to 01:30 between them. A window edge in a spring-forward gap lands on the
 * first instant after the gap.
 */
function windowsOfDay(rules: ScheduleRules, day: DateTime): Window[] {
  const dayStart = day.toMillis();
  const dayEnd = day.plus({ days: 1 }).toMillis();
  if (rules.workingTime.length === 0) return [{ start: dayStart, end: dayEnd }];
  // Midnight of the day as if the zone were UTC: local wall time t is the instant localMidnight + t - offset.
  const localMidnight = Date.UTC(day.year, day.month - 1, day.day);
  const windows: Window[] = [];
  for (const stretch of offsetStretches(day.zone, dayStart, dayEnd)) {
    for (const w of rules.workingTime) {
      const start = Math.max(stretch.start, localMidnight + secondsOfDay(w.beginTime) * 1000 - stretch.offsetMs);
      const end = Math.min(stretch.end, localMidnight + secondsOfDay(w.endTime) * 1000 - stretch.offsetMs);
      if (start < end) windows.push({ start, end });
    }
  }
  return windows.sort((a, b) => a.start - b.start);
}

interface OffsetStretch extends Window {
  offsetMs: number;
}

/** [start, end) cut where the zone's UTC offset changes. */
function offsetStretches(zone: Zone, start: number, end: number): OffsetStretch[] {
  const stretches: OffsetStretch[] = [];
  while (start < end) {
    const offset = zone.offset(start);
    let low = start;
    let high = end;
    if (zone.offset(end - 1) !== offset) {
      // Offsets change rarely (twice a year at most in practice): find the first instant of the next offset.
      while (high - low > 1) {
        const mid = Math.floor((low + high) / 2);
        if (zone.offset(mid) === offset) low = mid;
        else high = mid;
      }
    }
    stretches.push({ start, end: high, offsetMs: offset * 60_000 });
    start = high;
  }
  return stretches;
}

/** `HH:mm:ss` as seconds since midnight; 24:00:00 is the end of the day. */
function secondsOfDay(time: string): number {
  const [hour, minute, second] = time.split(':').map(Number) as [number, number, number];
  return hour * 3600 + minute * 60 + second;
}
