/**
 * SQL fragments that read the same in both backends' dialects: the column lists of
 * the rows src/store/row-codecs.ts maps (aliases quoted, so PostgreSQL keeps their
 * camelCase; SQLite accepts the quotes), and the statuses lines are counted over.
 * Everything else each backend keeps in its own query modules.
 */

export const ACCESS_KEY_COLUMNS = `id, account_id AS "accountId", secret, status, is_root AS "isRoot", name, policy, created_at AS "createdAt"`;

export const INSTANCE_COLUMNS = `id, account_id AS "accountId", name, description,
  max_concurrent_conversation AS "maxConcurrentConversation", nlu_service_type AS "nluServiceType",
  resource_group_id AS "resourceGroupId", calling_numbers AS "callingNumbers", creator_id AS "creatorId",
  creator_name AS "creatorName", owner_name AS "ownerName", created_at AS "createdAt", modified_at AS "modifiedAt"`;

export const JOB_GROUP_COLUMNS = `g.id, g.instance_id AS "instanceId", g.name, g.description, g.script_id AS "scriptId",
  g.scenario_id AS "scenarioId", g.strategy, g.recall_strategy AS "recallStrategy", g.calling_numbers AS "callingNumbers",
  g.recall_calling_numbers AS "recallCallingNumbers", g.priority, g.ringing_duration AS "ringingDuration",
  g.min_concurrency AS "minConcurrency", g.flash_sms_extras AS "flashSmsExtras", g.job_file_path AS "jobFilePath",
  g.job_data_parsing_task_id AS "jobDataParsingTaskId", g.status, g.created_at AS "createdAt", g.modified_at AS "modifiedAt"`;

export const JOB_COLUMNS = `j.id, j.instance_id AS "instanceId", j.job_group_id AS "jobGroupId", j.reference_id AS "referenceId", j.status,
  j.contacts, j.extras, j.calling_numbers AS "callingNumbers", j.script_version AS "scriptVersion",
  j.next_attempt_at AS "nextAttemptAt", j.attempts, j.attempt_day AS "attemptDay", j.day_attempts AS "dayAttempts",
  j.last_attempt_at AS "lastAttemptAt", j.failure_reason AS "failureReason", j.end_reason AS "endReason",
  j.created_at AS "createdAt", j.modified_at AS "modifiedAt"`;

/**
 * A due job's columns (DueJob): its group is the one asked for. SQLite's hot due
 * read takes them by position, in this order (sqlite/dispatch-round.ts toDueJob).
 */
export const DUE_JOB_COLUMNS = `j.id, j.instance_id AS "instanceId", j.contacts, j.extras, j.calling_numbers AS "callingNumbers",
  j.script_version AS "scriptVersion", j.next_attempt_at AS "nextAttemptAt", j.attempts, j.attempt_day AS "attemptDay",
  j.day_attempts AS "dayAttempts"`;

export const TASK_COLUMNS = `t.id, t.job_id AS "jobId", t.job_group_id AS "jobGroupId", t.instance_id AS "instanceId", t.attempt, t.status,
  t.calling_number AS "callingNumber", t.called_number AS "calledNumber", t.contact, t.planned_time AS "plannedTime",
  t.actual_time AS "actualTime", t.lease_expires_at AS "leaseExpiresAt", t.end_time AS "endTime", t.ringing_ms AS "ringingMs",
  t.talk_ms AS "talkMs", t.end_reason AS "endReason", t.hangup_direction AS "hangupDirection", t.sip_code AS "sipCode",
  t.conversation`;

/**
 * The statuses in which a group can have calls in flight: the lines in use are summed
 * over these groups only, through the partial index job_groups_with_calls (migration
 * lines_in_use), so an instance's finished campaigns cost nothing per round. A
 * Completed group got there with no call in flight and starts none; Draft,
 * Initializing and Failed groups never started one. Must match the index's WHERE.
 */
export const WITH_CALLS = `('Scheduling', 'Executing', 'Paused', 'Cancelled')`;

/** Statements of access keys and nonces both dialects run as they are (`@name` parameters). */
export const accessKeyChanges = {
  list: `SELECT ${ACCESS_KEY_COLUMNS} FROM access_keys ORDER BY created_at, id`,
  setStatus: `UPDATE access_keys SET status = @status WHERE id = @id`,
  setSecret: `UPDATE access_keys SET secret = @secret WHERE id = @id`,
};

/**
 * Records a signature nonce. A live record blocks the nonce; an expired one is
 * replaced, so a purge that has not run yet never turns a valid request into a false
 * replay. Two nodes claiming the same nonce at once meet on the primary key: exactly one wins.
 */
export const NONCE_CLAIM = `INSERT INTO signature_nonces (access_key_id, nonce, expires_at) VALUES (@accessKeyId, @nonce, @expiresAt)
    ON CONFLICT (access_key_id, nonce) DO UPDATE SET expires_at = excluded.expires_at
    WHERE signature_nonces.expires_at <= @now`;

/** The instance's calling hours as the dispatchable groups' read and the policy read take them (row-codecs toCallingHours). */
export const CALLING_HOURS_COLUMNS = `h.working_time AS "hoursWorkingTime", h.only_weekdays AS "hoursOnlyWeekdays", h.only_workdays AS "hoursOnlyWorkdays"`;

/**
 * The groups the dispatcher may draw from, with their instance's ceiling, lines in
 * use and calling hours (NULL columns when it has set none), from the backend's
 * counters (`counters`: its table or view of them). Lines in use are counted over
 * the instance's groups that can have calls in flight (WITH_CALLS), paused and
 * cancelled ones included: their calls still occupy lines.
 */
export function dispatchableGroups(counters: string): string {
  return `SELECT ${JOB_GROUP_COLUMNS}, i.max_concurrent_conversation AS "instanceMaxConcurrency", c.in_flight AS "inFlight",
      (SELECT coalesce(sum(c2.in_flight), 0) FROM job_groups g2 JOIN ${counters} c2 ON c2.job_group_id = g2.id
        WHERE g2.instance_id = g.instance_id AND g2.status IN ${WITH_CALLS}) AS "instanceInFlight",
      ${CALLING_HOURS_COLUMNS}
    FROM job_groups g
    JOIN instances i ON i.id = g.instance_id
    LEFT JOIN instance_calling_hours h ON h.instance_id = g.instance_id
    JOIN ${counters} c ON c.job_group_id = g.id
    WHERE g.status IN ('Scheduling', 'Executing')
    ORDER BY g.instance_id, g.id`;
}

/** The instance's calling hours, if it has set them. */
export const CALLING_HOURS_FIND = `SELECT ${CALLING_HOURS_COLUMNS} FROM instance_calling_hours h WHERE h.instance_id = @instanceId`;
