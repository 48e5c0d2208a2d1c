import type { Logger } from 'pino';

/**
 * Runs the file pipeline's background work in-process, one item at a time (the
 * work is I/O and SQLite bound; one at a time keeps memory flat and leaves the
 * engine its share of the CPU).
 *
 * Modes: IDLE (nothing queued) → RUNNING (an item's work is awaited) → IDLE; and
 * STOPPING, once stop() is called: no new item starts, the running one sees
 * `stopping` at its next batch and throws TaskInterrupted, leaving its row
 * InProgress so the next start resumes it (docs/files.md).
 */
export class TaskInterrupted extends Error {
  constructor() {
    super('the server is stopping');
  }
}

export class TaskRunner {
  private readonly queue: Array<{ item: string; work: () => Promise<void> }> = [];
  private readonly queued = new Set<string>();
  private current: Promise<void> | undefined;
  private stopped = false;

  /** Built once at start by whoever composes the server (or a test, or the benchmark) and handed to the services. */
  constructor(private readonly logger: Pick<Logger, 'error'>) {}

  get stopping(): boolean {
    return this.stopped;
  }

  /** Whether the item is queued or running. */
  has(item: string): boolean {
    return this.queued.has(item);
  }

  /** Queues an item's work under its name (e.g. `Parse:<taskId>`) unless that name is queued already. */
  enqueue(item: string, work: () => Promise<void>): void {
    if (this.stopped || this.queued.has(item)) return;
    this.queue.push({ item, work });
    this.queued.add(item);
    this.pump();
  }

  /** Throws TaskInterrupted once stop() was called; work calls it between batches. */
  checkpoint(): void {
    if (this.stopped) throw new TaskInterrupted();
  }

  private pump(): void {
    if (this.current) return;
    this.current = (async () => {
      while (this.queue.length > 0 && !this.stopped) {
        const { item, work } = this.queue.shift()!;
        try {
          await work();
        } catch (error) {
          if (!(error instanceof TaskInterrupted)) this.logger.error({ err: error, item }, 'background file task failed');
        } finally {
          this.queued.delete(item);
        }
      }
    })().finally(() => {
      this.current = undefined;
      if (this.queue.length > 0 && !this.stopped) this.pump();
    });
  }

  /** Waits for the running item to reach its next checkpoint (or end). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.current;
  }

  /** Resolves once nothing is queued or running (tests and the benchmark). */
  async idle(): Promise<void> {
    while (this.current) await this.current;
  }
}
