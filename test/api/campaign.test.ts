import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DateTime } from 'luxon';
import { openApiCoreClient, popCoreClient, type ApiClient } from '../helpers/clients.ts';
import { mismatchesAgainstTree, referenceAction } from '../helpers/reference.ts';
import { runCli, TEST_KEY } from '../helpers/server-process.ts';
import { serverPerSuite, virtualClockAt } from '../helpers/suite-server.ts';

/** Tuesday 2026-12-01 08:00 in Shanghai: an hour before the first window opens. */
const START = Date.parse('2026-12-01T00:00:00Z');
const DAY = 86_400_000;
const ZONE = 'Asia/Shanghai';

const STRATEGY = {
  maxAttemptsPerDay: 2,
  minAttemptInterval: 30,
  repeatable: true,
  repeatBy: 'Day',
  workingTime: [
    { beginTime: '09:00:00', endTime: '12:00:00' },
    { beginTime: '14:00:00', endTime: '18:00:00' },
  ],
  startTime: START,
  endTime: START + 3 * DAY,
};

/** Expected end of each test number under STRATEGY with empty-number and out-of-service recall disabled. */
const EXPECTED: Record<string, { status: string; failureReason: string; tasks: string[]; endReasons?: string[] }> = {
  '0001': { status: 'Succeeded', failureReason: '', tasks: ['SucceededFinish'], endReasons: ['FINISHED'] },
  '0100': { status: 'Failed', failureReason: 'NoAnswer', tasks: Array(6).fill('NoAnswer') },
  '0200': { status: 'Failed', failureReason: 'NoAnswer', tasks: Array(6).fill('Busy') },
  '0300': { status: 'Failed', failureReason: 'EmptyNumber', tasks: ['NotExist'] },
  '0400': { status: 'Failed', failureReason: 'OutOfService', tasks: ['OutOfService'] },
  '0500': { status: 'Failed', failureReason: 'InArrears', tasks: Array(6).fill('InArrears') },
  '0600': { status: 'Failed', failureReason: 'NoAnswer', tasks: Array(6).fill('PoweredOff') },
  '0700': { status: 'Succeeded', failureReason: '', tasks: ['SucceededClientHangUp'], endReasons: ['CLIENT_HANGUP'] },
  '0800': { status: 'Succeeded', failureReason: '', tasks: ['SucceededChatbotHangUpAfterSilence'], endReasons: ['NO_INTERACTION'] },
  '0900': { status: 'Succeeded', failureReason: '', tasks: ['SucceededChatbotHangUpAfterNoAnswer'], endReasons: ['CHATBOT_HANGUP_AFTER_NOANSWER'] },
  '1000': { status: 'Succeeded', failureReason: '', tasks: ['SucceededChatbotHangUpAfterTimeout'], endReasons: ['TIMEOUT_HANGUP'] },
  '1100': { status: 'Succeeded', failureReason: '', tasks: ['NoAnswer', 'SucceededFinish'], endReasons: ['', 'FINISHED'] },
};

function localMinutes(at: number): number {
  const t = DateTime.fromMillis(at, { zone: ZONE });
  return t.hour * 60 + t.minute + t.second / 60;
}

/** Most calls in flight at once, from the tasks' [start, end) intervals. */
function peakConcurrency(tasks: Array<{ ActualTime: number; EndTime: number }>): number {
  const events = tasks.flatMap((t) => [
    [t.ActualTime, 1],
    [t.EndTime, -1],
  ]) as Array<[number, number]>;
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let current = 0;
  let peak = 0;
  for (const [, delta] of events) peak = Math.max(peak, (current += delta));
  return peak;
}

describe('a campaign of every test number on the virtual clock', () => {
  const server = serverPerSuite(virtualClockAt(START));

  const clock = (body?: { advanceMs?: number; to?: number }) => server.clock(body);

  for (const [label, makeClient] of [
    ['pop-core', () => popCoreClient(server.url, TEST_KEY)],
    ['openapi-core', () => openApiCoreClient(server.url, TEST_KEY)],
  ] as Array<[string, () => ApiClient]>) {
    it(`${label}: every job ends as its number dictates, inside the strategy, and GetJobGroup adds up`, async () => {
      const client = makeClient();
      const begin = await clock();
      const instanceId = (await client.call('CreateInstance', { InstanceName: label, MaxConcurrentConversation: 3, CallingNumber: ['057188880000'] })).Instance.InstanceId;
      const jobGroupId = (
        await client.call('CreateJobGroup', {
          InstanceId: instanceId,
          JobGroupName: `campaign ${label}`,
          StrategyJson: JSON.stringify({ ...STRATEGY, startTime: begin, endTime: begin + 3 * DAY }),
          RecallStrategyJson: JSON.stringify({ emptyNumberIgnore: true, outOfServiceIgnore: true }),
        })
      ).JobGroup.JobGroupId;
      const codes = Object.keys(EXPECTED);
      const assigned = await client.call('AssignJobs', {
        InstanceId: instanceId,
        JobGroupId: jobGroupId,
        JobsJson: codes.map((code) => JSON.stringify({ referenceId: code, contacts: [{ phoneNumber: `1990000${code}`, name: '张三', honorific: '先生' }], extras: [{ key: 'amount', value: '100' }] })),
      });
      assert.deepEqual(mismatchesAgainstTree(referenceAction('AssignJobs').response, assigned), []);
      assert.equal(assigned.JobsId.length, codes.length);

      await clock({ advanceMs: 0 });
      const early = (await client.call('GetJobGroup', { InstanceId: instanceId, JobGroupId: jobGroupId })).JobGroup;
      assert.equal(early.Status, begin === START ? 'Scheduling' : early.Status);
      assert.equal(early.Progress.TotalJobs, 12);

      await clock({ to: begin + 4 * DAY });
      const tasks: Array<{ ActualTime: number; EndTime: number }> = [];
      for (const [i, jobId] of assigned.JobsId.entries()) {
        const body = await client.call('DescribeJob', { InstanceId: instanceId, JobId: jobId });
        assert.deepEqual(mismatchesAgainstTree(referenceAction('DescribeJob').response.Job!.type as never, body.Job).filter((m) => !m.startsWith('$.Script')), []);
        const job = body.Job;
        const expected = EXPECTED[codes[i]!]!;
        assert.equal(job.ReferenceId, codes[i]);
        assert.equal(job.Status, expected.status, `${codes[i]} status`);
        assert.equal(job.FailureReason, expected.failureReason, `${codes[i]} failure reason`);
        assert.deepEqual(job.Tasks.map((t: { Status: string }) => t.Status), expected.tasks, `${codes[i]} tasks`);
        if (expected.endReasons) assert.deepEqual(job.Tasks.map((t: { EndReason: string }) => t.EndReason), expected.endReasons);
        const perDay = new Map<string, number>();
        let previous = -Infinity;
        for (const task of job.Tasks) {
          const minutes = localMinutes(task.ActualTime);
          assert.ok((minutes >= 9 * 60 && minutes < 12 * 60) || (minutes >= 14 * 60 && minutes < 18 * 60), `${codes[i]} called at ${new Date(task.ActualTime).toISOString()}, outside the windows`);
          assert.ok(task.ActualTime - previous >= 30 * 60_000, `${codes[i]}: attempts less than 30 minutes apart`);
          previous = task.ActualTime;
          const day = DateTime.fromMillis(task.ActualTime, { zone: ZONE }).toISODate()!;
          perDay.set(day, (perDay.get(day) ?? 0) + 1);
          assert.ok(task.EndTime > task.ActualTime);
          assert.equal(task.CalledNumber, `1990000${codes[i]}`);
          assert.equal(task.CallingNumber, '057188880000');
          tasks.push(task);
        }
        assert.ok([...perDay.values()].every((n) => n <= 2), `${codes[i]}: more than 2 attempts on a day`);
      }
      assert.ok(peakConcurrency(tasks) <= 3, `peak concurrency ${peakConcurrency(tasks)} exceeds the ceiling of 3`);

      const group = (await client.call('GetJobGroup', { InstanceId: instanceId, JobGroupId: jobGroupId })).JobGroup;
      assert.equal(group.Status, 'Completed');
      const notAnswered = Object.values(EXPECTED).flatMap((e) => e.tasks).filter((s) => !s.startsWith('Succeeded')).length;
      assert.deepEqual(
        { ...group.Progress, Briefs: undefined, Categories: undefined, StartTime: undefined, Duration: undefined },
        {
          Status: 'Completed', TotalJobs: 12, Scheduling: 0, Executing: 0, TotalCompleted: 6, Failed: 6, Paused: 0, Cancelled: 0,
          TotalNotAnswered: notAnswered, Briefs: undefined, Categories: undefined, StartTime: undefined, Duration: undefined,
        },
      );
      assert.equal(group.Progress.StartTime, Math.min(...tasks.map((t) => t.ActualTime)));
      assert.ok(group.Progress.Duration > 0);
      assert.deepEqual(group.Result, { FinishedNum: 2, ClientHangupNum: 1, NoInteractNum: 1, TimeoutHangupNum: 1, UnrecognizedNum: 1 });
      const listed = await client.call('ListJobsByGroup', { InstanceId: instanceId, JobGroupId: jobGroupId, JobStatus: 'Failed', PageNumber: 1, PageSize: 20 });
      assert.equal(listed.Jobs.TotalCount, 6);
      const executing = await client.call('DescribeGroupExecutingInfo', { InstanceId: instanceId, JobGroupId: jobGroupId });
      assert.deepEqual(mismatchesAgainstTree(referenceAction('DescribeGroupExecutingInfo').response, executing), []);
      const info = executing.ExecutingInfo;
      assert.equal(info.CallNum, tasks.length);
      assert.equal(info.CallFailedNum, notAnswered);
      assert.equal(info.FinishedNum, 2);
      assert.equal(info.HangUpByClientNum, 1);
      assert.equal(info.NoInteractionNum, 1);
      assert.equal(info.JobsProgress.TotalJobs, 12);
      assert.equal(JSON.parse(info.DurationDistribution).total, '6', 'six answered calls');
      const summary = await client.call('GetSummaryInfo', { InstanceIdList: [instanceId] });
      assert.deepEqual(mismatchesAgainstTree(referenceAction('GetSummaryInfo').response, summary), []);
      assert.equal(summary.AgentBotInstanceSummaryList.length, 1);
      assert.equal(summary.AgentBotInstanceSummaryList[0].TotalCallCount, tasks.length);
      assert.ok(summary.AgentBotInstanceSummaryList[0].TotalCallTime > 300, 'talk time includes the 5-minute timeout call');
      const concurrency = await client.call('GetCurrentConcurrency', { InstanceId: instanceId });
      assert.deepEqual({ c: concurrency.CurrentConcurrency, m: concurrency.MaxConcurrentConversation }, { c: 0, m: 3 });
    });
  }

  it('outboundbot verify finds every counter equal to its recount', async () => {
    const result = await runCli(['verify', '--json'], server.dataDir);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const parsed = JSON.parse(result.stdout) as { groups: number; differences: unknown[] };
    assert.equal(parsed.groups, 2);
    assert.deepEqual(parsed.differences, []);
  });
});
