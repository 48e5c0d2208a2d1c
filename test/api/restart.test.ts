import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { failure, openApiCoreClient, popCoreClient } from '../helpers/clients.ts';
import { runCli, startServerProcess, tempDataDir, TEST_KEY } from '../helpers/server-process.ts';

const NO_KEY = { OUTBOUNDBOT_ACCESS_KEY_ID: undefined, OUTBOUNDBOT_ACCESS_KEY_SECRET: undefined };

describe('server restarts', () => {
  it('the first start generates a root key, prints it once, and never logs it', async () => {
    const data = tempDataDir();
    try {
      const first = await startServerProcess({ dataDir: data.dir, env: NO_KEY });
      const id = /AccessKeyId:\s+(\S+)/.exec(first.stdout())?.[1];
      const secret = /AccessKeySecret:\s+(\S+)/.exec(first.stdout())?.[1];
      assert.ok(id && secret, first.stdout());
      const client = popCoreClient(first.url, { accessKeyId: id, accessKeySecret: secret });
      const instanceId = (await client.call('CreateInstance', { InstanceName: 'kept', MaxConcurrentConversation: 3 })).Instance.InstanceId;
      await first.stop();
      const logLines = first.stdout().split('\n').filter((line) => line.startsWith('{'));
      assert.ok(logLines.length > 0);
      assert.ok(logLines.every((line) => !line.includes(secret)), 'no log line carries the secret');

      const second = await startServerProcess({ dataDir: data.dir, env: NO_KEY });
      try {
        assert.doesNotMatch(second.stdout(), /AccessKeySecret/);
        assert.ok(!second.stdout().includes(secret));
        const again = openApiCoreClient(second.url, { accessKeyId: id, accessKeySecret: secret });
        const described = await again.call('DescribeInstance', { InstanceId: instanceId });
        assert.equal(described.Instance.InstanceName, 'kept');
        assert.equal(described.Instance.MaxConcurrentConversation, 3);
      } finally {
        await second.stop();
      }
    } finally {
      data.cleanup();
    }
  });

  it('instances, scripts and job groups survive a restart, including after SIGKILL', async () => {
    const data = tempDataDir();
    try {
      const first = await startServerProcess({ dataDir: data.dir });
      const client = popCoreClient(first.url, TEST_KEY);
      const instanceId = (await client.call('CreateInstance', { InstanceName: 'i', MaxConcurrentConversation: 2 })).Instance.InstanceId;
      const scriptId = (await client.call('CreateScript', { InstanceId: instanceId, ScriptName: 's', Industry: 'x', Scene: 'y' })).Script.ScriptId;
      await client.call('PublishScript', { InstanceId: instanceId, ScriptId: scriptId, Description: 'v1' });
      const jobGroupId = (await client.call('CreateJobGroup', { InstanceId: instanceId, JobGroupName: 'g', ScriptId: scriptId })).JobGroup.JobGroupId;
      const before = await client.call('GetJobGroup', { InstanceId: instanceId, JobGroupId: jobGroupId });
      await first.stop('SIGKILL');

      const second = await startServerProcess({ dataDir: data.dir });
      try {
        const after = await openApiCoreClient(second.url, TEST_KEY).call('GetJobGroup', { InstanceId: instanceId, JobGroupId: jobGroupId });
        assert.deepEqual({ ...after.JobGroup }, { ...before.JobGroup });
      } finally {
        await second.stop();
      }
    } finally {
      data.cleanup();
    }
  });

  it('a changed OUTBOUNDBOT_ACCESS_KEY_SECRET replaces the old secret at start', async () => {
    const data = tempDataDir();
    try {
      const first = await startServerProcess({ dataDir: data.dir });
      await first.stop();
      const rotated = { ...TEST_KEY, accessKeySecret: 'a-brand-new-secret-0123456789' };
      const second = await startServerProcess({ dataDir: data.dir, env: { OUTBOUNDBOT_ACCESS_KEY_SECRET: rotated.accessKeySecret } });
      try {
        assert.equal((await popCoreClient(second.url, rotated).call('ListInstances')).TotalCount, 0);
        assert.equal((await failure(popCoreClient(second.url, TEST_KEY).call('ListInstances'))).code, 'SignatureDoesNotMatch');
      } finally {
        await second.stop();
      }
    } finally {
      data.cleanup();
    }
  });

  it('a virtual-clock server told to stop mid-advance stops at the next step: the advance answers 503, and the restart resumes from that time with counters that verify', async () => {
    const data = tempDataDir();
    const start = Date.parse('2026-12-01T00:00:00Z');
    const env = { OUTBOUNDBOT_CLOCK: 'virtual', OUTBOUNDBOT_CLOCK_START: String(start) };
    try {
      const first = await startServerProcess({ dataDir: data.dir, env });
      const client = popCoreClient(first.url, TEST_KEY);
      const instanceId = (await client.call('CreateInstance', { InstanceName: 'stop', MaxConcurrentConversation: 20, CallingNumber: ['95187'] })).Instance.InstanceId;
      const jobGroupId = (
        await client.call('CreateJobGroup', {
          InstanceId: instanceId,
          JobGroupName: 'stop',
          StrategyJson: JSON.stringify({ maxAttemptsPerDay: 3, minAttemptInterval: 10, repeatable: true, repeatBy: 'Day', endTime: start + 30 * 86_400_000 }),
        })
      ).JobGroup.JobGroupId;
      // Enough ordinary numbers (the default outcome mix, retries included) that a
      // 30-day advance takes seconds of walking.
      for (let batch = 0; batch < 30; batch++) {
        const jobs = Array.from({ length: 99 }, (_, i) => JSON.stringify({ referenceId: `${batch}-${i}`, contacts: [{ phoneNumber: `138${String(batch * 100 + i).padStart(8, '0')}` }] }));
        await client.call('AssignJobs', { InstanceId: instanceId, JobGroupId: jobGroupId, JobsJson: jobs });
      }
      const target = start + 30 * 86_400_000;
      const advancing = fetch(`${first.url}/_outboundbot/clock`, { method: 'POST', body: JSON.stringify({ to: target }) });
      // Stop once the walk is under way: the clock has moved (the server answers
      // between the advance's commits).
      for (let polls = 0; ; polls++) {
        const { now } = (await (await fetch(`${first.url}/_outboundbot/clock`)).json()) as { now: number };
        if (now > start) break;
        assert.ok(polls < 500, 'the advance never started');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const stopped = Date.now();
      await first.stop('SIGTERM');
      assert.ok(Date.now() - stopped < 5_000, 'the server took more than 5 s to stop');
      const answer = await advancing;
      assert.equal(answer.status, 503);
      const body = (await answer.json()) as { Code: string; Message: string };
      assert.equal(body.Code, 'ServiceUnavailable');
      const stoppedAt = Number(/stopped at (\d+)/.exec(body.Message)?.[1]);
      assert.ok(stoppedAt > start && stoppedAt < target, `stopped at ${stoppedAt}, not inside the advance`);

      const verified = await runCli(['verify', '--json'], data.dir);
      assert.equal(verified.code, 0, verified.stdout);
      const second = await startServerProcess({ dataDir: data.dir, env });
      try {
        const now = ((await (await fetch(`${second.url}/_outboundbot/clock`)).json()) as { now: number }).now;
        assert.equal(now, stoppedAt, 'the restarted clock resumes where the advance stopped');
      } finally {
        await second.stop();
      }
    } finally {
      data.cleanup();
    }
  });
});
