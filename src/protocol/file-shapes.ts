import type { FileTaskRow } from '../store/file-store.ts';

/** Parsing and export tasks as the public API shapes them (docs/files.md). */

/** How long the Download Hub lists an export as downloadable after it last changed. */
const EXPORT_LISTED_FOR_S = 7 * 24 * 3600;

const seconds = (ms: number) => Math.floor(ms / 1000);

/** An export's progress in percent: 100 only once finished, never before. */
export function exportPercent(task: FileTaskRow): number {
  if (task.status === 'Finished') return 100;
  return task.total > 0 ? Math.min(99, Math.floor((task.handled / task.total) * 100)) : 0;
}

/** DescribeJobDataParsingTaskProgress: the reference's counts, then what they leave out. */
export function parsingProgressShape(task: FileTaskRow, feedbackUrl: string, samples: string[][]) {
  return {
    Status: task.status,
    TotalJobCount: task.total,
    HandledJobCount: task.handled,
    FailErrorCode: task.failCode,
    FailReason: task.failReason,
    FeedbackUrl: feedbackUrl,
    // Extensions: what the reference's counts leave out.
    AcceptedJobCount: task.accepted,
    RejectedJobCount: task.rejected,
    RejectedRows: samples.map(([row, reason, phone]) => ({ RowNumber: Number(row), Reason: reason ?? '', PhoneNumber: phone ?? '' })),
    AssignStatus: task.assignStatus,
    AssignedJobCount: task.assigned,
  };
}

/** ListDownloadTasks: each export with its one file. */
export function downloadTaskShape(task: FileTaskRow) {
  return {
    TaskId: task.id,
    Title: task.title,
    Status: task.status,
    ExpireTime: seconds(task.updatedAt) + EXPORT_LISTED_FOR_S,
    DownloadTaskFiles: [{ FileId: task.id, Title: task.resultPath.slice(task.resultPath.lastIndexOf('/') + 1) || task.title, Status: task.status, Progress: exportPercent(task) }],
  };
}
