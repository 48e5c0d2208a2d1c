import { IANAZone } from 'luxon';
import { localDays, type LocalDay } from './local-days.ts';
import type { Strategy } from './job-group.ts';

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

export type ScheduleRules = Pick<Strategy, 'startTime' | 'endTime' | 'repeatBy' | 'repeatDays' | 'workingTime'> & {
  /** Days a rule beyond the strategy's own rules out (the instance's weekdays, workdays); see instance-policy.ts. */
  dayAllowed?: DayRule;
};

/** Whether calls may happen on a local day, by its date (`YYYY-MM-DD`) and weekday (0 = Sunday). */
export type DayRule = (isoDate: string, weekday: number) => boolean;

interface Window {
  start: number;
  end: number;
}

/** The earliest callable moment at or after `from`, or undefined when none remains before endTime. */
export function nextCallableTime(rules: ScheduleRules, zone: string, from: number): number | undefined {
  const earliest = Math.max(from, rules.startTime);
  if (earliest >= rules.endTime) return undefined;
  let day = localDays.dayAt(zone, earliest);
  for (let i = 0; i < MAX_DAYS_SEARCHED; i++, day = localDays.dayAt(zone, day.end)) {
    if (day.start >= rules.endTime) return undefined;
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
  return nextCallableTime(rules, zone, localDays.dayAt(zone, at).end);
}

/** The local calendar day of a moment, `YYYY-MM-DD`: the unit of maxAttemptsPerDay. */
export function localDay(zone: string, at: number): string {
  return localDays.dayAt(zone, at).isoDate;
}

/** An IANA zone name (e.g. Asia/Shanghai, UTC); luxon's 'local' and 'UTC+8' spellings are not, since they mean different things on different machines or ignore DST. */
export function isValidZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

function dayIsSelected(rules: ScheduleRules, day: LocalDay): boolean {
  if (rules.dayAllowed && !rules.dayAllowed(day.isoDate, day.weekday)) return false;
  if (rules.repeatBy === 'Week') return rules.repeatDays.includes(day.weekday);
  if (rules.repeatBy === 'Month') return rules.repeatDays.includes(day.dayOfMonth);
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
function windowsOfDay(rules: ScheduleRules, day: LocalDay): Window[] {
  if (rules.workingTime.length === 0) return [{ start: day.start, end: day.end }];
  const windows: Window[] = [];
  for (const stretch of day.stretches) {
    for (const w of rules.workingTime) {
      const start = Math.max(stretch.start, day.localMidnight + secondsOfDay(w.beginTime) * 1000 - stretch.offsetMs);
      const end = Math.min(stretch.end, day.localMidnight + secondsOfDay(w.endTime) * 1000 - stretch.offsetMs);
      if (start < end) windows.push({ start, end });
    }
  }
  return windows.sort((a, b) => a.start - b.start);
}

/** `HH:mm:ss` as seconds since midnight; 24:00:00 is the end of the day. */
export function secondsOfDay(time: string): number {
  const [hour, minute, second] = time.split(':').map(Number) as [number, number, number];
  return hour * 3600 + minute * 60 + second;
}
