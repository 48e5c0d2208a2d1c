import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { popCoreClient, type ApiClient } from '../helpers/clients.ts';
import { runCli, startServerProcess, tempDataDir, TEST_KEY, type ServerProcess } from '../helpers/server-process.ts';

const START = Date.parse('2026-12-01T00:00:00Z');
const HOUR = 3_600_000;

describe('pausing, suspending and cancelling on the virtual clock', () => {
  let server: ServerProcess;
  let cleanup: () => void;
  let client: ApiClient;

  before(async () => {
    const data = tempDataDir();
    cleanup = data.cleanup;
    server = await startServerProcess({ dataDir: data.dir, env: { OUTBOUNDBOT_CLOCK: 'virtual', OUTBOUNDBOT_CLOCK_START: String(START) } });
    client = popCoreClient(server.url, TEST_KEY);
  });

  after(async () => {
    await server.stop();
    cleanup();
  });

  const advance = async (body: object) => {
    const response = await fetch(`${server.url}/_outboundbot/clock`, { method: 'POST', body: JSON.stringify(body) });
    assert.equal(response.status, 200);
    return ((await response.json()) as { now: number }).now;
  };

  async function tasksOf(instanceId: string, jobIds: string[]) {
    const all: Array<{ JobId: string; ActualTime: number; EndTime: number }> = [];
    for (const jobId of jobIds) all.push(...(await client.call('DescribeJob', { InstanceId: instanceId, JobId: jobId })).Job.Tasks);
    return all;
  }

  it('a paused group starts no call while calls in flight finish; resuming carries on; cancel ends every job', async () => {
    const instanceId = (await client.call('CreateInstance', { InstanceName: 'control', MaxConcurrentConversation: 3, CallingNumber: ['95187'] })).Instance.InstanceId;
    const jobGroupId = (
      await client.call('CreateJobGroup', {
        InstanceId: instanceId,
        JobGroupName: 'never answers',
        StrategyJson: JSON.stringify({ maxAttemptsPerDay: 50, minAttemptInterval: 10, repeatable: true, repeatBy: 'Day' }),
      })
    ).JobGroup.JobGroupId;
    const jobIds: string[] = (
      await client.call('AssignJobs', {
        InstanceId: instanceId,
        JobGroupId: jobGroupId,
        JobsJson: Array.from({ length: 6 }, (_, i) => JSON.stringify({ referenceId: `r${i}`, contacts: [{ phoneNumber: '19900000100' }] })),
      })
    ).JobsId;

    const t0 = await advance({ advanceMs: 0 });
    assert.equal((await client.call('GetCurrentConcurrency', { InstanceId: instanceId })).CurrentConcurrency, 3, 'three lines busy at once');
    assert.equal((await client.call('GetJobGroup', { InstanceId: instanceId, JobGroupId: jobGroupId })).JobGroup.Status, 'Executing');

    await client.call('ModifyJobGroup', { InstanceId: instanceId, JobGroupId: jobGroupId, Name: 'never answers', JobGroupStatus: 'Paused' });
    await advance({ advanceMs: HOUR });
    const duringPause = await tasksOf(instanceId, jobIds);
    assert.equal(duringPause.length, 3, 'no call started after the pause');
    assert.ok(duringPause.every((t) => t.ActualTime === t0 && t.EndTime > t0), 'the calls in flight ended normally');
    assert.equal((await client.call('GetCurrentConcurrency', { InstanceId: instanceId })).CurrentConcurrency, 0);
    assert.equal((await client.call('GetJobGroup', { InstanceId: instanceId, JobGroupId: jobGroupId })).JobGroup.Status, 'Paused');

    await client.call('SuspendJobs', { InstanceId: instanceId, JobGroupId: jobGroupId, All: false, JobId: [jobIds[5]] });
    await client.call('ModifyJobGroup', { InstanceId: instanceId, JobGroupId: jobGroupId, Name: 'never answers', JobGroupStatus: 'Scheduling' });
    const resumedAt = await advance({ advanceMs: HOUR });
    const afterResume = await tasksOf(instanceId, jobIds);
    assert.ok(afterResume.length > 3, 'calls resumed');
    const suspended = await tasksOf(instanceId, [jobIds[5]!]);
    assert.ok(suspended.every((t) => t.ActualTime < resumedAt - HOUR), 'the suspended job was not called');
    const progress = (await client.call('GetJobGroup', { InstanceId: instanceId, JobGroupId: jobGroupId })).JobGroup.Progress;
    assert.equal(progress.Paused, 1);

    await client.call('CancelJobs', { InstanceId: instanceId, JobGroupId: jobGroupId, All: true });
    await advance({ advanceMs: HOUR });
    const ended = (await client.call('GetJobGroup', { InstanceId: instanceId, JobGroupId: jobGroupId })).JobGroup;
    assert.equal(ended.Progress.Cancelled, 6);
    assert.equal(ended.Progress.Scheduling + ended.Progress.Executing + ended.Progress.Paused, 0);
    assert.equal(ended.Status, 'Completed');
    const count = (await tasksOf(instanceId, jobIds)).length;
    await advance({ advanceMs: 24 * HOUR });
    assert.equal((await tasksOf(instanceId, jobIds)).length, count, 'cancelled jobs are never called again');

    const verified = await runCli(['verify', '--json'], server.dataDir);
    assert.equal(verified.code, 0, verified.stdout);
  });

  it('the clock endpoint refuses bad bodies and going backwards with a 400', async () => {
    const now = await advance({ advanceMs: 0 });
    for (const body of ['{', '{"advanceMs":-1}', '{"to":1}', '{"advanceMs":"x"}', '{"advanceMs":1,"to":2}']) {
      const response = await fetch(`${server.url}/_outboundbot/clock`, { method: 'POST', body });
      assert.equal(response.status, 400, body);
      assert.equal(((await response.json()) as { Code: string }).Code, 'InvalidParameter');
    }
    const response = await fetch(`${server.url}/_outboundbot/clock`);
    assert.deepEqual(await response.json(), { now });
  });
});
