import { readFile, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/**
 * Where call recordings live: `<data dir>/recordings/<task id>.wav`, written by the SIP
 * carrier (sip-carrier-for.ts names the folder through recordingsDir), read by
 * DownloadRecording and removed with the task's data. A path is only ever built from a
 * task id the store holds, never from what a client sent, and the id is checked once more
 * here, so no file outside the folder can be named.
 */
export const RECORDINGS_FOLDER = 'recordings';

/** Task ids are UUIDs; anything else cannot name a recording. */
const TASK_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

export function recordingsDir(dataDir: string): string {
  return join(resolve(dataDir), RECORDINGS_FOLDER);
}

export class RecordingFiles {
  constructor(private readonly dataDir: string) {}

  pathOf(taskId: string): string {
    if (!TASK_ID.test(taskId)) throw new Error(`not a task id: ${JSON.stringify(taskId)}`);
    return join(recordingsDir(this.dataDir), `${taskId}.wav`);
  }

  async exists(taskId: string): Promise<boolean> {
    return (await stat(this.pathOf(taskId)).catch(() => undefined))?.isFile() ?? false;
  }

  /** The recording's bytes, or undefined when the call has none. */
  async read(taskId: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.pathOf(taskId));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Removes the recordings of these tasks (those without one are skipped). */
  async remove(taskIds: readonly string[]): Promise<void> {
    for (const taskId of taskIds) await rm(this.pathOf(taskId), { force: true });
  }
}
