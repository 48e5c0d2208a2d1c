import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { strategyInputSchema, unknownStrategyKeys } from '../../src/domain/strategy.ts';
import { ApiError } from '../../src/domain/errors.ts';
import { decodeParams, p, type RawParams } from '../../src/protocol/params.ts';

const raw = (entries: Record<string, string>): RawParams => new Map(Object.entries(entries));

/** Asserts that `fn` throws an ApiError with `code` whose message names `name`. */
function assertApiError(fn: () => unknown, code: string, name: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ApiError, `expected an ApiError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.ok(error.message.includes(`"${name}"`), `message names ${name}: ${error.message}`);
    return true;
  });
}

describe('decodeParams', () => {
  it('decodes declared scalars into typed values and ignores undeclared parameters', () => {
    const specs = { Name: p.string(), PageSize: p.integer(), Enabled: p.boolean(), Note: p.text() };
    const decoded = decodeParams(specs, raw({ Name: '外呼', PageSize: '20', Enabled: 'TRUE', Note: '', Signature: 'x' }));
    assert.deepEqual(decoded, { Name: '外呼', PageSize: 20, Enabled: true, Note: '' });
  });

  it('leaves an absent optional parameter undefined, and treats an empty string as absent', () => {
    const decoded = decodeParams({ Name: p.string(), PageSize: p.integer() }, raw({ Name: '', PageSize: '' }));
    assert.deepEqual(decoded, { Name: undefined, PageSize: undefined });
  });

  it('refuses an absent or empty required parameter with MissingParameter naming it', () => {
    const specs = { InstanceId: p.string().require() };
    assertApiError(() => decodeParams(specs, raw({})), 'MissingParameter', 'InstanceId');
    assertApiError(() => decodeParams(specs, raw({ InstanceId: '' })), 'MissingParameter', 'InstanceId');
    assertApiError(() => decodeParams({ StrategyJson: p.json(z.object({})).require() }, raw({ StrategyJson: '' })), 'MissingParameter', 'StrategyJson');
  });

  it('refuses a malformed integer or boolean with InvalidParameter naming it', () => {
    for (const bad of ['abc', '1.5', '1e3', '12345678901234567']) {
      assertApiError(() => decodeParams({ PageSize: p.integer() }, raw({ PageSize: bad })), 'InvalidParameter', 'PageSize');
    }
    assertApiError(() => decodeParams({ Enabled: p.boolean() }, raw({ Enabled: 'yes' })), 'InvalidParameter', 'Enabled');
  });

  it('refuses an integer outside min..max with InvalidParameter', () => {
    const specs = { PageSize: p.integer({ min: 1, max: 100 }) };
    assert.equal(decodeParams(specs, raw({ PageSize: '100' })).PageSize, 100);
    assertApiError(() => decodeParams(specs, raw({ PageSize: '0' })), 'InvalidParameter', 'PageSize');
    assertApiError(() => decodeParams(specs, raw({ PageSize: '101' })), 'InvalidParameter', 'PageSize');
  });

  it('refuses a string longer than maxLength or outside oneOf', () => {
    assert.equal(decodeParams({ Name: p.string({ maxLength: 3 }) }, raw({ Name: 'abc' })).Name, 'abc');
    assertApiError(() => decodeParams({ Name: p.string({ maxLength: 3 }) }, raw({ Name: 'abcd' })), 'InvalidParameter', 'Name');
    assertApiError(() => decodeParams({ Priority: p.string({ oneOf: ['Urgent', 'Daily'] }) }, raw({ Priority: 'Low' })), 'InvalidParameter', 'Priority');
  });
});

describe('p.stringArray', () => {
  const decode = (entries: Record<string, string>, options = {}) => decodeParams({ Number: p.stringArray(options) }, raw(entries)).Number;

  it('a flattened array is decoded in numeric index order (Name.2 before Name.10)', () => {
    const entries: Record<string, string> = {};
    for (const i of [10, 2, 1, 11, 3, 4, 5, 6, 7, 8, 9]) entries[`Number.${i}`] = `n${i}`;
    assert.deepEqual(decode(entries), Array.from({ length: 11 }, (_, i) => `n${i + 1}`));
  });

  it('skips nested keys such as Name.1.Key when collecting a flat array', () => {
    assert.deepEqual(decode({ 'Number.1': 'a', 'Number.1.Key': 'k', 'Number.2': 'b' }), ['a', 'b']);
  });

  it('accepts the JSON-array form Name=["a","b"] and a bare single value', () => {
    assert.deepEqual(decode({ Number: '["a","b"]' }), ['a', 'b']);
    assert.deepEqual(decode({ Number: '[1,2]' }), ['1', '2']);
    assert.deepEqual(decode({ Number: '13800000000' }), ['13800000000']);
  });

  it('refuses an index of 0 or beyond maxItems with InvalidParameter', () => {
    assertApiError(() => decode({ 'Number.0': 'a' }), 'InvalidParameter', 'Number');
    assertApiError(() => decode({ 'Number.3': 'a' }, { maxItems: 2 }), 'InvalidParameter', 'Number');
    assert.deepEqual(decode({ 'Number.2': 'b', 'Number.1': 'a' }, { maxItems: 2 }), ['a', 'b']);
  });

  it('refuses a JSON array with more than maxItems items', () => {
    assertApiError(() => decode({ Number: '["a","b","c"]' }, { maxItems: 2 }), 'InvalidParameter', 'Number');
  });

  it('refuses an item longer than maxLength or a non-string JSON item, naming the item', () => {
    assertApiError(() => decode({ 'Number.1': 'ok', 'Number.2': 'toolong' }, { maxLength: 3 }), 'InvalidParameter', 'Number.2');
    assertApiError(() => decode({ Number: '["a",{"b":1}]' }), 'InvalidParameter', 'Number.2');
  });

  it('refuses a required array given no items with MissingParameter', () => {
    assertApiError(() => decodeParams({ Number: p.stringArray().require() }, raw({ Other: 'x' })), 'MissingParameter', 'Number');
  });
});

describe('p.json', () => {
  const specs = { StrategyJson: p.json(strategyInputSchema) };

  it('decodes a JSON parameter through its schema', () => {
    const decoded = decodeParams(specs, raw({ StrategyJson: '{"maxAttemptsPerDay":"3","repeatBy":"week"}' }));
    assert.equal(decoded.StrategyJson?.maxAttemptsPerDay, 3);
    assert.equal(decoded.StrategyJson?.repeatBy, 'Week');
  });

  it('refuses text that is not JSON with InvalidParameter naming the parameter', () => {
    assertApiError(() => decodeParams(specs, raw({ StrategyJson: '{"repeatBy":' })), 'InvalidParameter', 'StrategyJson');
  });

  it('refuses a schema failure with InvalidParameter naming the field path', () => {
    const text = JSON.stringify({ workingTime: [{ beginTime: '25:00', endTime: '11:00:00' }] });
    assertApiError(() => decodeParams(specs, raw({ StrategyJson: text })), 'InvalidParameter', 'StrategyJson.workingTime.0.beginTime');
  });

  it('refuses a JSON text longer than maxLength', () => {
    const short = { Extras: p.json(z.object({ a: z.string() }), { maxLength: 10 }) };
    assertApiError(() => decodeParams(short, raw({ Extras: '{"a":"0123456789"}' })), 'InvalidParameter', 'Extras');
  });

  it('tells the decode options the keys its unknownKeys finds, as sent, and the value still decodes', () => {
    const checked = { StrategyJson: p.json(strategyInputSchema, { unknownKeys: unknownStrategyKeys }) };
    const told: Array<[string, readonly string[]]> = [];
    const options = { unknownKeys: (parameter: string, keys: readonly string[]) => void told.push([parameter, keys]) };
    const decoded = decodeParams(checked, raw({ StrategyJson: '{"maxAttemptPerDay":5,"minAttemptInterval":"20"}' }), options);
    assert.equal(decoded.StrategyJson?.minAttemptInterval, 20);
    assert.deepEqual(told, [['StrategyJson', ['maxAttemptPerDay']]]);
    decodeParams(checked, raw({ StrategyJson: '{"maxAttemptsPerDay":5}' }), options);
    assert.equal(told.length, 1, 'known keys tell nothing');
  });
});

describe('requireUnless', () => {
  const specs = { JobsJson: p.jsonArray(z.object({ a: z.number() })).requireUnless('TaskId', []), TaskId: p.string() };

  it('is required, as declared, but decodes as its absent value in a request with the other parameter', () => {
    assert.equal(specs.JobsJson.required, true);
    assert.deepEqual(decodeParams(specs, raw({ TaskId: 't' })).JobsJson, []);
    assert.deepEqual(decodeParams(specs, raw({ TaskId: 't', 'JobsJson.1': '{"a":1}' })).JobsJson, [{ a: 1 }]);
    assertApiError(() => decodeParams(specs, raw({})), 'MissingParameter', 'JobsJson');
    assertApiError(() => decodeParams(specs, raw({ TaskId: '' })), 'MissingParameter', 'JobsJson');
  });
});
