import type { InstanceCallingHours, WorkingWindow } from '../domain/instance-policy.ts';
import { secondsOfDay } from '../domain/schedule.ts';

/** A window of the instance's calling hours as GetBaseStrategyPeriod answers it: times of day and milliseconds since midnight. */
export function workingWindowShape(window: WorkingWindow) {
  return {
    BeginTime: window.beginTime,
    EndTime: window.endTime,
    BeginTimeMillis: secondsOfDay(window.beginTime) * 1000,
    EndTimeMillis: secondsOfDay(window.endTime) * 1000,
  };
}

/** GetBaseStrategyPeriod's reply fields. */
export function callingHoursShape(hours: InstanceCallingHours) {
  return { WorkingTime: hours.workingTime.map(workingWindowShape), OnlyWeekdays: hours.onlyWeekdays, OnlyWorkdays: hours.onlyWorkdays };
}
