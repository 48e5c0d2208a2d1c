import type { ParamCodec } from './filter-params.ts';
import type { JobStatus, Page, PageRequest } from './rows.ts';
import type { JobResultFilter } from './store.ts';

export type { JobResultFilter } from './store.ts';

/**
 * QueryJobsWithResult's filters of a group's jobs, and their SQL, written once for
 * both backends: each backend passes the few pieces its dialect spells differently
 * (JobResultDialect) and keeps its own statements (sqlite/ and postgres/
 * job-result-queries.ts). `lt` is the job's latest task, joined only when a filter
 * reads it; a job not called yet has none, and then counts as not answered.
 */

/**
 * The call-result flags of src/domain/call-result.ts in SQL over `lt`; a task's end
 * reason is set only once it was answered, so the reason alone says it.
 */
export const RESULT_FLAG_SQL = {
  answered: `lt.status LIKE 'Succeeded%'`,
  hangUpByRejection: `lt.end_reason = 'CLIENT_HANGUP'`,
  reachedEndOfFlow: `lt.end_reason = 'FINISHED'`,
} as const;

/** What the two dialects spell differently in these conditions. */
export interface JobResultDialect {
  /** `column` is one of the strings of the list parameter `@name` (ParamCodec.writeList). */
  inList(column: string, name: string): string;
  /** A flag parameter as compared with a condition (SQLite: 1 or 0; PostgreSQL: boolean). */
  flagParam(name: string): string;
  /** The false literal a missing latest task's condition becomes. */
  false: string;
  /**
   * Some contact of job `j` has the canonical number `@key` (the e164 it carries), or
   * is written `@asWritten` (as QueryJobs matches contacts stored before they carried one).
   */
  contactNumberIs(key: string, asWritten: string): string;
}

export interface JobResultConditions {
  /** Conditions to AND after the group's, in a fixed order (so each combination is one statement text). */
  conditions: string[];
  params: Record<string, unknown>;
  /** A condition reads the latest task: the statement must join it as `lt`. */
  readsLatestTask: boolean;
  /** Only the job status is filtered on (or nothing): the group's counters hold the count. */
  countedByCounters: boolean;
}

export function jobResultConditions(filter: JobResultFilter, dialect: JobResultDialect, codec: ParamCodec): JobResultConditions {
  const conditions: string[] = [];
  const params: Record<string, unknown> = {};
  let readsLatestTask = false;
  const add = (condition: string, values: Record<string, unknown>, onTask = false) => {
    conditions.push(condition);
    Object.assign(params, values);
    readsLatestTask ||= onTask;
  };
  const flag = (name: keyof typeof RESULT_FLAG_SQL, value: boolean | undefined) => {
    if (value === undefined) return;
    add(`coalesce(${RESULT_FLAG_SQL[name]}, ${dialect.false}) = ${dialect.flagParam(name)}`, { [name]: codec.writeFlag(value) }, true);
  };
  if (filter.jobStatus !== undefined) add('j.status = @jobStatus', { jobStatus: filter.jobStatus });
  if (filter.failureReasons?.length) add(dialect.inList('j.failure_reason', 'failureReasons'), { failureReasons: codec.writeList(filter.failureReasons) });
  if (filter.search) {
    add(`(j.id = @searchText OR j.reference_id = @searchText OR ${dialect.contactNumberIs('phoneKey', 'searchText')})`, { searchText: filter.search.text, phoneKey: filter.search.phoneKey });
  }
  if (filter.taskStatuses?.length) add(dialect.inList('lt.status', 'taskStatuses'), { taskStatuses: codec.writeList(filter.taskStatuses) }, true);
  flag('answered', filter.answered);
  flag('hangUpByRejection', filter.hangUpByRejection);
  flag('reachedEndOfFlow', filter.reachedEndOfFlow);
  if (filter.callFrom !== undefined) add('lt.actual_time >= @callFrom', { callFrom: filter.callFrom }, true);
  if (filter.callTo !== undefined) add('lt.actual_time <= @callTo', { callTo: filter.callTo }, true);
  return { conditions, params, readsLatestTask, countedByCounters: conditions.length === (filter.jobStatus === undefined ? 0 : 1) };
}

/** How a backend reads a page of results: the count, then the page's jobs with their latest tasks. */
export interface ResultReads<T> {
  /** The jobs in `statuses` (all when undefined), from the group's counters. */
  countByCounters(statuses: JobStatus[] | undefined): Promise<number>;
  /** The jobs the conditions keep, counted by the count statement. */
  countByConditions(): Promise<number>;
  /** The page's jobs with their latest tasks, newest first. */
  list(limit: number, offset: number): Promise<T[]>;
}

/** A page of results, read the same way on both backends: nothing is walked for a page past the end. */
export async function readResultPage<T>(filter: JobResultFilter, where: JobResultConditions, page: PageRequest, reads: ResultReads<T>): Promise<Page<T>> {
  const totalCount = where.countedByCounters ? await reads.countByCounters(filter.jobStatus ? [filter.jobStatus] : undefined) : await reads.countByConditions();
  const offset = (page.pageNumber - 1) * page.pageSize;
  if (offset >= totalCount) return { items: [], totalCount };
  return { items: await reads.list(page.pageSize, offset), totalCount };
}
