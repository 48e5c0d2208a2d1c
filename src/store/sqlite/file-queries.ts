/**
 * All SQL of the SQLite FileStore (src/store/sqlite/sqlite-file-store.ts).
 * Keyset walks use rowid so a page costs the same wherever the walk stands.
 */

const TASK_COLUMNS = `id, account_id AS accountId, instance_id AS instanceId, kind, status, title, job_group_id AS jobGroupId,
  input, total, handled, accepted, rejected, result_path AS resultPath, report_path AS reportPath,
  fail_code AS failCode, fail_reason AS failReason, assign_group_id AS assignGroupId, assign_status AS assignStatus,
  assigned, created_at AS createdAt, updated_at AS updatedAt`;

export const fileTasks = {
  insert: `INSERT INTO file_tasks (id, account_id, instance_id, kind, status, title, job_group_id, input, total, handled,
      accepted, rejected, result_path, report_path, fail_code, fail_reason, assign_group_id, assign_status, assigned,
      created_at, updated_at)
    VALUES (@id, @accountId, @instanceId, @kind, @status, @title, @jobGroupId, @input, @total, @handled,
      @accepted, @rejected, @resultPath, @reportPath, @failCode, @failReason, @assignGroupId, @assignStatus, @assigned,
      @createdAt, @updatedAt)`,
  // GetJobGroup reads a group's latest export from export_tasks (000001); a group export keeps its row there current.
  insertGroupExport: `INSERT INTO export_tasks (id, instance_id, job_group_id, status, progress, file_http_url, created_at)
    VALUES (@id, @instanceId, @jobGroupId, @status, '0', '', @createdAt)`,
  find: `SELECT ${TASK_COLUMNS} FROM file_tasks WHERE account_id = @accountId AND id = @id
      AND (@instanceId IS NULL OR instance_id = @instanceId)`,
  // Absent fields arrive as NULL and keep their value, so one statement serves any change.
  update: `UPDATE file_tasks SET
      status = coalesce(@status, status), total = coalesce(@total, total), handled = coalesce(@handled, handled),
      accepted = coalesce(@accepted, accepted), rejected = coalesce(@rejected, rejected),
      result_path = coalesce(@resultPath, result_path), report_path = coalesce(@reportPath, report_path),
      fail_code = coalesce(@failCode, fail_code), fail_reason = coalesce(@failReason, fail_reason),
      assign_status = coalesce(@assignStatus, assign_status), assigned = coalesce(@assigned, assigned),
      updated_at = @now
    WHERE id = @id`,
  updateGroupExport: `UPDATE export_tasks SET status = coalesce(@status, status), progress = coalesce(@progress, progress),
      file_http_url = coalesce(@fileHttpUrl, file_http_url)
    WHERE id = @id`,
  progressOf: `SELECT total, handled FROM file_tasks WHERE id = ?`,
  claimAssignment: `UPDATE file_tasks SET assign_group_id = @jobGroupId, assign_status = 'InProgress', assigned = 0, updated_at = @now,
      input = json_set(input, '$.assignCallingNumbers', json(@callingNumbers))
    WHERE id = @id AND assign_group_id = '' AND status IN ('Finished', 'PartialFinished')`,
  listExports: `SELECT ${TASK_COLUMNS} FROM file_tasks
    WHERE account_id = @accountId AND (@instanceId IS NULL OR instance_id = @instanceId) AND kind IN ('GroupExport', 'TaskExport')
    ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset`,
  countExports: `SELECT count(*) AS n FROM file_tasks
    WHERE account_id = @accountId AND (@instanceId IS NULL OR instance_id = @instanceId) AND kind IN ('GroupExport', 'TaskExport')`,
  unfinished: `SELECT ${TASK_COLUMNS} FROM file_tasks
    WHERE status IN ('Pending', 'InProgress') OR assign_status = 'InProgress' ORDER BY created_at, id`,
};

/**
 * Assigning a parsed file: its parsed-jobs file (src/files/parsed-jobs.ts, which
 * owns the parsed_jobs table) is attached to the store's connection and copied
 * into jobs a batch at a time, in seq (= file) order so job rowids follow the
 * file. The columns not named take the jobs table's defaults, as insertJobs
 * leaves them. ON CONFLICT: a job a stopped run already created is skipped (the
 * SELECT's WHERE keeps SQLite from reading ON as a join).
 */
export const parsedJobs = {
  attach: `ATTACH DATABASE ? AS parsed`,
  detach: `DETACH DATABASE parsed`,
  copy: `INSERT INTO jobs (id, instance_id, job_group_id, reference_id, status, contacts, extras, calling_numbers,
      script_version, next_attempt_at, created_at, modified_at)
    SELECT id, @instanceId, @jobGroupId, reference_id, 'Scheduling', contacts, extras, @callingNumbers,
      @scriptVersion, @now, @now, @now
    FROM parsed.parsed_jobs WHERE seq > @after AND seq <= @upTo ORDER BY seq
    ON CONFLICT (id) DO NOTHING`,
  consumed: `SELECT count(*) AS n FROM parsed.parsed_jobs WHERE seq > @after AND seq <= @upTo`,
  recordAssigned: `UPDATE file_tasks SET assigned = @assigned, updated_at = @now WHERE id = @id`,
};

const JOB_COLUMNS = `j.rowid AS rowKey, j.id, j.instance_id AS instanceId, j.job_group_id AS jobGroupId, j.reference_id AS referenceId,
  j.status, j.contacts, j.extras, j.calling_numbers AS callingNumbers, j.script_version AS scriptVersion,
  j.next_attempt_at AS nextAttemptAt, j.attempts, j.attempt_day AS attemptDay, j.day_attempts AS dayAttempts,
  j.last_attempt_at AS lastAttemptAt, j.failure_reason AS failureReason, j.end_reason AS endReason,
  j.created_at AS createdAt, j.modified_at AS modifiedAt`;

const TASK_ROW_COLUMNS = `t.rowid AS rowKey, t.id, t.job_id AS jobId, t.job_group_id AS jobGroupId, t.instance_id AS instanceId,
  t.attempt, t.status, t.calling_number AS callingNumber, t.called_number AS calledNumber, t.contact,
  t.planned_time AS plannedTime, t.actual_time AS actualTime, t.lease_expires_at AS leaseExpiresAt, t.end_time AS endTime,
  t.ringing_ms AS ringingMs, t.talk_ms AS talkMs, t.end_reason AS endReason, t.hangup_direction AS hangupDirection,
  t.sip_code AS sipCode, t.conversation`;

export const exportReads = {
  // A group's jobs in jobs_of_group order, (created_at, rowid): each page seeks past
  // the last one's key.
  jobs: `SELECT ${JOB_COLUMNS} FROM jobs j
    WHERE j.job_group_id = @jobGroupId AND (j.created_at, j.rowid) > (@afterTime, @afterRow)
    ORDER BY j.created_at, j.rowid LIMIT @limit`,
  // The tasks of a page of jobs, by the tasks_by_job index; ids arrive as one JSON array.
  tasksOfJobs: `SELECT ${TASK_ROW_COLUMNS} FROM tasks t WHERE t.job_id IN (SELECT value FROM json_each(@jobIds))
    ORDER BY t.job_id, t.attempt`,
  // Walks the instance's tasks in tasks_by_instance order, (actual_time, rowid): each
  // page seeks past the last one's key. Ordered by rowid, every page read all of the
  // instance's tasks again and sorted them (37 ms a page at 270k tasks).
  tasks: `SELECT ${TASK_ROW_COLUMNS} FROM tasks t
    WHERE t.instance_id = @instanceId AND (t.actual_time, t.rowid) > (@afterTime, @afterRow)
      AND (@jobGroupId IS NULL OR t.job_group_id = @jobGroupId)
      AND (@jobId IS NULL OR t.job_id = @jobId)
      AND (@taskId IS NULL OR t.id = @taskId)
      AND (@calledNumber IS NULL OR t.called_number = @calledNumber)
      AND (@callingNumber IS NULL OR t.calling_number = @callingNumber)
      AND (@statuses IS NULL OR t.status IN (SELECT value FROM json_each(@statuses)))
      AND (@actualFrom IS NULL OR t.actual_time >= @actualFrom)
      AND (@actualTo IS NULL OR t.actual_time <= @actualTo)
      AND (@answered IS NULL OR (t.status LIKE 'Succeeded%') = @answered)
      AND (@talkFrom IS NULL OR t.talk_ms >= @talkFrom * 1000)
      AND (@talkTo IS NULL OR t.talk_ms <= @talkTo * 1000)
      AND (@ringingFrom IS NULL OR t.ringing_ms >= @ringingFrom * 1000)
      AND (@ringingTo IS NULL OR t.ringing_ms <= @ringingTo * 1000)
      AND (@reachedEnd IS NULL OR (t.end_reason = 'FINISHED') = @reachedEnd)
      AND (@jobStatuses IS NULL OR EXISTS (SELECT 1 FROM jobs j WHERE j.id = t.job_id
        AND j.status IN (SELECT value FROM json_each(@jobStatuses))))
      AND (@jobGroupName IS NULL OR EXISTS (SELECT 1 FROM job_groups g WHERE g.id = t.job_group_id
        AND instr(g.name, @jobGroupName) > 0))
      AND (@scriptName IS NULL OR EXISTS (SELECT 1 FROM job_groups g JOIN scripts s ON s.id = g.script_id
        WHERE g.id = t.job_group_id AND instr(s.name, @scriptName) > 0))
    ORDER BY t.actual_time, t.rowid LIMIT @limit`,
};
