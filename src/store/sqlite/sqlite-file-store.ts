import type Database from 'better-sqlite3';
import type { FileStore, FileTaskChange, FileTaskRow, ParsedJobsBatch, Slice, TaskExportFilter } from '../file-store.ts';
import type { JobRow, Page, PageRequest, TaskRow } from '../rows.ts';
import * as q from './file-queries.ts';
import { params, rows as codec } from './sqlite-rows.ts';
import type { StatementCache } from './statement-cache.ts';
import { EXPORT_STATUS, fileTaskChangeParams, groupExportChange, jobsWithTasks } from '../file-exports.ts';

/** The embedded backend's FileStore; shares the SqliteStore's connection. */
export class SqliteFileStore implements FileStore {
  private readonly db: Database.Database;

  /** `countNewJobs` is SqliteStore's: the counter and status writes of jobs added to a group. */
  constructor(
    private readonly statements: StatementCache,
    private readonly countNewJobs: (jobGroupId: string, added: number, now: number) => void,
  ) {
    this.db = statements.db;
  }

  private stmt(sql: string) {
    return this.statements.get(sql);
  }

  async insertTask(task: FileTaskRow): Promise<void> {
    this.db.transaction(() => {
      this.stmt(q.fileTasks.insert).run({ ...task, input: JSON.stringify(task.input) });
      if (task.kind === 'GroupExport') {
        this.stmt(q.fileTasks.insertGroupExport).run({
          id: task.id,
          instanceId: task.instanceId,
          jobGroupId: task.jobGroupId,
          status: EXPORT_STATUS[task.status],
          createdAt: task.createdAt,
        });
      }
    })();
  }

  async findTask(accountId: string, taskId: string, instanceId?: string): Promise<FileTaskRow | undefined> {
    const row = this.stmt(q.fileTasks.find).get({ accountId, id: taskId, instanceId: instanceId ?? null });
    return row ? codec.toFileTask(row) : undefined;
  }

  async updateTask(taskId: string, change: FileTaskChange, now: number): Promise<void> {
    this.db.transaction(() => {
      this.stmt(q.fileTasks.update).run(fileTaskChangeParams(taskId, change, now));
      const progress = this.stmt(q.fileTasks.progressOf).get(taskId);
      if (!progress) return;
      this.stmt(q.fileTasks.updateGroupExport).run(groupExportChange(taskId, change, Number(progress.total), Number(progress.handled)));
    })();
  }

  async claimAssignment(taskId: string, jobGroupId: string, callingNumbers: readonly string[], now: number): Promise<boolean> {
    return this.stmt(q.fileTasks.claimAssignment).run({ id: taskId, jobGroupId, callingNumbers: JSON.stringify(callingNumbers), now }).changes > 0;
  }

  async assignParsedJobs(batch: ParsedJobsBatch): Promise<number> {
    // ATTACH cannot run inside a transaction; nothing else runs on this synchronous
    // connection between it and the DETACH below.
    this.db.prepare(q.parsedJobs.attach).run(batch.parsedPath);
    try {
      return this.db.transaction(() => {
        const range = { after: batch.after, upTo: batch.after + batch.limit };
        const consumed = Number((this.db.prepare(q.parsedJobs.consumed).get(range) as { n: number } | undefined)?.n ?? 0);
        const created = this.db.prepare(q.parsedJobs.copy).run({
          ...range,
          instanceId: batch.instanceId,
          jobGroupId: batch.jobGroupId,
          callingNumbers: JSON.stringify(batch.callingNumbers),
          scriptVersion: batch.scriptVersion,
          now: batch.now,
        }).changes;
        if (created > 0) this.countNewJobs(batch.jobGroupId, created, batch.now);
        this.stmt(q.parsedJobs.recordAssigned).run({ id: batch.taskId, assigned: batch.after + consumed, now: batch.now });
        return consumed;
      })();
    } finally {
      this.db.prepare(q.parsedJobs.detach).run();
    }
  }

  async listExportTasks(accountId: string, instanceId: string | undefined, page: PageRequest): Promise<Page<FileTaskRow>> {
    const params = { accountId, instanceId: instanceId ?? null };
    const items = this.stmt(q.fileTasks.listExports)
      .all({ ...params, limit: page.pageSize, offset: (page.pageNumber - 1) * page.pageSize })
      .map(codec.toFileTask);
    const totalCount = Number(this.stmt(q.fileTasks.countExports).get(params)?.n ?? 0);
    return { items, totalCount };
  }

  async unfinishedTasks(): Promise<FileTaskRow[]> {
    return this.stmt(q.fileTasks.unfinished).all().map(codec.toFileTask);
  }

  async exportJobs(jobGroupId: string, after: string, limit: number): Promise<Slice<{ job: JobRow; tasks: TaskRow[] }>> {
    const [afterTime, afterRow] = fromCursor(after);
    const rows = this.stmt(q.exportReads.jobs).all({ jobGroupId, afterTime, afterRow, limit });
    if (rows.length === 0) return { items: [], next: '' };
    const tasks = this.stmt(q.exportReads.tasksOfJobs).all({ jobIds: JSON.stringify(rows.map((row) => row.id)) });
    const items = jobsWithTasks(rows.map(codec.toJob), tasks.map(codec.toTask));
    const last = rows[rows.length - 1]!;
    return { items, next: rows.length < limit ? '' : toCursor(last.createdAt, last.rowKey) };
  }

  async exportTasks(instanceId: string, filter: TaskExportFilter, after: string, limit: number): Promise<Slice<TaskRow>> {
    const [afterTime, afterRow] = fromCursor(after);
    const rows = this.stmt(q.exportReads.tasks).all({
      afterTime,
      afterRow,
      limit,
      ...params.taskExport(instanceId, filter),
    });
    const last = rows[rows.length - 1];
    return { items: rows.map(codec.toTask), next: rows.length < limit ? '' : toCursor(last!.actualTime, last!.rowKey) };
  }
}

/**
 * An export page's cursor: the last row's "time:rowid" key (created_at for jobs,
 * actual_time for calls), which the next page seeks past. Opaque to callers; '' is the start.
 */
function toCursor(time: unknown, rowKey: unknown): string {
  return `${Number(time)}:${Number(rowKey)}`;
}

function fromCursor(after: string): [number, number] {
  if (!after) return [-1, -1];
  const [time, rowKey] = after.split(':').map(Number);
  return [time!, rowKey!];
}
