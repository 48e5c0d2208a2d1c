/** The SQL of QueryJobsWithResult on the PostgreSQL backend (conditions: ../job-result-filter.ts). */

import { JOB_COLUMNS } from '../portable-queries.ts';
import type { JobResultConditions, JobResultDialect } from '../job-result-filter.ts';

export const postgresResultDialect: JobResultDialect = {
  inList: (column, name) => `${column} = ANY(@${name}::text[])`,
  flagParam: (name) => `@${name}::boolean`,
  false: 'false',
  contactNumberIs: (key, asWritten) => `EXISTS (SELECT 1 FROM jsonb_array_elements(j.contacts) c
        WHERE c->>'e164' = @${key}::text OR c->>'phoneNumber' = @${asWritten}::text)`,
};

/** The job's latest task, by tasks_by_job (job_id, attempt): one index probe per job. */
const LATEST_TASK = `LEFT JOIN LATERAL (SELECT t.status, t.end_reason, t.actual_time FROM tasks t
        WHERE t.job_id = j.id ORDER BY t.attempt DESC LIMIT 1) lt ON true`;

/**
 * The page and count statements of a group's jobs with the conditions given, newest
 * first. The plan (test/store/job-results-plan.test.ts checks it):
 *
 *   page: Limit -> Index Only Scan Backward using jobs_of_group on jobs j (job_group_id = $1)
 *         (an Index Scan Backward until the table is vacuumed), then the page's rows by jobs_pkey
 *
 * For a status the statistics say few jobs hold (Executing), the planner may read
 * those by jobs_by_group (job_group_id, status, id) and sort them instead: a handful
 * of rows, cheaper than the walk.
 *
 * The inner select walks jobs_of_group (job_group_id, created_at, id) backwards from
 * the newest job, so the order costs nothing and no sort runs; with nothing but the
 * group filtered on it reads the index alone, so the OFFSET skips index entries, not
 * rows, and page 100 costs about what page 1 does. Each condition makes the walk read
 * the job's row (and with a condition on the call, its latest task through
 * tasks_by_job), still in index order, stopping at the page's last match; the full
 * rows are read for the page's jobs alone, and the group's instance checked then.
 */
export function jobResultQuery(where: JobResultConditions): { page: string; list: string; count: string } {
  const join = where.readsLatestTask ? `\n      ${LATEST_TASK}` : '';
  const conditions = ['j.job_group_id = @jobGroupId::text', ...where.conditions].join('\n        AND ');
  const page = `SELECT j.id, j.created_at FROM jobs j${join}
      WHERE ${conditions}
      ORDER BY j.created_at DESC, j.id DESC LIMIT @limit OFFSET @offset`;
  return {
    page,
    list: `WITH page AS MATERIALIZED (${page})
    SELECT ${JOB_COLUMNS} FROM page JOIN jobs j ON j.id = page.id
    WHERE j.instance_id = @instanceId::text
    ORDER BY page.created_at DESC, page.id DESC`,
    count: `SELECT count(*) AS n FROM jobs j${join}
      WHERE ${conditions} AND j.instance_id = @instanceId::text`,
  };
}
