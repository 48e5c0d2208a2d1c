import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { WireType } from '../../src/protocol/params.ts';
import { ACTIONS } from '../../src/protocol/registry.ts';
import { popCoreClient } from '../helpers/clients.ts';
import { sendV1, type RawResponse } from '../helpers/raw-requests.ts';
import { startServerProcess, tempDataDir, TEST_KEY, type ServerProcess } from '../helpers/server-process.ts';

/**
 * Every registered action, every parameter: missing, empty, wrong-typed and
 * oversized values must answer 4xx with the error envelope (or succeed where the
 * value is legal), never 5xx.
 */
const OVERSIZED = 'x'.repeat(100_000);

function validValue(name: string, type: WireType, ids: Record<string, string>, allowed?: readonly string[]): Record<string, string> {
  if (name in ids) return { [name]: ids[name]! };
  if (allowed) return { [name]: allowed[0]! };
  if (type === 'number') return { [name]: name === 'MaxConcurrentConversation' ? '4' : name === 'StrategyLevel' ? '2' : '1' };
  if (type === 'boolean') return { [name]: 'true' };
  if (typeof type === 'object') return { [`${name}.1`]: '95187' };
  if (name.endsWith('Json') || name === 'FlashSmsExtras') return { [name]: '{}' };
  if (name === 'JobGroupStatusFilter') return { [name]: 'Draft' };
  return { [name]: 'x' };
}

function badValues(name: string, type: WireType): Array<Record<string, string>> {
  const common = [{ [name]: OVERSIZED }, { [name]: '\u0000\uFFFF' }];
  if (type === 'number') return [...common, { [name]: 'abc' }, { [name]: '1.5' }, { [name]: '-1' }, { [name]: '99999999999999999999' }];
  if (type === 'boolean') return [...common, { [name]: 'maybe' }, { [name]: '1' }];
  if (typeof type === 'object') {
    return [{ [name]: '[{"a":1}]' }, { [`${name}.1`]: OVERSIZED }, { [`${name}.100000`]: '1' }, { [`${name}.0`]: '1' }, { [`${name}.1`]: 'not a number' }];
  }
  if (name.endsWith('Json') || name === 'FlashSmsExtras') {
    return [...common, { [name]: '{' }, { [name]: '[]' }, { [name]: '"text"' }, { [name]: '{"maxAttemptsPerDay":"x","workingTime":"no"}' }, { [name]: '{"repeatBy":"Week","repeatDays":[9]}' }];
  }
  return common;
}

describe('bad input to every registered action', () => {
  let server: ServerProcess;
  let cleanup: () => void;

  before(async () => {
    const data = tempDataDir();
    cleanup = data.cleanup;
    server = await startServerProcess({ dataDir: data.dir });
  });

  after(async () => {
    await server.stop();
    cleanup();
  });

  async function freshIds(): Promise<Record<string, string>> {
    const client = popCoreClient(server.url, TEST_KEY);
    const InstanceId = (await client.call('CreateInstance', { InstanceName: 'sweep', MaxConcurrentConversation: 4 })).Instance.InstanceId;
    const ScriptId = (await client.call('CreateScript', { InstanceId, ScriptName: 's', Industry: 'i', Scene: 's' })).Script.ScriptId;
    const JobGroupId = (await client.call('CreateJobGroup', { InstanceId, JobGroupName: 'g' })).JobGroup.JobGroupId;
    // The instance policy's actions name the instance EntryId.
    return { InstanceId, EntryId: InstanceId, ScriptId, JobGroupId };
  }

  function assertClientError(response: RawResponse, label: string, mustFail: boolean) {
    assert.ok(response.status < 500, `${label}: answered ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`);
    if (mustFail) assert.ok(response.status >= 400, `${label}: expected a 4xx, got ${response.status}`);
    if (response.status >= 400) {
      assert.equal(response.body.Success, false, label);
      assert.equal(response.body.HttpStatusCode, response.status, label);
      assert.equal(typeof response.body.Code, 'string', label);
      assert.equal(typeof response.body.Message, 'string', label);
    }
  }

  for (const action of ACTIONS) {
    it(`${action.name} answers 4xx, never 5xx, to missing, empty, wrong-typed and oversized parameters`, async () => {
      const ids = await freshIds();
      const specs = Object.entries(action.params);
      const valid = Object.assign({}, ...specs.map(([name, spec]) => validValue(name, spec.wireType, ids, spec.allowed))) as Record<string, string>;

      const withoutRequired = await sendV1(server.url, TEST_KEY, action.name, {});
      const anyRequired = specs.some(([, spec]) => spec.required);
      assertClientError(withoutRequired, `${action.name} with no parameters`, anyRequired);
      if (anyRequired) assert.equal(withoutRequired.body.Code, 'MissingParameter');

      for (const [name, spec] of specs) {
        // A parameter that excuses this one (AssignJobs' JobDataParsingTaskId for JobsJson) goes with it.
        const others = Object.fromEntries(Object.entries(valid).filter(([key]) => key !== name && !key.startsWith(`${name}.`) && key !== spec.requiredUnless));
        if (spec.required) {
          const missing = await sendV1(server.url, TEST_KEY, action.name, others);
          assertClientError(missing, `${action.name} without ${name}`, true);
          assert.equal(missing.body.Code, 'MissingParameter', `${action.name} without ${name}`);
          assert.match(missing.body.Message, new RegExp(name));
          assertClientError(await sendV1(server.url, TEST_KEY, action.name, { ...others, [name]: '' }), `${action.name} with empty ${name}`, true);
        }
        for (const bad of badValues(name, spec.wireType)) {
          const label = `${action.name} with ${JSON.stringify(bad).slice(0, 80)}`;
          const response = await sendV1(server.url, TEST_KEY, action.name, { ...others, ...bad });
          assertClientError(response, label, Object.values(bad).includes(OVERSIZED) || Object.keys(bad).some((k) => k.endsWith('.100000')));
        }
      }
    });
  }
});
