import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ApiError, invalidParameter, jobGroupNotFound } from '../../domain/errors.ts';
import { ContactFileError } from '../../files/contact-parser.ts';
import { pathOfKey } from '../../files/data-paths.ts';
import { EXPORT_COLUMN_NAMES, exportColumns, groupExportRow, taskExportRow, TASK_EXPORT_COLUMNS, type ExportColumn } from '../../files/export-columns.ts';
import { openRowWriter, type ExportFormat, type RowWriter } from '../../files/export-writer.ts';
import { TaskInterrupted } from '../../files/task-runner.ts';
import type { FileTaskRow, TaskExportFilter } from '../../store/file-store.ts';
import type { Page, PageRequest } from '../../store/rows.ts';
import type { ServiceDeps } from '../service-deps.ts';
import { PROGRESS_EVERY } from './file-settings.ts';
import type { FileTaskContext } from './file-task-context.ts';
import { newFileTask, unfinishedTask } from './file-task-rows.ts';
import { DOWNLOAD_URL_TTL_MS } from './upload-service.ts';

/** The URL GetJobGroup's ExportProgress keeps is valid for this long after the export ends. */
export const STORED_URL_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** Rows read per page while exporting. */
const EXPORT_PAGE = 1000;

/**
 * Exports in the background, streamed page by page to a `.csv` or `.xlsx` in the
 * task's folder: a job group's jobs with their calls (CreateJobGroupExportTask)
 * or calls by a filter (CreateTaskExportTask); once finished a task answers with
 * a signed download URL.
 */
export class ExportService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly files: FileTaskContext,
  ) {}

  async createGroupExport(accountId: string, instanceId: string, jobGroupId: string, options: readonly string[]): Promise<string> {
    await this.files.instances.require(accountId, instanceId);
    const group = await this.deps.store.findJobGroup(instanceId, jobGroupId);
    if (!group) throw jobGroupNotFound();
    const { format, columns } = exportOptions(options);
    return this.insert({ accountId, instanceId, kind: 'GroupExport', title: `${group.name} jobs`, jobGroupId, input: { format, columns } });
  }

  async createTaskExport(accountId: string, instanceId: string, filter: TaskExportFilter, format: ExportFormat): Promise<string> {
    await this.files.instances.require(accountId, instanceId);
    if (filter.jobGroupId && !(await this.deps.store.findJobGroup(instanceId, filter.jobGroupId))) throw jobGroupNotFound();
    return this.insert({ accountId, instanceId, kind: 'TaskExport', title: 'calls', jobGroupId: filter.jobGroupId ?? '', input: { format, filter } });
  }

  /** An export task with a fresh download URL once finished ('' before). */
  async find(accountId: string, taskId: string, instanceId?: string): Promise<{ task: FileTaskRow; fileHttpUrl: string }> {
    if (instanceId) await this.files.instances.require(accountId, instanceId);
    const task = await this.deps.store.files.findTask(accountId, taskId, instanceId);
    if (!task || task.kind === 'Parse') throw new ApiError('NotExist.Task', 'The specified export task does not exist.');
    const fileHttpUrl = task.status === 'Finished' ? await this.files.uploads.downloadUrl(task.resultPath, this.deps.clock.now() + DOWNLOAD_URL_TTL_MS) : '';
    return { task, fileHttpUrl };
  }

  async list(accountId: string, instanceId: string | undefined, page: PageRequest): Promise<Page<FileTaskRow>> {
    if (instanceId) await this.files.instances.require(accountId, instanceId);
    return this.deps.store.files.listExportTasks(accountId, instanceId, page);
  }

  private async insert(fields: Omit<Parameters<typeof newFileTask>[0], 'id'>): Promise<string> {
    const task = newFileTask({ id: this.deps.ids.next(), ...fields }, this.deps.clock.now());
    await this.deps.store.files.insertTask(task);
    this.files.queue.enqueue(task.kind, task.id);
    return task.id;
  }

  /** The background run of one task (FileTaskQueue calls it; services.ts registers it). */
  async run(taskId: string): Promise<void> {
    const { store, clock } = this.deps;
    const task = await unfinishedTask(store.files, taskId);
    if (!task || (task.status !== 'Pending' && task.status !== 'InProgress')) return;
    const format: ExportFormat = task.input.format === 'csv' ? 'csv' : 'xlsx';
    const resultPath = `tasks/${task.id}/${task.kind === 'GroupExport' ? 'jobs' : 'calls'}.${format}`;
    const path = pathOfKey(this.files.settings.dataDir, resultPath);
    await mkdir(dirname(path), { recursive: true });
    try {
      const handled = task.kind === 'GroupExport' ? await this.writeGroup(task, path, format) : await this.writeTasks(task, path, format);
      const now = clock.now();
      const fileHttpUrl = await this.files.uploads.downloadUrl(resultPath, now + STORED_URL_TTL_MS);
      await store.files.updateTask(task.id, { status: 'Finished', total: handled, handled, resultPath, fileHttpUrl }, now);
    } catch (error) {
      if (error instanceof TaskInterrupted) throw error;
      const known = error instanceof ContactFileError;
      if (!known) this.files.settings.logger.error({ err: error, taskId: task.id }, 'export failed');
      await rm(path, { force: true });
      await store.files.updateTask(
        task.id,
        { status: 'Failed', failCode: known ? error.code : 'InternalError', failReason: known ? error.message : 'the export could not be written' },
        clock.now(),
      );
    }
  }

  /** Writes a group's jobs, their columns chosen by the first page unless the task names them; returns the row count. */
  private async writeGroup(task: FileTaskRow, path: string, format: ExportFormat): Promise<number> {
    const { store, clock } = this.deps;
    const group = await store.findJobGroup(task.instanceId, task.jobGroupId);
    if (!group) throw new ContactFileError('NotExist.JobGroup', 'the job group was deleted');
    const total = (await store.storedCounters(group.id))?.totalJobs ?? 0;
    await store.files.updateTask(task.id, { status: 'InProgress', total, handled: 0 }, clock.now());
    const first = await store.files.exportJobs(group.id, '', EXPORT_PAGE);
    const columns = exportColumns(task.input.columns as ExportColumn[] | undefined, first.items.map((item) => item.job));
    return written(await openRowWriter(path, format, columns.header), async (writer) => {
      let page = first;
      let handled = 0;
      for (;;) {
        for (const { job, tasks } of page.items) await writer.write(groupExportRow(columns, job, tasks));
        handled += page.items.length;
        this.files.queue.checkpoint();
        if (handled % PROGRESS_EVERY < EXPORT_PAGE) await store.files.updateTask(task.id, { handled }, clock.now());
        if (!page.next) return handled;
        page = await store.files.exportJobs(group.id, page.next, EXPORT_PAGE);
      }
    });
  }

  /** Writes the calls the task's filter selects; returns the row count. */
  private async writeTasks(task: FileTaskRow, path: string, format: ExportFormat): Promise<number> {
    const { store, clock } = this.deps;
    await store.files.updateTask(task.id, { status: 'InProgress', handled: 0 }, clock.now());
    const filter = (task.input.filter ?? {}) as TaskExportFilter;
    return written(await openRowWriter(path, format, TASK_EXPORT_COLUMNS), async (writer) => {
      let after = '';
      let handled = 0;
      do {
        const page = await store.files.exportTasks(task.instanceId, filter, after, EXPORT_PAGE);
        for (const row of page.items) await writer.write(taskExportRow(row));
        handled += page.items.length;
        after = page.next;
        this.files.queue.checkpoint();
      } while (after);
      return handled;
    });
  }
}

/** Runs `write` over the writer and closes it; on any failure the partial file is abandoned. */
async function written(writer: RowWriter, write: (writer: RowWriter) => Promise<number>): Promise<number> {
  try {
    const rows = await write(writer);
    await writer.close();
    return rows;
  } catch (error) {
    writer.abort();
    throw error;
  }
}

/** Option of CreateJobGroupExportTask: `csv` or `xlsx` picks the format, column names pick the columns. */
function exportOptions(options: readonly string[]): { format: ExportFormat; columns?: ExportColumn[] } {
  let format: ExportFormat = 'xlsx';
  const columns: string[] = [];
  for (const option of options) {
    const value = option.trim();
    if (value.toLowerCase() === 'csv' || value.toLowerCase() === 'xlsx') format = value.toLowerCase() as ExportFormat;
    else if (value) columns.push(value);
  }
  if (columns.length === 0) return { format };
  const unknown = columns.filter((column) => !(EXPORT_COLUMN_NAMES as readonly string[]).includes(column));
  if (unknown.length > 0) throw invalidParameter('Option', `unknown column ${unknown.join(', ')}; use csv, xlsx or columns of ${EXPORT_COLUMN_NAMES.join(', ')}`);
  return { format, columns: columns as ExportColumn[] };
}
