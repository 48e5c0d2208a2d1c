import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { isCallable, isValidZone, localDay, nextCallableDay, nextCallableTime, type ScheduleRules } from '../../src/domain/schedule.ts';

const SHANGHAI = 'Asia/Shanghai';
const NEW_YORK = 'America/New_York';
const BERLIN = 'Europe/Berlin';
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** A moment given as local wall time in `zone`, e.g. local('2026-03-09T09:00', SHANGHAI). */
function local(iso: string, zone: string = SHANGHAI): number {
  const dt = DateTime.fromISO(iso, { zone });
  assert.ok(dt.isValid, `bad test date ${iso}`);
  return dt.toMillis();
}

const utc = (iso: string): number => Date.parse(`${iso}Z`);

/** Renders a moment in UTC so failures read as times, not epoch numbers. */
const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

function rules(overrides: Partial<ScheduleRules> = {}): ScheduleRules {
  return {
    startTime: 0,
    endTime: utc('2040-01-01T00:00:00'),
    repeatBy: 'Day',
    repeatDays: [],
    workingTime: [],
    ...overrides,
  };
}

const OFFICE_HOURS = [
  { beginTime: '09:00:00', endTime: '12:00:00' },
  { beginTime: '14:00:00', endTime: '18:00:00' },
];

describe('nextCallableTime', () => {
  it('without working windows, every moment of every day is callable', () => {
    const r = rules();
    for (const at of [local('2026-03-09T00:00'), local('2026-03-09T13:37:42.123'), local('2026-03-09T23:59:59.999')]) {
      assert.equal(nextCallableTime(r, SHANGHAI, at), at, iso(at));
      assert.equal(isCallable(r, SHANGHAI, at), true, iso(at));
    }
  });

  it('with several windows, a moment between them waits for the next window and one inside stays put', () => {
    const r = rules({ workingTime: OFFICE_HOURS });
    assert.equal(iso(nextCallableTime(r, SHANGHAI, local('2026-03-09T07:15'))), iso(local('2026-03-09T09:00')));
    assert.equal(iso(nextCallableTime(r, SHANGHAI, local('2026-03-09T10:30'))), iso(local('2026-03-09T10:30')));
    assert.equal(iso(nextCallableTime(r, SHANGHAI, local('2026-03-09T12:20'))), iso(local('2026-03-09T14:00')));
    assert.equal(iso(nextCallableTime(r, SHANGHAI, local('2026-03-09T18:00'))), iso(local('2026-03-10T09:00')));
  });

  it('treats each window as [beginTime, endTime): the begin is callable, the end is not', () => {
    const r = rules({ workingTime: OFFICE_HOURS });
    assert.equal(isCallable(r, SHANGHAI, local('2026-03-09T09:00')), true);
    assert.equal(isCallable(r, SHANGHAI, local('2026-03-09T11:59:59.999')), true);
    assert.equal(isCallable(r, SHANGHAI, local('2026-03-09T12:00')), false);
    assert.equal(isCallable(r, SHANGHAI, local('2026-03-09T14:00')), true);
    assert.equal(isCallable(r, SHANGHAI, local('2026-03-09T18:00')), false);
    assert.equal(isCallable(r, SHANGHAI, local('2026-03-09T08:59:59.999')), false);
  });

  it('Week: a job arriving on Saturday 10:00 in Shanghai is first callable on Monday 09:00 (the docs example)', () => {
    const r = rules({ repeatBy: 'Week', repeatDays: [1, 2, 3, 4, 5], workingTime: OFFICE_HOURS });
    // 2026-03-07 is a Saturday.
    assert.equal(DateTime.fromMillis(local('2026-03-07T10:00'), { zone: SHANGHAI }).weekday, 6);
    assert.equal(iso(nextCallableTime(r, SHANGHAI, local('2026-03-07T10:00'))), iso(local('2026-03-09T09:00')));
    assert.equal(isCallable(r, SHANGHAI, local('2026-03-08T10:00')), false, 'Sunday is not selected');
    assert.equal(isCallable(r, SHANGHAI, local('2026-03-13T10:00')), true, 'Friday is selected');
  });

  it('Week: day 0 is Sunday, judged by the local weekday rather than the UTC one', () => {
    const r = rules({ repeatBy: 'Week', repeatDays: [0] });
    // Saturday 16:30 UTC is already Sunday 00:30 in Shanghai.
    assert.equal(nextCallableTime(r, SHANGHAI, utc('2026-03-07T16:30:00')), utc('2026-03-07T16:30:00'));
    assert.equal(isCallable(r, SHANGHAI, utc('2026-03-08T15:59:59.999')), true, 'Sunday 23:59:59.999 local');
    // Sunday 16:00 UTC is Monday 00:00 in Shanghai: the next Sunday starts a week later.
    assert.equal(iso(nextCallableTime(r, SHANGHAI, utc('2026-03-08T16:00:00'))), iso(local('2026-03-15T00:00')));
    // Wednesday moves to the coming Sunday's local midnight.
    assert.equal(iso(nextCallableTime(r, SHANGHAI, local('2026-03-11T12:00'))), iso(local('2026-03-15T00:00')));
  });

  it('Month: the 31st skips months of 30 days and February', () => {
    const r = rules({ repeatBy: 'Month', repeatDays: [31], workingTime: [{ beginTime: '10:00:00', endTime: '11:00:00' }] });
    assert.equal(iso(nextCallableTime(r, SHANGHAI, local('2026-04-01T00:00'))), iso(local('2026-05-31T10:00')));
    assert.equal(iso(nextCallableTime(r, SHANGHAI, local('2026-02-01T00:00'))), iso(local('2026-03-31T10:00')));
    assert.equal(iso(nextCallableTime(r, SHANGHAI, local('2026-05-31T11:00'))), iso(local('2026-07-31T10:00')), 'June has 30 days');
  });

  it('Month: the 30th skips February, and the 29th falls on it only in leap years', () => {
    const thirtieth = rules({ repeatBy: 'Month', repeatDays: [30] });
    assert.equal(iso(nextCallableTime(thirtieth, SHANGHAI, local('2026-02-01T00:00'))), iso(local('2026-03-30T00:00')));
    const twentyNinth = rules({ repeatBy: 'Month', repeatDays: [29] });
    assert.equal(iso(nextCallableTime(twentyNinth, SHANGHAI, local('2027-02-01T00:00'))), iso(local('2027-03-29T00:00')));
    assert.equal(iso(nextCallableTime(twentyNinth, SHANGHAI, local('2028-02-01T00:00'))), iso(local('2028-02-29T00:00')));
  });

  it('Month: several days are served in calendar order', () => {
    const r = rules({ repeatBy: 'Month', repeatDays: [1, 15], workingTime: [{ beginTime: '10:00:00', endTime: '11:00:00' }] });
    assert.equal(iso(nextCallableTime(r, SHANGHAI, local('2026-03-01T11:00'))), iso(local('2026-03-15T10:00')));
    assert.equal(iso(nextCallableTime(r, SHANGHAI, local('2026-03-15T11:00'))), iso(local('2026-04-01T10:00')));
  });

  it('never answers before a future startTime: startTime itself when callable, else the next window after it', () => {
    const r = rules({ startTime: local('2026-03-10T10:15'), workingTime: OFFICE_HOURS });
    assert.equal(iso(nextCallableTime(r, SHANGHAI, local('2026-03-09T09:00'))), iso(local('2026-03-10T10:15')));
    const late = rules({ startTime: local('2026-03-10T12:30'), workingTime: OFFICE_HOURS });
    assert.equal(iso(nextCallableTime(late, SHANGHAI, local('2026-03-09T09:00'))), iso(local('2026-03-10T14:00')));
    assert.equal(isCallable(late, SHANGHAI, local('2026-03-09T10:00')), false, 'inside a window but before startTime');
  });

  it('answers undefined once nothing callable remains before endTime', () => {
    const r = rules({ workingTime: OFFICE_HOURS, endTime: local('2026-03-10T08:00') });
    assert.equal(nextCallableTime(r, SHANGHAI, local('2026-03-09T18:00')), undefined);
    assert.equal(nextCallableTime(r, SHANGHAI, local('2026-03-10T08:00')), undefined, 'from == endTime');
    assert.equal(nextCallableTime(r, SHANGHAI, local('2026-03-11T10:00')), undefined, 'from after endTime');
    assert.equal(iso(nextCallableTime(r, SHANGHAI, local('2026-03-09T17:00'))), iso(local('2026-03-09T17:00')));
    const atWindowStart = rules({ workingTime: OFFICE_HOURS, endTime: local('2026-03-10T09:00') });
    assert.equal(nextCallableTime(atWindowStart, SHANGHAI, local('2026-03-09T18:00')), undefined, 'endTime equal to the next window begin');
  });

  it('cuts a window short at endTime', () => {
    const r = rules({ workingTime: OFFICE_HOURS, endTime: local('2026-03-09T10:30') });
    assert.equal(isCallable(r, SHANGHAI, local('2026-03-09T10:29:59.999')), true);
    assert.equal(isCallable(r, SHANGHAI, local('2026-03-09T10:30')), false);
    assert.equal(nextCallableTime(r, SHANGHAI, local('2026-03-09T10:30')), undefined);
    assert.equal(iso(nextCallableTime(r, SHANGHAI, local('2026-03-09T06:00'))), iso(local('2026-03-09T09:00')));
  });

  it('a window ending at 24:00:00 covers the last moment of the day and ends at the next local midnight', () => {
    const r = rules({
      workingTime: [
        { beginTime: '00:00:00', endTime: '01:00:00' },
        { beginTime: '22:00:00', endTime: '24:00:00' },
      ],
    });
    assert.equal(isCallable(r, SHANGHAI, local('2026-03-09T23:59:59.999')), true);
    assert.equal(iso(nextCallableTime(r, SHANGHAI, local('2026-03-09T23:30'))), iso(local('2026-03-09T23:30')));
    assert.equal(iso(nextCallableTime(r, SHANGHAI, local('2026-03-09T01:00'))), iso(local('2026-03-09T22:00')));
    const lateOnly = rules({ workingTime: [{ beginTime: '22:00:00', endTime: '24:00:00' }] });
    assert.equal(isCallable(lateOnly, SHANGHAI, local('2026-03-10T00:00')), false, 'midnight belongs to the next day');
    assert.equal(iso(nextCallableTime(lateOnly, SHANGHAI, local('2026-03-10T00:00'))), iso(local('2026-03-10T22:00')));
  });
});

describe('nextCallableTime across daylight-saving changes', () => {
  const morning = rules({ workingTime: [{ beginTime: '09:00:00', endTime: '12:00:00' }] });

  it('New York spring forward (2026-03-08): 09:00-12:00 stays 09:00 local, 14:00Z before and 13:00Z from the change on', () => {
    assert.equal(iso(nextCallableTime(morning, NEW_YORK, utc('2026-03-07T05:00:00'))), '2026-03-07T14:00:00.000Z');
    assert.equal(iso(nextCallableTime(morning, NEW_YORK, utc('2026-03-07T18:00:00'))), '2026-03-08T13:00:00.000Z');
    assert.equal(iso(nextCallableTime(morning, NEW_YORK, utc('2026-03-08T18:00:00'))), '2026-03-09T13:00:00.000Z');
    assert.equal(isCallable(morning, NEW_YORK, utc('2026-03-08T15:59:59.999')), true, '11:59:59 EDT');
    assert.equal(isCallable(morning, NEW_YORK, utc('2026-03-08T16:00:00')), false, '12:00 EDT');
    assert.equal(isCallable(morning, NEW_YORK, utc('2026-03-07T16:30:00')), true, '11:30 EST');
  });

  it('New York fall back (2026-11-01): 09:00-12:00 stays 09:00 local, 13:00Z before and 14:00Z from the change on', () => {
    assert.equal(iso(nextCallableTime(morning, NEW_YORK, utc('2026-10-31T04:00:00'))), '2026-10-31T13:00:00.000Z');
    assert.equal(iso(nextCallableTime(morning, NEW_YORK, utc('2026-10-31T17:00:00'))), '2026-11-01T14:00:00.000Z');
    assert.equal(isCallable(morning, NEW_YORK, utc('2026-11-01T13:30:00')), false, '08:30 EST');
    assert.equal(isCallable(morning, NEW_YORK, utc('2026-11-01T16:30:00')), true, '11:30 EST');
    assert.equal(isCallable(morning, NEW_YORK, utc('2026-11-01T17:00:00')), false, '12:00 EST');
  });

  it('Berlin spring forward (2026-03-29) and fall back (2026-10-25): 09:00 local throughout', () => {
    assert.equal(iso(nextCallableTime(morning, BERLIN, utc('2026-03-28T12:00:00'))), '2026-03-29T07:00:00.000Z');
    assert.equal(iso(nextCallableTime(morning, BERLIN, utc('2026-03-27T12:00:00'))), '2026-03-28T08:00:00.000Z');
    assert.equal(iso(nextCallableTime(morning, BERLIN, utc('2026-10-24T12:00:00'))), '2026-10-25T08:00:00.000Z');
    assert.equal(iso(nextCallableTime(morning, BERLIN, utc('2026-10-23T12:00:00'))), '2026-10-24T07:00:00.000Z');
  });

  it('a day without windows lasts 23 hours on the spring-forward day and 25 on the fall-back day (New York)', () => {
    const sundays = rules({ repeatBy: 'Week', repeatDays: [0] });
    assert.equal(iso(nextCallableTime(sundays, NEW_YORK, utc('2026-03-07T12:00:00'))), '2026-03-08T05:00:00.000Z');
    assert.equal(isCallable(sundays, NEW_YORK, utc('2026-03-09T03:59:59.999')), true);
    assert.equal(isCallable(sundays, NEW_YORK, utc('2026-03-09T04:00:00')), false);
    assert.equal(iso(nextCallableTime(sundays, NEW_YORK, utc('2026-10-31T12:00:00'))), '2026-11-01T04:00:00.000Z');
    assert.equal(isCallable(sundays, NEW_YORK, utc('2026-11-02T04:59:59.999')), true);
    assert.equal(isCallable(sundays, NEW_YORK, utc('2026-11-02T05:00:00')), false);
  });

  it('a window beginning at 02:30 keeps 02:30 local on the days around the New York gap', () => {
    const r = rules({ workingTime: [{ beginTime: '02:30:00', endTime: '05:00:00' }] });
    assert.equal(iso(nextCallableTime(r, NEW_YORK, utc('2026-03-07T05:00:00'))), '2026-03-07T07:30:00.000Z');
    assert.equal(iso(nextCallableTime(r, NEW_YORK, utc('2026-03-09T04:00:00'))), '2026-03-09T06:30:00.000Z');
  });

  it(
    'a window beginning at 02:30 on the New York spring-forward night opens at 03:00 EDT, the first instant after the gap',
    () => {
      const r = rules({ workingTime: [{ beginTime: '02:30:00', endTime: '05:00:00' }] });
      assert.equal(iso(nextCallableTime(r, NEW_YORK, utc('2026-03-08T05:00:00'))), '2026-03-08T07:00:00.000Z');
      assert.equal(isCallable(r, NEW_YORK, utc('2026-03-08T07:15:00')), true, '03:15 EDT');
    },
  );

  it(
    'a window ending at 02:30 on the New York spring-forward night closes at 03:00 EDT, the first instant after the gap',
    () => {
      const r = rules({ workingTime: [{ beginTime: '01:00:00', endTime: '02:30:00' }] });
      assert.equal(isCallable(r, NEW_YORK, utc('2026-03-08T06:59:59.999')), true, '01:59:59.999 EST');
      assert.equal(isCallable(r, NEW_YORK, utc('2026-03-08T07:15:00')), false, '03:15 EDT');
      assert.equal(iso(nextCallableTime(r, NEW_YORK, utc('2026-03-08T07:00:00'))), '2026-03-09T05:00:00.000Z', 'next day 01:00 EDT');
    },
  );

  it(
    'a window beginning at 02:30 on the Berlin spring-forward night opens at 03:00 CEST, the first instant after the gap',
    () => {
      const r = rules({ workingTime: [{ beginTime: '02:30:00', endTime: '04:00:00' }] });
      assert.equal(iso(nextCallableTime(r, BERLIN, utc('2026-03-28T23:00:00'))), '2026-03-29T01:00:00.000Z');
    },
  );

  it('a window beginning at 01:30 on the New York fall-back night holds both 01:30s but not the repeated 01:00-01:30 between them', () => {
    // Clocks go from 01:59:59 EDT (05:59:59Z) back to 01:00 EST (06:00Z).
    const r = rules({ workingTime: [{ beginTime: '01:30:00', endTime: '03:00:00' }] });
    assert.equal(iso(nextCallableTime(r, NEW_YORK, utc('2026-11-01T05:00:00'))), '2026-11-01T05:30:00.000Z', 'first 01:30, EDT');
    assert.equal(isCallable(r, NEW_YORK, utc('2026-11-01T05:59:59.999')), true, '01:59:59.999 EDT');
    assert.equal(isCallable(r, NEW_YORK, utc('2026-11-01T06:10:00')), false, '01:10 EST, the repeated hour');
    assert.equal(iso(nextCallableTime(r, NEW_YORK, utc('2026-11-01T06:10:00'))), '2026-11-01T06:30:00.000Z', 'second 01:30, EST');
    assert.equal(isCallable(r, NEW_YORK, utc('2026-11-01T07:59:59.999')), true, '02:59:59.999 EST');
    assert.equal(isCallable(r, NEW_YORK, utc('2026-11-01T08:00:00')), false, '03:00 EST closes it');
  });

  it('a window ending at 01:30 on the New York fall-back night closes at the first 01:30 and opens again in the repeated hour', () => {
    const r = rules({ workingTime: [{ beginTime: '00:30:00', endTime: '01:30:00' }] });
    assert.equal(isCallable(r, NEW_YORK, utc('2026-11-01T05:29:59.999')), true, '01:29:59.999 EDT');
    assert.equal(isCallable(r, NEW_YORK, utc('2026-11-01T05:45:00')), false, '01:45 EDT');
    assert.equal(iso(nextCallableTime(r, NEW_YORK, utc('2026-11-01T05:45:00'))), '2026-11-01T06:00:00.000Z', '01:00 EST, the repeated hour');
    assert.equal(isCallable(r, NEW_YORK, utc('2026-11-01T06:30:00')), false, 'the second 01:30 closes it again');
  });
});

describe('nextCallableDay', () => {
  const r = rules({ repeatBy: 'Week', repeatDays: [1, 2, 3, 4, 5], workingTime: OFFICE_HOURS });

  it("moves to the first callable moment of the next local day even when today's windows still have room", () => {
    assert.equal(iso(nextCallableDay(r, SHANGHAI, local('2026-03-09T09:30'))), iso(local('2026-03-10T09:00')));
    assert.equal(iso(nextCallableDay(r, SHANGHAI, local('2026-03-09T23:59:59.999'))), iso(local('2026-03-10T09:00')));
  });

  it('skips days the repeat rule does not select', () => {
    assert.equal(iso(nextCallableDay(r, SHANGHAI, local('2026-03-13T09:30'))), iso(local('2026-03-16T09:00')), 'Friday to Monday');
  });

  it('answers undefined when endTime comes before the next day opens', () => {
    const ending = { ...r, endTime: local('2026-03-10T08:59') };
    assert.equal(nextCallableDay(ending, SHANGHAI, local('2026-03-09T09:30')), undefined);
  });
});

describe('localDay', () => {
  it('names the calendar day in the given zone, not in UTC', () => {
    assert.equal(localDay(SHANGHAI, utc('2026-03-01T15:59:59.999')), '2026-03-01');
    assert.equal(localDay(SHANGHAI, utc('2026-03-01T16:00:00')), '2026-03-02');
    assert.equal(localDay(NEW_YORK, utc('2026-03-01T16:00:00')), '2026-03-01');
    assert.equal(localDay(NEW_YORK, utc('2026-03-02T04:59:59.999')), '2026-03-01');
    assert.equal(localDay(NEW_YORK, utc('2026-03-02T05:00:00')), '2026-03-02');
  });
});

describe('isValidZone', () => {
  it('accepts IANA zone names and UTC', () => {
    for (const zone of [SHANGHAI, NEW_YORK, BERLIN, 'UTC']) assert.equal(isValidZone(zone), true, zone);
  });

  it('refuses unknown or misspelt zone names and the empty string', () => {
    for (const zone of ['Mars/Olympus_Mons', 'Asia/Shangai', 'garbage', '']) assert.equal(isValidZone(zone), false, JSON.stringify(zone));
  });

  it("refuses luxon's own zone spellings that are not IANA names: the machine's 'local' zone and fixed offsets like 'UTC+8'", () => {
    for (const zone of ['local', 'system', 'UTC+8', 'utc+08:00']) assert.equal(isValidZone(zone), false, JSON.stringify(zone));
  });
});

describe('nextCallableTime properties', () => {
  const ZONES = [SHANGHAI, NEW_YORK, BERLIN, 'UTC', 'Asia/Kolkata', 'Australia/Lord_Howe'];
  /** DST changes of 2026/2027 in the zones above, so random moments often land next to one. */
  const TRANSITIONS = [
    '2026-03-08T07:00:00',
    '2026-11-01T06:00:00',
    '2026-03-29T01:00:00',
    '2026-10-25T01:00:00',
    '2026-04-04T15:00:00',
    '2026-10-03T15:30:00',
    '2027-03-14T07:00:00',
  ].map(utc);
  const RANGE_START = utc('2025-06-01T00:00:00');
  const RANGE_END = utc('2028-06-01T00:00:00');

  const hhmm = (minutes: number) => (minutes === 24 * 60 ? '24:00:00' : `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:00`);

  /** Up to four sorted, non-overlapping windows on a 5-minute grid, as resolveStrategy stores them. */
  const windowsArb = fc
    .uniqueArray(fc.integer({ min: 0, max: (24 * 60) / 5 }), { minLength: 0, maxLength: 8 })
    .map((edges) => {
      const sorted = edges.map((e) => e * 5).sort((a, b) => a - b);
      const windows: ScheduleRules['workingTime'] = [];
      for (let i = 0; i + 1 < sorted.length; i += 2) windows.push({ beginTime: hhmm(sorted[i]!), endTime: hhmm(sorted[i + 1]!) });
      return windows;
    });

  const repeatArb: fc.Arbitrary<Pick<ScheduleRules, 'repeatBy' | 'repeatDays'>> = fc.oneof(
    fc.constantFrom('Once' as const, 'Day' as const).map((repeatBy) => ({ repeatBy, repeatDays: [] })),
    fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }).map((days) => ({ repeatBy: 'Week' as const, repeatDays: days.sort((a, b) => a - b) })),
    fc.uniqueArray(fc.integer({ min: 1, max: 31 }), { minLength: 1, maxLength: 5 }).map((days) => ({ repeatBy: 'Month' as const, repeatDays: days.sort((a, b) => a - b) })),
  );

  const momentArb = fc.oneof(
    fc.integer({ min: RANGE_START, max: RANGE_END }),
    fc.tuple(fc.constantFrom(...TRANSITIONS), fc.integer({ min: -2 * DAY, max: 2 * DAY })).map(([t, d]) => t + d),
  );

  const caseArb = fc.record({
    zone: fc.constantFrom(...ZONES),
    windows: windowsArb,
    repeat: repeatArb,
    from: momentArb,
    startOffset: fc.integer({ min: -3 * DAY, max: 3 * DAY }),
    span: fc.oneof(fc.integer({ min: MINUTE, max: 4 * DAY }), fc.integer({ min: 4 * DAY, max: 400 * DAY })),
  });

  type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

  const toRules = (c: Case): ScheduleRules => {
    const startTime = c.from + c.startOffset;
    return { startTime, endTime: startTime + c.span, workingTime: c.windows, ...c.repeat };
  };

  /** Every whole-minute moment strictly between a and b (b excluded), or undefined when that is over three days. */
  const minutesBetween = (a: number, b: number): number[] | undefined => {
    if (b - a >= 3 * DAY) return undefined;
    const out: number[] = [];
    for (let m = Math.floor(a / MINUTE) * MINUTE + MINUTE; m < b; m += MINUTE) out.push(m);
    return out;
  };

  it('the answer is at or after from and startTime, before endTime, callable, and on a selected local day', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const r = toRules(c);
        const t = nextCallableTime(r, c.zone, c.from);
        if (t === undefined) return;
        assert.ok(t >= c.from, 'not before from');
        assert.ok(t >= r.startTime, 'not before startTime');
        assert.ok(t < r.endTime, 'before endTime');
        assert.equal(isCallable(r, c.zone, t), true, 'callable');
        const dt = DateTime.fromMillis(t, { zone: c.zone });
        if (r.repeatBy === 'Week') assert.ok(r.repeatDays.includes(dt.weekday % 7), `weekday ${dt.weekday % 7} selected`);
        if (r.repeatBy === 'Month') assert.ok(r.repeatDays.includes(dt.day), `day ${dt.day} selected`);
      }),
      { numRuns: 500 },
    );
  });

  it('no whole minute strictly between from and the answer is callable (gaps under three days)', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const r = toRules(c);
        const t = nextCallableTime(r, c.zone, c.from);
        // Without an answer, nothing may be callable up to endTime.
        const minutes = minutesBetween(c.from, t ?? r.endTime);
        if (!minutes) return;
        for (const m of minutes) assert.equal(isCallable(r, c.zone, m), false, `${iso(m)} is callable before ${iso(t)}`);
      }),
      { numRuns: 100 },
    );
  });
});
