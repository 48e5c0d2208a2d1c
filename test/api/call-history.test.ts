import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { failure, openApiCoreClient, popCoreClient, type ApiClient } from '../helpers/clients.ts';
import { mismatchesAgainstTree, referenceAction } from '../helpers/reference.ts';
import { runCli, TEST_KEY } from '../helpers/server-process.ts';
import { serverPerSuite, virtualClockAt } from '../helpers/suite-server.ts';

/** Tuesday 2026-12-01 08:00 in Shanghai: an hour before the first window opens. */
const START = Date.parse('2026-12-01T00:00:00Z');
const DAY = 86_400_000;

const STRATEGY = {
  maxAttemptsPerDay: 2,
  minAttemptInterval: 30,
  repeatable: true,
  repeatBy: 'Day',
  workingTime: [{ beginTime: '09:00:00', endTime: '12:00:00' }, { beginTime: '14:00:00', endTime: '18:00:00' }],
};

/** Test numbers of the simulated carrier (docs/emulator.md): answered, unanswered, busy, hung up, answered on the second call. */
const CODES = ['0001', '0100', '0200', '0700', '1100'];

interface SearchEntry {
  TaskId: string;
  JobId: string;
  JobGroupId: string;
  JobGroupName: string;
  CalledNumber: string;
  CallingNumber: string;
  ActualTime: number;
  CallDuration: number;
  RecordingDuration: number;
  TaskStatusString: string;
  TaskStatus: number;
  JobStatusString: string;
  UserId: string;
  HasAnswered: boolean;
  HasReachedEndOfFlow: boolean;
}

interface DescribedTask {
  TaskId: string;
  Status: string;
  ActualTime: number;
  CalledNumber: string;
  CallingNumber: string;
  Duration: number;
  RealRingingDuration: number;
  Conversation: Array<{ SequenceId: string; Speaker: string; Script: string; Timestamp: number; Action: string }>;
}

describe('the call history (SearchTask, GetTaskByUuid) of a campaign on the virtual clock', () => {
  const server = serverPerSuite(virtualClockAt(START));

  for (const [label, makeClient] of [
    ['pop-core', () => popCoreClient(server.url, TEST_KEY)],
    ['openapi-core', () => openApiCoreClient(server.url, TEST_KEY)],
  ] as Array<[string, () => ApiClient]>) {
    describe(label, () => {
      let client: ApiClient;
      let instanceId = '';
      let jobGroupId = '';
      let jobIds: string[] = [];
      /** DescribeJob's tasks of every job, with their job's reference id and status. */
      const described = new Map<string, DescribedTask & { referenceId: string; jobId: string; jobStatus: string }>();
      const search = (params: Record<string, unknown> = {}) => client.call('SearchTask', { InstanceId: instanceId, PageSize: 100, ...params });
      const idsOf = (reply: { SearchTaskInfoList: SearchEntry[] }) => reply.SearchTaskInfoList.map((entry) => entry.TaskId);

      before(async () => {
        client = makeClient();
        const begin = await server.clock();
        instanceId = (await client.call('CreateInstance', { InstanceName: `history ${label}`, MaxConcurrentConversation: 2, CallingNumber: ['057188880000'] })).Instance.InstanceId;
        jobGroupId = (
          await client.call('CreateJobGroup', {
            InstanceId: instanceId,
            JobGroupName: `回访 ${label}`,
            StrategyJson: JSON.stringify({ ...STRATEGY, startTime: begin, endTime: begin + 3 * DAY }),
          })
        ).JobGroup.JobGroupId;
        const assigned = await client.call('AssignJobs', {
          InstanceId: instanceId,
          JobGroupId: jobGroupId,
          JobsJson: CODES.map((code) => JSON.stringify({ referenceId: `user-${code}`, contacts: [{ phoneNumber: `1990000${code}`, name: `客户${code}` }] })),
        });
        jobIds = assigned.JobsId;
        await server.clock({ to: begin + 4 * DAY });
        for (const jobId of jobIds) {
          const job = (await client.call('DescribeJob', { InstanceId: instanceId, JobId: jobId })).Job;
          for (const task of job.Tasks as DescribedTask[]) described.set(task.TaskId, { ...task, referenceId: job.ReferenceId, jobId, jobStatus: job.Status });
        }
        assert.ok(described.size >= 10, `the campaign made its calls (${described.size})`);
      });

      it('lists every call DescribeJob shows, newest first, in the reference\'s shape, agreeing field by field', async () => {
        const reply = await search();
        assert.deepEqual(mismatchesAgainstTree(referenceAction('SearchTask').response, reply), []);
        assert.equal(reply.Total, described.size);
        assert.deepEqual(new Set(idsOf(reply)), new Set(described.keys()));
        const times = reply.SearchTaskInfoList.map((entry: SearchEntry) => entry.ActualTime);
        assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first by default');
        for (const entry of reply.SearchTaskInfoList as SearchEntry[]) {
          const task = described.get(entry.TaskId)!;
          assert.deepEqual(
            [entry.JobId, entry.JobGroupId, entry.CalledNumber, entry.CallingNumber, entry.ActualTime, entry.TaskStatusString, entry.JobStatusString, entry.UserId],
            [task.jobId, jobGroupId, task.CalledNumber, task.CallingNumber, task.ActualTime, task.Status, task.jobStatus, task.referenceId],
            entry.TaskId,
          );
          assert.equal(Math.round(entry.CallDuration / 1000), task.Duration, 'CallDuration is DescribeJob\'s Duration in ms');
          assert.equal(entry.RecordingDuration, task.RealRingingDuration);
          assert.equal(entry.HasAnswered, task.Status.startsWith('Succeeded'));
          assert.equal(entry.JobGroupName, `回访 ${label}`);
        }
        assert.deepEqual([reply.PageIndex, reply.PageSize, reply.Labels, reply.VariableNames], [0, 100, [], []]);
      });

      it('pages by PageIndex from 0 through the same order', async () => {
        const all = idsOf(await search());
        const paged: string[] = [];
        for (let index = 0; index * 4 < all.length; index++) {
          const page = await search({ PageIndex: index, PageSize: 4 });
          assert.equal(page.Total, all.length);
          assert.equal(page.PageIndex, index);
          paged.push(...idsOf(page));
        }
        assert.deepEqual(paged, all);
        const past = await search({ PageIndex: 99, PageSize: 4 });
        assert.deepEqual([past.SearchTaskInfoList, past.Total], [[], all.length]);
        assert.equal((await client.call('SearchTask', { InstanceId: instanceId })).SearchTaskInfoList.length, Math.min(10, all.length), 'ten a page by default');
      });

      it('finds a number\'s calls written +86, with spaces, or nationally', async () => {
        const expected = [...described.values()].filter((task) => task.CalledNumber === '19900001100').map((task) => task.TaskId).sort();
        assert.equal(expected.length, 2, 'the number answered on its second call');
        for (const written of ['+8619900001100', '+86 199 0000 1100', '19900001100', '8619900001100']) {
          assert.deepEqual(idsOf(await search({ CalledNumber: written })).sort(), expected, written);
        }
        assert.equal((await search({ CalledNumber: '+8619900009999' })).Total, 0);
      });

      it('filters by group, job, call, other id, user id and calling number', async () => {
        const [first] = [...described.values()];
        const ofJob = [...described.values()].filter((task) => task.jobId === jobIds[1]).map((task) => task.TaskId).sort();
        assert.equal((await search({ JobGroupId: jobGroupId })).Total, described.size);
        assert.equal((await search({ JobGroupId: 'no-such-group' })).Total, 0);
        assert.deepEqual(idsOf(await search({ JobId: jobIds[1] })).sort(), ofJob);
        assert.deepEqual(idsOf(await search({ OtherId: jobIds[1] })).sort(), ofJob);
        assert.deepEqual(idsOf(await search({ TaskId: first!.TaskId })), [first!.TaskId]);
        assert.deepEqual(idsOf(await search({ OtherId: first!.TaskId })), [first!.TaskId]);
        assert.deepEqual(idsOf(await search({ UserIdMatch: 'user-0100' })).sort(), [...described.values()].filter((t) => t.referenceId === 'user-0100').map((t) => t.TaskId).sort());
        assert.equal((await search({ CallingNumber: '057188880000' })).Total, described.size);
        assert.equal((await search({ CallingNumber: '057100000000' })).Total, 0);
      });

      it('filters by call and job statuses, time ranges, durations and names', async () => {
        const tasks = [...described.values()];
        const count = (predicate: (task: (typeof tasks)[number]) => boolean) => tasks.filter(predicate).length;
        assert.equal((await search({ TaskStatusStringList: 'NoAnswer' })).Total, count((t) => t.Status === 'NoAnswer'));
        assert.equal((await search({ TaskStatusStringList: 'Busy, SucceededFinish' })).Total, count((t) => t.Status === 'Busy' || t.Status === 'SucceededFinish'));
        assert.equal((await search({ TaskStatusStringList: 'Succeeded' })).Total, count((t) => t.Status.startsWith('Succeeded')));
        assert.equal((await search({ JobStatusStringList: 'Failed' })).Total, count((t) => t.jobStatus === 'Failed'));
        const times = tasks.map((t) => t.ActualTime).sort((a, b) => a - b);
        const middle = times[Math.floor(times.length / 2)]!;
        assert.equal((await search({ ActualTimeGte: middle })).Total, count((t) => t.ActualTime >= middle));
        assert.equal((await search({ ActualTimeLte: middle })).Total, count((t) => t.ActualTime <= middle));
        assert.equal((await search({ CallDurationGte: 1 })).Total, count((t) => t.Duration > 0));
        assert.equal((await search({ CallDurationLte: 0 })).Total, count((t) => t.Duration === 0));
        const ringing = tasks.map((t) => t.RealRingingDuration).sort((a, b) => a - b)[Math.floor(tasks.length / 2)]!;
        assert.equal((await search({ RecordingDurationGte: ringing, RecordingDurationLte: ringing })).Total, count((t) => t.RealRingingDuration === ringing));
        assert.equal((await search({ JobGroupNameQuery: '回访' })).Total, described.size);
        assert.equal((await search({ JobGroupNameQuery: '没有这个' })).Total, 0);
        assert.equal((await search({ ScriptNameQuery: '话术' })).Total, 0, 'the group has no script');
        assert.equal((await search({ LabelsJson: [JSON.stringify({ K: '是否满意', V: '是' })] })).Total, 0, 'no call carries labels');
        // TaskCreateTime filters only with both bounds.
        assert.equal((await search({ TaskCreateTimeGte: START + 100 * DAY })).Total, described.size);
        assert.equal((await search({ TaskCreateTimeGte: START + 100 * DAY, TaskCreateTimeLte: START + 101 * DAY })).Total, 0);
      });

      it('sorts by call time, talk time and ringing time, either way', async () => {
        const sorted = async (SortBy: string, SortOrder: string, field: keyof SearchEntry) =>
          ((await search({ SortBy, SortOrder })).SearchTaskInfoList as SearchEntry[]).map((entry) => entry[field] as number);
        const ascending = (values: number[]) => values.every((value, i) => i === 0 || values[i - 1]! <= value);
        assert.ok(ascending(await sorted('actualTime', 'asc', 'ActualTime')));
        assert.ok(ascending((await sorted('actualTime', 'desc', 'ActualTime')).reverse()));
        const talk = await sorted('callDuration', 'desc', 'CallDuration');
        assert.ok(ascending([...talk].reverse()) && talk[0]! > 0, `talk time descending: ${talk}`);
        assert.ok(ascending(await sorted('callDuration', 'asc', 'CallDuration')));
        assert.ok(ascending(await sorted('recordingDuration', 'asc', 'RecordingDuration')));
        assert.equal((await search({ SortBy: 'taskCreateTime' })).Total, described.size);
      });

      it('GetTaskByUuid answers one call, with its conversation only when asked', async () => {
        const answered = [...described.values()].find((task) => task.Status === 'SucceededFinish')!;
        const plain = await client.call('GetTaskByUuid', { InstanceId: instanceId, TaskId: answered.TaskId });
        assert.deepEqual(mismatchesAgainstTree(referenceAction('GetTaskByUuid').response, plain), []);
        const { Task } = plain;
        assert.deepEqual(
          [Task.Id, Task.CallId, Task.JobId, Task.JobGroupId, Task.InstanceId, Task.CalledNumber, Task.CallingNumber, Task.ActualTime, Task.EndReason, Task.Conversations],
          [answered.TaskId, answered.TaskId, answered.jobId, jobGroupId, instanceId, answered.CalledNumber, answered.CallingNumber, answered.ActualTime, 'FINISHED', []],
        );
        assert.ok(Task.EndTime > Task.ActualTime);
        const full = (await client.call('GetTaskByUuid', { InstanceId: instanceId, TaskId: answered.TaskId, WithConversations: true })).Task;
        assert.ok(full.Conversations.length > 0, 'an answered call has turns');
        assert.deepEqual(
          full.Conversations,
          answered.Conversation.map(({ SequenceId, Speaker, Script, Timestamp, Action }) => ({ SequenceId, Speaker, Script, Timestamp, Action })),
        );
        assert.deepEqual(new Set(full.Conversations.map((turn: { Speaker: string }) => turn.Speaker)), new Set(['Robot', 'Contact']));
      });

      it('refuses bad parameters with the error envelope and a 400', async () => {
        const bad: Array<[string, Record<string, unknown>, string]> = [
          ['SearchTask', { InstanceId: instanceId, SortBy: 'bogus' }, 'InvalidParameter'],
          ['SearchTask', { InstanceId: instanceId, SortOrder: 'up' }, 'InvalidParameter'],
          ['SearchTask', { InstanceId: instanceId, PageSize: 0 }, 'InvalidParameter'],
          ['SearchTask', { InstanceId: instanceId, PageSize: 101 }, 'InvalidParameter'],
          ['SearchTask', { InstanceId: instanceId, PageIndex: -1 }, 'InvalidParameter'],
          ['SearchTask', { InstanceId: instanceId, PageIndex: 'first' }, 'InvalidParameter'],
          ['SearchTask', { InstanceId: instanceId, TaskStatusStringList: 'NoAnswer,Nope' }, 'InvalidParameter'],
          ['SearchTask', { InstanceId: instanceId, JobStatusStringList: 'Done' }, 'InvalidParameter'],
          ['SearchTask', { InstanceId: instanceId, ActualTimeGte: 'yesterday' }, 'InvalidParameter'],
          ['SearchTask', { InstanceId: instanceId, CallDurationGte: -5 }, 'InvalidParameter'],
          ['SearchTask', { InstanceId: instanceId, LabelsJson: ['not json'] }, 'InvalidParameter'],
          ['SearchTask', { InstanceId: instanceId, LabelsJson: [JSON.stringify({ name: 'x' })] }, 'InvalidParameter'],
          ['SearchTask', { InstanceId: instanceId, CalledNumber: '1'.repeat(40) }, 'InvalidParameter'],
          ['SearchTask', {}, 'MissingParameter'],
          ['GetTaskByUuid', { InstanceId: instanceId }, 'MissingParameter'],
          ['GetTaskByUuid', { InstanceId: instanceId, TaskId: [...described.keys()][0], WithConversations: 'maybe' }, 'InvalidParameter'],
        ];
        for (const [action, params, code] of bad) {
          const error = await failure(client.call(action, params));
          assert.equal(error.code.split('.')[0], code, `${action} ${JSON.stringify(params)}: ${error.code} ${error.message}`);
          assert.equal(error.status, 400, `${action} ${JSON.stringify(params)}`);
        }
        const missing = await failure(client.call('GetTaskByUuid', { InstanceId: instanceId, TaskId: 'no-such-task' }));
        assert.deepEqual([missing.code, missing.status], ['NotExist.Task', 404]);
      });

      it('never shows another account\'s calls', async () => {
        const created = await runCli(['keys', 'create', '--new-account', '--name', `stranger ${label}`, '--json'], server.dataDir);
        assert.equal(created.code, 0, created.stderr);
        const key = JSON.parse(created.stdout) as { AccessKeyId: string; AccessKeySecret: string };
        const stranger = makeClientFor(label, server.url, { accessKeyId: key.AccessKeyId, accessKeySecret: key.AccessKeySecret });
        const taskId = [...described.keys()][0]!;
        const foreign = await failure(stranger.call('GetTaskByUuid', { InstanceId: instanceId, TaskId: taskId }));
        assert.deepEqual([foreign.code, foreign.status], ['NotExist.Instance', 404]);
        assert.equal((await failure(stranger.call('SearchTask', { InstanceId: instanceId }))).code, 'NotExist.Instance');
        // In an instance of its own, the stranger's call history is empty and the task is not found.
        const own = (await stranger.call('CreateInstance', { InstanceName: 'stranger', MaxConcurrentConversation: 1 })).Instance.InstanceId;
        assert.equal((await stranger.call('SearchTask', { InstanceId: own, TaskId: taskId })).Total, 0);
        assert.equal((await failure(stranger.call('GetTaskByUuid', { InstanceId: own, TaskId: taskId }))).code, 'NotExist.Task');
      });
    });
  }
});

function makeClientFor(label: string, url: string, credentials: { accessKeyId: string; accessKeySecret: string }): ApiClient {
  return label === 'pop-core' ? popCoreClient(url, credentials) : openApiCoreClient(url, credentials);
}
