import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { intersectWindows, OPEN_ALL_HOURS, underInstanceHours, type InstanceCallingHours, type WorkingWindow } from '../../src/domain/instance-policy.ts';
import { isCallable, localDay, nextCallableTime, type ScheduleRules } from '../../src/domain/schedule.ts';
import { chineseWorkdays, type WorkdayCalendar } from '../../src/domain/workday-calendar.ts';

const SHANGHAI = 'Asia/Shanghai';
const HOUR = 3_600_000;
const local = (iso: string) => DateTime.fromISO(iso, { zone: SHANGHAI }).toMillis();
const calendar = chineseWorkdays();

function rules(overrides: Partial<ScheduleRules> = {}): ScheduleRules {
  return { startTime: 0, endTime: local('2030-01-01T00:00'), repeatBy: 'Day', repeatDays: [], workingTime: [], ...overrides };
}

/** Windows as a validated strategy holds them: sorted, not overlapping, on whole quarter hours. */
const windows = fc
  .uniqueArray(fc.integer({ min: 0, max: 96 }), { minLength: 0, maxLength: 6 })
  .map((edges) => edges.sort((a, b) => a - b))
  .map((edges) => {
    const list: WorkingWindow[] = [];
    for (let i = 0; i + 1 < edges.length; i += 2) list.push({ beginTime: quarter(edges[i]!), endTime: quarter(edges[i + 1]!) });
    return list;
  });

function quarter(n: number): string {
  const minutes = n * 15;
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:00`;
}

describe('the instance calling hours', () => {
  it('a moment is callable under them exactly when the group allows it, the instance window allows it and the day is allowed', () => {
    const from = local('2026-01-01T00:00');
    fc.assert(
      fc.property(
        windows,
        windows,
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 0, max: 365 * 24 * 4 - 1 }),
        (groupWindows, instanceWindows, onlyWeekdays, onlyWorkdays, quarters) => {
          const hours: InstanceCallingHours = { workingTime: instanceWindows, onlyWeekdays, onlyWorkdays };
          const at = from + quarters * 15 * 60_000;
          const day = DateTime.fromMillis(at, { zone: SHANGHAI });
          const weekday = day.weekday % 7;
          const dayOk = (!onlyWeekdays || (weekday >= 1 && weekday <= 5)) && (!onlyWorkdays || calendar.isWorkday(localDay(SHANGHAI, at)) === true);
          const expected = isCallable(rules({ workingTime: groupWindows }), SHANGHAI, at) && isCallable(rules({ workingTime: instanceWindows }), SHANGHAI, at) && dayOk;
          assert.equal(isCallable(underInstanceHours(rules({ workingTime: groupWindows }), hours, calendar), SHANGHAI, at), expected);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('OnlyWorkdays skips the National Day holiday and calls on its make-up Saturday', () => {
    const hours: InstanceCallingHours = { ...OPEN_ALL_HOURS, onlyWorkdays: true };
    const office = underInstanceHours(rules({ workingTime: [{ beginTime: '09:00:00', endTime: '18:00:00' }] }), hours, calendar);
    assert.equal(isCallable(office, SHANGHAI, local('2026-10-01T10:00')), false, 'National Day is a holiday');
    assert.equal(isCallable(office, SHANGHAI, local('2026-10-10T10:00')), true, '2026-10-10, a Saturday, is a make-up working day');
    assert.equal(isCallable(office, SHANGHAI, local('2026-10-11T10:00')), false, 'an ordinary Sunday');
    const next = nextCallableTime(office, SHANGHAI, local('2026-10-01T10:00'))!;
    const firstWorkday = [...Array(14).keys()].map((i) => DateTime.fromISO('2026-10-01', { zone: SHANGHAI }).plus({ days: i }).toISODate()!).find((d) => calendar.isWorkday(d))!;
    assert.equal(next, local(`${firstWorkday}T09:00`), 'the next call is at the first working day\'s opening');
    assert.ok(firstWorkday > '2026-10-05', `the holiday lasts several days (first working day ${firstWorkday})`);
  });

  it('OnlyWorkdays falls back to Monday to Friday in a year the calendar does not cover', () => {
    const uncovered: WorkdayCalendar = { name: 'none', isWorkday: () => undefined };
    const hours: InstanceCallingHours = { ...OPEN_ALL_HOURS, onlyWorkdays: true };
    const schedule = underInstanceHours(rules(), hours, uncovered);
    assert.equal(isCallable(schedule, SHANGHAI, local('2027-01-04T10:00')), true, 'a Monday');
    assert.equal(isCallable(schedule, SHANGHAI, local('2027-01-09T10:00')), false, 'a Saturday');
    assert.equal(calendar.isWorkday('2099-06-01'), undefined, 'chinese-days has no data that far ahead');
  });

  it('a group and an instance with no hour in common never call', () => {
    const hours: InstanceCallingHours = { ...OPEN_ALL_HOURS, workingTime: [{ beginTime: '09:00:00', endTime: '12:00:00' }] };
    const schedule = underInstanceHours(rules({ workingTime: [{ beginTime: '13:00:00', endTime: '18:00:00' }] }), hours, calendar);
    assert.equal(nextCallableTime(schedule, SHANGHAI, local('2026-03-02T00:00')), undefined);
  });

  it('intersects windows pairwise and keeps the whole day for an empty side', () => {
    const a = [{ beginTime: '08:00:00', endTime: '12:00:00' }, { beginTime: '13:00:00', endTime: '20:00:00' }];
    const b = [{ beginTime: '09:00:00', endTime: '14:00:00' }, { beginTime: '19:00:00', endTime: '24:00:00' }];
    assert.deepEqual(intersectWindows(a, b), [
      { beginTime: '09:00:00', endTime: '12:00:00' },
      { beginTime: '13:00:00', endTime: '14:00:00' },
      { beginTime: '19:00:00', endTime: '20:00:00' },
    ]);
    assert.deepEqual(intersectWindows([], b), b);
    assert.deepEqual(intersectWindows(a, []), a);
    assert.equal(intersectWindows([{ beginTime: '08:00:00', endTime: '09:00:00' }], [{ beginTime: '09:00:00', endTime: '10:00:00' }]), undefined);
  });
});
