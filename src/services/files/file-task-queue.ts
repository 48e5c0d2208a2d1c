import { ApiError } from '../../domain/errors.ts';
import { TaskInterrupted } from '../../files/task-runner.ts';
import type { FileTaskKind } from '../../store/file-store.ts';
import type { ServiceDeps } from '../service-deps.ts';
import type { FileSettings } from './file-settings.ts';

/** What a file task's background run is queued as: a parse, an export, or a parsed file's assignment. */
export type FileWorkKind = FileTaskKind | 'Assign';

/** How soon an item another node is working on is looked at again when a caller here waits for it. */
const BUSY_RETRY_MS = 1_000;

/**
 * The file pipeline's background work (docs/files.md) on the TaskRunner it is
 * given: each kind's run (parse-task.ts, assign-task.ts, export-task.ts) is
 * registered by createServices, items run one node at a time over a shared
 * store, and a caller may wait for an item to end. A task left Pending or
 * InProgress by a stopped or crashed process is queued again at start (an
 * assignment continues after the rows it already inserted); with `rescanMs`
 * (several nodes on one database) it looks again that often, so the work of a
 * node that died is taken up by a survivor.
 */
export class FileTaskQueue {
  private readonly runs = new Map<FileWorkKind, (taskId: string) => Promise<void>>();
  private readonly waiters = new Map<string, Array<(error?: Error) => void>>();
  private rescan: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly settings: FileSettings,
  ) {}

  /** Names the work an item of this kind does (createServices registers each kind's). */
  register(kind: FileWorkKind, run: (taskId: string) => Promise<void>): void {
    this.runs.set(kind, run);
  }

  enqueue(kind: FileWorkKind, taskId: string): void {
    const item = `${kind}:${taskId}`;
    this.settings.tasks.enqueue(item, () => this.run(item));
  }

  /** Settles when the item ends (rejects with its error); call it before enqueue so the end is not missed. */
  waitFor(kind: FileWorkKind, taskId: string): Promise<void> {
    const item = `${kind}:${taskId}`;
    return new Promise<void>((resolve, reject) => {
      this.waiters.set(item, [...(this.waiters.get(item) ?? []), (error) => (error ? reject(error) : resolve())]);
    });
  }

  /** Throws TaskInterrupted once the queue is stopping; runs call it between batches. */
  checkpoint(): void {
    this.settings.tasks.checkpoint();
  }

  /** Queues what a previous process left unfinished, and with `rescanMs` keeps looking. */
  async start(options: { rescanMs?: number } = {}): Promise<void> {
    await this.resumeUnfinished();
    if (options.rescanMs) {
      this.rescan = setInterval(() => {
        this.resumeUnfinished().catch((error) => this.settings.logger.error({ err: error }, 'looking for unfinished file tasks failed'));
      }, options.rescanMs);
      this.rescan.unref();
    }
  }

  /** Stops at the next batch; unfinished work resumes at the next start. A caller still waiting is told so. */
  async stop(): Promise<void> {
    if (this.rescan) clearInterval(this.rescan);
    await this.settings.tasks.stop();
    for (const item of [...this.waiters.keys()]) {
      this.settle(item, new ApiError('ServiceUnavailable', 'The server is stopping; the assignment continues when it starts again.'));
    }
  }

  /** Resolves once no background work is queued or running. */
  idle(): Promise<void> {
    return this.settings.tasks.idle();
  }

  /** Queues every task left Pending or InProgress; one another node is working on is skipped when its turn comes. */
  private async resumeUnfinished(): Promise<void> {
    for (const task of await this.deps.store.files.unfinishedTasks()) {
      const kinds: FileWorkKind[] = [
        ...(task.status === 'Pending' || task.status === 'InProgress' ? [task.kind] : []),
        ...(task.assignStatus === 'InProgress' ? (['Assign'] as const) : []),
      ];
      for (const kind of kinds) {
        if (this.settings.tasks.has(`${kind}:${task.id}`)) continue;
        this.settings.logger.info({ item: `${kind}:${task.id}`, handled: task.handled, assigned: task.assigned }, 'resuming an unfinished file task');
        this.enqueue(kind, task.id);
      }
    }
  }

  /**
   * Runs an item unless another node sharing the store runs it now (nodes that start
   * or rescan find the same unfinished tasks). A caller waiting for it here is
   * answered once this node finds the task finished.
   */
  private async run(item: string): Promise<void> {
    const ran = await this.deps.store.tryExclusively(`file-task:${item}`, () => this.runHere(item));
    if (!ran && this.waiters.has(item)) {
      setTimeout(() => this.settings.tasks.enqueue(item, () => this.run(item)), BUSY_RETRY_MS).unref();
    }
  }

  private async runHere(item: string): Promise<void> {
    const [kind, taskId] = item.split(':') as [FileWorkKind, string];
    const run = this.runs.get(kind);
    if (!run) throw new Error(`no run is registered for file tasks of kind ${kind}`);
    try {
      await run(taskId);
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
}
