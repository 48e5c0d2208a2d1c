import { ApiError } from '../../domain/errors.ts';
import type { FileStore, FileTaskKind, FileTaskRow } from '../../store/file-store.ts';

/** What the parse, assign and export services say of a parsing task id that names none of the caller's. */
export const parsingTaskNotFound = () => new ApiError('NotExist.Task', 'The specified JobDataParsingTask does not exist.');

/** A new task row, Pending, with nothing done yet. */
export function newFileTask(
  fields: { id: string; accountId: string; instanceId: string; kind: FileTaskKind; title: string; jobGroupId: string; input: Record<string, unknown> },
  now: number,
): FileTaskRow {
  return {
    ...fields,
    status: 'Pending',
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

/** The task as a background run finds it: one of the unfinished ones, or undefined once another run finished it. */
export async function unfinishedTask(files: FileStore, taskId: string): Promise<FileTaskRow | undefined> {
  const rows = await files.unfinishedTasks();
  return rows.find((row) => row.id === taskId);
}
