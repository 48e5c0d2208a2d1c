/** The SQL of QueryJobsWithResult on the SQLite backend (conditions: ../job-result-filter.ts). */

import { JOB_COLUMNS } from '../portable-queries.ts';
import type { JobResultConditions, JobResultDialect } from '../job-result-filter.ts';

export const sqliteResultDialect: JobResultDialect = {
  inList: (column, name) => `${column} IN (SELECT value FROM json_each(@${name}))`,
  flagParam: (name) => `@${name}`,
  false: '0',
  contactNumberIs: (key, asWritten) => `EXISTS (SELECT 1 FROM json_each(j.contacts) c
        WHERE json_extract(c.value, '$.e164') = @${key} OR json_extract(c.value, '$.phoneNumber') = @${asWritten})`,
};

/** The job's latest task, by tasks_by_job (job_id, attempt): one index probe per job. */
const LATEST_TASK = `LEFT JOIN tasks lt ON lt.rowid = (SELECT t.rowid FROM tasks t WHERE t.job_id = j.id ORDER BY t.attempt DESC LIMIT 1)`;

/**
 * The page and count statements of a group's jobs with the conditions given, newest
 * first. The plan (test/store/job-results-plan.test.ts checks it):
 *
 *   page: SCAN j USING COVERING INDEX jobs_of_group (job_group_id=?)  -- backwards, no sort
 *         SEARCH j USING INTEGER PRIMARY KEY (rowid=?)                 -- the page's rows only
 *
 * The inner select walks jobs_of_group (job_group_id, created_at; the rowid ends each
 * entry) from the newest job, so the order costs nothing, and it reads only the index
 * when nothing but the group is filtered on: the OFFSET skips index entries, not
 * rows, and page 100 costs about what page 1 does. Each condition makes the walk read
 * the job's row (and with a condition on the call, probe tasks_by_job for its latest
 * task), still in index order, stopping at the page's last match; the full rows and
 * their tasks are read for the page's jobs alone. The group's instance is checked
 * once the page is found (`+`: a guard, never an index choice).
 */
export function jobResultQuery(where: JobResultConditions): { page: string; list: string; count: string } {
  const join = where.readsLatestTask ? `\n      ${LATEST_TASK}` : '';
  const conditions = ['j.job_group_id = @jobGroupId', ...where.conditions].join('\n        AND ');
  const page = `SELECT j.rowid AS r FROM jobs j${join}
      WHERE ${conditions}
      ORDER BY j.created_at DESC, j.rowid DESC LIMIT @limit OFFSET @offset`;
  return {
    page,
    list: `WITH page AS (${page})
    SELECT ${JOB_COLUMNS} FROM page JOIN jobs j ON j.rowid = page.r
    WHERE +j.instance_id = @instanceId
    ORDER BY j.created_at DESC, j.rowid DESC`,
    count: `SELECT count(*) AS n FROM jobs j${join}
      WHERE ${conditions} AND +j.instance_id = @instanceId`,
  };
}
