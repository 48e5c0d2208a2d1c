/**
 * Every SQL statement of the SQLite backend (the schema itself lives in
 * migrations/NNNNNN_*.sql). Statements are plain strings with named parameters;
 * sqlite-store.ts prepares each once.
 */

// Connection setup: WAL lets readers (GetJobGroup) run beside the writer; NORMAL
// synchronous keeps every commit durable across a process crash (only an OS crash
// can lose the last commits), which is the contract for the single-node backend.
export const PRAGMAS = [
  'PRAGMA journal_mode = WAL',
  'PRAGMA synchronous = NORMAL',
  'PRAGMA foreign_keys = ON',
  'PRAGMA busy_timeout = 5000',
  'PRAGMA cache_size = -32768',
  'PRAGMA wal_autocheckpoint = 10000',
  'PRAGMA temp_store = MEMORY',
];

export const migrations = {
  createTable: `CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`,
  applied: `SELECT version FROM schema_migrations ORDER BY version`,
  record: `INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @appliedAt)`,
};

export const accounts = {
  insert: `INSERT INTO accounts (id, uid, name, created_at) VALUES (@id, @uid, @name, @createdAt)`,
  find: `SELECT id, uid, name, created_at AS createdAt FROM accounts WHERE id = ?`,
  list: `SELECT id, uid, name, created_at AS createdAt FROM accounts ORDER BY id`,
};

const ACCESS_KEY_COLUMNS = `id, account_id AS accountId, secret, status, is_root AS isRoot, name, policy, created_at AS createdAt`;

export const accessKeys = {
  insert: `INSERT INTO access_keys (id, account_id, secret, status, is_root, name, policy, created_at)
    VALUES (@id, @accountId, @secret, @status, @isRoot, @name, @policy, @createdAt)`,
  find: `SELECT ${ACCESS_KEY_COLUMNS} FROM access_keys WHERE id = ?`,
  list: `SELECT ${ACCESS_KEY_COLUMNS} FROM access_keys ORDER BY created_at, id`,
  setStatus: `UPDATE access_keys SET status = @status WHERE id = @id`,
  setSecret: `UPDATE access_keys SET secret = @secret WHERE id = @id`,
};

export const nonces = {
  // A live record blocks the nonce; an expired one is replaced, so a purge that has
  // not run yet never turns a valid request into a false replay.
  claim: `INSERT INTO signature_nonces (access_key_id, nonce, expires_at) VALUES (@accessKeyId, @nonce, @expiresAt)
    ON CONFLICT (access_key_id, nonce) DO UPDATE SET expires_at = excluded.expires_at
    WHERE signature_nonces.expires_at <= @now`,
  purge: `DELETE FROM signature_nonces WHERE expires_at <= ?`,
};

export const settings = {
  get: `SELECT value FROM settings WHERE key = ?`,
  set: `INSERT INTO settings (key, value) VALUES (@key, @value) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  init: `INSERT INTO settings (key, value) VALUES (@key, @value) ON CONFLICT (key) DO NOTHING`,
};

const INSTANCE_COLUMNS = `id, account_id AS accountId, name, description,
  max_concurrent_conversation AS maxConcurrentConversation, nlu_service_type AS nluServiceType,
  resource_group_id AS resourceGroupId, calling_numbers AS callingNumbers, creator_id AS creatorId,
  creator_name AS creatorName, owner_name AS ownerName, created_at AS createdAt, modified_at AS modifiedAt`;

export const instances = {
  insert: `INSERT INTO instances (id, account_id, name, description, max_concurrent_conversation, nlu_service_type,
      resource_group_id, calling_numbers, creator_id, creator_name, owner_name, created_at, modified_at)
    VALUES (@id, @accountId, @name, @description, @maxConcurrentConversation, @nluServiceType,
      @resourceGroupId, @callingNumbers, @creatorId, @creatorName, @ownerName, @createdAt, @modifiedAt)`,
  find: `SELECT ${INSTANCE_COLUMNS} FROM instances WHERE account_id = ? AND id = ?`,
  // Filters are optional: a NULL parameter disables its condition.
  list: `SELECT ${INSTANCE_COLUMNS} FROM instances
    WHERE account_id = @accountId
      AND (@name IS NULL OR instr(name, @name) > 0)
      AND (@resourceGroupId IS NULL OR resource_group_id = @resourceGroupId)
    ORDER BY id LIMIT @limit OFFSET @offset`,
  count: `SELECT count(*) AS n FROM instances
    WHERE account_id = @accountId
      AND (@name IS NULL OR instr(name, @name) > 0)
      AND (@resourceGroupId IS NULL OR resource_group_id = @resourceGroupId)`,
  update: `UPDATE instances SET name = @name, description = @description,
      max_concurrent_conversation = @maxConcurrentConversation, calling_numbers = @callingNumbers,
      modified_at = @modifiedAt
    WHERE account_id = @accountId AND id = @id`,
  delete: `DELETE FROM instances WHERE account_id = ? AND id = ?`,
};

const SCRIPT_COLUMNS = `id, instance_id AS instanceId, name, description, industry, scene, nlu_engine AS nluEngine,
  nlu_access_type AS nluAccessType, settings, published_version AS publishedVersion, is_drafted AS isDrafted,
  created_at AS createdAt, updated_at AS updatedAt`;

export const scripts = {
  insert: `INSERT INTO scripts (id, instance_id, name, description, industry, scene, nlu_engine, nlu_access_type,
      settings, published_version, is_drafted, created_at, updated_at)
    VALUES (@id, @instanceId, @name, @description, @industry, @scene, @nluEngine, @nluAccessType,
      @settings, @publishedVersion, @isDrafted, @createdAt, @updatedAt)`,
  find: `SELECT ${SCRIPT_COLUMNS} FROM scripts WHERE instance_id = ? AND id = ?`,
  list: `SELECT ${SCRIPT_COLUMNS} FROM scripts
    WHERE instance_id = @instanceId
      AND (@name IS NULL OR instr(name, @name) > 0)
      AND (@nluEngine IS NULL OR nlu_engine = @nluEngine)
    ORDER BY id DESC LIMIT @limit OFFSET @offset`,
  count: `SELECT count(*) AS n FROM scripts
    WHERE instance_id = @instanceId
      AND (@name IS NULL OR instr(name, @name) > 0)
      AND (@nluEngine IS NULL OR nlu_engine = @nluEngine)`,
  update: `UPDATE scripts SET name = @name, description = @description, industry = @industry, scene = @scene,
      nlu_engine = @nluEngine, nlu_access_type = @nluAccessType, settings = @settings, is_drafted = @isDrafted,
      updated_at = @updatedAt
    WHERE instance_id = @instanceId AND id = @id`,
  markPublished: `UPDATE scripts SET published_version = @version, is_drafted = 0 WHERE instance_id = @instanceId AND id = @scriptId`,
  delete: `DELETE FROM scripts WHERE instance_id = ? AND id = ?`,
};

export const scriptVersions = {
  insert: `INSERT INTO script_versions (script_id, instance_id, version, description, published_at, snapshot)
    VALUES (@scriptId, @instanceId, @version, @description, @publishedAt, @snapshot)`,
  list: `SELECT script_id AS scriptId, instance_id AS instanceId, version, description, published_at AS publishedAt, snapshot
    FROM script_versions WHERE instance_id = @instanceId AND script_id = @scriptId
    ORDER BY published_at DESC, version DESC LIMIT @limit OFFSET @offset`,
  count: `SELECT count(*) AS n FROM script_versions WHERE instance_id = @instanceId AND script_id = @scriptId`,
};

const JOB_GROUP_COLUMNS = `g.id, g.instance_id AS instanceId, g.name, g.description, g.script_id AS scriptId,
  g.scenario_id AS scenarioId, g.strategy, g.recall_strategy AS recallStrategy, g.calling_numbers AS callingNumbers,
  g.recall_calling_numbers AS recallCallingNumbers, g.priority, g.ringing_duration AS ringingDuration,
  g.min_concurrency AS minConcurrency, g.flash_sms_extras AS flashSmsExtras, g.job_file_path AS jobFilePath,
  g.job_data_parsing_task_id AS jobDataParsingTaskId, g.status, g.created_at AS createdAt, g.modified_at AS modifiedAt`;

// Everything GetJobGroup shows, in one indexed lookup: the group, its counter row,
// its script's name/version/engine and its latest export task.
const JOB_GROUP_VIEW_SELECT = `SELECT ${JOB_GROUP_COLUMNS},
    c.total_jobs AS totalJobs, c.scheduling, c.executing, c.completed, c.failed, c.paused, c.cancelled,
    c.not_answered AS notAnswered, c.total_calls AS totalCalls, c.in_flight AS inFlight, c.start_time AS startTime, c.end_time AS endTime,
    c.finished_num AS finishedNum, c.client_hangup_num AS clientHangupNum, c.no_interact_num AS noInteractNum,
    c.timeout_hangup_num AS timeoutHangupNum, c.unrecognized_num AS unrecognizedNum,
    s.name AS scriptName, s.published_version AS scriptVersion, s.nlu_engine AS scriptNluEngine,
    (SELECT json_object('status', e.status, 'progress', e.progress, 'fileHttpUrl', e.file_http_url)
       FROM export_tasks e WHERE e.job_group_id = g.id ORDER BY e.created_at DESC, e.id DESC LIMIT 1) AS latestExport
  FROM job_groups g
  JOIN job_group_counters c ON c.job_group_id = g.id
  LEFT JOIN scripts s ON s.id = g.script_id AND s.instance_id = g.instance_id`;

export const jobGroups = {
  insert: `INSERT INTO job_groups (id, instance_id, name, description, script_id, scenario_id, strategy, recall_strategy,
      calling_numbers, recall_calling_numbers, priority, ringing_duration, min_concurrency, flash_sms_extras,
      job_file_path, job_data_parsing_task_id, status, created_at, modified_at)
    VALUES (@id, @instanceId, @name, @description, @scriptId, @scenarioId, @strategy, @recallStrategy,
      @callingNumbers, @recallCallingNumbers, @priority, @ringingDuration, @minConcurrency, @flashSmsExtras,
      @jobFilePath, @jobDataParsingTaskId, @status, @createdAt, @modifiedAt)`,
  insertCounters: `INSERT INTO job_group_counters (job_group_id) VALUES (?)`,
  find: `SELECT ${JOB_GROUP_COLUMNS} FROM job_groups g WHERE g.instance_id = ? AND g.id = ?`,
  view: `${JOB_GROUP_VIEW_SELECT} WHERE g.instance_id = ? AND g.id = ?`,
  results: `SELECT kind, result_key AS key, result_value AS value, count FROM job_group_results
    WHERE job_group_id = ? ORDER BY kind, result_key, result_value`,
  // Status filter arrives as a JSON array so one prepared statement serves any list.
  list: `${JOB_GROUP_VIEW_SELECT}
    WHERE g.instance_id = @instanceId
      AND (@statuses IS NULL OR g.status IN (SELECT value FROM json_each(@statuses)))
      AND (@searchText IS NULL OR instr(g.name, @searchText) > 0 OR instr(g.description, @searchText) > 0)
      AND (@createdFrom IS NULL OR g.created_at >= @createdFrom)
      AND (@createdTo IS NULL OR g.created_at <= @createdTo)
      AND (@onlyMinConcurrency = 0 OR g.min_concurrency > 0)
    ORDER BY g.created_at DESC, g.id DESC LIMIT @limit OFFSET @offset`,
  count: `SELECT count(*) AS n FROM job_groups g
    WHERE g.instance_id = @instanceId
      AND (@statuses IS NULL OR g.status IN (SELECT value FROM json_each(@statuses)))
      AND (@searchText IS NULL OR instr(g.name, @searchText) > 0 OR instr(g.description, @searchText) > 0)
      AND (@createdFrom IS NULL OR g.created_at >= @createdFrom)
      AND (@createdTo IS NULL OR g.created_at <= @createdTo)
      AND (@onlyMinConcurrency = 0 OR g.min_concurrency > 0)`,
  update: `UPDATE job_groups SET name = @name, description = @description, script_id = @scriptId,
      scenario_id = @scenarioId, strategy = @strategy, recall_strategy = @recallStrategy,
      calling_numbers = @callingNumbers, recall_calling_numbers = @recallCallingNumbers, priority = @priority,
      ringing_duration = @ringingDuration, min_concurrency = @minConcurrency, flash_sms_extras = @flashSmsExtras,
      job_file_path = @jobFilePath, job_data_parsing_task_id = @jobDataParsingTaskId, status = @status,
      modified_at = @modifiedAt
    WHERE instance_id = @instanceId AND id = @id`,
  delete: `DELETE FROM job_groups WHERE instance_id = ? AND id = ?`,
  sumMinConcurrency: `SELECT coalesce(sum(min_concurrency), 0) AS n FROM job_groups
    WHERE instance_id = @instanceId AND priority = @priority AND id <> @excludeId
      AND status NOT IN ('Completed', 'Cancelled', 'Failed')`,
};

// Counters: one statement applies any delta (absent fields pass 0).
/** The status a running group's counters imply (counter row `c`). */
const DERIVED_STATUS = `(CASE
    WHEN c.scheduling + c.executing + c.paused = 0 AND c.in_flight = 0 THEN 'Completed'
    WHEN c.in_flight > 0 THEN 'Executing'
    ELSE 'Scheduling' END)`;

/** A group's end time: stamped once when it is Completed, cleared when it runs again. */
const END_TIME = `(CASE
    WHEN (SELECT status FROM job_groups WHERE id = @jobGroupId) = 'Completed' THEN
      CASE WHEN end_time = 0 THEN @now ELSE end_time END
    ELSE 0 END)`;

/** A delta added to a counter row (the parameters are CounterDelta's fields). */
const ADD_DELTA = `total_jobs = total_jobs + @totalJobs, scheduling = scheduling + @scheduling, executing = executing + @executing,
      completed = completed + @completed, failed = failed + @failed, paused = paused + @paused,
      cancelled = cancelled + @cancelled, not_answered = not_answered + @notAnswered, total_calls = total_calls + @totalCalls,
      in_flight = in_flight + @inFlight, finished_num = finished_num + @finishedNum,
      client_hangup_num = client_hangup_num + @clientHangupNum, no_interact_num = no_interact_num + @noInteractNum,
      timeout_hangup_num = timeout_hangup_num + @timeoutHangupNum, unrecognized_num = unrecognized_num + @unrecognizedNum,
      -- The first call a group starts stamps its start time (@started = 1 when calls started).
      start_time = CASE WHEN start_time = 0 AND @started = 1 THEN @now ELSE start_time END`;

export const counters = {
  apply: `UPDATE job_group_counters SET ${ADD_DELTA} WHERE job_group_id = @jobGroupId`,
  /**
   * A transaction's summed moves of one group (CounterMoves), its answered calls
   * included, returning what decides whether refreshStatus and stampEnd have anything
   * to change (statusOrEndTimeStale): in a running campaign they seldom do.
   */
  applyMoves: `UPDATE job_group_counters SET ${ADD_DELTA},
      answered = answered + @answered, talk_ms = talk_ms + @talkMs, max_talk_ms = max(max_talk_ms, @maxTalkMs)
    WHERE job_group_id = @jobGroupId
    RETURNING scheduling + executing + paused AS waiting, in_flight AS inFlight, end_time AS endTime,
      (SELECT status FROM job_groups WHERE id = @jobGroupId) AS status`,
  // A running group's status follows its counters; the end time is stamped when it
  // completes. Each row is written only when it changes: most rounds change neither,
  // and a row rewritten unchanged still costs its page in the commit.
  refreshStatus: `UPDATE job_groups SET status = ${DERIVED_STATUS}, modified_at = @now
    FROM job_group_counters c
    WHERE c.job_group_id = job_groups.id AND job_groups.id = @jobGroupId
      AND job_groups.status IN ('Scheduling', 'Executing') AND job_groups.status <> ${DERIVED_STATUS}`,
  stampEnd: `UPDATE job_group_counters SET end_time = ${END_TIME}
    WHERE job_group_id = @jobGroupId AND end_time <> ${END_TIME}`,
  wakeGroup: `UPDATE job_groups SET status = 'Scheduling', modified_at = @now
    WHERE id = @jobGroupId AND status IN ('Draft', 'Completed')`,
  // The jobs are counted in one pass over the group's jobs (index jobs_of_group).
  recount: `SELECT counted.totalJobs, counted.scheduling, counted.executing, counted.completed, counted.failed,
      counted.paused, counted.cancelled,
      (SELECT count(*) FROM tasks WHERE job_group_id = @jobGroupId AND status IN
        ('NoAnswer', 'Busy', 'NotExist', 'PoweredOff', 'OutOfService', 'InArrears', 'NotConnected', 'Failed')) AS notAnswered,
      (SELECT count(*) FROM tasks WHERE job_group_id = @jobGroupId) AS totalCalls,
      (SELECT count(*) FROM tasks WHERE job_group_id = @jobGroupId AND status = 'Executing') AS inFlight,
      (SELECT coalesce(min(actual_time), 0) FROM tasks WHERE job_group_id = @jobGroupId) AS startTime,
      (SELECT end_time FROM job_group_counters WHERE job_group_id = @jobGroupId) AS endTime,
      (SELECT count(*) FROM tasks WHERE job_group_id = @jobGroupId AND end_reason = 'FINISHED') AS finishedNum,
      (SELECT count(*) FROM tasks WHERE job_group_id = @jobGroupId AND end_reason = 'CLIENT_HANGUP') AS clientHangupNum,
      (SELECT count(*) FROM tasks WHERE job_group_id = @jobGroupId AND end_reason = 'NO_INTERACTION') AS noInteractNum,
      (SELECT count(*) FROM tasks WHERE job_group_id = @jobGroupId AND end_reason = 'TIMEOUT_HANGUP') AS timeoutHangupNum,
      (SELECT count(*) FROM tasks WHERE job_group_id = @jobGroupId AND end_reason = 'CHATBOT_HANGUP_AFTER_NOANSWER') AS unrecognizedNum
    FROM (SELECT count(*) AS totalJobs, count(*) FILTER (WHERE status = 'Scheduling') AS scheduling,
        count(*) FILTER (WHERE status = 'Executing') AS executing, count(*) FILTER (WHERE status = 'Succeeded') AS completed,
        count(*) FILTER (WHERE status = 'Failed') AS failed, count(*) FILTER (WHERE status = 'Paused') AS paused,
        count(*) FILTER (WHERE status = 'Cancelled') AS cancelled
      FROM jobs WHERE job_group_id = @jobGroupId) counted`,
  allGroupIds: `SELECT id FROM job_groups ORDER BY id`,
  stored: `SELECT total_jobs AS totalJobs, scheduling, executing, completed, failed, paused, cancelled,
      not_answered AS notAnswered, total_calls AS totalCalls, in_flight AS inFlight, start_time AS startTime,
      end_time AS endTime, finished_num AS finishedNum, client_hangup_num AS clientHangupNum,
      no_interact_num AS noInteractNum, timeout_hangup_num AS timeoutHangupNum, unrecognized_num AS unrecognizedNum
    FROM job_group_counters WHERE job_group_id = ?`,
};

const JOB_COLUMNS = `j.id, j.instance_id AS instanceId, j.job_group_id AS jobGroupId, j.reference_id AS referenceId, j.status,
  j.contacts, j.extras, j.calling_numbers AS callingNumbers, j.script_version AS scriptVersion,
  j.next_attempt_at AS nextAttemptAt, j.attempts, j.attempt_day AS attemptDay, j.day_attempts AS dayAttempts,
  j.last_attempt_at AS lastAttemptAt, j.failure_reason AS failureReason, j.end_reason AS endReason,
  j.created_at AS createdAt, j.modified_at AS modifiedAt`;

/** A due job's columns (DueJob): its group is the one asked for. toDueJob (sqlite-store.ts) reads them by position. */
const DUE_JOB_COLUMNS = `j.id, j.instance_id AS instanceId, j.contacts, j.extras, j.calling_numbers AS callingNumbers,
  j.script_version AS scriptVersion, j.next_attempt_at AS nextAttemptAt, j.attempts, j.attempt_day AS attemptDay,
  j.day_attempts AS dayAttempts`;

const TASK_COLUMNS = `t.id, t.job_id AS jobId, t.job_group_id AS jobGroupId, t.instance_id AS instanceId, t.attempt, t.status,
  t.calling_number AS callingNumber, t.called_number AS calledNumber, t.contact, t.planned_time AS plannedTime,
  t.actual_time AS actualTime, t.lease_expires_at AS leaseExpiresAt, t.end_time AS endTime, t.ringing_ms AS ringingMs,
  t.talk_ms AS talkMs, t.end_reason AS endReason, t.hangup_direction AS hangupDirection, t.sip_code AS sipCode,
  t.conversation`;

export const jobs = {
  // Positional: AssignJobs binds this once per job, and positional binding skips a
  // parameter object per row (jobValues in sqlite-store.ts gives the order).
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
  phoneNumber: `EXISTS (SELECT 1 FROM json_each(j.contacts) c WHERE json_extract(c.value, '$.phoneNumber') = @phoneNumber)`,
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

/**
 * The statuses in which a group can have calls in flight: the lines in use are summed
 * over these groups only, through the partial index job_groups_with_calls (migration
 * lines_in_use), so an instance's finished campaigns cost nothing per round. A
 * Completed group got there with no call in flight and starts none; Draft,
 * Initializing and Failed groups never started one. Must match the index's WHERE.
 */
const WITH_CALLS = `('Scheduling', 'Executing', 'Paused', 'Cancelled')`;

export const dispatch = {
  // Lines in use are counted over the instance's groups that can have calls in flight
  // (WITH_CALLS), paused and cancelled ones included: their calls still occupy lines.
  groups: `SELECT ${JOB_GROUP_COLUMNS}, i.max_concurrent_conversation AS instanceMaxConcurrency, c.in_flight AS inFlight,
      (SELECT coalesce(sum(c2.in_flight), 0) FROM job_groups g2 JOIN job_group_counters c2 ON c2.job_group_id = g2.id
        WHERE g2.instance_id = g.instance_id AND g2.status IN ${WITH_CALLS}) AS instanceInFlight
    FROM job_groups g
    JOIN instances i ON i.id = g.instance_id
    JOIN job_group_counters c ON c.job_group_id = g.id
    WHERE g.status IN ('Scheduling', 'Executing')
    ORDER BY g.instance_id, g.id`,
  due: `SELECT ${DUE_JOB_COLUMNS} FROM jobs j
    WHERE j.job_group_id = ? AND j.status = 'Scheduling' AND j.next_attempt_at <= ?
    ORDER BY j.next_attempt_at, j.id LIMIT ?`,
  // One index probe per running group: the earliest due job of each.
  nextDue: `SELECT min((SELECT j.next_attempt_at FROM jobs j
      WHERE j.job_group_id = g.id AND j.status = 'Scheduling' AND j.next_attempt_at > @after
      ORDER BY j.next_attempt_at LIMIT 1)) AS t
    FROM job_groups g WHERE g.status IN ('Scheduling', 'Executing')`,
  claimJob: `UPDATE jobs SET status = 'Executing', attempts = @attempts, attempt_day = @attemptDay,
      day_attempts = @dayAttempts, last_attempt_at = @now, modified_at = @now
    WHERE id = @jobId AND status = 'Scheduling' AND next_attempt_at <= @now
      -- A group paused since the decision was made starts no call.
      AND EXISTS (SELECT 1 FROM job_groups g WHERE g.id = jobs.job_group_id AND g.status IN ('Scheduling', 'Executing'))`,
  insertTask: `INSERT INTO tasks (id, job_id, job_group_id, instance_id, attempt, status, calling_number, called_number,
      contact, planned_time, actual_time, lease_expires_at)
    VALUES (@id, @jobId, @jobGroupId, @instanceId, @attempt, 'Executing', @callingNumber, @calledNumber,
      @contact, @plannedTime, @actualTime, @leaseExpiresAt)`,
  // Only a task still Executing can be settled: a settlement runs exactly once.
  settleTask: `UPDATE tasks SET status = @status, end_time = @endTime, ringing_ms = @ringingMs, talk_ms = @talkMs,
      end_reason = @endReason, hangup_direction = @hangupDirection, sip_code = @sipCode, conversation = @conversation
    WHERE id = @id AND status = 'Executing'`,
  settleJob: `UPDATE jobs SET status = @status, next_attempt_at = @nextAttemptAt, failure_reason = @failureReason,
      end_reason = @endReason, modified_at = @now
    WHERE id = @id AND status = 'Executing'`,
  rescheduleJob: `UPDATE jobs SET next_attempt_at = @nextAttemptAt, modified_at = @now WHERE id = @jobId AND status = 'Scheduling'`,
  failJob: `UPDATE jobs SET status = 'Failed', failure_reason = @failureReason, modified_at = @now
    WHERE id = @jobId AND status = 'Scheduling'`,
  expired: `SELECT ${TASK_COLUMNS} FROM tasks t WHERE t.status = 'Executing' AND t.lease_expires_at <= ?
    ORDER BY t.lease_expires_at LIMIT ?`,
  jobById: `SELECT ${JOB_COLUMNS} FROM jobs j WHERE j.id = ?`,
  nextLeaseExpiry: `SELECT min(lease_expires_at) AS t FROM tasks WHERE status = 'Executing' AND lease_expires_at > ?`,
  // An instance's ceiling and the calls in flight over its groups (WITH_CALLS), for the claim's last check.
  instanceLines: `SELECT i.max_concurrent_conversation AS max,
      (SELECT coalesce(sum(c.in_flight), 0) FROM job_groups g JOIN job_group_counters c ON c.job_group_id = g.id
        WHERE g.instance_id = i.id AND g.status IN ${WITH_CALLS}) AS inFlight
    FROM instances i WHERE i.id = ?`,
};

export const concurrency = {
  // Lines in use: calls in flight over the instance's groups, from their counter rows.
  instance: `SELECT i.max_concurrent_conversation AS max,
      (SELECT coalesce(sum(c.in_flight), 0) FROM job_groups g JOIN job_group_counters c ON c.job_group_id = g.id
        WHERE g.instance_id = i.id AND g.status IN ${WITH_CALLS}) AS inFlight
    FROM instances i WHERE i.account_id = ? AND i.id = ?`,
  account: `SELECT coalesce(sum(i.max_concurrent_conversation), 0) AS max,
      (SELECT coalesce(sum(c.in_flight), 0) FROM instances i2 JOIN job_groups g ON g.instance_id = i2.id
        JOIN job_group_counters c ON c.job_group_id = g.id WHERE i2.account_id = @accountId AND g.status IN ${WITH_CALLS}) AS inFlight
    FROM instances i WHERE i.account_id = @accountId`,
};

// Reports: a group's call report as kept (counters moved by settlements) and as recounted
// from its tasks; an instance's call totals over its tasks (by index).
export const reports = {
  // The call report as kept: moved by the settlements that answer calls (migration 000009).
  storedCalls: `SELECT answered, talk_ms AS talkMs, max_talk_ms AS maxTalkMs FROM job_group_counters WHERE job_group_id = ?`,
  storedBuckets: `SELECT kind, bucket, count FROM job_group_call_buckets WHERE job_group_id = ?`,
  addToBucket: `INSERT INTO job_group_call_buckets (job_group_id, kind, bucket, count) VALUES (?, ?, ?, ?)
    ON CONFLICT (job_group_id, kind, bucket) DO UPDATE SET count = count + excluded.count`,
  // The same report recounted from the group's answered tasks (outboundbot verify).
  groupCalls: `SELECT count(*) AS answered, coalesce(sum(talk_ms), 0) AS talkMs, coalesce(max(talk_ms), 0) AS maxTalkMs
    FROM tasks WHERE job_group_id = ? AND end_reason <> ''`,
  // Answered calls by talk time, in buckets of seconds: [0,10), [10,30), [30,60), [60,120), [120,300), [300,+).
  groupDurationBuckets: `SELECT CASE
        WHEN talk_ms < 10000 THEN '0-10' WHEN talk_ms < 30000 THEN '10-30' WHEN talk_ms < 60000 THEN '30-60'
        WHEN talk_ms < 120000 THEN '60-120' WHEN talk_ms < 300000 THEN '120-300' ELSE '300+' END AS bucket,
      count(*) AS n
    FROM tasks WHERE job_group_id = ? AND end_reason <> '' GROUP BY bucket`,
  // Answered calls by number of turns the callee spoke.
  groupTurnBuckets: `SELECT (SELECT count(*) FROM json_each(t.conversation) c
        WHERE json_extract(c.value, '$.speaker') = 'Contact' AND json_extract(c.value, '$.text') <> '') AS turns,
      count(*) AS n
    FROM tasks t WHERE t.job_group_id = ? AND t.end_reason <> '' GROUP BY turns`,
  instanceCalls: `SELECT i.id AS instanceId,
      (SELECT count(*) FROM tasks t WHERE t.instance_id = i.id) AS totalCalls,
      (SELECT coalesce(sum(t.talk_ms), 0) FROM tasks t WHERE t.instance_id = i.id) AS talkMs
    FROM instances i
    WHERE i.account_id = @accountId AND (@ids IS NULL OR i.id IN (SELECT value FROM json_each(@ids)))
    ORDER BY i.id`,
};
