import type { FileTaskChange, FileTaskStatus } from './file-store.ts';
import type { JobRow, TaskRow } from './rows.ts';

/** What both FileStores write alike: a group export's status and progress, a task's changes, an export page's jobs. */

/** How GetJobGroup's ExportProgress names a group export's state (the reference shows FINISHED). */
export const EXPORT_STATUS: Record<FileTaskStatus, string> = {
  Pending: 'PENDING',
  InProgress: 'RUNNING',
  Finished: 'FINISHED',
  PartialFinished: 'FINISHED',
  Failed: 'FAILED',
};

/**
 * The group export row's parameters after a task change: its status (null: unchanged),
 * its progress as a fraction, "1" when done (the reference's FINISHED example shows "1"),
 * and the download URL once there is one.
 */
export function groupExportChange(taskId: string, change: FileTaskChange, total: number, handled: number) {
  const done = change.status === 'Finished' || change.status === 'PartialFinished';
  return {
    id: taskId,
    status: change.status ? EXPORT_STATUS[change.status] : null,
    progress: done ? '1' : total > 0 ? String(Math.min(1, Math.floor((handled / total) * 100) / 100)) : '0',
    fileHttpUrl: change.fileHttpUrl ?? null,
  };
}

/** A file task change's parameters for the update statement: null leaves a column as it is. */
export function fileTaskChangeParams(taskId: string, change: FileTaskChange, now: number) {
  const value = <K extends keyof FileTaskChange>(key: K) => change[key] ?? null;
  return {
    id: taskId,
    now,
    status: value('status'),
    total: value('total'),
    handled: value('handled'),
    accepted: value('accepted'),
    rejected: value('rejected'),
    resultPath: value('resultPath'),
    reportPath: value('reportPath'),
    failCode: value('failCode'),
    failReason: value('failReason'),
    assignStatus: value('assignStatus'),
    assigned: value('assigned'),
  };
}

/** An export page's jobs, each with its tasks (read in one query for the page), in the jobs' order. */
export function jobsWithTasks(jobs: JobRow[], tasks: TaskRow[]): Array<{ job: JobRow; tasks: TaskRow[] }> {
  const byJob = new Map<string, TaskRow[]>();
  for (const task of tasks) {
    const list = byJob.get(task.jobId);
    if (list) list.push(task);
    else byJob.set(task.jobId, [task]);
  }
  return jobs.map((job) => ({ job, tasks: byJob.get(job.id) ?? [] }));
}
