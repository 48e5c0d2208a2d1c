import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DateTime } from 'luxon';
import type { CallResult } from '../../src/domain/call-outcome.ts';
import { decideAfterAttempt, mayCallNow, nextAttemptTime, type AttemptContext } from '../../src/domain/retry-policy.ts';
import { localDay } from '../../src/domain/schedule.ts';
import { resolveRecallStrategy, resolveStrategy, strategyInputSchema } from '../../src/domain/strategy.ts';
import type { RecallStrategy, Strategy } from '../../src/store/rows.ts';

const ZONE = 'Asia/Shanghai';

const local = (iso: string): number => {
  const dt = DateTime.fromISO(iso, { zone: ZONE });
  assert.ok(dt.isValid, `bad test date ${iso}`);
  return dt.toMillis();
};

const show = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : DateTime.fromMillis(ms, { zone: ZONE }).toISO() ?? undefined);

const OFFICE_HOURS = [
  { beginTime: '09:00:00', endTime: '12:00:00' },
  { beginTime: '14:00:00', endTime: '18:00:00' },
];

/** A strategy as CreateJobGroup stores it, running from 2026-03-01 for a year unless the input says otherwise. */
function strategy(input: Record<string, unknown> = {}): Strategy {
  return resolveStrategy(
    strategyInputSchema.parse({ startTime: local('2026-03-01T00:00'), endTime: local('2027-03-01T00:00'), ...input }),
    undefined,
    local('2026-03-01T00:00'),
    () => 'strategy-1',
  );
}

const NO_RECALL_FLAGS = resolveRecallStrategy(undefined, undefined);

/** The context of an attempt that ended at `now`, the job's first of the day unless told. */
function context(overrides: Partial<Omit<AttemptContext, 'job'>> & { job?: Partial<AttemptContext['job']> } = {}): AttemptContext {
  const now = overrides.now ?? local('2026-03-09T10:00');
  return {
    strategy: overrides.strategy ?? strategy({ repeatBy: 'Day', workingTime: OFFICE_HOURS }),
    recall: overrides.recall ?? NO_RECALL_FLAGS,
    zone: ZONE,
    result: overrides.result ?? 'NoAnswer',
    now,
    job: { attempts: 1, attemptDay: localDay(ZONE, now), dayAttempts: 1, nextAttemptAt: now - 60_000, ...overrides.job },
  };
}

describe('decideAfterAttempt', () => {
  it('an answered call succeeds and keeps the job’s nextAttemptAt', () => {
    const c = context({ result: 'Answered' });
    assert.deepEqual(decideAfterAttempt(c), { status: 'Succeeded', nextAttemptAt: c.job.nextAttemptAt, failureReason: '' });
  });

  it('an answered call succeeds even on the last attempt of a non-repeatable strategy', () => {
    const c = context({ result: 'Answered', strategy: strategy({ repeatBy: 'Once', maxAttemptsPerDay: 2 }), job: { attempts: 2, dayAttempts: 2 } });
    assert.equal(decideAfterAttempt(c).status, 'Succeeded');
  });

  const RECALL_CASES: Array<{ result: CallResult; flag: keyof RecallStrategy; reason: string }> = [
    { result: 'EmptyNumber', flag: 'emptyNumberIgnore', reason: 'EmptyNumber' },
    { result: 'OutOfService', flag: 'outOfServiceIgnore', reason: 'OutOfService' },
    { result: 'InArrears', flag: 'inArrearsIgnore', reason: 'InArrears' },
  ];

  for (const { result, flag, reason } of RECALL_CASES) {
    it(`${result} with ${flag} fails at once with reason ${reason}`, () => {
      const c = context({ result, recall: { ...NO_RECALL_FLAGS, [flag]: true } });
      assert.deepEqual(decideAfterAttempt(c), { status: 'Failed', nextAttemptAt: c.job.nextAttemptAt, failureReason: reason });
    });

    it(`${result} without ${flag} is retried after minAttemptInterval`, () => {
      const c = context({ result });
      assert.deepEqual(decideAfterAttempt(c), { status: 'Scheduling', nextAttemptAt: local('2026-03-09T10:10'), failureReason: '' });
    });

    it(`${result} is retried when only the other two recall flags are set`, () => {
      const others = Object.fromEntries(RECALL_CASES.filter((x) => x.flag !== flag).map((x) => [x.flag, true]));
      const c = context({ result, recall: { ...NO_RECALL_FLAGS, ...others } });
      assert.equal(decideAfterAttempt(c).status, 'Scheduling');
    });
  }

  it('a recall flag does not end a job whose attempt had another outcome', () => {
    const allFlags = { emptyNumberIgnore: true, inArrearsIgnore: true, outOfServiceIgnore: true };
    for (const result of ['NoAnswer', 'Busy', 'PoweredOff', 'NotConnected', 'Interrupted'] as const) {
      assert.equal(decideAfterAttempt(context({ result, recall: allFlags })).status, 'Scheduling', result);
    }
  });

  it('a non-repeatable strategy fails with NoneRepeatableJobMaxAttemptCountLimit once attempts reach maxAttemptsPerDay', () => {
    const once = strategy({ repeatBy: 'Once', maxAttemptsPerDay: 3, workingTime: OFFICE_HOURS });
    assert.equal(once.repeatable, false);
    const last = context({ strategy: once, job: { attempts: 3, dayAttempts: 1 } });
    assert.deepEqual(decideAfterAttempt(last), { status: 'Failed', nextAttemptAt: last.job.nextAttemptAt, failureReason: 'NoneRepeatableJobMaxAttemptCountLimit' });
    assert.equal(decideAfterAttempt(context({ strategy: once, job: { attempts: 4, dayAttempts: 1 } })).failureReason, 'NoneRepeatableJobMaxAttemptCountLimit');
    assert.equal(decideAfterAttempt(context({ strategy: once, job: { attempts: 2, dayAttempts: 2 } })).status, 'Scheduling');
  });

  it('the attempt limit counts all days for repeatable: false, also with repeatBy Day', () => {
    const daily = strategy({ repeatBy: 'Day', repeatable: false, maxAttemptsPerDay: 2, workingTime: OFFICE_HOURS });
    // One attempt yesterday, one today: the total reaches the limit though today has room.
    const c = context({ strategy: daily, job: { attempts: 2, dayAttempts: 1 } });
    assert.equal(decideAfterAttempt(c).failureReason, 'NoneRepeatableJobMaxAttemptCountLimit');
  });

  it('a repeatable strategy goes on past maxAttemptsPerDay attempts, moving to the next day', () => {
    const daily = strategy({ repeatBy: 'Day', maxAttemptsPerDay: 3, workingTime: OFFICE_HOURS });
    assert.equal(daily.repeatable, true);
    const c = context({ strategy: daily, job: { attempts: 9, dayAttempts: 3 } });
    assert.deepEqual(decideAfterAttempt(c), { status: 'Scheduling', nextAttemptAt: local('2026-03-10T09:00'), failureReason: '' });
  });

  const NO_TIME_LEFT: Array<[CallResult, string]> = [
    ['NoAnswer', 'NoAnswer'],
    ['Busy', 'NoAnswer'],
    ['PoweredOff', 'NoAnswer'],
    ['NotConnected', 'CallFailed'],
    ['Interrupted', 'CallFailed'],
    ['EmptyNumber', 'EmptyNumber'],
    ['OutOfService', 'OutOfService'],
    ['InArrears', 'InArrears'],
  ];

  for (const [result, reason] of NO_TIME_LEFT) {
    it(`with no callable moment left before endTime, ${result} fails with reason ${reason}`, () => {
      const ending = strategy({ repeatBy: 'Day', workingTime: OFFICE_HOURS, endTime: local('2026-03-09T17:00') });
      const c = context({ result, strategy: ending, now: local('2026-03-09T16:55') });
      assert.deepEqual(decideAfterAttempt(c), { status: 'Failed', nextAttemptAt: c.job.nextAttemptAt, failureReason: reason });
    });
  }

  it('fails when the day is used up and endTime comes before the next day opens', () => {
    const ending = strategy({ repeatBy: 'Day', maxAttemptsPerDay: 2, workingTime: OFFICE_HOURS, endTime: local('2026-03-10T08:00') });
    const c = context({ strategy: ending, now: local('2026-03-09T10:00'), job: { attempts: 2, dayAttempts: 2 } });
    assert.deepEqual(decideAfterAttempt(c), { status: 'Failed', nextAttemptAt: c.job.nextAttemptAt, failureReason: 'NoAnswer' });
  });

  it('replays the docs example: 2 a day, 30 minutes apart, three days, never answered: six calls at 09:00 and 09:30, then Failed (NoAnswer)', () => {
    const s = strategy({
      repeatBy: 'Day',
      maxAttemptsPerDay: 2,
      minAttemptInterval: 30,
      workingTime: OFFICE_HOURS,
      startTime: local('2026-03-09T00:00'),
      endTime: local('2026-03-12T00:00'),
    });
    const RINGING_MS = 30_000;
    const job = { attempts: 0, attemptDay: '', dayAttempts: 0, nextAttemptAt: local('2026-03-09T09:00') };
    const starts: string[] = [];
    let decision: ReturnType<typeof decideAfterAttempt> | undefined;
    for (let guard = 0; guard < 20; guard++) {
      const startedAt = job.nextAttemptAt;
      assert.equal(mayCallNow(job, s, ZONE, startedAt), true, `callable at ${show(startedAt)}`);
      starts.push(DateTime.fromMillis(startedAt, { zone: ZONE }).toFormat('yyyy-MM-dd HH:mm'));
      const day = localDay(ZONE, startedAt);
      job.dayAttempts = job.attemptDay === day ? job.dayAttempts + 1 : 1;
      job.attemptDay = day;
      job.attempts++;
      decision = decideAfterAttempt({ job, strategy: s, recall: NO_RECALL_FLAGS, zone: ZONE, result: 'NoAnswer', now: startedAt + RINGING_MS });
      if (decision.status !== 'Scheduling') break;
      job.nextAttemptAt = decision.nextAttemptAt;
    }
    assert.deepEqual(starts, [
      '2026-03-09 09:00',
      '2026-03-09 09:30',
      '2026-03-10 09:00',
      '2026-03-10 09:30',
      '2026-03-11 09:00',
      '2026-03-11 09:30',
    ]);
    assert.equal(decision?.status, 'Failed');
    assert.equal(decision?.failureReason, 'NoAnswer');
  });
});

describe('nextAttemptTime', () => {
  it('is exactly minAttemptInterval after the attempt when that moment is callable', () => {
    const s = strategy({ repeatBy: 'Day', minAttemptInterval: 30, workingTime: OFFICE_HOURS });
    assert.equal(show(nextAttemptTime(context({ strategy: s, now: local('2026-03-09T10:05:17') }))), show(local('2026-03-09T10:35:17')));
  });

  it('with interval 0 the job may be called again at once', () => {
    const s = strategy({ repeatBy: 'Day', minAttemptInterval: 0, workingTime: OFFICE_HOURS });
    assert.equal(nextAttemptTime(context({ strategy: s, now: local('2026-03-09T10:00') })), local('2026-03-09T10:00'));
  });

  it('when the interval ends outside the windows, waits for the next window (12:20 -> 14:00)', () => {
    const s = strategy({ repeatBy: 'Day', minAttemptInterval: 30, workingTime: OFFICE_HOURS });
    assert.equal(show(nextAttemptTime(context({ strategy: s, now: local('2026-03-09T11:50') }))), show(local('2026-03-09T14:00')));
  });

  it('never retries sooner than the interval even inside a window', () => {
    const s = strategy({ repeatBy: 'Day', minAttemptInterval: 120, workingTime: OFFICE_HOURS });
    const now = local('2026-03-09T14:30');
    const next = nextAttemptTime(context({ strategy: s, now }))!;
    assert.ok(next >= now + 120 * 60_000, show(next));
    assert.equal(show(next), show(local('2026-03-09T16:30')));
  });

  it('once the day’s attempts are used, moves to the first callable moment of the next local day', () => {
    const s = strategy({ repeatBy: 'Day', maxAttemptsPerDay: 2, workingTime: OFFICE_HOURS });
    assert.equal(show(nextAttemptTime(context({ strategy: s, job: { dayAttempts: 2 } }))), show(local('2026-03-10T09:00')));
    assert.equal(show(nextAttemptTime(context({ strategy: s, job: { dayAttempts: 1 } }))), show(local('2026-03-09T10:10')), 'day not yet full');
  });

  it('the next callable local day follows the repeat rule (Friday -> Monday for weekdays)', () => {
    const s = strategy({ repeatBy: 'Week', repeatDays: [1, 2, 3, 4, 5], maxAttemptsPerDay: 1, workingTime: OFFICE_HOURS });
    // 2026-03-13 is a Friday.
    assert.equal(show(nextAttemptTime(context({ strategy: s, now: local('2026-03-13T10:00'), job: { dayAttempts: 1 } }))), show(local('2026-03-16T09:00')));
  });

  it('a count from an earlier day does not hold back today', () => {
    const s = strategy({ repeatBy: 'Day', maxAttemptsPerDay: 2, workingTime: OFFICE_HOURS });
    const c = context({ strategy: s, job: { dayAttempts: 2, attemptDay: '2026-03-08' } });
    assert.equal(show(nextAttemptTime(c)), show(local('2026-03-09T10:10')));
  });

  it('a full day measured in the local zone: 23:30 Shanghai on the same local day moves past local midnight', () => {
    const s = strategy({ repeatBy: 'Day', maxAttemptsPerDay: 1, minAttemptInterval: 10 });
    // No windows: 23:40 is callable, but the day's single attempt is used, so local midnight is next.
    assert.equal(show(nextAttemptTime(context({ strategy: s, now: local('2026-03-09T23:30'), job: { dayAttempts: 1 } }))), show(local('2026-03-10T00:00')));
  });

  it('is undefined when the interval carries past endTime', () => {
    const s = strategy({ repeatBy: 'Day', minAttemptInterval: 60, endTime: local('2026-03-09T10:30') });
    assert.equal(nextAttemptTime(context({ strategy: s, now: local('2026-03-09T10:00') })), undefined);
  });
});

describe('mayCallNow', () => {
  const s = strategy({ repeatBy: 'Day', maxAttemptsPerDay: 2, workingTime: OFFICE_HOURS });

  it('allows a callable moment while the day has attempts left', () => {
    assert.equal(mayCallNow({ attemptDay: '2026-03-09', dayAttempts: 1 }, s, ZONE, local('2026-03-09T10:00')), true);
    assert.equal(mayCallNow({ attemptDay: '', dayAttempts: 0 }, s, ZONE, local('2026-03-09T10:00')), true);
  });

  it('refuses a moment outside the working windows', () => {
    assert.equal(mayCallNow({ attemptDay: '', dayAttempts: 0 }, s, ZONE, local('2026-03-09T12:30')), false);
  });

  it('refuses once the local day’s attempts are used', () => {
    assert.equal(mayCallNow({ attemptDay: '2026-03-09', dayAttempts: 2 }, s, ZONE, local('2026-03-09T10:00')), false);
  });

  it('allows again on the next local day, whatever the count of the previous one', () => {
    assert.equal(mayCallNow({ attemptDay: '2026-03-09', dayAttempts: 2 }, s, ZONE, local('2026-03-10T09:00')), true);
  });
});
