import type { DayRule, ScheduleRules } from './schedule.ts';
import type { WorkdayCalendar } from './workday-calendar.ts';

/**
 * The instance-wide calling policy (the API's StrategyLevel 2, EntryId = the
 * instance): set once by the operator, obeyed by every group of the instance.
 * A group's own strategy can only narrow it: calls happen in the intersection of
 * the group's windows and the instance's, on days both allow.
 */

/** A daily window of wall-clock time, `HH:mm:ss`, [beginTime, endTime). */
export interface WorkingWindow {
  beginTime: string;
  endTime: string;
}

export interface InstanceCallingHours {
  /** The instance's windows (WorkingTimeFramesJson); none: the whole day. */
  workingTime: WorkingWindow[];
  /** Monday to Friday only. */
  onlyWeekdays: boolean;
  /** Working days of the calendar only: no public holidays, and the make-up working days (调休) included. */
  onlyWorkdays: boolean;
}

export const OPEN_ALL_HOURS: InstanceCallingHours = { workingTime: [], onlyWeekdays: false, onlyWorkdays: false };

/**
 * The windows both lists allow, sorted. No windows means the whole day, so an
 * empty side leaves the other as it is; two lists with no time in common give
 * undefined: no time of any day is callable.
 */
export function intersectWindows(a: readonly WorkingWindow[], b: readonly WorkingWindow[]): WorkingWindow[] | undefined {
  if (a.length === 0) return [...b];
  if (b.length === 0) return [...a];
  const both: WorkingWindow[] = [];
  // `HH:mm:ss` strings of one format order as the times they name.
  for (const x of a) {
    for (const y of b) {
      const beginTime = x.beginTime > y.beginTime ? x.beginTime : y.beginTime;
      const endTime = x.endTime < y.endTime ? x.endTime : y.endTime;
      if (beginTime < endTime) both.push({ beginTime, endTime });
    }
  }
  if (both.length === 0) return undefined;
  return both.sort((p, q) => (p.beginTime < q.beginTime ? -1 : p.beginTime > q.beginTime ? 1 : 0));
}

const isWeekday = (weekday: number) => weekday >= 1 && weekday <= 5;

/**
 * The days the instance allows. Where the calendar has no data for a year (the
 * next year's arrangement not yet published), OnlyWorkdays falls back to Monday
 * to Friday: a holiday may then be called, never a weekend.
 */
export function instanceDayRule(hours: InstanceCallingHours, calendar: WorkdayCalendar): DayRule | undefined {
  if (!hours.onlyWeekdays && !hours.onlyWorkdays) return undefined;
  return (isoDate, weekday) => {
    if (hours.onlyWeekdays && !isWeekday(weekday)) return false;
    if (hours.onlyWorkdays) return calendar.isWorkday(isoDate) ?? isWeekday(weekday);
    return true;
  };
}

/**
 * A group's schedule under its instance's calling hours: the rules (a group's whole
 * strategy, as the dispatcher passes it) with the windows both allow and the days
 * both allow; every other field as it was.
 */
export function underInstanceHours<R extends ScheduleRules>(rules: R, hours: InstanceCallingHours, calendar: WorkdayCalendar): R & ScheduleRules {
  if (hours.workingTime.length === 0 && !hours.onlyWeekdays && !hours.onlyWorkdays) return rules;
  const workingTime = intersectWindows(rules.workingTime, hours.workingTime);
  if (workingTime === undefined) return { ...rules, workingTime: [], dayAllowed: () => false };
  const own = rules.dayAllowed;
  const instance = instanceDayRule(hours, calendar);
  const dayAllowed: DayRule | undefined = own && instance ? (date, weekday) => own(date, weekday) && instance(date, weekday) : (own ?? instance);
  return { ...rules, workingTime, ...(dayAllowed ? { dayAllowed } : {}) };
}
