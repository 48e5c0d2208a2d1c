import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_MAX_ATTEMPTS_PER_DAY,
  DEFAULT_MIN_ATTEMPT_INTERVAL_MINUTES,
  DEFAULT_STRATEGY_SPAN_MS,
  recallStrategyInputSchema,
  resolveRecallStrategy,
  resolveStrategy,
  strategyInputSchema,
  StrategyError,
  unknownStrategyKeys,
  type StrategyInput,
} from '../../src/domain/strategy.ts';
import { loadConfig } from '../../src/config/config.ts';

/** The StrategyJson example of the public API reference, numbers as strings included. */
const REFERENCE_EXAMPLE = {
  maxAttemptsPerDay: '3',
  minAttemptInterval: '10',
  routingStrategy: 'LocalProvinceFirst',
  repeatDays: ['1', '2', '3'],
  workingTime: [{ beginTime: '10:00:00', endTime: '11:00:00' }],
  repeatable: true,
  endTime: 1707494400000,
  startTime: 1706976000000,
  repeatBy: 'Week',
};

const NOW = 1_760_000_000_000;
const newId = () => 'strategy-new';

function issuePaths(input: unknown): string[] {
  const result = strategyInputSchema.safeParse(input);
  assert.equal(result.success, false, 'expected the input to be refused');
  return result.error!.issues.map((issue) => issue.path.join('.'));
}

describe('strategyInputSchema', () => {
  it('accepts the reference example, turning numeric strings into numbers', () => {
    const parsed = strategyInputSchema.parse(REFERENCE_EXAMPLE);
    assert.equal(parsed.maxAttemptsPerDay, 3);
    assert.equal(parsed.minAttemptInterval, 10);
    assert.deepEqual(parsed.repeatDays, [1, 2, 3]);
    assert.equal(parsed.routingStrategy, 'LocalProvinceFirst');
    assert.equal(parsed.repeatBy, 'Week');
    assert.equal(parsed.startTime, 1706976000000);
    assert.equal(parsed.endTime, 1707494400000);
  });

  it('accepts enumerations in any letter case and booleans as strings', () => {
    const parsed = strategyInputSchema.parse({ routingStrategy: 'localfirst', repeatBy: 'MONTH', repeatable: 'false' });
    assert.deepEqual(parsed, { routingStrategy: 'LocalFirst', repeatBy: 'Month', repeatable: false });
  });

  it('refuses overlapping working-time windows', () => {
    const workingTime = [
      { beginTime: '09:00:00', endTime: '12:00:00' },
      { beginTime: '14:00:00', endTime: '15:00:00' },
      { beginTime: '11:00:00', endTime: '13:00:00' },
    ];
    assert.deepEqual(issuePaths({ workingTime }), ['workingTime']);
    assert.equal(strategyInputSchema.safeParse({ workingTime: [workingTime[0], { beginTime: '12:00:00', endTime: '13:00:00' }] }).success, true);
  });

  it('refuses a window whose beginTime is not before its endTime', () => {
    assert.deepEqual(issuePaths({ workingTime: [{ beginTime: '11:00:00', endTime: '11:00:00' }] }), ['workingTime.0.endTime']);
    assert.deepEqual(issuePaths({ workingTime: [{ beginTime: '12:00:00', endTime: '11:00:00' }] }), ['workingTime.0.endTime']);
  });

  it('refuses times of day that are not HH:mm:ss', () => {
    for (const bad of ['9:00:00', '10:00', '24:00:01', '10:60:00', '10:00:00Z']) {
      // The first issue is the one InvalidParameter reports.
      assert.equal(issuePaths({ workingTime: [{ beginTime: bad, endTime: '23:00:00' }] })[0], 'workingTime.0.beginTime', bad);
    }
    assert.equal(strategyInputSchema.safeParse({ workingTime: [{ beginTime: '18:00:00', endTime: '24:00:00' }] }).success, true);
  });

  it('refuses an endTime not later than startTime', () => {
    assert.deepEqual(issuePaths({ startTime: 2000, endTime: 2000 }), ['endTime']);
    assert.deepEqual(issuePaths({ startTime: 2000, endTime: 1000 }), ['endTime']);
  });

  it('refuses non-integer and out-of-range counts', () => {
    assert.deepEqual(issuePaths({ maxAttemptsPerDay: '2.5' }), ['maxAttemptsPerDay']);
    assert.deepEqual(issuePaths({ maxAttemptsPerDay: 0 }), ['maxAttemptsPerDay']);
    assert.deepEqual(issuePaths({ repeatDays: ['32'] }), ['repeatDays.0']);
  });
});

describe('resolveStrategy', () => {
  const parse = (input: unknown): StrategyInput => strategyInputSchema.parse(input);

  it('without start and end time, runs from now for DEFAULT_STRATEGY_SPAN_MS', () => {
    const strategy = resolveStrategy(undefined, undefined, NOW, newId);
    assert.equal(strategy.startTime, NOW);
    assert.equal(strategy.endTime, NOW + DEFAULT_STRATEGY_SPAN_MS);
    assert.equal(strategy.id, 'strategy-new');
    assert.equal(strategy.repeatBy, 'Once');
    assert.equal(strategy.repeatable, false);
    assert.equal(strategy.maxAttemptsPerDay, DEFAULT_MAX_ATTEMPTS_PER_DAY);
    assert.equal(strategy.minAttemptInterval, DEFAULT_MIN_ATTEMPT_INTERVAL_MINUTES);
    assert.equal(strategy.routingStrategy, 'None');
    assert.deepEqual(strategy.workingTime, []);
  });

  it('keeps the reference example as given, with its days sorted and deduplicated', () => {
    const strategy = resolveStrategy(parse({ ...REFERENCE_EXAMPLE, repeatDays: ['3', '1', '2', '1'] }), undefined, NOW, newId);
    assert.equal(strategy.startTime, 1706976000000);
    assert.equal(strategy.endTime, 1707494400000);
    assert.deepEqual(strategy.repeatDays, [1, 2, 3]);
    assert.equal(strategy.repeatable, true);
    assert.deepEqual(strategy.workingTime, [{ beginTime: '10:00:00', endTime: '11:00:00' }]);
  });

  it('merges a partial change over the base, keeping its id and untouched fields (ModifyJobGroup)', () => {
    const base = resolveStrategy(parse(REFERENCE_EXAMPLE), undefined, NOW, () => 'strategy-base');
    const merged = resolveStrategy(parse({ maxAttemptsPerDay: 5, id: 'ignored' }), base, NOW + 1000, newId);
    assert.deepEqual(merged, { ...base, maxAttemptsPerDay: 5 });
  });

  it('a new startTime without endTime on a base gets the default span, not the old end', () => {
    const base = resolveStrategy(parse(REFERENCE_EXAMPLE), undefined, NOW, newId);
    const merged = resolveStrategy(parse({ startTime: 1800000000000 }), base, NOW, newId);
    assert.equal(merged.endTime, 1800000000000 + DEFAULT_STRATEGY_SPAN_MS);
  });

  it('changing repeatBy drops the base days, so Week then needs new days', () => {
    const base = resolveStrategy(parse({ repeatBy: 'Month', repeatDays: [31] }), undefined, NOW, newId);
    assert.throws(() => resolveStrategy(parse({ repeatBy: 'Week' }), base, NOW, newId), (e: unknown) => e instanceof StrategyError && e.field === 'repeatDays');
    assert.deepEqual(resolveStrategy(parse({ repeatBy: 'Week', repeatDays: [0, 6] }), base, NOW, newId).repeatDays, [0, 6]);
  });

  it('refuses Week without days or with a day above 6', () => {
    for (const input of [{ repeatBy: 'Week' }, { repeatBy: 'Week', repeatDays: [7] }]) {
      assert.throws(() => resolveStrategy(parse(input), undefined, NOW, newId), (e: unknown) => e instanceof StrategyError && e.field === 'repeatDays');
    }
  });

  it('refuses Month without days or with day 0', () => {
    for (const input of [{ repeatBy: 'Month' }, { repeatBy: 'Month', repeatDays: [0, 15] }]) {
      assert.throws(() => resolveStrategy(parse(input), undefined, NOW, newId), (e: unknown) => e instanceof StrategyError && e.field === 'repeatDays');
    }
    assert.deepEqual(resolveStrategy(parse({ repeatBy: 'Month', repeatDays: [31, 1] }), undefined, NOW, newId).repeatDays, [1, 31]);
  });

  it('refuses an endTime alone that falls before the start it defaults to', () => {
    assert.throws(() => resolveStrategy(parse({ endTime: NOW - 1 }), undefined, NOW, newId), (e: unknown) => e instanceof StrategyError && e.field === 'endTime');
  });
});

describe('resolveRecallStrategy', () => {
  it('defaults every flag to false', () => {
    const expected = { emptyNumberIgnore: false, inArrearsIgnore: false, outOfServiceIgnore: false };
    assert.deepEqual(resolveRecallStrategy(undefined, undefined), expected);
    assert.deepEqual(resolveRecallStrategy({}, undefined), expected);
  });

  it('takes given flags (booleans or "true"/"false") over the base', () => {
    const base = { emptyNumberIgnore: true, inArrearsIgnore: true, outOfServiceIgnore: false };
    const input = recallStrategyInputSchema.parse({ inArrearsIgnore: 'false', outOfServiceIgnore: true });
    assert.deepEqual(resolveRecallStrategy(input, base), { emptyNumberIgnore: true, inArrearsIgnore: false, outOfServiceIgnore: true });
  });
});

describe('unknownStrategyKeys', () => {
  it('names the keys nobody knows, a working-time window\'s included, as paths', () => {
    assert.deepEqual(unknownStrategyKeys({ maxAttemptPerDay: 5, workingTime: [{ beginTime: '09:00:00', endTime: '10:00:00' }, { begin: '11:00:00' }] }), [
      'maxAttemptPerDay',
      'workingTime.1.begin',
    ]);
  });

  it('knows every key of the reference example and of GetJobGroup\'s Strategy, camelCased', () => {
    assert.deepEqual(unknownStrategyKeys(REFERENCE_EXAMPLE), []);
    const readBack = { type: 'Repeatable', strategyId: 's', strategyName: 'n', strategyDescription: 'd', followUpStrategy: 'NONE', isTemplate: false, customized: '{}' };
    assert.deepEqual(unknownStrategyKeys(readBack), []);
    assert.deepEqual(unknownStrategyKeys({ id: 'x', name: 'n', description: 'd', timeZoneBy: 'Callee' }), []);
  });

  it('matches keys exactly, as the schema does, and finds nothing in what is not an object', () => {
    assert.deepEqual(unknownStrategyKeys({ MaxAttemptsPerDay: 2 }), ['MaxAttemptsPerDay']);
    for (const document of [null, [], 'text', 3]) assert.deepEqual(unknownStrategyKeys(document), []);
  });
});

describe('OUTBOUNDBOT_STRICT', () => {
  it('is off unless set to true, and refuses any other value at start', () => {
    assert.equal(loadConfig({}).strict, false);
    assert.equal(loadConfig({ OUTBOUNDBOT_STRICT: 'true' }).strict, true);
    assert.equal(loadConfig({ OUTBOUNDBOT_STRICT: 'false' }).strict, false);
    assert.throws(() => loadConfig({ OUTBOUNDBOT_STRICT: 'yes' }), /OUTBOUNDBOT_STRICT must be true or false/);
  });
});
