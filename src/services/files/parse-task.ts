import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { v7 as uuidv7 } from 'uuid';
import { ApiError, invalidParameter } from '../../domain/errors.ts';
import { ContactFileError, parseContactFile } from '../../files/contact-parser.ts';
import { pathOfKey } from '../../files/data-paths.ts';
import { formatOf } from '../../files/row-reader.ts';
import { TaskInterrupted } from '../../files/task-runner.ts';
import type { FileTaskRow } from '../../store/file-store.ts';
import type { ServiceDeps } from '../service-deps.ts';
import { PROGRESS_EVERY } from './file-settings.ts';
import type { FileTaskContext } from './file-task-context.ts';
import { newFileTask, parsingTaskNotFound, unfinishedTask } from './file-task-rows.ts';
import { DOWNLOAD_URL_TTL_MS } from './upload-service.ts';

/** What a parse leaves in its task folder for the assignment (src/files/parsed-jobs.ts). */
export const PARSED_JOBS_FILE = 'parsed-jobs.sqlite';
/** Rejected rows shown with a parsing task (the report file has them all). */
const REPORT_SAMPLES = 20;

/**
 * Parsing an uploaded `.csv`/`.xlsx` contact file in the background
 * (CreateJobDataParsingTask, then GetJobDataParsingTask): valid rows go to a
 * parsed-jobs file the assignment reads (assign-task.ts), rejected ones to a
 * report the caller can download. A resumed parse starts over from the file.
 */
export class ParsingService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly files: FileTaskContext,
  ) {}

  async create(accountId: string, instanceId: string, jobFilePath: string): Promise<string> {
    await this.files.instances.require(accountId, instanceId);
    if (!jobFilePath.startsWith(`UPLOADED/JOB/${instanceId}/`)) {
      throw invalidParameter('JobFilePath', 'use the Folder that GetJobDataUploadParams returned for this instance');
    }
    let path: string;
    try {
      path = pathOfKey(this.files.settings.dataDir, jobFilePath);
    } catch (error) {
      throw invalidParameter('JobFilePath', (error as Error).message);
    }
    const format = formatOf(jobFilePath);
    if (!format) throw invalidParameter('JobFilePath', 'the contact file must be .csv or .xlsx');
    const found = await stat(path).catch(() => undefined);
    if (!found?.isFile()) throw new ApiError('NotExist.File', 'No file was uploaded at this JobFilePath.');
    const title = jobFilePath.slice(jobFilePath.lastIndexOf('/') + 1);
    const task = newFileTask(
      { id: this.deps.ids.next(), accountId, instanceId, kind: 'Parse', title, jobGroupId: '', input: { jobFilePath, format } },
      this.deps.clock.now(),
    );
    await this.deps.store.files.insertTask(task);
    this.files.queue.enqueue('Parse', task.id);
    return task.id;
  }

  /** The task with a fresh URL of its rejected-rows report ('' while none) and the first rejected rows. */
  async describe(accountId: string, instanceId: string, taskId: string): Promise<{ task: FileTaskRow; feedbackUrl: string; samples: string[][] }> {
    await this.files.instances.require(accountId, instanceId);
    const task = await this.deps.store.files.findTask(accountId, taskId, instanceId);
    if (!task || task.kind !== 'Parse') throw parsingTaskNotFound();
    if (!task.reportPath || task.rejected === 0) return { task, feedbackUrl: '', samples: [] };
    const feedbackUrl = await this.files.uploads.downloadUrl(task.reportPath, this.deps.clock.now() + DOWNLOAD_URL_TTL_MS);
    return { task, feedbackUrl, samples: await this.reportSamples(task.reportPath) };
  }

  /** The background run of one task (FileTaskQueue calls it; services.ts registers it). */
  async run(taskId: string): Promise<void> {
    const { store, clock } = this.deps;
    const task = await unfinishedTask(store.files, taskId);
    if (!task || (task.status !== 'Pending' && task.status !== 'InProgress')) return;
    const { dataDir, logger } = this.files.settings;
    const folder = `tasks/${task.id}`;
    const parsedPath = `${folder}/${PARSED_JOBS_FILE}`;
    const reportPath = `${folder}/rejected.csv`;
    // A resumed parse starts over: its outputs are rewritten from the file.
    await store.files.updateTask(task.id, { status: 'InProgress', handled: 0, total: 0, accepted: 0, rejected: 0 }, clock.now());
    let lastReported = 0;
    try {
      const jobFilePath = String(task.input.jobFilePath);
      const outcome = await parseContactFile({
        source: pathOfKey(dataDir, jobFilePath),
        format: task.input.format === 'xlsx' ? 'xlsx' : 'csv',
        parsedPath: pathOfKey(dataDir, parsedPath),
        reportPath: pathOfKey(dataDir, reportPath),
        jobId: fileJobIds(task.id, task.createdAt),
        contactId: () => this.deps.ids.next(),
        blocked: this.blockListCheck(task.instanceId),
        progress: async (handled) => {
          this.files.queue.checkpoint();
          if (handled - lastReported >= PROGRESS_EVERY) {
            lastReported = handled;
            await store.files.updateTask(task.id, { handled, total: handled }, clock.now());
          }
        },
      });
      const status = outcome.rows === 0 ? 'Failed' : outcome.rejected === 0 ? 'Finished' : outcome.accepted === 0 ? 'Failed' : 'PartialFinished';
      await store.files.updateTask(
        task.id,
        {
          status,
          total: outcome.rows,
          handled: outcome.rows,
          accepted: outcome.accepted,
          rejected: outcome.rejected,
          resultPath: parsedPath,
          reportPath,
          failCode: outcome.rows === 0 ? 'InvalidFile.Empty' : outcome.accepted === 0 ? 'InvalidFile.NoValidRow' : '',
          failReason: outcome.rows === 0 ? 'the file has a header but no data rows' : outcome.accepted === 0 ? 'every row was rejected; see FeedbackUrl' : '',
        },
        clock.now(),
      );
    } catch (error) {
      if (error instanceof TaskInterrupted) throw error;
      const known = error instanceof ContactFileError;
      if (!known) logger.error({ err: error, taskId: task.id }, 'contact file parsing failed');
      await store.files.updateTask(
        task.id,
        {
          status: 'Failed',
          failCode: known ? error.code : 'InternalError',
          failReason: known ? error.message.slice(0, 500) : 'the file could not be parsed',
          reportPath: known ? '' : undefined,
        },
        clock.now(),
      );
    }
  }

  /**
   * Which numbers of a parse's batches are on the instance's contact block list
   * (the dialog's store.dialog.blockedNumbers), matched by their canonical form
   * (E.164), whatever form the list's entries were written in. While the list is
   * empty (most instances) a batch costs one count instead of a lookup; once an
   * entry appears, every later batch is looked up.
   */
  private blockListCheck(instanceId: string): (numbers: ReadonlyArray<{ dial: string; e164: string }>) => Promise<Set<string>> {
    const { dialog } = this.deps.store;
    let listed = false;
    return async (numbers) => {
      listed ||= (await dialog.listBlockedNumbers(instanceId, undefined, { pageNumber: 1, pageSize: 1 })).totalCount > 0;
      if (!listed || numbers.length === 0) return new Set();
      return dialog.blockedNumbers(instanceId, [...new Set(numbers.map((n) => n.e164))]);
    };
  }

  /** The first rejected rows of a report, without its header ([] when it cannot be read). */
  private async reportSamples(reportPath: string): Promise<string[][]> {
    const samples: string[][] = [];
    try {
      const lines = createInterface({ input: createReadStream(pathOfKey(this.files.settings.dataDir, reportPath)), crlfDelay: Infinity });
      for await (const line of lines) {
        if (samples.length > REPORT_SAMPLES) break;
        samples.push(line.replace(/^\uFEFF/, '').split(','));
      }
      lines.close();
    } catch {
      return [];
    }
    return samples.slice(1);
  }
}

/**
 * The id of the job a parsed file's row becomes: a UUIDv7 of the parsing task's
 * creation time, the row number as its counter (so a file's jobs go into the id
 * index in order, at one place) and the task's hash as the rest, so it is the same
 * in every run of the parse and of the assignment. The one place job ids do not
 * come from deps.ids: a resumed assignment must recognise the jobs a stopped run
 * created.
 */
export function fileJobIds(taskId: string, taskCreatedAt: number): (row: number) => string {
  const random = createHash('sha256').update(taskId).digest().subarray(0, 16);
  return (row) => uuidv7({ msecs: taskCreatedAt, seq: row, random });
}

/** One row's job id (fileJobIds for a single row). */
export function fileJobId(taskId: string, taskCreatedAt: number, row: number): string {
  return fileJobIds(taskId, taskCreatedAt)(row);
}
