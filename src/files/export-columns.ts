import type { JobRow, TaskRow } from '../store/rows.ts';

/**
 * What an export writes. A group export has one row per job: contact, extras (one
 * column per key, from the first page of jobs; later keys go to `OtherExtras` as
 * JSON, so the header is known before streaming), status, attempts, end reason,
 * Briefs and Categories. A task export has one row per call. Times are ISO 8601 UTC.
 */
export const EXPORT_COLUMN_NAMES = [
  'JobId',
  'ReferenceId',
  'PhoneNumber',
  'ContactName',
  'Honorific',
  'ContactReferenceId',
  'Extras',
  'Status',
  'FailureReason',
  'Attempts',
  'LastCallTime',
  'LastCallStatus',
  'EndReason',
  'TalkSeconds',
  'Briefs',
  'Categories',
] as const;

export type ExportColumn = (typeof EXPORT_COLUMN_NAMES)[number];

export interface GroupExportColumns {
  columns: ExportColumn[];
  extraKeys: string[];
  header: string[];
}

export function exportColumns(chosen: ExportColumn[] | undefined, firstJobs: readonly JobRow[]): GroupExportColumns {
  const columns = chosen?.length ? chosen : [...EXPORT_COLUMN_NAMES];
  const extraKeys: string[] = [];
  if (columns.includes('Extras')) {
    const seen = new Set<string>();
    for (const job of firstJobs) for (const extra of job.extras) if (!seen.has(extra.key)) (seen.add(extra.key), extraKeys.push(extra.key));
  }
  const header = columns.flatMap((column) => (column === 'Extras' ? [...extraKeys, 'OtherExtras'] : [column]));
  return { columns, extraKeys, header };
}

const iso = (ms: number) => (ms > 0 ? new Date(ms).toISOString() : '');

/** Categories of a job: the distinct intents its calls recognised, in order. */
function categories(tasks: readonly TaskRow[]): string {
  const intents = new Set<string>();
  for (const task of tasks) for (const turn of task.conversation) if (turn.intent) intents.add(turn.intent);
  return [...intents].join(';');
}

export function groupExportRow(columns: GroupExportColumns, job: JobRow, tasks: readonly TaskRow[]): Array<string | number> {
  const contact = job.contacts[0];
  const last = tasks[tasks.length - 1];
  const out: Array<string | number> = [];
  for (const column of columns.columns) {
    switch (column) {
      case 'JobId': out.push(job.id); break;
      case 'ReferenceId': out.push(job.referenceId); break;
      case 'PhoneNumber': out.push(contact?.phoneNumber ?? ''); break;
      case 'ContactName': out.push(contact?.name ?? ''); break;
      case 'Honorific': out.push(contact?.honorific ?? ''); break;
      case 'ContactReferenceId': out.push(contact?.referenceId ?? ''); break;
      case 'Extras': {
        const values = new Map(job.extras.map((extra) => [extra.key, extra.value]));
        for (const key of columns.extraKeys) {
          out.push(values.get(key) ?? '');
          values.delete(key);
        }
        out.push(values.size > 0 ? JSON.stringify(Object.fromEntries(values)) : '');
        break;
      }
      case 'Status': out.push(job.status); break;
      case 'FailureReason': out.push(job.failureReason); break;
      case 'Attempts': out.push(job.attempts); break;
      case 'LastCallTime': out.push(iso(last?.actualTime ?? 0)); break;
      case 'LastCallStatus': out.push(last?.status ?? ''); break;
      case 'EndReason': out.push(last?.endReason ?? ''); break;
      case 'TalkSeconds': out.push(Math.round(tasks.reduce((sum, task) => sum + task.talkMs, 0) / 1000)); break;
      // Per-call business results are not recorded yet (DescribeJob's Brief is '' too).
      case 'Briefs': out.push(''); break;
      case 'Categories': out.push(categories(tasks)); break;
    }
  }
  return out;
}

export const TASK_EXPORT_COLUMNS = [
  'TaskId', 'JobId', 'JobGroupId', 'Attempt', 'CallingNumber', 'CalledNumber', 'ContactName', 'Status', 'EndReason',
  'PlannedTime', 'ActualTime', 'EndTime', 'RingingSeconds', 'TalkSeconds', 'HangUpDirection', 'SipCode', 'Categories', 'Conversation',
];

export function taskExportRow(task: TaskRow): Array<string | number> {
  return [
    task.id,
    task.jobId,
    task.jobGroupId,
    task.attempt,
    task.callingNumber,
    task.calledNumber,
    task.contact.name,
    task.status,
    task.endReason,
    iso(task.plannedTime),
    iso(task.actualTime),
    iso(task.endTime),
    Math.round(task.ringingMs / 1000),
    Math.round(task.talkMs / 1000),
    task.hangupDirection,
    task.sipCode,
    categories([task]),
    task.conversation.map((turn) => `${turn.speaker}: ${turn.text}`).join('\n'),
  ];
}
