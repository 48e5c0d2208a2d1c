import { TASK_COLUMNS } from './portable-queries.ts';
import type { JobStatus, Page, PageRequest, TaskRow } from './rows.ts';

/**
 * SearchTask's read of an instance's call history (one row per task), shared by
 * both backends: the filter, the sorts, and the statement built from the
 * conditions each backend writes in its dialect (sqlite/ and postgres/
 * task-search-queries.ts). Only the conditions of the filters given are written
 * into the statement, so the planner sees which index serves them (SQLite plans an
 * index only for conditions it can see), and each combination is one cached statement.
 */

/** Which calls a search returns; an absent field does not filter. Durations in ms, times epoch ms. */
export interface TaskSearchFilter {
  jobGroupId?: string;
  jobId?: string;
  taskId?: string;
  /** A task id or a job id (OtherId). */
  otherId?: string;
  /** The callee's match key (src/domain/phone-number.ts matchKey): any written form of the number finds it. */
  calledKey?: string;
  callingNumber?: string;
  statuses?: string[];
  /** Calls of jobs now in one of these statuses. */
  jobStatuses?: string[];
  /** The job's reference id (UserIdMatch). */
  referenceId?: string;
  actualFrom?: number;
  actualTo?: number;
  talkFrom?: number;
  talkTo?: number;
  ringingFrom?: number;
  ringingTo?: number;
  /** When the task was planned (the job's due time it was claimed at). */
  plannedFrom?: number;
  plannedTo?: number;
  /** Part of the group's name. */
  jobGroupName?: string;
  /** Part of the group's script's name. */
  scriptName?: string;
}

export type TaskFilterKey = keyof TaskSearchFilter;

export const TASK_SORT_KEYS = ['actualTime', 'callDuration', 'recordingDuration', 'taskCreateTime'] as const;
export type TaskSortKey = (typeof TASK_SORT_KEYS)[number];

export interface TaskSort {
  by: TaskSortKey;
  order: 'asc' | 'desc';
}

/** A call as SearchTask lists it: the task with what it shows of its job, group and script. */
export interface TaskSearchRow {
  task: TaskRow;
  jobStatus: JobStatus;
  referenceId: string;
  jobGroupName: string;
  scriptName: string;
}

/** The column each sort orders by. actualTime is the one an index serves (tasks_by_instance, tasks_by_group). */
const SORT_COLUMNS: Record<TaskSortKey, string> = {
  actualTime: 't.actual_time',
  callDuration: 't.talk_ms',
  recordingDuration: 't.ringing_ms',
  taskCreateTime: 't.planned_time',
};

/** A backend's dialect for the search: a condition per filter, and what breaks ties in index order. */
export interface TaskSearchDialect {
  conditions: Record<TaskFilterKey, string>;
  /** The instance condition: `guarded` when a narrower index (group, job, task) should drive the walk. */
  instance: { plain: string; guarded: string };
  /** A unique column that ends each index entry (SQLite's rowid, PostgreSQL's id). */
  tieBreak: string;
}

/** Filters whose own index is narrower than the instance's. */
const NARROWING: readonly TaskFilterKey[] = ['jobGroupId', 'jobId', 'taskId', 'otherId'];

/** The filters given, in the dialect's key order (so one combination is one statement text). */
export function givenFilters(filter: TaskSearchFilter): TaskFilterKey[] {
  return (Object.keys(filter) as TaskFilterKey[]).filter((key) => {
    const value = filter[key];
    return value !== undefined && value !== '' && !(Array.isArray(value) && value.length === 0);
  }).sort();
}

/**
 * The page and count statements. The page is found on the tasks alone (the sort
 * column and the tie-break, by index for actualTime), then joined to its jobs,
 * groups and scripts: a skipped row costs an index step, never a join.
 */
export function taskSearchSql(dialect: TaskSearchDialect, given: readonly TaskFilterKey[], sort: TaskSort): { list: string; count: string } {
  const instance = given.some((key) => NARROWING.includes(key)) ? dialect.instance.guarded : dialect.instance.plain;
  const where = [instance, ...given.map((key) => dialect.conditions[key])].join('\n      AND ');
  const direction = sort.order === 'asc' ? 'ASC' : 'DESC';
  const column = SORT_COLUMNS[sort.by];
  const order = `${column} ${direction}, ${dialect.tieBreak} ${direction}`;
  return {
    list: `SELECT ${TASK_SEARCH_COLUMNS}
    FROM (SELECT ${dialect.tieBreak} AS tk, ${column} AS sk FROM tasks t
      WHERE ${where}
      ORDER BY ${order} LIMIT @limit OFFSET @offset) p
    JOIN tasks t ON ${dialect.tieBreak} = p.tk
    JOIN jobs j ON j.id = t.job_id
    JOIN job_groups g ON g.id = t.job_group_id
    LEFT JOIN scripts s ON s.id = g.script_id
    ORDER BY p.sk ${direction}, p.tk ${direction}`,
    count: `SELECT count(*) AS n FROM tasks t\n    WHERE ${where}`,
  };
}

/** The page's columns, the same text in both dialects. */
export const TASK_SEARCH_COLUMNS = `${TASK_COLUMNS}, j.status AS "jobStatus", j.reference_id AS "referenceId",
      g.name AS "jobGroupName", coalesce(s.name, '') AS "scriptName"`;

/** A page row as the search returns it; `toTask` is the backend's task mapper (row-codecs.ts). */
export function toTaskSearchRow(toTask: (row: Record<string, unknown>) => TaskRow, row: Record<string, unknown>): TaskSearchRow {
  return {
    task: toTask(row),
    jobStatus: row.jobStatus as JobStatus,
    referenceId: String(row.referenceId),
    jobGroupName: String(row.jobGroupName),
    scriptName: String(row.scriptName),
  };
}

type Row = Record<string, unknown>;

/** What a backend gives searchTaskPage: its dialect, its parameter binding and how it runs a statement. */
export interface TaskSearchBackend {
  dialect: TaskSearchDialect;
  params(instanceId: string, filter: TaskSearchFilter, given: readonly TaskFilterKey[]): Row;
  count(sql: string, params: Row): Promise<number>;
  /** The calls of the instance, or of one of its groups, from the groups' counters. */
  countCalls(instanceId: string, jobGroupId: string | undefined): Promise<number>;
  list(sql: string, params: Row): Promise<Row[]>;
  toTask(row: Row): TaskRow;
}

/**
 * One page of a search with the count of every match; a page past the count reads
 * nothing more. With no filter but the group, the count is the groups' total_calls
 * counters (moved with each claim, in its transaction; `outboundbot verify` recounts
 * them from the tasks), so an instance's or a group's pages cost the same at a
 * million calls as at ten thousand instead of counting every call each time.
 */
export async function searchTaskPage(backend: TaskSearchBackend, instanceId: string, filter: TaskSearchFilter, sort: TaskSort, page: PageRequest): Promise<Page<TaskSearchRow>> {
  const given = givenFilters(filter);
  const sql = taskSearchSql(backend.dialect, given, sort);
  const params = backend.params(instanceId, filter, given);
  const totalCount = given.every((key) => key === 'jobGroupId')
    ? await backend.countCalls(instanceId, filter.jobGroupId)
    : await backend.count(sql.count, params);
  const offset = (page.pageNumber - 1) * page.pageSize;
  if (offset >= totalCount) return { items: [], totalCount };
  const rows = await backend.list(sql.list, { ...params, limit: page.pageSize, offset });
  return { items: rows.map((row) => toTaskSearchRow(backend.toTask, row)), totalCount };
}
