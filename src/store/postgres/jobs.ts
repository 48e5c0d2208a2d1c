import type { JobRow, JobStatus, Page, PageRequest, TaskRow } from '../rows.ts';
import type { CounterDelta, JobFilter, JobSelector } from '../store.ts';
import { COUNTER_OF_STATUS, jobsInStatuses } from '../job-status-counters.ts';
import { applyDeltas, lockGroups, refreshStatuses } from './counter-writes.ts';
import { copyJobs } from './copy-jobs.ts';
import { notifyWork } from './notifications.ts';
import type { PostgresBase } from './postgres-database.ts';
import { params as filterParams, rows } from './postgres-rows.ts';
import { counters as counterSql } from './counter-queries.ts';
import { jobs as jobSql } from './job-queries.ts';

/** Up to this many jobs go in as one JSON parameter; more are streamed with COPY. */
const BATCH_ROWS_VIA_JSON = 1_000;

/** Jobs and their tasks: adding jobs, reading them, and the user's moves (pause, resume, cancel). */
export function withJobs<B extends PostgresBase>(Base: B) {
  return class PostgresJobs extends Base {
    async insertJobs(jobGroupId: string, jobs: JobRow[], now: number): Promise<void> {
      if (jobs.length === 0) return; // nothing added: the group must not wake (or complete)
      await this.transaction(async (client) => {
        await lockGroups(this, client, [jobGroupId]);
        if (jobs.length <= BATCH_ROWS_VIA_JSON) {
          await this.run(jobSql.insertMany, { rows: JSON.stringify(jobs) }, client);
        } else {
          await copyJobs(client, jobs);
        }
        await applyDeltas(this, client, new Map([[jobGroupId, { totalJobs: jobs.length, scheduling: jobs.length }]]));
        await this.run(counterSql.wakeGroup, { jobGroupId, now }, client);
        await refreshStatuses(this, client, [{ id: jobGroupId, now }]);
        await notifyWork(this, client, jobGroupId);
      });
    }

    async findJob(instanceId: string, jobId: string): Promise<{ job: JobRow; tasks: TaskRow[] } | undefined> {
      const row = await this.one(jobSql.find, { instanceId, id: jobId });
      if (!row) return undefined;
      return { job: rows.toJob(row), tasks: (await this.rows(jobSql.tasksOf, { jobId })).map(rows.toTask) };
    }

    async listJobs(instanceId: string, jobIds: readonly string[]): Promise<JobRow[]> {
      return (await this.rows(jobSql.byIds, { instanceId, ids: [...jobIds] })).map(rows.toJob);
    }

    async queryJobs(instanceId: string, filter: JobFilter, page: PageRequest): Promise<Page<{ job: JobRow; lastTask?: TaskRow }>> {
      const params = filterParams.jobs(instanceId, filter);
      // A group's totals, by status or not, come from its counters; a page past them is empty.
      const onlyGroupAndStatus = filter.jobGroupId !== undefined && params.failureReason === null && params.phoneNumber === null
        && params.contactName === null && params.createdFrom === null && params.createdTo === null;
      let result: Page<JobRow>;
      if (onlyGroupAndStatus) {
        const totalCount = await this.countGroupJobs(instanceId, filter.jobGroupId!, filter.statuses);
        const offset = (page.pageNumber - 1) * page.pageSize;
        const items = offset >= totalCount ? [] : (await this.rows(jobSql.query, { ...params, limit: page.pageSize, offset })).map(rows.toJob);
        result = { items, totalCount };
      } else {
        result = await this.page(jobSql.query, jobSql.queryCount, params, page, rows.toJob);
      }
      const last = new Map<string, TaskRow>();
      if (result.items.length > 0) {
        for (const row of await this.rows(jobSql.lastTasksOf, { ids: result.items.map((job) => job.id) })) {
          const task = rows.toTask(row);
          last.set(task.jobId, task);
        }
      }
      return { totalCount: result.totalCount, items: result.items.map((job) => ({ job, lastTask: last.get(job.id) })) };
    }

    /** How many of a group's jobs are in the statuses given (all when none), from its counters. */
    async countGroupJobs(instanceId: string, jobGroupId: string, statuses: readonly JobStatus[] | undefined): Promise<number> {
      const row = await this.one(jobSql.groupStatusCounts, { jobGroupId, instanceId });
      return row ? jobsInStatuses(row, statuses) : 0;
    }

    async moveJobs(jobGroupId: string, selector: JobSelector, from: JobStatus[], to: JobStatus, now: number, nextAttemptAt?: number): Promise<number> {
      return this.transaction(async (client) => {
        await lockGroups(this, client, [jobGroupId]);
        let moved = 0;
        const delta: CounterDelta = {};
        for (const status of from) {
          const changes = await this.changes(jobSql.move, {
            jobGroupId,
            from: status,
            to,
            now,
            nextAttemptAt: nextAttemptAt ?? now,
            all: 'all' in selector,
            ids: 'jobIds' in selector ? selector.jobIds : null,
            referenceIds: 'referenceIds' in selector ? selector.referenceIds : null,
          }, client);
          if (changes === 0) continue;
          moved += changes;
          const fromKey = COUNTER_OF_STATUS[status];
          const toKey = COUNTER_OF_STATUS[to];
          delta[fromKey] = (delta[fromKey] ?? 0) - changes;
          delta[toKey] = (delta[toKey] ?? 0) + changes;
        }
        if (moved > 0) await applyDeltas(this, client, new Map([[jobGroupId, delta]]));
        await refreshStatuses(this, client, [{ id: jobGroupId, now }]);
        if (moved > 0 && to === 'Scheduling') await notifyWork(this, client, jobGroupId);
        return moved;
      });
    }

    async refreshGroupStatus(jobGroupId: string, now: number): Promise<void> {
      await this.transaction(async (client) => {
        await lockGroups(this, client, [jobGroupId]);
        await refreshStatuses(this, client, [{ id: jobGroupId, now }]);
      });
    }
  };
}
