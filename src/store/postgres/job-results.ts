import type { JobRow, JobStatus, Page, PageRequest, TaskRow } from '../rows.ts';
import { jobResultConditions, readResultPage, type JobResultFilter } from '../job-result-filter.ts';
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
      return readResultPage(filter, where, page, {
        countByCounters: (statuses) => this.countGroupJobs(instanceId, jobGroupId, statuses),
        countByConditions: async () => Number((await this.one(sql.count, params))?.n ?? 0),
        list: async (limit, offset) => {
          const jobs = (await this.rows(sql.list, { ...params, limit, offset })).map(rows.toJob);
          // The page's latest tasks in one query (DISTINCT ON job_id, by tasks_by_job).
          const last = new Map<string, TaskRow>();
          for (const row of await this.rows(jobSql.lastTasksOf, { ids: jobs.map((job) => job.id) })) {
            const task = rows.toTask(row);
            last.set(task.jobId, task);
          }
          return jobs.map((job) => ({ job, lastTask: last.get(job.id) }));
        },
      });
    }
  };
}
