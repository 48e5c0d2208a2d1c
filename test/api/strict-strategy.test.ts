import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { failure, openApiCoreClient, popCoreClient, type ApiClient } from '../helpers/clients.ts';
import { startServerProcess, tempDataDir, TEST_KEY, type ServerProcess } from '../helpers/server-process.ts';

/** A typo of maxAttemptsPerDay, a window key nobody knows, and every key the public API has. */
const TYPO = { maxAttemptPerDay: 5, workingTime: [{ beginTime: '09:00:00', endTime: '18:00:00', begin: '08:00:00' }] };
const PUBLIC_KEYS = {
  maxAttemptsPerDay: '2',
  minAttemptInterval: '10',
  routingStrategy: 'LocalProvinceFirst',
  repeatBy: 'Week',
  repeatDays: ['1', '2', '3'],
  repeatable: true,
  workingTime: [{ beginTime: '10:00:00', endTime: '11:00:00' }],
  startTime: 1706976000000,
  endTime: 1707494400000,
  id: 'cdca9ed7-6470-42d0-afb3-a41e08b41383',
  name: '策略名字',
  description: '',
  customized: '{}',
  timeZoneBy: 'Instance',
  // What GetJobGroup returns under Strategy, camelCased: a caller may send back what it read.
  type: 'Repeatable',
  strategyId: 'a2bff22c-2604-4df2-83d6-5952e2438c5a',
  strategyName: '催收策略名字',
  strategyDescription: '催收策略',
  followUpStrategy: 'NONE',
  isTemplate: false,
};

const clients = (url: string): Array<[string, ApiClient]> => [
  ['pop-core', popCoreClient(url, TEST_KEY)],
  ['openapi-core', openApiCoreClient(url, TEST_KEY)],
];

function serverWith(env: Record<string, string>) {
  let running: ServerProcess | undefined;
  let cleanup = () => {};
  before(async () => {
    const data = tempDataDir();
    cleanup = data.cleanup;
    running = await startServerProcess({ dataDir: data.dir, env });
  });
  after(async () => {
    await running?.stop();
    cleanup();
  });
  return () => running!;
}

async function instanceAndGroup(client: ApiClient, name: string): Promise<{ instanceId: string; jobGroupId: string }> {
  const instanceId = (await client.call('CreateInstance', { InstanceName: name, MaxConcurrentConversation: 1, CallingNumber: ['057188880000'] })).Instance.InstanceId;
  const jobGroupId = (await client.call('CreateJobGroup', { InstanceId: instanceId, JobGroupName: name })).JobGroup.JobGroupId;
  return { instanceId, jobGroupId };
}

describe('StrategyJson keys nobody knows, by default: named in a warning, ignored', () => {
  const server = serverWith({});

  for (const label of ['pop-core', 'openapi-core']) {
    it(`${label}: CreateJobGroup, ModifyJobGroup and AssignJobs take the strategy, warn once per request naming each unknown key, and keep the default`, async () => {
      const api = clients(server().url).find(([name]) => name === label)![1];
      const { instanceId, jobGroupId } = await instanceAndGroup(api, `warn ${label}`);
      const known = await api.call('ModifyJobGroup', { InstanceId: instanceId, JobGroupId: jobGroupId, Name: 'known', StrategyJson: JSON.stringify(PUBLIC_KEYS) });

      const replies = [
        await api.call('CreateJobGroup', { InstanceId: instanceId, JobGroupName: 'typo', StrategyJson: JSON.stringify(TYPO) }),
        await api.call('ModifyJobGroup', { InstanceId: instanceId, JobGroupId: jobGroupId, Name: 'typo', StrategyJson: JSON.stringify(TYPO) }),
        await api.call('AssignJobs', {
          InstanceId: instanceId,
          JobGroupId: jobGroupId,
          JobsJson: [JSON.stringify({ contacts: [{ phoneNumber: '13800138000' }] })],
          StrategyJson: JSON.stringify(TYPO),
        }),
      ];
      for (const reply of replies) {
        const line = JSON.parse(await server().waitForLine((l) => l.includes(reply.RequestId) && l.includes('nobody knows')));
        assert.equal(line.level, 40, 'a warning');
        assert.equal(line.parameter, 'StrategyJson');
        assert.deepEqual(line.keys, ['maxAttemptPerDay', 'workingTime.0.begin']);
        assert.match(line.msg, /StrategyJson has keys nobody knows, ignored: maxAttemptPerDay, workingTime\.0\.begin/);
      }
      // The warnings above came after the known keys' request on the same pipe: it had none.
      assert.ok(!server().stdout().split('\n').some((l) => l.includes(known.RequestId) && l.includes('nobody knows')), 'the public API\'s keys raise no warning');

      const created = (await api.call('GetJobGroup', { InstanceId: instanceId, JobGroupId: replies[0]!.JobGroup.JobGroupId })).JobGroup;
      assert.equal(created.Strategy.MaxAttemptsPerDay, 3, 'the typo leaves the default in force');
    });
  }
});

describe('StrategyJson keys nobody knows, with OUTBOUNDBOT_STRICT=true: refused naming the key', () => {
  const server = serverWith({ OUTBOUNDBOT_STRICT: 'true' });

  for (const label of ['pop-core', 'openapi-core']) {
    it(`${label}: CreateJobGroup, ModifyJobGroup and AssignJobs answer 400 InvalidParameter naming the key; the public API's keys are accepted`, async () => {
      const api = clients(server().url).find(([name]) => name === label)![1];
      const { instanceId, jobGroupId } = await instanceAndGroup(api, `strict ${label}`);
      const job = [JSON.stringify({ contacts: [{ phoneNumber: '13800138000' }] })];
      const calls: Array<[string, Record<string, unknown>]> = [
        ['CreateJobGroup', { InstanceId: instanceId, JobGroupName: 'typo' }],
        ['ModifyJobGroup', { InstanceId: instanceId, JobGroupId: jobGroupId, Name: 'typo' }],
        ['AssignJobs', { InstanceId: instanceId, JobGroupId: jobGroupId, JobsJson: job }],
      ];
      for (const [action, params] of calls) {
        const refused = await failure(api.call(action, { ...params, StrategyJson: JSON.stringify({ maxAttemptPerDay: 5 }) }));
        assert.deepEqual([refused.code, refused.status], ['InvalidParameter', 400], action);
        assert.match(refused.message, /"StrategyJson\.maxAttemptPerDay" is invalid: unknown key/, action);
        const window = await failure(api.call(action, { ...params, StrategyJson: JSON.stringify({ workingTime: TYPO.workingTime }) }));
        assert.match(window.message, /"StrategyJson\.workingTime\.0\.begin" is invalid/, action);
        await api.call(action, { ...params, StrategyJson: JSON.stringify(PUBLIC_KEYS) });
      }
      const group = (await api.call('GetJobGroup', { InstanceId: instanceId, JobGroupId: jobGroupId })).JobGroup;
      assert.equal(group.Strategy.MaxAttemptsPerDay, 2);
      assert.equal(group.Progress.TotalJobs, 1, 'only the accepted AssignJobs created a job');
    });
  }
});
