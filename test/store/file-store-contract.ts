/**
 * The FileStore contract (store.files): parsing and export tasks, the one-time
 * claim of a parsed file by a job group, and the keyset walks exports stream
 * from. Every backend runs it through runFileStoreContract with a factory that
 * opens an empty store (SQLite: test/store/sqlite-file-store.test.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FileTaskRow } from '../../src/store/file-store.ts';
import type { JobGroupRow, JobRow, TaskRow } from '../../src/store/rows.ts';
import { Fixtures, T0, type OpenStore } from './store-contract.ts';

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
        await f.store.claimAttempts(claims, now);
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
        await f.store.claimAttempts(claims, now);
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
  });
}
