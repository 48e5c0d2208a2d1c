import type { JobRow, JobStatus, Page, PageRequest, TaskRow } from '../rows.ts';
import type { JobFilter, JobSelector } from '../store.ts';
import { COUNTER_OF_STATUS, jobsInStatuses } from '../job-status-counters.ts';
import { applyDelta, countNewJobs, refreshStatus } from './counter-writes.ts';
import type { SqliteBase } from './sqlite-database.ts';
import { params as filterParams, rows } from './sqlite-rows.ts';
import { jobQuery, jobs as jobSql, type JobFilterKey } from './job-queries.ts';

type Row = Record<string, unknown>;

/** Jobs and their tasks: adding jobs, reading them, and the user's moves (pause, resume, cancel). */
export function withJobs<B extends SqliteBase>(Base: B) {
  return class SqliteJobs extends Base {
    async insertJobs(jobGroupId: string, jobs: JobRow[], now: number): Promise<void> {
      if (jobs.length === 0) return; // nothing added: the group must not wake (or complete)
      this.db.transaction(() => {
        const insert = this.stmt(jobSql.insert);
        for (const job of jobs) insert.run(jobValues(job));
        this.countNewJobs(jobGroupId, jobs.length, now);
      })();
    }

    /** The counters of jobs added to a group, inside their transaction (the file store's assignment shares it). */
    countNewJobs(jobGroupId: string, added: number, now: number): void {
      this.noticeWrite();
      countNewJobs(this.statements, jobGroupId, added, now);
    }

    async findJob(instanceId: string, jobId: string): Promise<{ job: JobRow; tasks: TaskRow[] } | undefined> {
      const row = this.stmt(jobSql.find).get(instanceId, jobId);
      if (!row) return undefined;
      return { job: rows.toJob(row), tasks: this.stmt(jobSql.tasksOf).all(jobId).map(rows.toTask) };
    }

    async listJobs(instanceId: string, jobIds: readonly string[]): Promise<JobRow[]> {
      return this.stmt(jobSql.byIds).all({ instanceId, ids: JSON.stringify(jobIds) }).map(rows.toJob);
    }

    async queryJobs(instanceId: string, filter: JobFilter, page: PageRequest): Promise<Page<{ job: JobRow; lastTask?: TaskRow }>> {
      const params = filterParams.jobs(instanceId, filter);
      const given = new Set((Object.keys(params) as Array<JobFilterKey | 'instanceId'>).filter((key): key is JobFilterKey => key !== 'instanceId' && params[key] !== null));
      const sql = jobQuery(given);
      const onlyGroupAndStatus = given.has('jobGroupId') && [...given].every((key) => key === 'jobGroupId' || key === 'statuses');
      const totalCount = onlyGroupAndStatus ? this.countGroupJobs(instanceId, filter.jobGroupId!, filter.statuses) : Number(this.stmt(sql.count).get(params)?.n ?? 0);
      const offset = (page.pageNumber - 1) * page.pageSize;
      // Past the last job there is nothing to look for (a missing status would walk the whole group).
      if (offset >= totalCount) return { items: [], totalCount };
      const items = this.stmt(sql.list).all({ ...params, limit: page.pageSize, offset }).map((row) => {
        const job = rows.toJob(row);
        const last = this.stmt(jobSql.lastTaskOf).get(job.id);
        return { job, lastTask: last ? rows.toTask(last) : undefined };
      });
      return { items, totalCount };
    }

    /** How many of a group's jobs are in the statuses given (all when none), from its counters. */
    countGroupJobs(instanceId: string, jobGroupId: string, statuses: readonly JobStatus[] | undefined): number {
      const row = this.stmt(jobSql.groupStatusCounts).get(jobGroupId, instanceId);
      return row ? jobsInStatuses(row, statuses) : 0;
    }

    async moveJobs(jobGroupId: string, selector: JobSelector, from: JobStatus[], to: JobStatus, now: number, nextAttemptAt?: number): Promise<number> {
      return this.db.transaction(() => {
        let moved = 0;
        for (const status of from) {
          const changes = this.stmt(jobSql.move).run({
            jobGroupId,
            from: status,
            to,
            now,
            nextAttemptAt: nextAttemptAt ?? now,
            all: 'all' in selector ? 1 : 0,
            ids: 'jobIds' in selector ? JSON.stringify(selector.jobIds) : null,
            referenceIds: 'referenceIds' in selector ? JSON.stringify(selector.referenceIds) : null,
          }).changes;
          if (changes === 0) continue;
          moved += changes;
          applyDelta(this.statements, jobGroupId, { [COUNTER_OF_STATUS[status]]: -changes, [COUNTER_OF_STATUS[to]]: changes });
        }
        refreshStatus(this.statements, jobGroupId, now);
        return moved;
      })();
    }

    async refreshGroupStatus(jobGroupId: string, now: number): Promise<void> {
      this.db.transaction(() => refreshStatus(this.statements, jobGroupId, now))();
    }
  };
}

/** A job's values in the order of jobSql.insert. */
function jobValues(job: JobRow): unknown[] {
  return [
    job.id,
    job.instanceId,
    job.jobGroupId,
    job.referenceId,
    job.status,
    JSON.stringify(job.contacts),
    jsonList(job.extras),
    jsonList(job.callingNumbers),
    job.scriptVersion,
    job.nextAttemptAt,
    job.createdAt,
    job.modifiedAt,
  ];
}

/** Most jobs have no extras and no calling numbers of their own: '[]' without a JSON.stringify each. */
function jsonList(list: readonly unknown[]): string {
  return list.length === 0 ? '[]' : JSON.stringify(list);
}
