import { dedupe } from '../domain/dedupe.ts';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import { ApiError, invalidParameter, jobGroupNotFound } from '../domain/errors.ts';
import { parseContactFile, ContactFileError } from '../files/contact-parser.ts';
import { checkKey, pathOfKey, UnsafeKeyError } from '../files/data-paths.ts';
import { EXPORT_COLUMN_NAMES, exportColumns, groupExportRow, taskExportRow, TASK_EXPORT_COLUMNS, type ExportColumn } from '../files/export-columns.ts';
import { openRowWriter, type ExportFormat } from '../files/export-writer.ts';
import { formatOf } from '../files/row-reader.ts';
import {
  checkDownload,
  encodePolicy,
  newSigningSecret,
  PolicyError,
  signDownload,
  signPolicy,
  SIGNING_SECRET_SETTING,
  verifyPolicy,
} from '../files/signing.ts';
import { TaskInterrupted, TaskRunner } from '../files/task-runner.ts';
import type { FileTaskRow, TaskExportFilter } from '../store/file-store.ts';
import type { Page, PageRequest } from '../store/rows.ts';
import type { InstanceService } from './instance-service.ts';
import type { ServiceDeps } from './service-deps.ts';

/**
 * Contact lists in, results out (docs/files.md): signed form uploads, background
 * parsing of `.csv`/`.xlsx` contact files, assignment of a parsed file to a job
 * group, streaming exports and signed download URLs.
 *
 * Background work (parse, assign, export) runs on a TaskRunner once `attach`
 * gives the service its data dir and public URL; a task left Pending or
 * InProgress by a stopped or crashed process is resumed at the next attach (an
 * assignment continues after the rows it already inserted).
 */
export interface FileEnvironment {
  dataDir: string;
  /** This server's base URL, as clients reach it (upload Host and download URLs). */
  baseUrl: string;
  logger: Logger;
  /** How often to look for unfinished tasks left by a node that died (several nodes only). */
  rescanMs?: number;
}

/** Upload policies are valid for this long. */
export const UPLOAD_POLICY_TTL_MS = 60 * 60 * 1000;
/** Largest contact file accepted (a million rows of a dozen columns fit easily). */
export const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;
/** Download URLs handed out on request are valid for this long. */
export const DOWNLOAD_URL_TTL_MS = 24 * 60 * 60 * 1000;
/** The URL GetJobGroup's ExportProgress keeps is valid for this long after the export ends. */
export const STORED_URL_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** What a parse leaves in its task folder for the assignment (src/files/parsed-jobs.ts). */
const PARSED_JOBS_FILE = 'parsed-jobs.sqlite';
/** Jobs inserted per transaction when a parsed file is assigned. */
export const ASSIGN_BATCH = 5000;
/** How soon an item another node is working on is looked at again when a caller here waits for it. */
const BUSY_RETRY_MS = 1_000;
/** Rows read per page while exporting. */
const EXPORT_PAGE = 1000;
/** Progress is written to the store at most this often (in rows). */
const PROGRESS_EVERY = 10_000;

export const UPLOAD_PATH = '/_files/upload';
export const DOWNLOAD_PATH = '/_files/download/';

export interface UploadParams {
  AccessId: string;
  Expire: number;
  Folder: string;
  Host: string;
  Policy: string;
  Signature: string;
}

export interface UploadForm {
  key?: string;
  policy?: string;
  signature?: string;
}

export class FileService {
  private env: FileEnvironment | undefined;
  private runner: TaskRunner | undefined;
  private rescan: NodeJS.Timeout | undefined;
  private secret: Promise<string> | undefined;
  private readonly waiters = new Map<string, Array<(error?: Error) => void>>();

  constructor(
    private readonly deps: ServiceDeps,
    private readonly instances: InstanceService,
  ) {}

  /**
   * Starts background work over the data dir, resuming what a previous process left
   * unfinished. With `rescanMs` (several nodes on one database) it looks again that
   * often, so the work of a node that died is taken up by a survivor.
   */
  async attach(env: FileEnvironment): Promise<void> {
    this.env = env;
    this.runner = new TaskRunner((item) => this.run(item), env.logger);
    await this.resumeUnfinished();
    if (env.rescanMs) {
      this.rescan = setInterval(() => {
        this.resumeUnfinished().catch((error) => env.logger.error({ err: error }, 'looking for unfinished file tasks failed'));
      }, env.rescanMs);
      this.rescan.unref();
    }
  }

  /** Queues every task left Pending or InProgress; one another node is working on is skipped when its turn comes. */
  private async resumeUnfinished(): Promise<void> {
    for (const task of await this.deps.store.files.unfinishedTasks()) {
      const items = [
        ...(task.status === 'Pending' || task.status === 'InProgress' ? [`${task.kind}:${task.id}`] : []),
        ...(task.assignStatus === 'InProgress' ? [`Assign:${task.id}`] : []),
      ];
      for (const item of items) {
        if (this.runner!.has(item)) continue;
        this.env!.logger.info({ item, handled: task.handled, assigned: task.assigned }, 'resuming an unfinished file task');
        this.runner!.enqueue(item);
      }
    }
  }

  /** Stops at the next batch; unfinished work resumes at the next attach. A caller still waiting is told so. */
  async stop(): Promise<void> {
    if (this.rescan) clearInterval(this.rescan);
    await this.runner?.stop();
    for (const item of [...this.waiters.keys()]) {
      this.settle(item, new ApiError('InternalError', 'The server is stopping; the assignment continues when it starts again.'));
    }
  }

  /** Resolves once no background work is queued or running. */
  async idle(): Promise<void> {
    await this.runner?.idle();
  }

  // Uploads ------------------------------------------------------------------

  async uploadParams(accountId: string, instanceId: string, fileName: string, uniqueId?: string): Promise<UploadParams> {
    await this.instances.require(accountId, instanceId);
    const env = this.environment();
    const name = fileName.trim();
    if (!name || /[/\\\u0000-\u001f]/.test(name) || name === '.' || name === '..') {
      throw invalidParameter('FileName', 'a file name without path separators or control characters');
    }
    const prefix = `UPLOADED/JOB/${instanceId}/`;
    const unique = uniqueId?.trim() ? uniqueId.trim().replace(/[^\w.-]/g, '_') : this.deps.ids.next();
    const folder = `${prefix}${unique}_${name}`;
    try {
      checkKey(folder);
    } catch (error) {
      throw invalidParameter('FileName', (error as Error).message);
    }
    const expiresAt = this.deps.clock.now() + UPLOAD_POLICY_TTL_MS;
    const policy = encodePolicy({
      expiration: new Date(expiresAt).toISOString(),
      conditions: [
        ['content-length-range', 1, MAX_UPLOAD_BYTES],
        ['starts-with', '$key', prefix],
      ],
    });
    return {
      AccessId: 'outboundbot',
      Expire: Math.floor(expiresAt / 1000),
      Folder: folder,
      Host: env.baseUrl + UPLOAD_PATH,
      Policy: policy,
      Signature: signPolicy(await this.signingSecret(), policy),
    };
  }

  /** Checks a form upload's policy and key before its file is read; returns the key's absolute path and the size range. */
  async checkUpload(form: UploadForm): Promise<{ key: string; path: string; minSize: number; maxSize: number }> {
    if (!form.policy || !form.signature || !form.key) throw new ApiError('InvalidPolicyDocument', 'the form needs key, policy and Signature before the file');
    let terms;
    try {
      terms = verifyPolicy(await this.signingSecret(), form.policy, form.signature, this.deps.clock.now());
    } catch (error) {
      if (error instanceof PolicyError) {
        throw error.kind === 'malformed' ? new ApiError('InvalidPolicyDocument', error.message) : new ApiError('AccessDenied', error.message);
      }
      throw error;
    }
    if (!terms.keyPrefix.startsWith('UPLOADED/') || !form.key.startsWith(terms.keyPrefix)) {
      throw new ApiError('InvalidPolicyDocument', 'the key is outside the prefix the policy allows');
    }
    try {
      return { key: form.key, path: pathOfKey(this.environment().dataDir, form.key), minSize: terms.minSize, maxSize: Math.min(terms.maxSize, MAX_UPLOAD_BYTES) };
    } catch (error) {
      if (error instanceof UnsafeKeyError) throw new ApiError('InvalidPolicyDocument', `unsafe key: ${error.message}`);
      throw error;
    }
  }

  /** Stores an uploaded file under its key: written aside, then renamed, so a failed upload leaves nothing. */
  async storeUpload(target: { path: string; minSize: number; maxSize: number }, file: Readable, truncated: () => boolean): Promise<number> {
    await mkdir(dirname(target.path), { recursive: true });
    const partial = `${target.path}.${this.deps.ids.next()}.part`;
    const handle = await open(partial, 'w');
    let size = 0;
    try {
      for await (const chunk of file) {
        size += (chunk as Buffer).length;
        if (size > target.maxSize) break;
        await handle.write(chunk as Buffer);
      }
    } finally {
      await handle.close();
    }
    if (size > target.maxSize || truncated() || size < target.minSize) {
      file.resume();
      await rm(partial, { force: true });
      throw new ApiError('InvalidPolicyDocument', `the file size is outside the policy's content-length-range (${target.minSize} to ${target.maxSize} bytes)`);
    }
    await rename(partial, target.path);
    return size;
  }

  // Parsing and assignment -----------------------------------------------------

  async createParsingTask(accountId: string, instanceId: string, jobFilePath: string): Promise<string> {
    await this.instances.require(accountId, instanceId);
    const env = this.environment();
    if (!jobFilePath.startsWith(`UPLOADED/JOB/${instanceId}/`)) {
      throw invalidParameter('JobFilePath', 'use the Folder that GetJobDataUploadParams returned for this instance');
    }
    let path: string;
    try {
      path = pathOfKey(env.dataDir, jobFilePath);
    } catch (error) {
      throw invalidParameter('JobFilePath', (error as Error).message);
    }
    const format = formatOf(jobFilePath);
    if (!format) throw invalidParameter('JobFilePath', 'the contact file must be .csv or .xlsx');
    const found = await stat(path).catch(() => undefined);
    if (!found?.isFile()) throw new ApiError('NotExist.File', 'No file was uploaded at this JobFilePath.');
    const now = this.deps.clock.now();
    const task = this.newTask(accountId, instanceId, 'Parse', jobFilePath.slice(jobFilePath.lastIndexOf('/') + 1), '', { jobFilePath, format }, now);
    await this.deps.store.files.insertTask(task);
    this.runner!.enqueue(`Parse:${task.id}`);
    return task.id;
  }

  async parsingTask(accountId: string, instanceId: string, taskId: string): Promise<{ task: FileTaskRow; feedbackUrl: string; samples: string[][] }> {
    await this.instances.require(accountId, instanceId);
    const task = await this.deps.store.files.findTask(accountId, taskId, instanceId);
    if (!task || task.kind !== 'Parse') throw new ApiError('NotExist.Task', 'The specified JobDataParsingTask does not exist.');
    const feedbackUrl = task.reportPath && task.rejected > 0 ? await this.signedUrl(task.reportPath, this.deps.clock.now() + DOWNLOAD_URL_TTL_MS) : '';
    return { task, feedbackUrl, samples: task.rejected > 0 ? await this.reportSamples(task.reportPath) : [] };
  }

  /**
   * Starts creating the jobs of a parsed file in a group (AssignJobs with
   * JobDataParsingTaskId); `done` settles when all are created.
   * The JobService checks the group and sets its JobFilePath first.
   */
  async assignParsed(
    accountId: string,
    instanceId: string,
    jobGroupId: string,
    taskId: string,
    callingNumbers: string[],
    onClaimed: (task: FileTaskRow) => Promise<void>,
  ): Promise<{ done: Promise<void> }> {
    const { store, clock } = this.deps;
    const task = await store.files.findTask(accountId, taskId, instanceId);
    if (!task || task.kind !== 'Parse') throw new ApiError('NotExist.Task', 'The specified JobDataParsingTask does not exist.');
    if (task.status !== 'Finished' && task.status !== 'PartialFinished') {
      throw invalidParameter('JobDataParsingTaskId', `the parsing task is ${task.status}; assign it once it is Finished or PartialFinished`);
    }
    // The calling numbers are kept with the claim, so a resumed assignment uses the same ones.
    if (!(await store.files.claimAssignment(taskId, jobGroupId, callingNumbers, clock.now()))) {
      throw invalidParameter('JobDataParsingTaskId', 'the parsed file was already assigned to a job group');
    }
    await onClaimed(task);
    const done = new Promise<void>((resolve, reject) => {
      this.waiters.set(`Assign:${taskId}`, [...(this.waiters.get(`Assign:${taskId}`) ?? []), (error) => (error ? reject(error) : resolve())]);
    });
    done.catch(() => {}); // the caller may not wait (IsAsynchrony)
    this.runner!.enqueue(`Assign:${taskId}`);
    // Wrapped: an async function returning a promise would wait for it.
    return { done };
  }

  // Exports ------------------------------------------------------------------

  async createGroupExport(accountId: string, instanceId: string, jobGroupId: string, options: readonly string[]): Promise<string> {
    await this.instances.require(accountId, instanceId);
    const group = await this.deps.store.findJobGroup(instanceId, jobGroupId);
    if (!group) throw jobGroupNotFound();
    const { format, columns } = exportOptions(options);
    const now = this.deps.clock.now();
    const task = this.newTask(accountId, instanceId, 'GroupExport', `${group.name} jobs`, jobGroupId, { format, columns }, now);
    await this.deps.store.files.insertTask(task);
    this.runner!.enqueue(`GroupExport:${task.id}`);
    return task.id;
  }

  async createTaskExport(accountId: string, instanceId: string, filter: TaskExportFilter, format: ExportFormat): Promise<string> {
    await this.instances.require(accountId, instanceId);
    if (filter.jobGroupId && !(await this.deps.store.findJobGroup(instanceId, filter.jobGroupId))) throw jobGroupNotFound();
    const now = this.deps.clock.now();
    const task = this.newTask(accountId, instanceId, 'TaskExport', 'calls', filter.jobGroupId ?? '', { format, filter }, now);
    await this.deps.store.files.insertTask(task);
    this.runner!.enqueue(`TaskExport:${task.id}`);
    return task.id;
  }

  /** An export task with a fresh download URL once finished ('' before). */
  async exportTask(accountId: string, taskId: string, instanceId?: string): Promise<{ task: FileTaskRow; fileHttpUrl: string }> {
    if (instanceId) await this.instances.require(accountId, instanceId);
    const task = await this.deps.store.files.findTask(accountId, taskId, instanceId);
    if (!task || task.kind === 'Parse') throw new ApiError('NotExist.Task', 'The specified export task does not exist.');
    const fileHttpUrl = task.status === 'Finished' ? await this.signedUrl(task.resultPath, this.deps.clock.now() + DOWNLOAD_URL_TTL_MS) : '';
    return { task, fileHttpUrl };
  }

  async listExports(accountId: string, instanceId: string | undefined, page: PageRequest): Promise<Page<FileTaskRow>> {
    if (instanceId) await this.instances.require(accountId, instanceId);
    return this.deps.store.files.listExportTasks(accountId, instanceId, page);
  }

  // Downloads ------------------------------------------------------------------

  /** The file a signed download URL names, or an ApiError (AccessDenied, NotExist.File). */
  async openDownload(key: string, expires: string | undefined, signature: string | undefined): Promise<{ path: string; size: number; name: string }> {
    const verdict = checkDownload(await this.signingSecret(), DOWNLOAD_PATH + key, expires, signature, this.deps.clock.now());
    if (verdict === 'forged') throw new ApiError('AccessDenied', 'The download URL signature does not match.');
    if (verdict === 'expired') throw new ApiError('AccessDenied', 'The download URL has expired.');
    let path: string;
    try {
      if (!key.startsWith('tasks/')) throw new UnsafeKeyError('only task outputs are downloadable');
      path = pathOfKey(this.environment().dataDir, key);
    } catch {
      throw new ApiError('NotExist.File');
    }
    const found = await stat(path).catch(() => undefined);
    if (!found?.isFile()) throw new ApiError('NotExist.File');
    return { path, size: found.size, name: key.slice(key.lastIndexOf('/') + 1) };
  }

  // Background work ------------------------------------------------------------

  /**
   * Runs an item unless another node sharing the store runs it now (nodes that start
   * or rescan find the same unfinished tasks). A caller waiting for it here is
   * answered once this node finds the task finished.
   */
  private async run(item: string): Promise<void> {
    const ran = await this.deps.store.tryExclusively(`file-task:${item}`, () => this.runHere(item));
    if (!ran && this.waiters.has(item)) setTimeout(() => this.runner?.enqueue(item), BUSY_RETRY_MS).unref();
  }

  private async runHere(item: string): Promise<void> {
    const [kind, taskId] = item.split(':') as [string, string];
    try {
      if (kind === 'Parse') await this.runParse(taskId);
      else if (kind === 'Assign') await this.runAssign(taskId);
      else await this.runExport(taskId);
      this.settle(item);
    } catch (error) {
      if (error instanceof TaskInterrupted) throw error;
      this.settle(item, error as Error);
      throw error;
    }
  }

  private settle(item: string, error?: Error): void {
    for (const waiter of this.waiters.get(item) ?? []) waiter(error);
    this.waiters.delete(item);
  }

  private async taskRow(taskId: string): Promise<FileTaskRow | undefined> {
    const rows = await this.deps.store.files.unfinishedTasks();
    return rows.find((row) => row.id === taskId);
  }

  private async runParse(taskId: string): Promise<void> {
    const { store, clock } = this.deps;
    const task = await this.taskRow(taskId);
    if (!task || (task.status !== 'Pending' && task.status !== 'InProgress')) return;
    const env = this.environment();
    const folder = `tasks/${task.id}`;
    const parsedPath = `${folder}/${PARSED_JOBS_FILE}`;
    const reportPath = `${folder}/rejected.csv`;
    // A resumed parse starts over: its outputs are rewritten from the file.
    await store.files.updateTask(task.id, { status: 'InProgress', handled: 0, total: 0, accepted: 0, rejected: 0 }, clock.now());
    let lastReported = 0;
    try {
      const jobFilePath = String(task.input.jobFilePath);
      const outcome = await parseContactFile({
        source: pathOfKey(env.dataDir, jobFilePath),
        format: task.input.format === 'xlsx' ? 'xlsx' : 'csv',
        parsedPath: pathOfKey(env.dataDir, parsedPath),
        reportPath: pathOfKey(env.dataDir, reportPath),
        jobId: fileJobIds(task.id, task.createdAt),
        contactId: () => this.deps.ids.next(),
        blocked: this.blockListCheck(task.instanceId),
        progress: async (handled) => {
          this.runner!.checkpoint();
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
      if (!known) env.logger.error({ err: error, taskId: task.id }, 'contact file parsing failed');
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

  private async runAssign(taskId: string): Promise<void> {
    const { store, clock } = this.deps;
    const task = await this.taskRow(taskId);
    if (!task || task.assignStatus !== 'InProgress') return;
    const env = this.environment();
    const group = await store.findJobGroup(task.instanceId, task.assignGroupId);
    if (!group) {
      await store.files.updateTask(task.id, { assignStatus: 'Failed', failReason: 'the job group was deleted during assignment' }, clock.now());
      throw jobGroupNotFound();
    }
    if (!task.resultPath.endsWith(PARSED_JOBS_FILE)) {
      // Parsed by a version that kept its rows as NDJSON: parsing the file again is the way forward.
      await store.files.updateTask(task.id, { assignStatus: 'Failed', failReason: 'the file was parsed by an older version; parse it again' }, clock.now());
      throw invalidParameter('JobDataParsingTaskId', 'the file was parsed by an older version; parse it again');
    }
    const script = group.scriptId ? await store.findScript(task.instanceId, group.scriptId) : undefined;
    const callingNumbers = Array.isArray(task.input.assignCallingNumbers) ? dedupe(task.input.assignCallingNumbers as string[]) : [];
    let assigned = task.assigned;
    try {
      // Each batch is one store call that also records the progress, so a resumed
      // run continues after the jobs that exist (the store skips a batch a stopped
      // run committed without recording it).
      for (;;) {
        this.runner!.checkpoint();
        const consumed = await store.files.assignParsedJobs({
          taskId: task.id,
          parsedPath: pathOfKey(env.dataDir, task.resultPath),
          instanceId: group.instanceId,
          jobGroupId: group.id,
          callingNumbers,
          scriptVersion: script?.publishedVersion ?? '',
          after: assigned,
          limit: ASSIGN_BATCH,
          now: clock.now(),
        });
        if (consumed === 0) break;
        assigned += consumed;
        this.deps.work?.wake();
        // SQLite copies a batch synchronously: let requests and the engine run between batches.
        await yieldToEventLoop();
      }
      await store.files.updateTask(task.id, { assignStatus: 'Finished', assigned }, clock.now());
      // A parsed file is assigned once: its parsed jobs are not needed any more.
      await rm(pathOfKey(env.dataDir, task.resultPath), { force: true });
    } catch (error) {
      if (error instanceof TaskInterrupted) throw error;
      env.logger.error({ err: error, taskId: task.id }, 'assigning a parsed file failed');
      await store.files.updateTask(task.id, { assignStatus: 'Failed', failReason: 'the jobs could not be created' }, clock.now());
      throw error;
    }
  }

  private async runExport(taskId: string): Promise<void> {
    const { store, clock } = this.deps;
    const task = await this.taskRow(taskId);
    if (!task || (task.status !== 'Pending' && task.status !== 'InProgress')) return;
    const env = this.environment();
    const format: ExportFormat = task.input.format === 'csv' ? 'csv' : 'xlsx';
    const resultPath = `tasks/${task.id}/${task.kind === 'GroupExport' ? 'jobs' : 'calls'}.${format}`;
    const path = pathOfKey(env.dataDir, resultPath);
    await mkdir(dirname(path), { recursive: true });
    try {
      if (task.kind === 'GroupExport') {
        const group = await store.findJobGroup(task.instanceId, task.jobGroupId);
        if (!group) throw new ContactFileError('NotExist.JobGroup', 'the job group was deleted');
        const total = (await store.storedCounters(group.id))?.totalJobs ?? 0;
        await store.files.updateTask(task.id, { status: 'InProgress', total, handled: 0 }, clock.now());
        const first = await store.files.exportJobs(group.id, '', EXPORT_PAGE);
        const columns = exportColumns(task.input.columns as ExportColumn[] | undefined, first.items.map((item) => item.job));
        const writer = await openRowWriter(path, format, columns.header);
        try {
          let page = first;
          let handled = 0;
          for (;;) {
            for (const { job, tasks } of page.items) await writer.write(groupExportRow(columns, job, tasks));
            handled += page.items.length;
            this.runner!.checkpoint();
            if (handled % PROGRESS_EVERY < EXPORT_PAGE) await store.files.updateTask(task.id, { handled }, clock.now());
            if (!page.next) break;
            page = await store.files.exportJobs(group.id, page.next, EXPORT_PAGE);
          }
          await writer.close();
          await this.finishExport(task, resultPath, handled);
        } catch (error) {
          writer.abort();
          throw error;
        }
      } else {
        await store.files.updateTask(task.id, { status: 'InProgress', handled: 0 }, clock.now());
        const filter = (task.input.filter ?? {}) as TaskExportFilter;
        const writer = await openRowWriter(path, format, TASK_EXPORT_COLUMNS);
        try {
          let after = '';
          let handled = 0;
          do {
            const page = await store.files.exportTasks(task.instanceId, filter, after, EXPORT_PAGE);
            for (const row of page.items) await writer.write(taskExportRow(row));
            handled += page.items.length;
            after = page.next;
            this.runner!.checkpoint();
          } while (after);
          await writer.close();
          await this.finishExport(task, resultPath, handled);
        } catch (error) {
          writer.abort();
          throw error;
        }
      }
    } catch (error) {
      if (error instanceof TaskInterrupted) throw error;
      const known = error instanceof ContactFileError;
      if (!known) env.logger.error({ err: error, taskId: task.id }, 'export failed');
      await rm(path, { force: true });
      await store.files.updateTask(
        task.id,
        { status: 'Failed', failCode: known ? error.code : 'InternalError', failReason: known ? error.message : 'the export could not be written' },
        clock.now(),
      );
    }
  }

  private async finishExport(task: FileTaskRow, resultPath: string, handled: number): Promise<void> {
    const now = this.deps.clock.now();
    const fileHttpUrl = await this.signedUrl(resultPath, now + STORED_URL_TTL_MS);
    await this.deps.store.files.updateTask(task.id, { status: 'Finished', total: handled, handled, resultPath, fileHttpUrl }, now);
  }

  // Helpers --------------------------------------------------------------------

  /**
   * Which numbers of a parse's batches are on the instance's contact block list
   * (the dialog's store.dialog.blockedNumbers), matched in the forms a list may
   * hold them: as dialled at home, E.164, and E.164 without the plus. While the
   * list is empty (most instances) a batch costs one count instead of a lookup of
   * three forms of each number; once an entry appears, every later batch is
   * looked up.
   */
  private blockListCheck(instanceId: string): (numbers: ReadonlyArray<{ dial: string; e164: string }>) => Promise<Set<string>> {
    const { dialog } = this.deps.store;
    let listed = false;
    return async (numbers) => {
      listed ||= (await dialog.listBlockedNumbers(instanceId, undefined, { pageNumber: 1, pageSize: 1 })).totalCount > 0;
      if (!listed || numbers.length === 0) return new Set();
      const forms = numbers.flatMap((n) => [n.dial, n.e164, n.e164.slice(1)]);
      const found = await dialog.blockedNumbers(instanceId, [...new Set(forms)]);
      if (found.size === 0) return found;
      return new Set(numbers.filter((n) => found.has(n.dial) || found.has(n.e164) || found.has(n.e164.slice(1))).map((n) => n.e164));
    };
  }

  private async reportSamples(reportPath: string): Promise<string[][]> {
    const samples: string[][] = [];
    try {
      const lines = createInterface({ input: createReadStream(pathOfKey(this.environment().dataDir, reportPath)), crlfDelay: Infinity });
      for await (const line of lines) {
        if (samples.length > 20) break;
        samples.push(line.replace(/^\uFEFF/, '').split(','));
      }
      lines.close();
    } catch {
      return [];
    }
    return samples.slice(1);
  }

  private async signedUrl(key: string, expiresAt: number): Promise<string> {
    const path = DOWNLOAD_PATH + key;
    const encoded = DOWNLOAD_PATH + key.split('/').map(encodeURIComponent).join('/');
    return `${this.environment().baseUrl}${encoded}?${signDownload(await this.signingSecret(), path, expiresAt)}`;
  }

  private newTask(accountId: string, instanceId: string, kind: FileTaskRow['kind'], title: string, jobGroupId: string, input: Record<string, unknown>, now: number): FileTaskRow {
    return {
      id: this.deps.ids.next(),
      accountId,
      instanceId,
      kind,
      status: 'Pending',
      title,
      jobGroupId,
      input,
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
    };
  }

  private environment(): FileEnvironment {
    if (!this.env) throw new Error('the file service is not attached to a data dir');
    return this.env;
  }

  /**
   * The server's signing secret: generated once, kept in the store's settings, never
   * logged. Nodes sharing a database that generate one at the same moment all keep
   * the one stored first, so a URL signed by one node is honoured by every other.
   */
  private signingSecret(): Promise<string> {
    this.secret ??= this.deps.store.initSetting(SIGNING_SECRET_SETTING, newSigningSecret());
    return this.secret;
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
  return { format, columns: checkColumns(columns) };
}

function checkColumns(columns: string[]): ExportColumn[] {
  const unknown = columns.filter((column) => !(EXPORT_COLUMN_NAMES as readonly string[]).includes(column));
  if (unknown.length > 0) throw invalidParameter('Option', `unknown column ${unknown.join(', ')}; use csv, xlsx or columns of ${EXPORT_COLUMN_NAMES.join(', ')}`);
  return columns as ExportColumn[];
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
