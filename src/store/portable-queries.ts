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
