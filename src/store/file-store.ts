import type { JobRow, Page, PageRequest, TaskRow } from './rows.ts';

/**
 * Persistence for contact-list files and exports (parsing tasks, export tasks
 * and the assignment of a parsed file to a job group). A sub-store of Store
 * (`store.files`), kept apart so the file pipeline's rows and queries live in
 * files of their own. Every backend passes test/store/file-store-contract.ts.
 *
 * The files themselves live under the data dir; rows hold data-dir relative paths.
 */
export type FileTaskKind = 'Parse' | 'GroupExport' | 'TaskExport';

/** The statuses DescribeJobDataParsingTaskProgress and ListDownloadTasks name. */
export type FileTaskStatus = 'Pending' | 'InProgress' | 'Finished' | 'PartialFinished' | 'Failed';

export type AssignStatus = '' | 'InProgress' | 'Finished' | 'Failed';

export interface FileTaskRow {
  id: string;
  accountId: string;
  instanceId: string;
  kind: FileTaskKind;
  status: FileTaskStatus;
  title: string;
  /** The group exported, or '' (task exports may span groups). */
  jobGroupId: string;
  /** What the task works on (file key, columns, filters); each kind reads its own fields. */
  input: Record<string, unknown>;
  total: number;
  handled: number;
  accepted: number;
  rejected: number;
  resultPath: string;
  reportPath: string;
  failCode: string;
  failReason: string;
  assignGroupId: string;
  assignStatus: AssignStatus;
  assigned: number;
  createdAt: number;
  updatedAt: number;
}

/** What a running task reports; absent fields do not change. */
export type FileTaskChange = Partial<
  Pick<
    FileTaskRow,
    'status' | 'total' | 'handled' | 'accepted' | 'rejected' | 'resultPath' | 'reportPath' | 'failCode' | 'failReason' | 'assignStatus' | 'assigned'
  >
> & {
  /** GroupExport only: the signed URL GetJobGroup's ExportProgress shows once finished. */
  fileHttpUrl?: string;
};

/** Which tasks an export of calls (CreateTaskExportTask) covers; absent fields do not filter. */
export interface TaskExportFilter {
  jobGroupId?: string;
  jobId?: string;
  taskId?: string;
  calledNumber?: string;
  callingNumber?: string;
  statuses?: string[];
  actualTimeFrom?: number;
  actualTimeTo?: number;
  answered?: boolean;
  /** Talk time bounds, seconds. */
  talkFrom?: number;
  talkTo?: number;
  /** Ringing time bounds, seconds (RecordingDurationGte/Lte: the reference calls them the ringing duration). */
  ringingFrom?: number;
  ringingTo?: number;
  /** Whether the conversation reached the end of its flow (end reason FINISHED). */
  reachedEndOfFlow?: boolean;
  /** Only calls of jobs now in one of these statuses. */
  jobStatuses?: string[];
  /** Only calls of groups whose name contains this text. */
  jobGroupName?: string;
  /** Only calls of groups whose script's name contains this text. */
  scriptName?: string;
}

/** The next batch of a parsed file's assignment to a group (AssignJobs with JobDataParsingTaskId). */
export interface ParsedJobsBatch {
  taskId: string;
  /** Absolute path of the parse's parsed-jobs file (src/files/parsed-jobs.ts). */
  parsedPath: string;
  instanceId: string;
  jobGroupId: string;
  /** The group's calling numbers for these jobs, already deduplicated. */
  callingNumbers: readonly string[];
  scriptVersion: string;
  /** Parsed jobs assigned so far (the task's `assigned`): the batch starts after them. */
  after: number;
  limit: number;
  now: number;
}

/** One page of a keyset walk; `next` is opaque, '' once the walk is over. */
export interface Slice<T> {
  items: T[];
  next: string;
}

export interface FileStore {
  /** A GroupExport also becomes the group's latest export (GetJobGroup ExportProgress). */
  insertTask(task: FileTaskRow): Promise<void>;
  /** A task of the account (and of the instance when given); another scope's task is absent. */
  findTask(accountId: string, taskId: string, instanceId?: string): Promise<FileTaskRow | undefined>;
  updateTask(taskId: string, change: FileTaskChange, now: number): Promise<void>;
  /**
   * Marks a finished parse as being assigned to a group, once: false when the task
   * is not Finished/PartialFinished or was already assigned (to any group). The
   * calling numbers are kept in the task's input as `assignCallingNumbers`.
   */
  claimAssignment(taskId: string, jobGroupId: string, callingNumbers: readonly string[], now: number): Promise<boolean>;
  /**
   * Creates the next `limit` jobs of a parsed file in the group, as insertJobs
   * creates jobs (Scheduling, due at `now`, counters moved, a Draft or Completed
   * group woken), and sets the task's `assigned` to `after` + the parsed jobs
   * consumed. Returns that number, 0 once the file is done. A job that already
   * exists (its batch committed by a run that stopped before recording it) is not
   * created or counted twice.
   */
  assignParsedJobs(batch: ParsedJobsBatch): Promise<number>;
  /** Export tasks of the account (of one instance when given), newest first. */
  listExportTasks(accountId: string, instanceId: string | undefined, page: PageRequest): Promise<Page<FileTaskRow>>;
  /** Tasks a restart must pick up: Pending or InProgress, or with an assignment InProgress. */
  unfinishedTasks(): Promise<FileTaskRow[]>;
  /** A group's jobs in a stable order, each with its tasks by attempt, `limit` at a time. */
  exportJobs(jobGroupId: string, after: string, limit: number): Promise<Slice<{ job: JobRow; tasks: TaskRow[] }>>;
  /** An instance's tasks (calls) matching the filter, in a stable order, `limit` at a time. */
  exportTasks(instanceId: string, filter: TaskExportFilter, after: string, limit: number): Promise<Slice<TaskRow>>;
}
