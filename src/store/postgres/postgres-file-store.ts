import { readParsedJobs } from '../../files/parsed-jobs.ts';
import type { FileStore, FileTaskChange, FileTaskRow, ParsedJobsBatch, Slice, TaskExportFilter } from '../file-store.ts';
import { newJob, type JobRow, type Page, type PageRequest, type TaskRow } from '../rows.ts';
import * as q from './file-queries.ts';
import type { PostgresConnection } from './postgres-connection.ts';
import { toJob, toTask } from './row-mapping.ts';

type Row = Record<string, unknown>;

/** How GetJobGroup's ExportProgress names a group export's state (the reference shows FINISHED). */
const EXPORT_STATUS: Record<string, string> = {
  Pending: 'PENDING',
  InProgress: 'RUNNING',
  Finished: 'FINISHED',
  PartialFinished: 'FINISHED',
  Failed: 'FAILED',
};

/** The PostgreSQL backend's FileStore; shares the PostgresStore's pool and transactions. */
export class PostgresFileStore implements FileStore {
  constructor(private readonly store: PostgresConnection) {}

  async insertTask(task: FileTaskRow): Promise<void> {
    await this.store.transaction(async (client) => {
      await this.store.run(q.fileTasks.insert, { ...task, input: JSON.stringify(task.input) }, client);
      if (task.kind === 'GroupExport') {
        await this.store.run(q.fileTasks.insertGroupExport, {
          id: task.id,
          instanceId: task.instanceId,
          jobGroupId: task.jobGroupId,
          status: EXPORT_STATUS[task.status],
          createdAt: task.createdAt,
        }, client);
      }
    });
  }

  async findTask(accountId: string, taskId: string, instanceId?: string): Promise<FileTaskRow | undefined> {
    const row = await this.store.one(q.fileTasks.find, { accountId, id: taskId, instanceId: instanceId ?? null });
    return row ? toFileTask(row) : undefined;
  }

  async updateTask(taskId: string, change: FileTaskChange, now: number): Promise<void> {
    const value = <K extends keyof FileTaskChange>(key: K) => change[key] ?? null;
    await this.store.transaction(async (client) => {
      const progress = await this.store.one(q.fileTasks.update, {
        id: taskId,
        now,
        status: value('status'),
        total: value('total'),
        handled: value('handled'),
        accepted: value('accepted'),
        rejected: value('rejected'),
        resultPath: value('resultPath'),
        reportPath: value('reportPath'),
        failCode: value('failCode'),
        failReason: value('failReason'),
        assignStatus: value('assignStatus'),
        assigned: value('assigned'),
      }, client);
      if (!progress) return;
      const total = Number(progress.total);
      const handled = Number(progress.handled);
      const done = change.status === 'Finished' || change.status === 'PartialFinished';
      await this.store.run(q.fileTasks.updateGroupExport, {
        id: taskId,
        status: change.status ? EXPORT_STATUS[change.status] : null,
        // A fraction, "1" when done (the reference's FINISHED example shows "1").
        progress: done ? '1' : total > 0 ? String(Math.min(1, Math.floor((handled / total) * 100) / 100)) : '0',
        fileHttpUrl: change.fileHttpUrl ?? null,
      }, client);
    });
  }

  async claimAssignment(taskId: string, jobGroupId: string, callingNumbers: readonly string[], now: number): Promise<boolean> {
    const result = await this.store.run(q.fileTasks.claimAssignment, { id: taskId, jobGroupId, callingNumbers: JSON.stringify(callingNumbers), now });
    return (result.rowCount ?? 0) > 0;
  }

  /**
   * The parsed jobs are read from their file and inserted through insertJobs (one
   * transaction with its COPY and counters); the progress is recorded after it. A
   * run that stopped in between committed the whole batch, so a batch whose first
   * job exists is skipped.
   */
  async assignParsedJobs(batch: ParsedJobsBatch): Promise<number> {
    const parsed = readParsedJobs(batch.parsedPath, batch.after, batch.limit);
    if (parsed.length > 0) {
      const { instanceId, jobGroupId, now } = batch;
      const jobs = parsed.map((job) =>
        newJob(
          {
            id: job.id,
            instanceId,
            jobGroupId,
            referenceId: job.referenceId,
            contacts: JSON.parse(job.contacts),
            extras: JSON.parse(job.extras),
            callingNumbers: [...batch.callingNumbers],
            scriptVersion: batch.scriptVersion,
          },
          now,
        ),
      );
      const committed = (await this.store.listJobs(instanceId, [jobs[0]!.id])).length > 0;
      if (!committed) await this.store.insertJobs(jobGroupId, jobs, now);
    }
    await this.updateTask(batch.taskId, { assigned: batch.after + parsed.length }, batch.now);
    return parsed.length;
  }

  async listExportTasks(accountId: string, instanceId: string | undefined, page: PageRequest): Promise<Page<FileTaskRow>> {
    const params = { accountId, instanceId: instanceId ?? null };
    const items = (await this.store.rows(q.fileTasks.listExports, { ...params, limit: page.pageSize, offset: (page.pageNumber - 1) * page.pageSize }))
      .map(toFileTask);
    const totalCount = Number((await this.store.one(q.fileTasks.countExports, params))?.n ?? 0);
    return { items, totalCount };
  }

  async unfinishedTasks(): Promise<FileTaskRow[]> {
    return (await this.store.rows(q.fileTasks.unfinished)).map(toFileTask);
  }

  async exportJobs(jobGroupId: string, after: string, limit: number): Promise<Slice<{ job: JobRow; tasks: TaskRow[] }>> {
    const rows = await this.store.rows(q.exportReads.jobs, { jobGroupId, after, limit });
    if (rows.length === 0) return { items: [], next: '' };
    const byJob = new Map<string, TaskRow[]>();
    for (const row of await this.store.rows(q.exportReads.tasksOfJobs, { jobIds: rows.map((row) => String(row.id)) })) {
      const task = toTask(row);
      const list = byJob.get(task.jobId);
      if (list) list.push(task);
      else byJob.set(task.jobId, [task]);
    }
    const items = rows.map((row) => {
      const job = toJob(row);
      return { job, tasks: byJob.get(job.id) ?? [] };
    });
    return { items, next: rows.length < limit ? '' : String(rows[rows.length - 1]!.id) };
  }

  async exportTasks(instanceId: string, filter: TaskExportFilter, after: string, limit: number): Promise<Slice<TaskRow>> {
    const rows = await this.store.rows(q.exportReads.tasks, {
      instanceId,
      after,
      limit,
      jobGroupId: filter.jobGroupId ?? null,
      jobId: filter.jobId ?? null,
      taskId: filter.taskId ?? null,
      calledNumber: filter.calledNumber ?? null,
      callingNumber: filter.callingNumber ?? null,
      statuses: filter.statuses?.length ? filter.statuses : null,
      actualFrom: filter.actualTimeFrom ?? null,
      actualTo: filter.actualTimeTo ?? null,
      answered: filter.answered ?? null,
      talkFrom: filter.talkFrom ?? null,
      talkTo: filter.talkTo ?? null,
      ringingFrom: filter.ringingFrom ?? null,
      ringingTo: filter.ringingTo ?? null,
      reachedEnd: filter.reachedEndOfFlow ?? null,
      jobStatuses: filter.jobStatuses?.length ? filter.jobStatuses : null,
      jobGroupName: filter.jobGroupName || null,
      scriptName: filter.scriptName || null,
    });
    return { items: rows.map(toTask), next: rows.length < limit ? '' : String(rows[rows.length - 1]!.id) };
  }
}

function toFileTask(row: Row): FileTaskRow {
  return {
    id: String(row.id),
    accountId: String(row.accountId),
    instanceId: String(row.instanceId),
    kind: row.kind as FileTaskRow['kind'],
    status: row.status as FileTaskRow['status'],
    title: String(row.title),
    jobGroupId: String(row.jobGroupId),
    input: row.input as Record<string, unknown>,
    total: Number(row.total),
    handled: Number(row.handled),
    accepted: Number(row.accepted),
    rejected: Number(row.rejected),
    resultPath: String(row.resultPath),
    reportPath: String(row.reportPath),
    failCode: String(row.failCode),
    failReason: String(row.failReason),
    assignGroupId: String(row.assignGroupId),
    assignStatus: row.assignStatus as FileTaskRow['assignStatus'],
    assigned: Number(row.assigned),
    createdAt: Number(row.createdAt),
    updatedAt: Number(row.updatedAt),
  };
}
