import type { JobRow, JobStatus, Page, PageRequest, TaskRow } from '../rows.ts';
import { jobResultConditions, type JobResultFilter } from '../job-result-filter.ts';
import type { PostgresBase } from './postgres-database.ts';
import { codec, rows } from './postgres-rows.ts';
import { jobs as jobSql } from './job-queries.ts';
import { jobResultQuery, postgresResultDialect } from './job-result-queries.ts';

type WithGroupCounts = PostgresBase<InstanceType<PostgresBase> & {
  countGroupJobs(instanceId: string, jobGroupId: string, statuses: readonly JobStatus[] | undefined): Promise<number>;
}>;

/** QueryJobsWithResult: a group's jobs, filtered by their latest call's result, a page at a time by index. */
export function withJobResults<B extends WithGroupCounts>(Base: B) {
  return class PostgresJobResults extends Base {
    async queryJobResults(instanceId: string, jobGroupId: string, filter: JobResultFilter, page: PageRequest): Promise<Page<{ job: JobRow; lastTask?: TaskRow }>> {
      const where = jobResultConditions(filter, postgresResultDialect, codec);
      const sql = jobResultQuery(where);
      const params = { ...where.params, instanceId, jobGroupId };
      const totalCount = where.countedByCounters
        ? await this.countGroupJobs(instanceId, jobGroupId, filter.jobStatus ? [filter.jobStatus] : undefined)
        : Number((await this.one(sql.count, params))?.n ?? 0);
      const offset = (page.pageNumber - 1) * page.pageSize;
      if (offset >= totalCount) return { items: [], totalCount }; // nothing to walk for
      const jobs = (await this.rows(sql.list, { ...params, limit: page.pageSize, offset })).map(rows.toJob);
      const last = new Map<string, TaskRow>();
      if (jobs.length > 0) {
        for (const row of await this.rows(jobSql.lastTasksOf, { ids: jobs.map((job) => job.id) })) {
          const task = rows.toTask(row);
          last.set(task.jobId, task);
        }
      }
      return { items: jobs.map((job) => ({ job, lastTask: last.get(job.id) })), totalCount };
    }
  };
}
