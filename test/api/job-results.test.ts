/**
 * QueryJobsWithResult end to end: a campaign of test numbers runs on the virtual
 * clock, then both official clients and the typed client read its results, which
 * must agree with DescribeJob (each job's latest call) and GetJobGroup (the counts), under every
 * filter of the reference, by a phone number in any written form, paged; bad
 * parameters are refused with the envelope and 400, and another account sees no
 * group. Runs on PostgreSQL too (OUTBOUNDBOT_TEST_BACKEND=postgres).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { failure, openApiCoreClient, popCoreClient, typedClient, type ApiClient } from '../helpers/clients.ts';
import { sendV1 } from '../helpers/raw-requests.ts';
import { mismatchesAgainstTree, referenceAction } from '../helpers/reference.ts';
import { runCli, TEST_KEY } from '../helpers/server-process.ts';
import { serverPerSuite, virtualClockAt } from '../helpers/suite-server.ts';

const START = Date.parse('2026-12-01T00:00:00Z');
const DAY = 86_400_000;
const STRATEGY = { maxAttemptsPerDay: 2, minAttemptInterval: 30, repeatable: true, repeatBy: 'Day', workingTime: [{ beginTime: '09:00:00', endTime: '18:00:00' }] };

/** Test numbers 1990000<code> (docs/emulator.md) and how their jobs end under STRATEGY. */
const CODES = ['0001', '0100', '0300', '0700', '1000', '1100'];
/** A job suspended before the campaign runs: never called. */
const PAUSED = 'paused';

interface ResultJob {
  Id: string;
  Status: string;
  JobFailureReason: string;
  LatestTask: {
    CallTime: number; CallDuration: number; CallDurationDisplay: string; Status: string; TaskEndReason: string;
    HasAnswered: boolean; HasHangUpByRejection: boolean; HasReachedEndOfFlow: boolean; HasLastPlaybackCompleted: boolean;
    Contact: { PhoneNumber: string; ReferenceId: string; JobUuid: string; Round: number };
  };
}

describe('QueryJobsWithResult over a campaign on the virtual clock', () => {
  const server = serverPerSuite(virtualClockAt(START));

  for (const [label, makeClient] of [
    ['pop-core', () => popCoreClient(server.url, TEST_KEY)],
    ['openapi-core', () => openApiCoreClient(server.url, TEST_KEY)],
    ['typed client', () => typedClient(server.url, TEST_KEY)],
  ] as Array<[string, () => ApiClient]>) {
    it(`${label}: results agree with DescribeJob and GetJobGroup under every filter, number form and page`, async () => {
      const client = makeClient();
      const begin = await server.clock();
      const InstanceId = (await client.call('CreateInstance', { InstanceName: `results ${label}`, MaxConcurrentConversation: 2, CallingNumber: ['057188880000'] })).Instance.InstanceId;
      const JobGroupId = (await client.call('CreateJobGroup', {
        InstanceId, JobGroupName: `results ${label}`,
        StrategyJson: JSON.stringify({ ...STRATEGY, startTime: begin, endTime: begin + 3 * DAY }),
        RecallStrategyJson: JSON.stringify({ emptyNumberIgnore: true, outOfServiceIgnore: true }),
      })).JobGroup.JobGroupId;
      const jobs = [...CODES.map((code) => ({ referenceId: code, contacts: [{ phoneNumber: `1990000${code}` }] })), { referenceId: PAUSED, contacts: [{ phoneNumber: '13800138000', name: 'Li Lei' }] }];
      const { JobsId } = await client.call('AssignJobs', { InstanceId, JobGroupId, JobsJson: jobs.map((job) => JSON.stringify(job)) });
      await client.call('SuspendJobs', { InstanceId, JobGroupId, All: false, JobReferenceId: [PAUSED] });
      await server.clock({ to: begin + 4 * DAY });

      const query = async (params: Record<string, unknown> = {}) => (await client.call('QueryJobsWithResult', { InstanceId, JobGroupId, PageSize: 50, ...params }));
      const refsOf = async (params: Record<string, unknown>) => {
        const body = await query(params);
        assert.equal(body.Jobs.RowCount, body.Jobs.List.length, `${JSON.stringify(params)}: one page holds them all`);
        return (body.Jobs.List as ResultJob[]).map((job) => refOf.get(job.Id)).sort();
      };
      const refOf = new Map<string, string>(JobsId.map((id: string, i: number) => [id, jobs[i]!.referenceId]));

      const all = await query();
      assert.deepEqual(mismatchesAgainstTree(referenceAction('QueryJobsWithResult').response, all), []);
      assert.deepEqual({ labels: all.Labels, variables: all.VariableNames }, { labels: [], variables: [] });
      const listed = all.Jobs.List as ResultJob[];
      // Newest first: the jobs were assigned in one call, so the order is the reverse of JobsId.
      assert.deepEqual(listed.map((job) => job.Id), [...JobsId].reverse());
      for (const result of listed) {
        const { Job } = await client.call('DescribeJob', { InstanceId, JobId: result.Id });
        const last = Job.Tasks.at(-1);
        assert.equal(result.Status, Job.Status);
        assert.equal(result.JobFailureReason, Job.FailureReason);
        const latest = result.LatestTask;
        assert.equal(latest.Contact.JobUuid, Job.JobId);
        if (!last) {
          assert.equal(refOf.get(result.Id), PAUSED);
          assert.deepEqual([latest.Status, latest.CallTime, latest.HasAnswered, latest.Contact.PhoneNumber, latest.Contact.Round], ['', 0, false, '13800138000', 0]);
          continue;
        }
        assert.equal(latest.Status, last.Status);
        assert.equal(latest.CallTime, last.ActualTime);
        assert.equal(latest.TaskEndReason, last.EndReason);
        assert.equal(latest.Contact.PhoneNumber, last.CalledNumber);
        assert.equal(latest.Contact.Round, Job.Tasks.length);
        assert.equal(Math.round(latest.CallDuration / 1000), last.Duration);
        assert.equal(latest.CallDurationDisplay, String(last.Duration));
        assert.equal(latest.HasAnswered, last.Status.startsWith('Succeeded'));
        assert.equal(latest.HasReachedEndOfFlow, last.EndReason === 'FINISHED');
        assert.equal(latest.HasHangUpByRejection, last.EndReason === 'CLIENT_HANGUP');
        assert.equal(latest.HasLastPlaybackCompleted, last.HangUpDirection === 'robot' && last.EndReason !== 'TIMEOUT_HANGUP');
      }

      const { JobGroup } = await client.call('GetJobGroup', { InstanceId, JobGroupId });
      assert.equal(all.Jobs.RowCount, JobGroup.Progress.TotalJobs);
      for (const [status, count] of [['Succeeded', JobGroup.Progress.TotalCompleted], ['Failed', JobGroup.Progress.Failed], ['Paused', JobGroup.Progress.Paused]] as const) {
        assert.equal((await query({ JobStatusFilter: status })).Jobs.RowCount, count, status);
      }

      const answered = ['0001', '0700', '1000', '1100'];
      const expectations: Array<[Record<string, unknown>, string[]]> = [
        [{ JobStatusFilter: 'Failed' }, ['0100', '0300']],
        [{ JobStatusFilter: 'Paused' }, [PAUSED]],
        [{ TaskStatusFilter: '["NoAnswer"]' }, ['0100']],
        [{ TaskStatusFilter: 'NoAnswer,NotExist' }, ['0100', '0300']],
        [{ TaskStatusFilter: '["Succeeded"]' }, answered],
        [{ TaskStatusFilter: '["SucceededClientHangUp","Busy"]' }, ['0700']],
        [{ HasAnsweredFilter: true }, answered],
        [{ HasAnsweredFilter: false }, ['0100', '0300', PAUSED]],
        [{ HasHangUpByRejectionFilter: true }, ['0700']],
        [{ HasReachedEndOfFlowFilter: true }, ['0001', '1100']],
        [{ HasReachedEndOfFlowFilter: false, HasAnsweredFilter: true }, ['0700', '1000']],
        [{ JobFailureReasonsFilter: '["EmptyNumber"]' }, ['0300']],
        [{ JobFailureReasonsFilter: 'NoAnswer,EmptyNumber', JobStatusFilter: 'Failed' }, ['0100', '0300']],
        [{ LabelsJson: ['满意'] }, []],
        [{ QueryText: '+8619900000700' }, ['0700']],
        [{ QueryText: '19900000700' }, ['0700']],
        [{ QueryText: '+86 199 0000 0700' }, ['0700']],
        [{ QueryText: '8613800138000' }, [PAUSED]],
        [{ QueryText: '0300' }, ['0300']],
        [{ QueryText: JobsId[3] }, ['0700']],
        [{ QueryText: '19900009999' }, []],
      ];
      for (const [params, expected] of expectations) assert.deepEqual(await refsOf(params), [...expected].sort(), JSON.stringify(params));

      // The call-time range, against the times DescribeJob gave: the middle calls' range.
      const times = listed.map((job) => job.LatestTask.CallTime).filter((t) => t > 0).sort((a, b) => a - b);
      const [from, to] = [times[1]!, times[times.length - 2]!];
      const inRange = listed.filter((job) => job.LatestTask.CallTime >= from && job.LatestTask.CallTime <= to).map((job) => refOf.get(job.Id)!);
      assert.ok(inRange.length >= 2 && inRange.length < times.length);
      assert.deepEqual(await refsOf({ StartActualTimeFilter: from, EndActualTimeFilter: to }), inRange.sort());
      assert.deepEqual(await refsOf({ StartActualTimeFilter: times.at(-1)! + 1 }), []);

      // Pages of 2: the same jobs in the same order, PageCount from RowCount, nothing past the end.
      const paged: string[] = [];
      for (let page = 1; page <= 4; page++) {
        const body = await query({ PageNumber: page, PageSize: 2 });
        assert.deepEqual([body.Jobs.PageNumber, body.Jobs.PageSize, body.Jobs.PageCount, body.Jobs.RowCount], [page, 2, 4, 7]);
        paged.push(...(body.Jobs.List as ResultJob[]).map((job) => job.Id));
      }
      assert.deepEqual(paged, listed.map((job) => job.Id));
      assert.deepEqual((await query({ PageNumber: 5, PageSize: 2 })).Jobs.List, []);

      // Bad parameters: InvalidParameter with 400, whichever client.
      for (const params of [
        { JobStatusFilter: 'Done' }, { TaskStatusFilter: '["Nope"]' }, { TaskStatusFilter: '["NoAnswer"' }, { TaskStatusFilter: '[1]' },
        { JobFailureReasonsFilter: '{"a":1}' }, { HasAnsweredFilter: 'maybe' }, { StartActualTimeFilter: -1 }, { EndActualTimeFilter: 'soon' },
        { StartActualTimeFilter: 2_000, EndActualTimeFilter: 1_000 }, { PageSize: 0 }, { PageSize: 101 }, { PageNumber: 0 }, { QueryText: 'x'.repeat(129) },
      ]) {
        const failed = await failure(query(params)).catch((error: Error) => assert.fail(`${JSON.stringify(params)}: ${error.message}`));
        assert.deepEqual([failed.code, failed.status], ['InvalidParameter', 400], JSON.stringify(params));
      }
      const missing = await failure(client.call('QueryJobsWithResult', { InstanceId }));
      assert.deepEqual([missing.code, missing.status], ['MissingParameter', 400]);
      const absent = await failure(client.call('QueryJobsWithResult', { InstanceId, JobGroupId: 'af81a389-91f0-4157-8d82-720edd02b66a' }));
      assert.deepEqual([absent.code, absent.status], ['NotExist.JobGroup', 404]);

      // Raw HTTP sees the error envelope itself.
      const raw = await sendV1(server.url, TEST_KEY, 'QueryJobsWithResult', { InstanceId, JobGroupId, TaskStatusFilter: '["Nope"]' });
      assert.equal(raw.status, 400);
      assert.deepEqual([raw.body.Code, raw.body.HttpStatusCode, raw.body.Success, typeof raw.body.RequestId, typeof raw.body.Message], ['InvalidParameter', 400, false, 'string', 'string']);
      assert.match(raw.body.Message, /TaskStatusFilter/);

      // Another account: its own instance does not hold the group, and ours is not its instance.
      const created = await runCli(['keys', 'create', '--json', '--new-account', '--name', `stranger ${label}`], server.dataDir);
      assert.equal(created.code, 0, created.stderr);
      const key = JSON.parse(created.stdout) as { AccessKeyId: string; AccessKeySecret: string };
      const stranger = makeClientFor(label, server.url, { accessKeyId: key.AccessKeyId, accessKeySecret: key.AccessKeySecret });
      const own = (await stranger.call('CreateInstance', { InstanceName: 'stranger', MaxConcurrentConversation: 1 })).Instance.InstanceId;
      assert.equal((await failure(stranger.call('QueryJobsWithResult', { InstanceId: own, JobGroupId }))).code, 'NotExist.JobGroup');
      assert.equal((await failure(stranger.call('QueryJobsWithResult', { InstanceId, JobGroupId }))).code, 'NotExist.Instance');
    });
  }
});

function makeClientFor(label: string, url: string, credentials: { accessKeyId: string; accessKeySecret: string }): ApiClient {
  if (label === 'typed client') return typedClient(url, credentials);
  return label === 'pop-core' ? popCoreClient(url, credentials) : openApiCoreClient(url, credentials);
}
