import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { popCoreClient } from '../helpers/clients.ts';
import { TEST_KEY } from '../helpers/server-process.ts';
import { serverPerSuite, virtualClockAt } from '../helpers/suite-server.ts';

/** Tuesday 2026-12-01 08:00 in Shanghai. */
const START = Date.parse('2026-12-01T00:00:00Z');
const DAY = 86_400_000;

describe('the dispatcher honours the contact block list', () => {
  const server = serverPerSuite(virtualClockAt(START));

  it('a listed number is never dialled, in any group of the instance: its job fails with ContactBlockList; other numbers and instances are called', async () => {
    const client = popCoreClient(server.url, TEST_KEY);
    const createInstance = async (name: string) =>
      (await client.call('CreateInstance', { InstanceName: name, MaxConcurrentConversation: 2, CallingNumber: ['057188880000'] })).Instance.InstanceId as string;
    const blocking = await createInstance('blocking');
    const other = await createInstance('other');
    const saved = await client.call('SaveContactBlockList', {
      InstanceId: blocking,
      ContactBlockListsJson: JSON.stringify([{ phoneNumber: '19900000001', name: 'opted out', remark: 'asked by phone' }]),
    });
    assert.equal(saved.AffectedRows, 1);

    const strategy = JSON.stringify({ maxAttemptsPerDay: 1, minAttemptInterval: 10, repeatBy: 'Day', startTime: START, endTime: START + 2 * DAY });
    const runGroup = async (instanceId: string, name: string) => {
      const jobGroupId = (await client.call('CreateJobGroup', { InstanceId: instanceId, JobGroupName: name, StrategyJson: strategy })).JobGroup.JobGroupId as string;
      const jobIds = (
        await client.call('AssignJobs', {
          InstanceId: instanceId,
          JobGroupId: jobGroupId,
          JobsJson: ['19900000001', '19900000002'].map((phoneNumber) => JSON.stringify({ contacts: [{ phoneNumber }] })),
        })
      ).JobsId as string[];
      return { instanceId, jobGroupId, jobIds };
    };
    const groups = [await runGroup(blocking, 'first'), await runGroup(blocking, 'second'), await runGroup(other, 'elsewhere')];
    await server.clock({ advanceMs: DAY });

    for (const { instanceId, jobIds } of groups) {
      const [listed, free] = await Promise.all(jobIds.map(async (JobId) => (await client.call('DescribeJob', { InstanceId: instanceId, JobId })).Job));
      if (instanceId === blocking) {
        assert.equal(listed.Status, 'Failed');
        assert.equal(listed.FailureReason, 'ContactBlockList');
        assert.deepEqual(listed.Tasks, [], 'never dialled');
      } else {
        assert.equal(listed.Status, 'Succeeded', 'the list is per instance');
      }
      assert.equal(free.Status, 'Succeeded');
      assert.equal(free.Tasks.length, 1);
    }
    const first = (await client.call('GetJobGroup', { InstanceId: blocking, JobGroupId: groups[0]!.jobGroupId })).JobGroup;
    assert.equal(first.Progress.Failed, 1);
    assert.equal(first.Progress.TotalCompleted, 1);
    assert.equal(first.Status, 'Completed');
  });
});
