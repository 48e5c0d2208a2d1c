import { readParsedJobs } from '../../files/parsed-jobs.ts';
import type { FileStore, FileTaskChange, FileTaskRow, ParsedJobsBatch, Slice, TaskExportFilter } from '../file-store.ts';
import { newJob, type JobRow, type Page, type PageRequest, type TaskRow } from '../rows.ts';
import * as q from './file-queries.ts';
import type { PostgresConnection } from './postgres-connection.ts';
import { params, rows as codec } from './postgres-rows.ts';
import { EXPORT_STATUS, fileTaskChangeParams, groupExportChange, jobsWithTasks } from '../file-exports.ts';

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
    return row ? codec.toFileTask(row) : undefined;
  }

  async updateTask(taskId: string, change: FileTaskChange, now: number): Promise<void> {
    await this.store.transaction(async (client) => {
      const progress = await this.store.one(q.fileTasks.update, fileTaskChangeParams(taskId, change, now), client);
      if (!progress) return;
      await this.store.run(q.fileTasks.updateGroupExport, groupExportChange(taskId, change, Number(progress.total), Number(progress.handled)), client);
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
      .map(codec.toFileTask);
    const totalCount = Number((await this.store.one(q.fileTasks.countExports, params))?.n ?? 0);
    return { items, totalCount };
  }

  async unfinishedTasks(): Promise<FileTaskRow[]> {
    return (await this.store.rows(q.fileTasks.unfinished)).map(codec.toFileTask);
  }

  async exportJobs(jobGroupId: string, after: string, limit: number): Promise<Slice<{ job: JobRow; tasks: TaskRow[] }>> {
    const rows = await this.store.rows(q.exportReads.jobs, { jobGroupId, after, limit });
    if (rows.length === 0) return { items: [], next: '' };
    const tasks = await this.store.rows(q.exportReads.tasksOfJobs, { jobIds: rows.map((row) => String(row.id)) });
    const items = jobsWithTasks(rows.map(codec.toJob), tasks.map(codec.toTask));
    return { items, next: rows.length < limit ? '' : String(rows[rows.length - 1]!.id) };
  }

  async exportTasks(instanceId: string, filter: TaskExportFilter, after: string, limit: number): Promise<Slice<TaskRow>> {
    const rows = await this.store.rows(q.exportReads.tasks, {
      after,
      limit,
      ...params.taskExport(instanceId, filter),
    });
    return { items: rows.map(codec.toTask), next: rows.length < limit ? '' : String(rows[rows.length - 1]!.id) };
  }
}
