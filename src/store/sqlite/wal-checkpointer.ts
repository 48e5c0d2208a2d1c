import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/**
 * Checkpoints the WAL on a worker thread, so the thread that writes rarely has to.
 *
 * In WAL mode every commit appends the pages it changed to the `-wal` file, and a
 * checkpoint copies them back into the database file. SQLite runs that checkpoint in
 * the committing connection once the WAL holds `wal_autocheckpoint` pages: a busy
 * campaign's engine stopped for 100–180 ms at one commit in a hundred. Here a second
 * connection on a worker thread runs a passive checkpoint every `intervalMs`, which
 * copies what has been committed so far without waiting for or blocking the writer,
 * on the machine's other core: a 100k-job campaign ran in 12.5 s against 14.2 s, and
 * AssignJobs' path ingested 14 % faster (docs/performance-engine.md).
 *
 * The writer keeps its own autocheckpoint, and still needs it: the WAL starts over
 * from its beginning only when a write transaction begins with every frame copied,
 * which a worker racing a busy writer seldom manages. When the WAL reaches the
 * threshold, the writer's checkpoint finds nearly every frame copied already,
 * finishes the few left, and the WAL starts over. If the worker fails, the writer's
 * checkpoints do all the work, as they would without it.
 *
 * The worker starts only once the WAL file has grown past `startAtWalBytes`
 * (`notice`, which the store calls on one engine or ingest write in 64, costs one
 * stat), so a store that writes little never starts a thread.
 */
/** When the worker starts (the WAL file's size) and how often it checkpoints. */
export interface CheckpointerOptions {
  startAtWalBytes: number;
  intervalMs: number;
}

export class BackgroundCheckpointer {
  private worker: Worker | undefined;
  /** Closed, or the worker failed: nothing more to start. */
  private done = false;

  constructor(
    private readonly databasePath: string,
    private readonly options: CheckpointerOptions = DEFAULT_CHECKPOINTER_OPTIONS,
  ) {}

  /** True while the worker runs. */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /** Starts the worker if the WAL has grown past the threshold. */
  notice(): void {
    if (this.worker || this.done || walBytes(this.databasePath) < this.options.startAtWalBytes) return;
    const worker = new Worker(new URL('./wal-checkpoint-worker.mjs', import.meta.url), {
      workerData: { path: this.databasePath, intervalMs: this.options.intervalMs },
      // It allocates almost nothing; a small heap keeps the thread's memory small.
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
    });
    // A checkpointer never keeps the process alive.
    worker.unref();
    // A worker that fails or ends is not started again: the writer's own checkpoints cover for it.
    worker.once('exit', () => {
      this.done = true;
      if (this.worker === worker) this.worker = undefined;
    });
    // Its failure ends it ('exit' follows); the store goes on as without it.
    worker.on('error', () => {});
    this.worker = worker;
  }

  /** Stops the worker and waits for it to close its connection. */
  async close(): Promise<void> {
    this.done = true;
    const worker = this.worker;
    this.worker = undefined;
    if (!worker) return;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    // Held open until the worker has closed its connection, or the process could end first.
    worker.ref();
    worker.postMessage('close');
    await exited;
  }
}

/** 8 MB: past what a test or a quiet server writes between checkpoints; 50 ms: 20 passes a second. */
export const DEFAULT_CHECKPOINTER_OPTIONS: CheckpointerOptions = { startAtWalBytes: 8 * 1024 * 1024, intervalMs: 50 };

function walBytes(databasePath: string): number {
  try {
    return statSync(`${databasePath}-wal`).size;
  } catch {
    return 0;
  }
}
