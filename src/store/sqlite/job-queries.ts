/** The SQL of jobs and their tasks of the SQLite backend (conventions: queries.ts). */

import { JOB_COLUMNS, TASK_COLUMNS } from '../portable-queries.ts';

export const jobs = {
  // Positional: AssignJobs binds this once per job, and positional binding skips a
  // parameter object per row (jobValues in jobs.ts gives the order).
  insert: `INSERT INTO jobs (id, instance_id, job_group_id, reference_id, status, contacts, extras, calling_numbers,
      script_version, next_attempt_at, created_at, modified_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  find: `SELECT ${JOB_COLUMNS} FROM jobs j WHERE j.instance_id = ? AND j.id = ?`,
  // Looked up by primary key: the unary + keeps SQLite from walking the instance's jobs
  // by jobs_by_instance instead (it did, without statistics: 54 ms at 200k jobs).
  byIds: `SELECT ${JOB_COLUMNS} FROM jobs j WHERE j.id IN (SELECT value FROM json_each(@ids)) AND +j.instance_id = @instanceId`,
  tasksOf: `SELECT ${TASK_COLUMNS} FROM tasks t WHERE t.job_id = ? ORDER BY t.attempt`,
  lastTaskOf: `SELECT ${TASK_COLUMNS} FROM tasks t WHERE t.job_id = ? ORDER BY t.attempt DESC LIMIT 1`,
  // A group's jobs by status, counted from its counters (exact: they move in the
  // transactions that move the jobs), and only when the group is the instance's.
  groupStatusCounts: `SELECT c.total_jobs AS totalJobs, c.scheduling, c.executing, c.completed, c.failed, c.paused, c.cancelled
    FROM job_group_counters c JOIN job_groups g ON g.id = c.job_group_id
    WHERE c.job_group_id = ? AND g.instance_id = ?`,
  // Status moves for Suspend/Resume/Cancel; the selector is all, ids or reference ids.
  move: `UPDATE jobs SET status = @to, modified_at = @now,
      -- Resuming keeps a retry time still ahead (the interval since the last attempt).
      next_attempt_at = CASE WHEN @to = 'Scheduling' THEN max(next_attempt_at, @nextAttemptAt) ELSE next_attempt_at END
    WHERE job_group_id = @jobGroupId AND status = @from
      AND (@all = 1
        OR (@ids IS NOT NULL AND id IN (SELECT value FROM json_each(@ids)))
        OR (@referenceIds IS NOT NULL AND reference_id IN (SELECT value FROM json_each(@referenceIds))))`,
};

/**
 * QueryJobs' and ListJobsByGroup's conditions, each written into the statement only
 * when its filter is given: SQLite plans an index only for the conditions it sees, and
 * a `@x IS NULL OR …` form hid the group from it (every page of a 1M-job group walked
 * the instance's jobs: 0.3–1.1 s). The order of the keys fixes the text, so each
 * combination of filters is one cached statement.
 */
const JOB_FILTER_CONDITIONS = {
  jobGroupId: 'j.job_group_id = @jobGroupId',
  statuses: 'j.status IN (SELECT value FROM json_each(@statuses))',
  failureReason: 'j.failure_reason = @failureReason',
  // Phone number and name filters look inside the contacts JSON.
  phoneNumber: `EXISTS (SELECT 1 FROM json_each(j.contacts) c
    WHERE json_extract(c.value, '$.e164') = @phoneNumberKey OR json_extract(c.value, '$.phoneNumber') = @phoneNumber)`,
  contactName: `EXISTS (SELECT 1 FROM json_each(j.contacts) c WHERE instr(json_extract(c.value, '$.name'), @contactName) > 0)`,
  createdFrom: 'j.created_at >= @createdFrom',
  createdTo: 'j.created_at <= @createdTo',
} as const;

export type JobFilterKey = keyof typeof JOB_FILTER_CONDITIONS;

/** The page and count statements for the filters given, newest jobs first. */
export function jobQuery(given: ReadonlySet<JobFilterKey>): { list: string; count: string } {
  // With a group, jobs_of_group is the index to walk; the unary + keeps the instance
  // condition (a guard: the group is the instance's) from choosing jobs_by_instance.
  const instance = given.has('jobGroupId') ? '+j.instance_id = @instanceId' : 'j.instance_id = @instanceId';
  const keys = Object.keys(JOB_FILTER_CONDITIONS) as JobFilterKey[];
  const where = [instance, ...keys.filter((key) => given.has(key)).map((key) => JOB_FILTER_CONDITIONS[key])].join('\n      AND ');
  return {
    // Jobs made in the same millisecond come newest first too, by rowid, which ends each
    // index entry: no sort, where ids (random within a millisecond) would need one over
    // every job of that millisecond, which on the virtual clock can be all of them.
    list: `SELECT ${JOB_COLUMNS} FROM jobs j\n    WHERE ${where}\n    ORDER BY j.created_at DESC, j.rowid DESC LIMIT @limit OFFSET @offset`,
    count: `SELECT count(*) AS n FROM jobs j\n    WHERE ${where}`,
  };
}

