/** The SQL of jobs and their tasks of the PostgreSQL backend (conventions: queries.ts). */

import { JOB_COLUMNS, TASK_COLUMNS } from '../portable-queries.ts';
import { COUNTER_COLUMNS } from './queries.ts';

// Jobs and tasks ----------------------------------------------------------------------------

const JOB_FILTER = `j.instance_id = @instanceId
      AND (@jobGroupId::text IS NULL OR j.job_group_id = @jobGroupId::text)
      AND (@statuses::text[] IS NULL OR j.status = ANY(@statuses::text[]))
      AND (@failureReason::text IS NULL OR j.failure_reason = @failureReason::text)
      AND (@phoneNumber::text IS NULL OR EXISTS (SELECT 1 FROM jsonb_array_elements(j.contacts) c
        WHERE c->>'e164' = @phoneNumberKey::text OR c->>'phoneNumber' = @phoneNumber::text))
      AND (@contactName::text IS NULL OR EXISTS (SELECT 1 FROM jsonb_array_elements(j.contacts) c
        WHERE strpos(c->>'name', @contactName::text) > 0))
      AND (@createdFrom::bigint IS NULL OR j.created_at >= @createdFrom::bigint)
      AND (@createdTo::bigint IS NULL OR j.created_at <= @createdTo::bigint)`;

/** The columns bulk ingest writes, in COPY order. */
export const JOB_INGEST_COLUMNS = [
  'id', 'instance_id', 'job_group_id', 'reference_id', 'status', 'contacts', 'extras', 'calling_numbers',
  'script_version', 'next_attempt_at', 'created_at', 'modified_at',
] as const;

export const jobs = {
  // A batch of jobs in one statement: `@rows` is a JSON array of job rows.
  insertMany: `INSERT INTO jobs (${JOB_INGEST_COLUMNS.join(', ')})
    SELECT r.id, r."instanceId", r."jobGroupId", r."referenceId", r.status, r.contacts, r.extras, r."callingNumbers",
      r."scriptVersion", r."nextAttemptAt", r."createdAt", r."modifiedAt"
    FROM jsonb_to_recordset(@rows::jsonb) AS r(id text, "instanceId" text, "jobGroupId" text, "referenceId" text,
      status text, contacts jsonb, extras jsonb, "callingNumbers" jsonb, "scriptVersion" text,
      "nextAttemptAt" bigint, "createdAt" bigint, "modifiedAt" bigint)`,
  /** Bulk ingest of large batches through COPY (text format, see copy-jobs.ts copyLine). */
  copyIn: `COPY jobs (${JOB_INGEST_COLUMNS.join(', ')}) FROM STDIN`,
  find: `SELECT ${JOB_COLUMNS} FROM jobs j WHERE j.instance_id = @instanceId AND j.id = @id`,
  byIds: `SELECT ${JOB_COLUMNS} FROM jobs j WHERE j.instance_id = @instanceId AND j.id = ANY(@ids::text[])`,
  tasksOf: `SELECT ${TASK_COLUMNS} FROM tasks t WHERE t.job_id = @jobId ORDER BY t.attempt`,
  // The latest task of each listed job, in one query.
  lastTasksOf: `SELECT DISTINCT ON (t.job_id) ${TASK_COLUMNS} FROM tasks t
    WHERE t.job_id = ANY(@ids::text[]) ORDER BY t.job_id, t.attempt DESC`,
  query: `SELECT ${JOB_COLUMNS} FROM jobs j WHERE ${JOB_FILTER}
    ORDER BY j.created_at DESC, j.id DESC LIMIT @limit OFFSET @offset`,
  queryCount: `SELECT count(*) AS n FROM jobs j WHERE ${JOB_FILTER}`,
  // A group's jobs by status, counted from its counters (exact: they move in the
  // transactions that move the jobs), and only when the group is the instance's.
  groupStatusCounts: `SELECT ${COUNTER_COLUMNS} FROM job_group_totals c JOIN job_groups g ON g.id = c.job_group_id
    WHERE c.job_group_id = @jobGroupId AND g.instance_id = @instanceId`,
  // Status moves for Suspend/Resume/Cancel; the selector is all, ids or reference ids.
  move: `UPDATE jobs SET status = @to::text, modified_at = @now,
      -- Resuming keeps a retry time still ahead (the interval since the last attempt).
      next_attempt_at = CASE WHEN @to::text = 'Scheduling' THEN greatest(next_attempt_at, @nextAttemptAt::bigint) ELSE next_attempt_at END
    WHERE job_group_id = @jobGroupId AND status = @from::text
      AND (@all::boolean
        OR id = ANY(@ids::text[])
        OR reference_id = ANY(@referenceIds::text[]))`,
};

