/**
 * Every SQL statement of the SQLite backend (the schema itself lives in
 * migrations/NNNNNN_*.sql). Statements are plain strings with named parameters;
 * the store's parts prepare each once (statement-cache.ts).
 */

import { accessKeyChanges, ACCESS_KEY_COLUMNS, INSTANCE_COLUMNS, JOB_GROUP_COLUMNS, NONCE_CLAIM } from '../portable-queries.ts';

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

export const accessKeys = {
  insert: `INSERT INTO access_keys (id, account_id, secret, status, is_root, name, policy, created_at)
    VALUES (@id, @accountId, @secret, @status, @isRoot, @name, @policy, @createdAt)`,
  find: `SELECT ${ACCESS_KEY_COLUMNS} FROM access_keys WHERE id = ?`,
  ...accessKeyChanges,
};

export const nonces = {
  claim: NONCE_CLAIM,
  purge: `DELETE FROM signature_nonces WHERE expires_at <= ?`,
};

export const settings = {
  get: `SELECT value FROM settings WHERE key = ?`,
  set: `INSERT INTO settings (key, value) VALUES (@key, @value) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  init: `INSERT INTO settings (key, value) VALUES (@key, @value) ON CONFLICT (key) DO NOTHING`,
};

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

