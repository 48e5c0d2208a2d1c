/**
 * The Store contract for the call history (searchTasks, findTask: SearchTask and
 * GetTaskByUuid), run on every backend by its store test file. Calls are claimed and
 * settled through the rounds the engine uses, then searched by each filter and sort.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JobRow, JobStatus, TaskEndReason, TaskRow, TaskStatus } from '../../src/store/rows.ts';
import type { Store } from '../../src/store/store.ts';
import type { TaskSearchFilter, TaskSort } from '../../src/store/task-search.ts';
import { claimAttempts, settleAttempt } from '../helpers/store-rounds.ts';
import { JobFixtures, freshJobStore } from './store-contract-jobs.ts';
import { DAY, T0, type OpenStore } from './store-contract.ts';

const NOW = T0 + DAY;
const MINUTE = 60_000;
const NEWEST_FIRST: TaskSort = { by: 'actualTime', order: 'desc' };
const ALL = { pageNumber: 1, pageSize: 100 };

interface Ending {
  status: TaskStatus;
  job: JobStatus;
  endReason?: TaskEndReason;
  talkMs?: number;
  ringingMs?: number;
}

/** Ends a claimed call as the engine would: the task's outcome and the job's move. */
async function settle(store: Store, task: TaskRow, at: number, ending: Ending): Promise<TaskRow> {
  const ended: TaskRow = {
    ...task,
    status: ending.status,
    endTime: at,
    ringingMs: ending.ringingMs ?? 5_000,
    talkMs: ending.talkMs ?? 0,
    endReason: ending.endReason ?? '',
    hangupDirection: ending.endReason ? 'robot' : '',
  };
  const counter = { Succeeded: 'completed', Failed: 'failed', Scheduling: 'scheduling' } as const;
  await settleAttempt(store, {
    task: ended,
    job: { id: task.jobId, status: ending.job, nextAttemptAt: at + 60 * MINUTE, failureReason: ending.job === 'Failed' ? 'NoAnswer' : '', endReason: '' },
    jobDelta: { executing: -1, [counter[ending.job as keyof typeof counter]]: 1 },
    taskDelta: { inFlight: -1, ...(ending.endReason ? { finishedNum: 1 } : { notAnswered: 1 }) },
    now: at,
  });
  return ended;
}

/**
 * An instance with two groups (one with a script) and calls in every state, plus a
 * second instance calling one of the same numbers.
 */
async function seedHistory(f: JobFixtures, store: Store) {
  const { account, instance } = await f.seedTenant();
  const script = await f.seedScript(instance.id, { name: '催收话术 v2' });
  const renewal = await f.seedJobGroup(instance.id, { name: '双十一回访', scriptId: script.id, status: 'Scheduling' });
  const plain = await f.seedJobGroup(instance.id, { name: '普通名单', status: 'Scheduling' });
  const withKey = (n: string) => f.contact({ phoneNumber: `1391234${n}`, e164: `+861391234${n}` });
  const renewalJobs = await f.seedJobs(renewal, [
    { referenceId: 'user-a', contacts: [withKey('0001')] },
    { referenceId: 'user-b', contacts: [withKey('0002')] },
    { referenceId: 'user-c', contacts: [withKey('0003')] },
  ]);
  // A job stored before contacts carried their E.164 form: found by its number as stored.
  const plainJobs = await f.seedJobs(plain, [{ referenceId: 'user-d', contacts: [withKey('0004')] }, { referenceId: 'user-e', contacts: [f.contact({ phoneNumber: '13912340005' })] }]);
  const claim = async (job: JobRow, at: number) => (await claimAttempts(store, [f.claim(job, at)], at))[0]!;
  const a = await settle(store, await claim(renewalJobs[0]!, NOW), NOW + 2 * MINUTE, { status: 'SucceededFinish', job: 'Succeeded', endReason: 'FINISHED', talkMs: 90_000, ringingMs: 3_000 });
  const b = await settle(store, await claim(renewalJobs[1]!, NOW + MINUTE), NOW + 2 * MINUTE, { status: 'Busy', job: 'Failed', ringingMs: 12_000 });
  const c = await claim(renewalJobs[2]!, NOW + 2 * MINUTE); // still ringing
  const d = await settle(store, await claim(plainJobs[0]!, NOW + 3 * MINUTE), NOW + 4 * MINUTE, { status: 'SucceededClientHangUp', job: 'Succeeded', endReason: 'CLIENT_HANGUP', talkMs: 20_000, ringingMs: 8_000 });
  const e = await settle(store, await claim(plainJobs[1]!, NOW + 4 * MINUTE), NOW + 5 * MINUTE, { status: 'NoAnswer', job: 'Scheduling', ringingMs: 30_000 });
  const elsewhere = await f.seedInstance(account.id);
  const otherGroup = await f.seedJobGroup(elsewhere.id, { name: '双十一回访', status: 'Scheduling' });
  const [otherJob] = await f.seedJobs(otherGroup, [{ contacts: [withKey('0001')] }]);
  const foreign = await claim(otherJob!, NOW + 5 * MINUTE);
  return { instance, elsewhere, script, renewal, plain, tasks: { a, b, c, d, e }, jobs: { renewalJobs, plainJobs }, foreign };
}

export function runTaskSearchStoreContract(name: string, open: OpenStore): void {
  const fresh = freshJobStore(open);

  describe(`Store contract, call history: ${name}`, () => {
    it(
      'searchTasks lists the instance\'s calls newest first, each with its job\'s status and reference, group and script names',
      fresh(async (f, store) => {
        const h = await seedHistory(f, store);
        const page = await store.searchTasks(h.instance.id, {}, NEWEST_FIRST, ALL);
        assert.equal(page.totalCount, 5, 'the other instance\'s call is not counted');
        assert.deepEqual(page.items.map((row) => row.task.id), [h.tasks.e.id, h.tasks.d.id, h.tasks.c.id, h.tasks.b.id, h.tasks.a.id]);
        const a = page.items.find((row) => row.task.id === h.tasks.a.id)!;
        assert.deepEqual(
          { jobStatus: a.jobStatus, referenceId: a.referenceId, jobGroupName: a.jobGroupName, scriptName: a.scriptName, status: a.task.status, talkMs: a.task.talkMs },
          { jobStatus: 'Succeeded', referenceId: 'user-a', jobGroupName: '双十一回访', scriptName: '催收话术 v2', status: 'SucceededFinish', talkMs: 90_000 },
        );
        const e = page.items.find((row) => row.task.id === h.tasks.e.id)!;
        assert.deepEqual({ jobStatus: e.jobStatus, scriptName: e.scriptName, jobGroupName: e.jobGroupName }, { jobStatus: 'Scheduling', scriptName: '', jobGroupName: '普通名单' });
      }),
    );

    it(
      'searchTasks pages through the same order, and a page past the end is empty with the full count',
      fresh(async (f, store) => {
        const h = await seedHistory(f, store);
        const all = (await store.searchTasks(h.instance.id, {}, NEWEST_FIRST, ALL)).items.map((row) => row.task.id);
        const paged: string[] = [];
        for (let pageNumber = 1; pageNumber <= 3; pageNumber++) {
          const page = await store.searchTasks(h.instance.id, {}, NEWEST_FIRST, { pageNumber, pageSize: 2 });
          assert.equal(page.totalCount, 5);
          paged.push(...page.items.map((row) => row.task.id));
        }
        assert.deepEqual(paged, all);
        assert.deepEqual(await store.searchTasks(h.instance.id, {}, NEWEST_FIRST, { pageNumber: 4, pageSize: 2 }), { items: [], totalCount: 5 });
      }),
    );

    it(
      'searchTasks applies each filter on its own',
      fresh(async (f, store) => {
        const h = await seedHistory(f, store);
        const { a, b, c, d, e } = h.tasks;
        const cases: Array<[string, TaskSearchFilter, TaskRow[]]> = [
          ['group', { jobGroupId: h.renewal.id }, [c, b, a]],
          ['job', { jobId: b.jobId }, [b]],
          ['task', { taskId: d.id }, [d]],
          ['other id: a task', { otherId: e.id }, [e]],
          ['other id: a job', { otherId: a.jobId }, [a]],
          ['callee by E.164 key', { calledKey: '+8613912340002' }, [b]],
          ['callee stored without a key, by its number', { calledKey: '13912340005' }, [e]],
          ['calling number', { callingNumber: '05712345678' }, [e, d, c, b, a]],
          ['calling number of no call', { callingNumber: '05700000000' }, []],
          ['statuses', { statuses: ['Busy', 'NoAnswer'] }, [e, b]],
          ['job statuses', { jobStatuses: ['Succeeded'] }, [d, a]],
          ['reference id', { referenceId: 'user-c' }, [c]],
          ['actual time range', { actualFrom: NOW + MINUTE, actualTo: NOW + 3 * MINUTE }, [d, c, b]],
          ['talk time range', { talkFrom: 20_000, talkTo: 60_000 }, [d]],
          ['ringing range', { ringingFrom: 8_000, ringingTo: 12_000 }, [d, b]],
          ['planned time range', { plannedFrom: T0, plannedTo: T0 }, [e, d, c, b, a]],
          ['planned time range of no call', { plannedFrom: T0 + 1, plannedTo: T0 + DAY }, []],
          ['group name part', { jobGroupName: '十一' }, [c, b, a]],
          ['script name part', { scriptName: '催收' }, [c, b, a]],
          ['script name of no script', { scriptName: '没有' }, []],
          ['filters together', { jobGroupId: h.renewal.id, statuses: ['SucceededFinish'], calledKey: '+8613912340001' }, [a]],
        ];
        for (const [label, filter, expected] of cases) {
          const page = await store.searchTasks(h.instance.id, filter, NEWEST_FIRST, ALL);
          assert.deepEqual(page.items.map((row) => row.task.id), expected.map((task) => task.id), label);
          assert.equal(page.totalCount, expected.length, `${label}: count`);
        }
        const foreign = await store.searchTasks(h.instance.id, { taskId: h.foreign.id }, NEWEST_FIRST, ALL);
        assert.deepEqual(foreign, { items: [], totalCount: 0 }, 'another instance\'s call is never found');
      }),
    );

    it(
      'searchTasks sorts by talk time, ringing time and planned time, either way, ties in a fixed order',
      fresh(async (f, store) => {
        const h = await seedHistory(f, store);
        const { a, b, c, d, e } = h.tasks;
        const order = async (sort: TaskSort) => (await store.searchTasks(h.instance.id, {}, sort, ALL)).items.map((row) => row.task.id);
        assert.deepEqual(await order({ by: 'actualTime', order: 'asc' }), [a, b, c, d, e].map((t) => t.id));
        // Ties (b, c and e never talked) come in claim order, reversed when descending.
        assert.deepEqual(await order({ by: 'callDuration', order: 'desc' }), [a, d, e, c, b].map((t) => t.id));
        assert.deepEqual(await order({ by: 'callDuration', order: 'asc' }), [b, c, e, d, a].map((t) => t.id));
        assert.deepEqual(await order({ by: 'recordingDuration', order: 'desc' }), [e.id, b.id, d.id, a.id, c.id]);
        // Ties (every call planned at T0) keep one order, the reverse of the other direction's.
        const plannedAsc = await order({ by: 'taskCreateTime', order: 'asc' });
        assert.deepEqual([...(await order({ by: 'taskCreateTime', order: 'desc' }))].reverse(), plannedAsc);
        assert.equal(plannedAsc.length, 5);
      }),
    );

    it(
      'findTask returns the instance\'s call with its conversation, and nothing for another instance\'s',
      fresh(async (f, store) => {
        const h = await seedHistory(f, store);
        const found = await store.findTask(h.instance.id, h.tasks.a.id);
        assert.equal(found?.id, h.tasks.a.id);
        assert.equal(found?.status, 'SucceededFinish');
        assert.equal(found?.talkMs, 90_000);
        assert.equal(await store.findTask(h.instance.id, h.foreign.id), undefined);
        assert.equal(await store.findTask(h.elsewhere.id, h.tasks.a.id), undefined);
        assert.equal(await store.findTask(h.instance.id, 'no-such-task'), undefined);
      }),
    );
  });
}
