import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkEndedJobs } from '../helpers/campaign-checks.ts';
import { popCoreClient } from '../helpers/clients.ts';
import { runCli, startServerProcess, tempDataDir, TEST_KEY } from '../helpers/server-process.ts';

const START = Date.parse('2026-12-01T00:00:00Z');
const DAY = 86_400_000;
const KILLS = 20;

/** A deterministic sequence for the kill schedule, so a failure can be replayed. */
function* sequence(seed: number): Generator<number> {
  let state = seed;
  for (;;) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    yield state / 2 ** 31;
  }
}

describe('crash safety', () => {
  it(`a campaign killed with SIGKILL ${KILLS} times loses no job, dials no job twice at once and counts every attempt once`, async () => {
    const data = tempDataDir();
    const random = sequence(Number(process.env.CRASH_SEED ?? 20261127));
    const env = { OUTBOUNDBOT_CLOCK: 'virtual', OUTBOUNDBOT_CLOCK_START: String(START) };
    try {
      let server = await startServerProcess({ dataDir: data.dir, env });
      let client = popCoreClient(server.url, TEST_KEY);
      const instanceId = (await client.call('CreateInstance', { InstanceName: 'crash', MaxConcurrentConversation: 5, CallingNumber: ['95187'] })).Instance.InstanceId;
      const jobGroupId = (
        await client.call('CreateJobGroup', {
          InstanceId: instanceId,
          JobGroupName: 'crash',
          StrategyJson: JSON.stringify({ maxAttemptsPerDay: 3, minAttemptInterval: 10, repeatable: true, repeatBy: 'Day', endTime: START + 2 * DAY }),
        })
      ).JobGroup.JobGroupId;
      const suffixes = ['0001', '0100', '0200', '0600', '0700', '0800', '1000', '1100'];
      const jobIds: string[] = [];
      for (let batch = 0; batch < 2; batch++) {
        const jobs = Array.from({ length: 30 }, (_, i) => JSON.stringify({ referenceId: `${batch}-${i}`, contacts: [{ phoneNumber: `1990000${suffixes[(batch * 30 + i) % suffixes.length]}` }] }));
        jobIds.push(...(await client.call('AssignJobs', { InstanceId: instanceId, JobGroupId: jobGroupId, JobsJson: jobs })).JobsId);
      }

      for (let kill = 0; kill < KILLS; kill++) {
        // Every other time, starting with the first, let an advance of 1 to 5 virtual
        // minutes answer and kill the process then: the calls in flight at its end are
        // committed (the first wave of 60 jobs on 5 lines is still running after the
        // first), so they can only end by their leases expiring, settled as interrupted
        // after the restart. The other times, kill it somewhere inside an advance of 2
        // to 40 minutes: the steps not yet committed are lost with their calls (an
        // advance commits its steps in groups), and must leave no trace.
        const during = kill % 2 === 1;
        const advanceMs = Math.floor((during ? 2 + random.next().value * 38 : 1 + random.next().value * 4) * 60_000);
        const pending = fetch(`${server.url}/_outboundbot/clock`, { method: 'POST', body: JSON.stringify({ advanceMs }) }).catch(() => undefined);
        if (during) await new Promise((resolve) => setTimeout(resolve, Math.floor(random.next().value * 120)));
        else await pending;
        await server.stop('SIGKILL');
        await pending;
        server = await startServerProcess({ dataDir: data.dir, env });
      }

      // Let everything finish: leases expire, interrupted calls are settled, retries run out.
      client = popCoreClient(server.url, TEST_KEY);
      const response = await fetch(`${server.url}/_outboundbot/clock`, { method: 'POST', body: JSON.stringify({ advanceMs: 3 * DAY }) });
      assert.equal(response.status, 200);
      const group = (await client.call('GetJobGroup', { InstanceId: instanceId, JobGroupId: jobGroupId })).JobGroup;
      assert.equal(group.Progress.TotalJobs, 60, 'no job lost');
      assert.equal(group.Status, 'Completed');
      assert.equal(group.Progress.TotalCompleted + group.Progress.Failed, 60, 'every job ended once');

      const { attempts, interrupted } = await checkEndedJobs(client, instanceId, jobIds);
      const listed = await client.call('ListJobGroups', { InstanceId: instanceId, PageNumber: 1, PageSize: 10 });
      assert.equal(listed.JobGroups.List[0].TotalCallNum, attempts, 'each attempt counted exactly once');
      await server.stop();

      const verified = await runCli(['verify', '--json'], data.dir);
      assert.equal(verified.code, 0, verified.stdout);
      assert.deepEqual(JSON.parse(verified.stdout).differences, []);
      // The kills must actually have hit calls in flight for the test to mean anything.
      assert.ok(interrupted > 0, 'no call was interrupted: the kill schedule missed every call');
    } finally {
      data.cleanup();
    }
  });
});
