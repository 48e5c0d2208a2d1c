import { rm } from 'node:fs/promises';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { dedupe } from '../../domain/dedupe.ts';
import { invalidParameter, jobGroupNotFound } from '../../domain/errors.ts';
import { pathOfKey } from '../../files/data-paths.ts';
import { TaskInterrupted } from '../../files/task-runner.ts';
import type { FileTaskRow } from '../../store/file-store.ts';
import type { ServiceDeps } from '../service-deps.ts';
import type { FileTaskContext } from './file-task-context.ts';
import { parsingTaskNotFound, unfinishedTask } from './file-task-rows.ts';
import { PARSED_JOBS_FILE } from './parse-task.ts';

/** Jobs inserted per transaction when a parsed file is assigned. */
export const ASSIGN_BATCH = 5000;

/**
 * Creating the jobs of a parsed file in a job group (AssignJobs with
 * JobDataParsingTaskId), in the background, in batches. A file is assigned once;
 * an assignment a stopped process left continues after the jobs it created.
 */
export class AssignService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly files: FileTaskContext,
  ) {}

  /**
   * Starts the assignment; `done` settles when all jobs are created. The
   * JobService checks the group first and sets its JobFilePath in `onClaimed`.
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
    if (!task || task.kind !== 'Parse') throw parsingTaskNotFound();
    if (task.status !== 'Finished' && task.status !== 'PartialFinished') {
      throw invalidParameter('JobDataParsingTaskId', `the parsing task is ${task.status}; assign it once it is Finished or PartialFinished`);
    }
    // The calling numbers are kept with the claim, so a resumed assignment uses the same ones.
    if (!(await store.files.claimAssignment(taskId, jobGroupId, callingNumbers, clock.now()))) {
      throw invalidParameter('JobDataParsingTaskId', 'the parsed file was already assigned to a job group');
    }
    await onClaimed(task);
    const done = this.files.queue.waitFor('Assign', taskId);
    done.catch(() => {}); // the caller may not wait (IsAsynchrony)
    this.files.queue.enqueue('Assign', taskId);
    // Wrapped: an async function returning a promise would wait for it.
    return { done };
  }

  /** The background run of one task (FileTaskQueue calls it; services.ts registers it). */
  async run(taskId: string): Promise<void> {
    const { store, clock } = this.deps;
    const task = await unfinishedTask(store.files, taskId);
    if (!task || task.assignStatus !== 'InProgress') return;
    const { dataDir, logger } = this.files.settings;
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
        this.files.queue.checkpoint();
        const consumed = await store.files.assignParsedJobs({
          taskId: task.id,
          parsedPath: pathOfKey(dataDir, task.resultPath),
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
      await rm(pathOfKey(dataDir, task.resultPath), { force: true });
    } catch (error) {
      if (error instanceof TaskInterrupted) throw error;
      logger.error({ err: error, taskId: task.id }, 'assigning a parsed file failed');
      await store.files.updateTask(task.id, { assignStatus: 'Failed', failReason: 'the jobs could not be created' }, clock.now());
      throw error;
    }
  }
}
