/**
 * The FileStore contract (store.files): parsing and export tasks, the one-time
 * claim of a parsed file by a job group, and the keyset walks exports stream
 * from. Every backend runs it through runFileStoreContract with a factory that
 * opens an empty store (SQLite: test/store/sqlite-file-store.test.ts).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ParsedJobsWriter } from '../../src/files/parsed-jobs.ts';
import type { FileTaskRow } from '../../src/store/file-store.ts';
import type { JobGroupRow, JobRow, TaskRow } from '../../src/store/rows.ts';
import { Fixtures, T0, type OpenStore } from './store-contract.ts';
import { claimAttempts, settleAttempt } from '../helpers/store-rounds.ts';

function task(f: Fixtures, accountId: string, instanceId: string, over: Partial<FileTaskRow> = {}): FileTaskRow {
  const now = f.clock.now();
  return {
    id: f.id(),
    accountId,
    instanceId,
    kind: 'Parse',
    status: 'Pending',
    title: 'contacts.csv',
    jobGroupId: '',
    input: { jobFilePath: `UPLOADED/JOB/${instanceId}/x_contacts.csv`, format: 'csv' },
    total: 0,
    handled: 0,
    accepted: 0,
    rejected: 0,
    resultPath: '',
    reportPath: '',
    failCode: '',
    failReason: '',
    assignGroupId: '',
    assignStatus: '',
    assigned: 0,
    createdAt: now,
    updatedAt: now,
    ...over,
  };
}

function job(f: Fixtures, group: JobGroupRow, phone: string): JobRow {
  const now = f.clock.now();
  return {
    id: f.id(),
    instanceId: group.instanceId,
    jobGroupId: group.id,
    referenceId: `ref-${phone}`,
    status: 'Scheduling',
    contacts: [{ id: f.id(), phoneNumber: phone, name: '张三', honorific: '先生', referenceId: '' }],
    extras: [{ key: 'amount', value: '1' }],
    callingNumbers: [],
    scriptVersion: '',
    nextAttemptAt: T0,
    attempts: 0,
    attemptDay: '',
    dayAttempts: 0,
    lastAttemptAt: 0,
    failureReason: '',
    endReason: '',
    createdAt: now,
    modifiedAt: now,
  };
}

function attempt(f: Fixtures, target: JobRow, now: number): TaskRow {
  return {
    id: f.id(),
    jobId: target.id,
    jobGroupId: target.jobGroupId,
    instanceId: target.instanceId,
    attempt: 1,
    status: 'Executing',
    callingNumber: '05712345678',
    calledNumber: target.contacts[0]!.phoneNumber,
    contact: target.contacts[0]!,
    plannedTime: target.nextAttemptAt,
    actualTime: now,
    leaseExpiresAt: now + 600_000,
    endTime: 0,
    ringingMs: 0,
    talkMs: 0,
    endReason: '',
    hangupDirection: '',
    sipCode: '',
    conversation: [],
  };
}

export function runFileStoreContract(name: string, open: OpenStore): void {
  describe(`FileStore contract: ${name}`, () => {
    async function withStore(body: (f: Fixtures) => Promise<void>): Promise<void> {
      const opened = await open();
      try {
        await body(new Fixtures(opened.store));
      } finally {
        await opened.cleanup();
      }
    }

    it('finds a task only in its own account (and instance, when given)', () =>
      withStore(async (f) => {
        const { account, instance } = await f.seedTenant();
        const other = await f.seedTenant();
        const row = task(f, account.id, instance.id);
        await f.store.files.insertTask(row);
        assert.deepEqual(await f.store.files.findTask(account.id, row.id), row);
        assert.deepEqual(await f.store.files.findTask(account.id, row.id, instance.id), row);
        assert.equal(await f.store.files.findTask(other.account.id, row.id), undefined);
        assert.equal(await f.store.files.findTask(account.id, row.id, other.instance.id), undefined);
      }));

    it('changes only the fields a task reports', () =>
      withStore(async (f) => {
        const { account, instance } = await f.seedTenant();
        const row = task(f, account.id, instance.id);
        await f.store.files.insertTask(row);
        await f.store.files.updateTask(row.id, { status: 'InProgress', handled: 10 }, T0 + 5);
        await f.store.files.updateTask(row.id, { accepted: 8, rejected: 2, reportPath: 'tasks/x/rejected.csv' }, T0 + 6);
        assert.deepEqual(await f.store.files.findTask(account.id, row.id), {
          ...row,
          status: 'InProgress',
          handled: 10,
          accepted: 8,
          rejected: 2,
          reportPath: 'tasks/x/rejected.csv',
          updatedAt: T0 + 6,
        });
      }));

    it('shows a group export as the group\'s latest export in GetJobGroup\'s view', () =>
      withStore(async (f) => {
        const { account, instance } = await f.seedTenant();
        const group = await f.seedJobGroup(instance.id);
        const first = task(f, account.id, instance.id, { kind: 'GroupExport', jobGroupId: group.id, title: 'jobs' });
        await f.store.files.insertTask(first);
        assert.deepEqual((await f.store.viewJobGroup(instance.id, group.id))?.latestExport, { status: 'PENDING', progress: '0', fileHttpUrl: '' });
        await f.store.files.updateTask(first.id, { status: 'InProgress', total: 200, handled: 50 }, T0 + 10);
        assert.deepEqual((await f.store.viewJobGroup(instance.id, group.id))?.latestExport, { status: 'RUNNING', progress: '0.25', fileHttpUrl: '' });
        await f.store.files.updateTask(first.id, { status: 'Finished', handled: 200, fileHttpUrl: 'http://h/f?Signature=s' }, T0 + 11);
        assert.deepEqual((await f.store.viewJobGroup(instance.id, group.id))?.latestExport, { status: 'FINISHED', progress: '1', fileHttpUrl: 'http://h/f?Signature=s' });
        f.clock.advance(1000);
        const second = task(f, account.id, instance.id, { kind: 'GroupExport', jobGroupId: group.id, title: 'jobs' });
        await f.store.files.insertTask(second);
        await f.store.files.updateTask(second.id, { status: 'Failed', failCode: 'InternalError' }, T0 + 2000);
        assert.equal((await f.store.viewJobGroup(instance.id, group.id))?.latestExport?.status, 'FAILED');
      }));

    it('lets a finished parse be claimed by one group, once, keeping the calling numbers', () =>
      withStore(async (f) => {
        const { account, instance } = await f.seedTenant();
        const pending = task(f, account.id, instance.id);
        const done = task(f, account.id, instance.id, { status: 'PartialFinished', accepted: 3, rejected: 1 });
        await f.store.files.insertTask(pending);
        await f.store.files.insertTask(done);
        assert.equal(await f.store.files.claimAssignment(pending.id, 'group-a', [], T0 + 1), false, 'not parsed yet');
        assert.equal(await f.store.files.claimAssignment(done.id, 'group-a', ['057188880000'], T0 + 1), true);
        assert.equal(await f.store.files.claimAssignment(done.id, 'group-b', [], T0 + 2), false, 'already claimed');
        const claimed = await f.store.files.findTask(account.id, done.id);
        assert.deepEqual([claimed?.assignGroupId, claimed?.assignStatus, claimed?.input.assignCallingNumbers], ['group-a', 'InProgress', ['057188880000']]);
      }));

    it('creates a parsed file\'s jobs batch by batch as insertJobs would, records the progress, and never creates one twice', () =>
      withStore(async (f) => {
        const dir = await mkdtemp(join(tmpdir(), 'outboundbot-parsed-jobs-'));
        try {
          const { account, instance } = await f.seedTenant();
          const group = await f.seedJobGroup(instance.id, { status: 'Draft' });
          const parsedPath = join(dir, 'parsed-jobs.sqlite');
          const writer = await ParsedJobsWriter.create(parsedPath);
          const parsed = Array.from({ length: 7 }, (_, i) => ({
            row: i + 2,
            id: f.id(),
            referenceId: `ref-${i}`,
            contacts: JSON.stringify([{ id: f.id(), phoneNumber: `1380013800${i}`, name: `n${i}`, honorific: '', referenceId: `ref-${i}` }]),
            extras: JSON.stringify(i % 2 ? [{ key: 'amount', value: String(i) }] : []),
          }));
          assert.equal(writer.append(parsed.slice(0, 4)), 4);
          assert.equal(writer.append(parsed.slice(4)), 7);
          await writer.close();
          const row = task(f, account.id, instance.id, { status: 'Finished', accepted: 7, resultPath: 'tasks/t/parsed-jobs.sqlite' });
          await f.store.files.insertTask(row);
          assert.equal(await f.store.files.claimAssignment(row.id, group.id, ['057188880000'], T0 + 1), true);
          const batch = (after: number, now: number) => ({
            taskId: row.id,
            parsedPath,
            instanceId: instance.id,
            jobGroupId: group.id,
            callingNumbers: ['057188880000'],
            scriptVersion: 'v1',
            after,
            limit: 3,
            now,
          });

          assert.equal(await f.store.files.assignParsedJobs(batch(0, T0 + 10)), 3);
          assert.equal((await f.store.files.findTask(account.id, row.id))?.assigned, 3);
          const view = await f.store.viewJobGroup(instance.id, group.id);
          assert.equal(view?.group.status, 'Scheduling', 'a Draft group wakes when jobs arrive');
          assert.deepEqual([(await f.store.storedCounters(group.id))?.totalJobs, (await f.store.storedCounters(group.id))?.scheduling], [3, 3]);
          const [first] = await f.store.listJobs(instance.id, [parsed[0]!.id]);
          assert.deepEqual(first, {
            id: parsed[0]!.id,
            instanceId: instance.id,
            jobGroupId: group.id,
            referenceId: 'ref-0',
            status: 'Scheduling',
            contacts: JSON.parse(parsed[0]!.contacts),
            extras: [],
            callingNumbers: ['057188880000'],
            scriptVersion: 'v1',
            nextAttemptAt: T0 + 10,
            attempts: 0,
            attemptDay: '',
            dayAttempts: 0,
            lastAttemptAt: 0,
            failureReason: '',
            endReason: '',
            createdAt: T0 + 10,
            modifiedAt: T0 + 10,
          });

          assert.equal(await f.store.files.assignParsedJobs(batch(3, T0 + 20)), 3);
          // A run that stopped after committing jobs 4-6 but before its caller saw the
          // progress repeats the batch: nothing is created or counted twice.
          assert.equal(await f.store.files.assignParsedJobs(batch(3, T0 + 21)), 3);
          assert.equal((await f.store.storedCounters(group.id))?.totalJobs, 6);
          assert.equal(await f.store.files.assignParsedJobs(batch(6, T0 + 30)), 1);
          assert.equal(await f.store.files.assignParsedJobs(batch(7, T0 + 40)), 0);
          assert.equal((await f.store.files.findTask(account.id, row.id))?.assigned, 7);
          const stored = await f.store.storedCounters(group.id);
          assert.equal(stored?.totalJobs, 7);
          assert.deepEqual(await f.store.recountGroup(group.id), stored);
          const walked = await f.store.files.exportJobs(group.id, '', 100);
          assert.deepEqual(walked.items.map((item) => item.job.id), parsed.map((job) => job.id), 'in file order');
          assert.deepEqual(walked.items[1]!.job.extras, [{ key: 'amount', value: '1' }]);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      }));

    it('lists an account\'s export tasks newest first, by page, without parsing tasks', () =>
      withStore(async (f) => {
        const { account, instance } = await f.seedTenant();
        const other = await f.seedTenant();
        const ids: string[] = [];
        for (let i = 0; i < 3; i++) {
          f.clock.advance(1000);
          const row = task(f, account.id, instance.id, { kind: i === 1 ? 'TaskExport' : 'GroupExport', jobGroupId: i === 1 ? '' : (await f.seedJobGroup(instance.id)).id });
          await f.store.files.insertTask(row);
          ids.push(row.id);
        }
        await f.store.files.insertTask(task(f, account.id, instance.id));
        await f.store.files.insertTask(task(f, other.account.id, other.instance.id, { kind: 'TaskExport' }));
        const first = await f.store.files.listExportTasks(account.id, undefined, { pageNumber: 1, pageSize: 2 });
        const second = await f.store.files.listExportTasks(account.id, instance.id, { pageNumber: 2, pageSize: 2 });
        assert.deepEqual([first.totalCount, ...first.items.map((t) => t.id), ...second.items.map((t) => t.id)], [3, ids[2], ids[1], ids[0]]);
        assert.equal((await f.store.files.listExportTasks(account.id, other.instance.id, { pageNumber: 1, pageSize: 10 })).totalCount, 0);
      }));

    it('hands a restart every task still to do, and only those', () =>
      withStore(async (f) => {
        const { account, instance } = await f.seedTenant();
        const rows = [
          task(f, account.id, instance.id, { status: 'Pending' }),
          task(f, account.id, instance.id, { status: 'InProgress', kind: 'TaskExport' }),
          task(f, account.id, instance.id, { status: 'Finished', assignStatus: 'InProgress', assignGroupId: 'g', assigned: 5000 }),
          task(f, account.id, instance.id, { status: 'Finished', assignStatus: 'Finished', assignGroupId: 'g' }),
          task(f, account.id, instance.id, { status: 'Failed' }),
        ];
        for (const row of rows) await f.store.files.insertTask(row);
        assert.deepEqual(
          (await f.store.files.unfinishedTasks()).map((t) => t.id),
          rows.slice(0, 3).map((t) => t.id),
        );
      }));

    it('walks a group\'s jobs page by page with their tasks, and nothing of other groups', () =>
      withStore(async (f) => {
        const { instance } = await f.seedTenant();
        const group = await f.seedJobGroup(instance.id);
        const other = await f.seedJobGroup(instance.id);
        const jobs = Array.from({ length: 5 }, (_, i) => job(f, group, `1380013800${i}`));
        await f.store.insertJobs(group.id, jobs, T0);
        await f.store.insertJobs(other.id, [job(f, other, '13900139000')], T0);
        const now = f.clock.now() + 1000;
        const claims = [jobs[1]!, jobs[3]!].map((j) => ({ task: attempt(f, j, now), attempts: 1, attemptDay: '2025-10-10', dayAttempts: 1 }));
        await claimAttempts(f.store, claims, now);
        const seen: Array<{ job: string; tasks: string[] }> = [];
        let after = '';
        let pages = 0;
        do {
          const page = await f.store.files.exportJobs(group.id, after, 2);
          seen.push(...page.items.map((item) => ({ job: item.job.id, tasks: item.tasks.map((t) => t.id) })));
          after = page.next;
          pages++;
        } while (after);
        assert.ok(pages >= 3);
        assert.deepEqual(
          seen.map((s) => s.job),
          jobs.map((j) => j.id),
        );
        assert.deepEqual(
          seen.map((s) => s.tasks),
          jobs.map((j, i) => (i === 1 || i === 3 ? [claims.find((c) => c.task.jobId === j.id)!.task.id] : [])),
        );
        const firstPage = await f.store.files.exportJobs(group.id, '', 10);
        assert.deepEqual(firstPage.items[0]!.job.contacts, jobs[0]!.contacts);
      }));

    it('walks an instance\'s calls by filter', () =>
      withStore(async (f) => {
        const { instance } = await f.seedTenant();
        const elsewhere = await f.seedTenant();
        const group = await f.seedJobGroup(instance.id);
        const strange = await f.seedJobGroup(elsewhere.instance.id);
        const jobs = Array.from({ length: 3 }, (_, i) => job(f, group, `1380013800${i}`));
        await f.store.insertJobs(group.id, jobs, T0);
        const foreign = job(f, strange, '13900139000');
        await f.store.insertJobs(strange.id, [foreign], T0);
        const now = f.clock.now() + 1000;
        const claims = [...jobs, foreign].map((j) => ({ task: attempt(f, j, now), attempts: 1, attemptDay: '2025-10-10', dayAttempts: 1 }));
        await claimAttempts(f.store, claims, now);
        const all = await f.store.files.exportTasks(instance.id, {}, '', 10);
        assert.deepEqual(all.items.map((t) => t.jobId), jobs.map((j) => j.id));
        assert.equal(all.next, '');
        const one = await f.store.files.exportTasks(instance.id, { calledNumber: '13800138001', statuses: ['Executing'] }, '', 10);
        assert.deepEqual(one.items.map((t) => t.jobId), [jobs[1]!.id]);
        assert.equal((await f.store.files.exportTasks(instance.id, { answered: true }, '', 10)).items.length, 0);
        const paged = await f.store.files.exportTasks(instance.id, {}, '', 2);
        const rest = await f.store.files.exportTasks(instance.id, {}, paged.next, 2);
        assert.deepEqual([...paged.items, ...rest.items].map((t) => t.id), all.items.map((t) => t.id));
      }));

    it('pages through calls made at different moments, each exactly once', () =>
      withStore(async (f) => {
        const { instance } = await f.seedTenant();
        const group = await f.seedJobGroup(instance.id);
        const jobs = Array.from({ length: 7 }, (_, i) => job(f, group, `1380013801${i}`));
        await f.store.insertJobs(group.id, jobs, T0);
        const early = f.clock.now() + 1000;
        // Three rounds, the later ones first in the table for the last two moments.
        for (const [moment, batch] of [[early, jobs.slice(0, 3)], [early + 2000, jobs.slice(5)], [early + 1000, jobs.slice(3, 5)]] as const) {
          await claimAttempts(f.store, batch.map((j) => ({ task: attempt(f, j, moment), attempts: 1, attemptDay: '2025-10-10', dayAttempts: 1 })), moment);
        }
        const all = await f.store.files.exportTasks(instance.id, {}, '', 100);
        assert.equal(all.items.length, jobs.length);
        const seen: string[] = [];
        let after = '';
        do {
          const page = await f.store.files.exportTasks(instance.id, {}, after, 2);
          seen.push(...page.items.map((t) => t.id));
          after = page.next;
        } while (after);
        assert.deepEqual(seen, all.items.map((t) => t.id));
        assert.equal(new Set(seen).size, jobs.length);
      }));

    it('filters calls by ringing time, end of flow, job status, group name and script name', () =>
      withStore(async (f) => {
        const { instance } = await f.seedTenant();
        const script = await f.seedScript(instance.id, { name: '催收话术 v2' });
        const scripted = await f.seedJobGroup(instance.id, { name: '测试_20220217_160147', scriptId: script.id });
        const plain = await f.seedJobGroup(instance.id, { name: 'plain' });
        const jobs = [job(f, scripted, '13800138000'), job(f, scripted, '13800138001'), job(f, plain, '13800138002')];
        await f.store.insertJobs(scripted.id, jobs.slice(0, 2), T0);
        await f.store.insertJobs(plain.id, jobs.slice(2), T0);
        const now = f.clock.now() + 1000;
        const tasks = await claimAttempts(f.store, jobs.map((j) => ({ task: attempt(f, j, now), attempts: 1, attemptDay: '2025-10-10', dayAttempts: 1 })), now);
        const byJob = (id: string) => tasks.find((t) => t.jobId === id)!;
        // The first call ran to the end of its flow after 5 s of ringing; the third rang 20 s unanswered.
        await settleAttempt(f.store, {
          task: { ...byJob(jobs[0]!.id), status: 'SucceededFinish', endReason: 'FINISHED', ringingMs: 5000, talkMs: 30_000, endTime: now + 35_000 },
          job: { id: jobs[0]!.id, status: 'Succeeded', nextAttemptAt: now, failureReason: '', endReason: 'FINISHED' },
          jobDelta: {},
          taskDelta: {},
          now: now + 35_000,
        });
        await settleAttempt(f.store, {
          task: { ...byJob(jobs[2]!.id), status: 'NoAnswer', ringingMs: 20_000, endTime: now + 20_000 },
          job: { id: jobs[2]!.id, status: 'Scheduling', nextAttemptAt: now + 3_600_000, failureReason: '', endReason: '' },
          jobDelta: {},
          taskDelta: {},
          now: now + 20_000,
        });
        const called = async (filter: Parameters<typeof f.store.files.exportTasks>[1]) =>
          (await f.store.files.exportTasks(instance.id, filter, '', 10)).items.map((t) => t.calledNumber);
        assert.deepEqual(await called({ ringingFrom: 10 }), ['13800138002']);
        assert.deepEqual(await called({ ringingFrom: 1, ringingTo: 5 }), ['13800138000']);
        assert.deepEqual(await called({ reachedEndOfFlow: true }), ['13800138000']);
        assert.deepEqual(await called({ reachedEndOfFlow: false }), ['13800138001', '13800138002']);
        assert.deepEqual(await called({ jobStatuses: ['Succeeded'] }), ['13800138000']);
        assert.deepEqual(await called({ jobStatuses: ['Executing', 'Scheduling'] }), ['13800138001', '13800138002']);
        assert.deepEqual(await called({ jobGroupName: '20220217' }), ['13800138000', '13800138001']);
        assert.deepEqual(await called({ jobGroupName: 'nothing like it' }), []);
        assert.deepEqual(await called({ scriptName: '催收' }), ['13800138000', '13800138001']);
        assert.deepEqual(await called({ scriptName: '催收', jobStatuses: ['Executing'] }), ['13800138001']);
      }));
  });
}
