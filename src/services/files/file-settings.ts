import type { Logger } from 'pino';
import type { TaskRunner } from '../../files/task-runner.ts';

/**
 * What the file services are built with besides the ServiceDeps: the task queue
 * their background work runs on, built once at start by the composition root
 * (src/server/server.ts; tests and benchmarks build their own), the data dir and
 * the address clients reach this server at.
 */
export interface FileSettings {
  tasks: TaskRunner;
  dataDir: string;
  /**
   * This server's base URL as clients reach it (upload Host and download URLs).
   * A function: with port 0 the address is known only once the server listens.
   */
  baseUrl: () => string;
  logger: Logger;
}

/** Progress of a parse or an export is written to the store at most this often (in rows). */
export const PROGRESS_EVERY = 10_000;
