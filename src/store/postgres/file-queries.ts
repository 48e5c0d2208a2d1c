/**
 * All SQL of the PostgreSQL FileStore (postgres-file-store.ts), beside queries.ts
 * as the SQLite backend keeps its file-queries.ts: pure strings, `@name`
 * parameters compiled by queries.ts `bind`. Keyset walks go by id (UUIDv7, unique
 * and indexed), so a page costs the same wherever the walk stands.
 */

const TASK_COLUMNS = `id, account_id AS "accountId", instance_id AS "instanceId", kind, status, title, job_group_id AS "jobGroupId",
  input, total, handled, accepted, rejected, result_path AS "resultPath", report_path AS "reportPath",
  fail_code AS "failCode", fail_reason AS "failReason", assign_group_id AS "assignGroupId", assign_status AS "assignStatus",
  assigned, created_at AS "createdAt", updated_at AS "updatedAt"`;

export const fileTasks = {
  insert: `INSERT INTO file_tasks (id, account_id, instance_id, kind, status, title, job_group_id, input, total, handled,
      accepted, rejected, result_path, report_path, fail_code, fail_reason, assign_group_id, assign_status, assigned,
      created_at, updated_at)
    VALUES (@id, @accountId, @instanceId, @kind, @status, @title, @jobGroupId, @input::jsonb, @total, @handled,
      @accepted, @rejected, @resultPath, @reportPath, @failCode, @failReason, @assignGroupId, @assignStatus, @assigned,
      @createdAt, @updatedAt)`,
  // GetJobGroup reads a group's latest export from export_tasks (000001); a group export keeps its row there current.
  insertGroupExport: `INSERT INTO export_tasks (id, instance_id, job_group_id, status, progress, file_http_url, created_at)
    VALUES (@id, @instanceId, @jobGroupId, @status, '0', '', @createdAt)`,
  find: `SELECT ${TASK_COLUMNS} FROM file_tasks WHERE account_id = @accountId AND id = @id
      AND (@instanceId::text IS NULL OR instance_id = @instanceId::text)`,
  // Absent fields arrive as NULL and keep their value, so one statement serves any change.
  update: `UPDATE file_tasks SET
      status = coalesce(@status::text, status), total = coalesce(@total::bigint, total), handled = coalesce(@handled::bigint, handled),
      accepted = coalesce(@accepted::bigint, accepted), rejected = coalesce(@rejected::bigint, rejected),
      result_path = coalesce(@resultPath::text, result_path), report_path = coalesce(@reportPath::text, report_path),
      fail_code = coalesce(@failCode::text, fail_code), fail_reason = coalesce(@failReason::text, fail_reason),
      assign_status = coalesce(@assignStatus::text, assign_status), assigned = coalesce(@assigned::bigint, assigned),
      updated_at = @now
    WHERE id = @id
    RETURNING total, handled`,
  updateGroupExport: `UPDATE export_tasks SET status = coalesce(@status::text, status), progress = coalesce(@progress::text, progress),
      file_http_url = coalesce(@fileHttpUrl::text, file_http_url)
    WHERE id = @id`,
  // Once: only a finished parse not yet assigned; two nodes assigning at once meet on the row lock.
  claimAssignment: `UPDATE file_tasks SET assign_group_id = @jobGroupId, assign_status = 'InProgress', assigned = 0, updated_at = @now,
      input = jsonb_set(input, '{assignCallingNumbers}', @callingNumbers::jsonb)
    WHERE id = @id AND assign_group_id = '' AND status IN ('Finished', 'PartialFinished')`,
  listExports: `SELECT ${TASK_COLUMNS} FROM file_tasks
    WHERE account_id = @accountId AND (@instanceId::text IS NULL OR instance_id = @instanceId::text) AND kind IN ('GroupExport', 'TaskExport')
    ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset`,
  countExports: `SELECT count(*) AS n FROM file_tasks
    WHERE account_id = @accountId AND (@instanceId::text IS NULL OR instance_id = @instanceId::text) AND kind IN ('GroupExport', 'TaskExport')`,
  unfinished: `SELECT ${TASK_COLUMNS} FROM file_tasks
    WHERE status IN ('Pending', 'InProgress') OR assign_status = 'InProgress' ORDER BY created_at, id`,
};

const JOB_COLUMNS = `j.id, j.instance_id AS "instanceId", j.job_group_id AS "jobGroupId", j.reference_id AS "referenceId",
  j.status, j.contacts, j.extras, j.calling_numbers AS "callingNumbers", j.script_version AS "scriptVersion",
  j.next_attempt_at AS "nextAttemptAt", j.attempts, j.attempt_day AS "attemptDay", j.day_attempts AS "dayAttempts",
  j.last_attempt_at AS "lastAttemptAt", j.failure_reason AS "failureReason", j.end_reason AS "endReason",
  j.created_at AS "createdAt", j.modified_at AS "modifiedAt"`;

const TASK_ROW_COLUMNS = `t.id, t.job_id AS "jobId", t.job_group_id AS "jobGroupId", t.instance_id AS "instanceId",
  t.attempt, t.status, t.calling_number AS "callingNumber", t.called_number AS "calledNumber", t.contact,
  t.planned_time AS "plannedTime", t.actual_time AS "actualTime", t.lease_expires_at AS "leaseExpiresAt", t.end_time AS "endTime",
  t.ringing_ms AS "ringingMs", t.talk_ms AS "talkMs", t.end_reason AS "endReason", t.hangup_direction AS "hangupDirection",
  t.sip_code AS "sipCode", t.conversation`;

export const exportReads = {
  jobs: `SELECT ${JOB_COLUMNS} FROM jobs j WHERE j.job_group_id = @jobGroupId AND j.id > @after ORDER BY j.id LIMIT @limit`,
  // The tasks of a page of jobs, by the tasks_by_job index.
  tasksOfJobs: `SELECT ${TASK_ROW_COLUMNS} FROM tasks t WHERE t.job_id = ANY(@jobIds::text[]) ORDER BY t.job_id, t.attempt`,
  tasks: `SELECT ${TASK_ROW_COLUMNS} FROM tasks t
    WHERE t.instance_id = @instanceId AND t.id > @after
      AND (@jobGroupId::text IS NULL OR t.job_group_id = @jobGroupId::text)
      AND (@jobId::text IS NULL OR t.job_id = @jobId::text)
      AND (@taskId::text IS NULL OR t.id = @taskId::text)
      AND (@calledNumber::text IS NULL OR t.called_number = @calledNumber::text)
      AND (@callingNumber::text IS NULL OR t.calling_number = @callingNumber::text)
      AND (@statuses::text[] IS NULL OR t.status = ANY(@statuses::text[]))
      AND (@actualFrom::bigint IS NULL OR t.actual_time >= @actualFrom::bigint)
      AND (@actualTo::bigint IS NULL OR t.actual_time <= @actualTo::bigint)
      AND (@answered::boolean IS NULL OR (t.status LIKE 'Succeeded%') = @answered::boolean)
      AND (@talkFrom::bigint IS NULL OR t.talk_ms >= @talkFrom::bigint * 1000)
      AND (@talkTo::bigint IS NULL OR t.talk_ms <= @talkTo::bigint * 1000)
      AND (@ringingFrom::bigint IS NULL OR t.ringing_ms >= @ringingFrom::bigint * 1000)
      AND (@ringingTo::bigint IS NULL OR t.ringing_ms <= @ringingTo::bigint * 1000)
      AND (@reachedEnd::boolean IS NULL OR (t.end_reason = 'FINISHED') = @reachedEnd::boolean)
      AND (@jobStatuses::text[] IS NULL OR EXISTS (SELECT 1 FROM jobs j WHERE j.id = t.job_id
        AND j.status = ANY(@jobStatuses::text[])))
      AND (@jobGroupName::text IS NULL OR EXISTS (SELECT 1 FROM job_groups g WHERE g.id = t.job_group_id
        AND strpos(g.name, @jobGroupName::text) > 0))
      AND (@scriptName::text IS NULL OR EXISTS (SELECT 1 FROM job_groups g JOIN scripts s ON s.id = g.script_id
        WHERE g.id = t.job_group_id AND strpos(s.name, @scriptName::text) > 0))
    ORDER BY t.id LIMIT @limit`,
};
