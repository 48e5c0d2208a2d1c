import type { JobRow, JobStatus, Page, PageRequest, TaskRow } from '../rows.ts';
import { jobResultConditions, readResultPage, type JobResultFilter } from '../job-result-filter.ts';
import type { SqliteBase } from './sqlite-database.ts';
import { codec, rows } from './sqlite-rows.ts';
import { jobs as jobSql } from './job-queries.ts';
import { jobResultQuery, sqliteResultDialect } from './job-result-queries.ts';

type WithGroupCounts = SqliteBase<InstanceType<SqliteBase> & {
  countGroupJobs(instanceId: string, jobGroupId: string, statuses: readonly JobStatus[] | undefined): number;
}>;

/** QueryJobsWithResult: a group's jobs, filtered by their latest call's result, a page at a time by index. */
export function withJobResults<B extends WithGroupCounts>(Base: B) {
  return class SqliteJobResults extends Base {
    async queryJobResults(instanceId: string, jobGroupId: string, filter: JobResultFilter, page: PageRequest): Promise<Page<{ job: JobRow; lastTask?: TaskRow }>> {
      const where = jobResultConditions(filter, sqliteResultDialect, codec);
      const sql = jobResultQuery(where);
      const params = { ...where.params, instanceId, jobGroupId };
      return readResultPage(filter, where, page, {
        countByCounters: async (statuses) => this.countGroupJobs(instanceId, jobGroupId, statuses),
        countByConditions: async () => Number(this.stmt(sql.count).get(params)?.n ?? 0),
        list: async (limit, offset) => this.stmt(sql.list).all({ ...params, limit, offset }).map((row) => {
          const job = rows.toJob(row);
          const last = this.stmt(jobSql.lastTaskOf).get(job.id);
          return { job, lastTask: last ? rows.toTask(last) : undefined };
        }),
      });
    }
  };
}
