/**
 * Every SQL statement of the PostgreSQL backend (the schema itself lives in
 * migrations/NNNNNN_*.sql). Pure strings and functions, no I/O, in the manner of
 * pg-boss's `src/plans.ts`: postgres-store.ts and migrate.ts only execute them.
 *
 * Statements use named parameters (`@name`), compiled once per statement into
 * PostgreSQL's positional form by `bind`; a repeated name reuses its position.
 * Parameters whose type PostgreSQL cannot infer carry an explicit cast.
 * Row aliases are quoted so columns come back in the camelCase of src/store/rows.ts.
 * Batches travel as one JSONB parameter unpacked by `jsonb_to_recordset`
 * (graphile/worker's "ids as one JSON param"), so a batch is one round trip.
 */

import { createHash } from 'node:crypto';

export interface BoundQuery {
  /** A prepared statement's name: each connection parses and plans a statement once. */
  name: string;
  text: string;
  values: unknown[];
}

const compiled = new Map<string, { name: string; text: string; names: string[] }>();

/** Turns a statement with `@name` parameters and a parameter object into `{text, values}`. */
export function bind(sql: string, params: Record<string, unknown> = {}): BoundQuery {
  let entry = compiled.get(sql);
  if (!entry) {
    const names: string[] = [];
    const text = sql.replace(/@([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => {
      let index = names.indexOf(name);
      if (index < 0) index = names.push(name) - 1;
      return `$${index + 1}`;
    });
    entry = { name: `outboundbot_${compiled.size + 1}`, text, names };
    compiled.set(sql, entry);
  }
  const values = entry.names.map((name) => {
    if (!(name in params)) throw new Error(`missing SQL parameter @${name}`);
    const value = params[name];
    return value === undefined ? null : value;
  });
  return { name: entry.name, text: entry.text, values };
}

/** A double-quoted identifier (schema names come from configuration). */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

// Schema and migrations --------------------------------------------------------

export const migrations = {
  /**
   * Serialises migrations of one schema across every node starting at once; the
   * lock is transaction-scoped, so a node that dies mid-migration releases it and
   * its rolled-back work is redone by the next.
   */
  lock: `SELECT pg_advisory_xact_lock(hashtext('outboundbot.migrate:' || @schema::text))`,
  createSchema: (schema: string) => `CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`,
  setSearchPath: (schema: string) => `SET LOCAL search_path TO ${ident(schema)}`,
  createTable: `CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`,
  applied: `SELECT version FROM schema_migrations ORDER BY version`,
  record: `INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @appliedAt)`,
  dropSchema: (schema: string) => `DROP SCHEMA IF EXISTS ${ident(schema)} CASCADE`,
};

// Wake-ups ------------------------------------------------------------------------

/**
 * Nodes wake each other with LISTEN/NOTIFY instead of polling for new work: a
 * transaction that makes jobs due (new jobs, resumed jobs) notifies the schema's
 * channel with the group's id, delivered to every listening node when it commits
 * (and never if it rolls back). Channels are database-wide, so the name carries the schema.
 */
export const wakeups = {
  // A channel name is at most 63 bytes: a long schema name is replaced by its digest.
  channel: (schema: string) =>
    `outboundbot_work.${schema.length <= 46 ? schema : createHash('sha1').update(schema).digest('hex')}`,
  notify: `SELECT pg_notify(@channel, @jobGroupId)`,
  listen: (schema: string) => `LISTEN ${ident(wakeups.channel(schema))}`,
};

// The database's clock -----------------------------------------------------------

/** The database server's wall clock in epoch milliseconds: the one clock every node is set to. */
export const databaseTime = `SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now`;

// Accounts, keys, nonces, settings -------------------------------------------------

export const accounts = {
  insert: `INSERT INTO accounts (id, uid, name, created_at) VALUES (@id, @uid, @name, @createdAt)`,
  find: `SELECT id, uid, name, created_at AS "createdAt" FROM accounts WHERE id = @id`,
  list: `SELECT id, uid, name, created_at AS "createdAt" FROM accounts ORDER BY id`,
};

const ACCESS_KEY_COLUMNS = `id, account_id AS "accountId", secret, status, is_root AS "isRoot", name, policy, created_at AS "createdAt"`;

export const accessKeys = {
  insert: `INSERT INTO access_keys (id, account_id, secret, status, is_root, name, policy, created_at)
    VALUES (@id, @accountId, @secret, @status, @isRoot, @name, @policy::jsonb, @createdAt)`,
  find: `SELECT ${ACCESS_KEY_COLUMNS} FROM access_keys WHERE id = @id`,
  list: `SELECT ${ACCESS_KEY_COLUMNS} FROM access_keys ORDER BY created_at, id`,
  setStatus: `UPDATE access_keys SET status = @status WHERE id = @id`,
  setSecret: `UPDATE access_keys SET secret = @secret WHERE id = @id`,
};

export const nonces = {
  // A live record blocks the nonce; an expired one is replaced, so a purge that has
  // not run yet never turns a valid request into a false replay. Two nodes claiming
  // the same nonce at once meet on the primary key: exactly one wins.
  claim: `INSERT INTO signature_nonces (access_key_id, nonce, expires_at) VALUES (@accessKeyId, @nonce, @expiresAt)
    ON CONFLICT (access_key_id, nonce) DO UPDATE SET expires_at = excluded.expires_at
    WHERE signature_nonces.expires_at <= @now`,
  purge: `DELETE FROM signature_nonces WHERE expires_at <= @now`,
};

export const settings = {
  get: `SELECT value FROM settings WHERE key = @key`,
  set: `INSERT INTO settings (key, value) VALUES (@key, @value) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  /** Sets the value unless one is there, and tells the value held either way. */
  init: `WITH inserted AS (
      INSERT INTO settings (key, value) VALUES (@key, @value) ON CONFLICT (key) DO NOTHING RETURNING value
    ) SELECT value FROM inserted UNION ALL SELECT value FROM settings WHERE key = @key LIMIT 1`,
  /** Serialises a named piece of work across the nodes of a schema; session-scoped, so a dead node's lock goes with its connection. */
  lock: `SELECT pg_advisory_lock(hashtext('outboundbot.exclusive:' || @schema::text || ':' || @name::text))`,
  unlock: `SELECT pg_advisory_unlock(hashtext('outboundbot.exclusive:' || @schema::text || ':' || @name::text))`,
  tryLock: `SELECT pg_try_advisory_lock(hashtext('outboundbot.exclusive:' || @schema::text || ':' || @name::text)) AS locked`,
};

// Instances and scripts --------------------------------------------------------------

const INSTANCE_COLUMNS = `id, account_id AS "accountId", name, description,
  max_concurrent_conversation AS "maxConcurrentConversation", nlu_service_type AS "nluServiceType",
  resource_group_id AS "resourceGroupId", calling_numbers AS "callingNumbers", creator_id AS "creatorId",
  creator_name AS "creatorName", owner_name AS "ownerName", created_at AS "createdAt", modified_at AS "modifiedAt"`;

const INSTANCE_FILTER = `account_id = @accountId
      AND (@name::text IS NULL OR strpos(name, @name::text) > 0)
      AND (@resourceGroupId::text IS NULL OR resource_group_id = @resourceGroupId::text)`;

export const instances = {
  insert: `INSERT INTO instances (id, account_id, name, description, max_concurrent_conversation, nlu_service_type,
      resource_group_id, calling_numbers, creator_id, creator_name, owner_name, created_at, modified_at)
    VALUES (@id, @accountId, @name, @description, @maxConcurrentConversation, @nluServiceType,
      @resourceGroupId, @callingNumbers::jsonb, @creatorId, @creatorName, @ownerName, @createdAt, @modifiedAt)`,
  find: `SELECT ${INSTANCE_COLUMNS} FROM instances WHERE account_id = @accountId AND id = @id`,
  list: `SELECT ${INSTANCE_COLUMNS} FROM instances WHERE ${INSTANCE_FILTER} ORDER BY id LIMIT @limit OFFSET @offset`,
  count: `SELECT count(*) AS n FROM instances WHERE ${INSTANCE_FILTER}`,
  update: `UPDATE instances SET name = @name, description = @description,
      max_concurrent_conversation = @maxConcurrentConversation, calling_numbers = @callingNumbers::jsonb,
      modified_at = @modifiedAt
    WHERE account_id = @accountId AND id = @id`,
  delete: `DELETE FROM instances WHERE account_id = @accountId AND id = @id`,
};

const SCRIPT_COLUMNS = `id, instance_id AS "instanceId", name, description, industry, scene, nlu_engine AS "nluEngine",
  nlu_access_type AS "nluAccessType", settings, published_version AS "publishedVersion", is_drafted AS "isDrafted",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

const SCRIPT_FILTER = `instance_id = @instanceId
      AND (@name::text IS NULL OR strpos(name, @name::text) > 0)
      AND (@nluEngine::text IS NULL OR nlu_engine = @nluEngine::text)`;

export const scripts = {
  insert: `INSERT INTO scripts (id, instance_id, name, description, industry, scene, nlu_engine, nlu_access_type,
      settings, published_version, is_drafted, created_at, updated_at)
    VALUES (@id, @instanceId, @name, @description, @industry, @scene, @nluEngine, @nluAccessType,
      @settings::jsonb, @publishedVersion, @isDrafted, @createdAt, @updatedAt)`,
  find: `SELECT ${SCRIPT_COLUMNS} FROM scripts WHERE instance_id = @instanceId AND id = @id`,
  list: `SELECT ${SCRIPT_COLUMNS} FROM scripts WHERE ${SCRIPT_FILTER} ORDER BY id DESC LIMIT @limit OFFSET @offset`,
  count: `SELECT count(*) AS n FROM scripts WHERE ${SCRIPT_FILTER}`,
  update: `UPDATE scripts SET name = @name, description = @description, industry = @industry, scene = @scene,
      nlu_engine = @nluEngine, nlu_access_type = @nluAccessType, settings = @settings::jsonb, is_drafted = @isDrafted,
      updated_at = @updatedAt
    WHERE instance_id = @instanceId AND id = @id`,
  markPublished: `UPDATE scripts SET published_version = @version, is_drafted = false
    WHERE instance_id = @instanceId AND id = @scriptId`,
  delete: `DELETE FROM scripts WHERE instance_id = @instanceId AND id = @id`,
};

export const scriptVersions = {
  insert: `INSERT INTO script_versions (script_id, instance_id, version, description, published_at, snapshot)
    VALUES (@scriptId, @instanceId, @version, @description, @publishedAt, @snapshot::jsonb)`,
  list: `SELECT script_id AS "scriptId", instance_id AS "instanceId", version, description, published_at AS "publishedAt", snapshot
    FROM script_versions WHERE instance_id = @instanceId AND script_id = @scriptId
    ORDER BY published_at DESC, version DESC LIMIT @limit OFFSET @offset`,
  count: `SELECT count(*) AS n FROM script_versions WHERE instance_id = @instanceId AND script_id = @scriptId`,
};

// Job groups -------------------------------------------------------------------------

const JOB_GROUP_COLUMNS = `g.id, g.instance_id AS "instanceId", g.name, g.description, g.script_id AS "scriptId",
  g.scenario_id AS "scenarioId", g.strategy, g.recall_strategy AS "recallStrategy", g.calling_numbers AS "callingNumbers",
  g.recall_calling_numbers AS "recallCallingNumbers", g.priority, g.ringing_duration AS "ringingDuration",
  g.min_concurrency AS "minConcurrency", g.flash_sms_extras AS "flashSmsExtras", g.job_file_path AS "jobFilePath",
  g.job_data_parsing_task_id AS "jobDataParsingTaskId", g.status, g.created_at AS "createdAt", g.modified_at AS "modifiedAt"`;

/** The counter columns under their row names, read from the counter row `c`. */
const COUNTER_COLUMNS = `c.total_jobs AS "totalJobs", c.scheduling, c.executing, c.completed, c.failed, c.paused, c.cancelled,
    c.not_answered AS "notAnswered", c.total_calls AS "totalCalls", c.in_flight AS "inFlight",
    c.start_time AS "startTime", c.end_time AS "endTime", c.finished_num AS "finishedNum",
    c.client_hangup_num AS "clientHangupNum", c.no_interact_num AS "noInteractNum",
    c.timeout_hangup_num AS "timeoutHangupNum", c.unrecognized_num AS "unrecognizedNum"`;

// Everything GetJobGroup shows, in one indexed lookup: the group, its counter row,
// its script's name/version/engine and its latest export task.
const JOB_GROUP_VIEW_SELECT = `SELECT ${JOB_GROUP_COLUMNS}, ${COUNTER_COLUMNS},
    s.name AS "scriptName", s.published_version AS "scriptVersion", s.nlu_engine AS "scriptNluEngine",
    (SELECT json_build_object('status', e.status, 'progress', e.progress, 'fileHttpUrl', e.file_http_url)
       FROM export_tasks e WHERE e.job_group_id = g.id ORDER BY e.created_at DESC, e.id DESC LIMIT 1) AS "latestExport"
  FROM job_groups g
  JOIN job_group_totals c ON c.job_group_id = g.id
  LEFT JOIN scripts s ON s.id = g.script_id AND s.instance_id = g.instance_id`;

const JOB_GROUP_FILTER = `g.instance_id = @instanceId
      AND (@statuses::text[] IS NULL OR g.status = ANY(@statuses::text[]))
      AND (@searchText::text IS NULL OR strpos(g.name, @searchText::text) > 0 OR strpos(g.description, @searchText::text) > 0)
      AND (@createdFrom::bigint IS NULL OR g.created_at >= @createdFrom::bigint)
      AND (@createdTo::bigint IS NULL OR g.created_at <= @createdTo::bigint)
      AND (NOT @onlyMinConcurrency::boolean OR g.min_concurrency > 0)`;

export const jobGroups = {
  insert: `INSERT INTO job_groups (id, instance_id, name, description, script_id, scenario_id, strategy, recall_strategy,
      calling_numbers, recall_calling_numbers, priority, ringing_duration, min_concurrency, flash_sms_extras,
      job_file_path, job_data_parsing_task_id, status, created_at, modified_at)
    VALUES (@id, @instanceId, @name, @description, @scriptId, @scenarioId, @strategy::jsonb, @recallStrategy::jsonb,
      @callingNumbers::jsonb, @recallCallingNumbers::jsonb, @priority, @ringingDuration, @minConcurrency, @flashSmsExtras::jsonb,
      @jobFilePath, @jobDataParsingTaskId, @status, @createdAt, @modifiedAt)`,
  insertCounters: `INSERT INTO job_group_counters (job_group_id) VALUES (@id)`,
  find: `SELECT ${JOB_GROUP_COLUMNS} FROM job_groups g WHERE g.instance_id = @instanceId AND g.id = @id`,
  // GetJobGroup in one round trip: the view row with the group's result tallies as a JSON array.
  view: `${JOB_GROUP_VIEW_SELECT.replace(
    'FROM job_groups g',
    `, (SELECT coalesce(json_agg(json_build_object('kind', r.kind, 'key', r.result_key, 'value', r.result_value, 'count', r.count)
          ORDER BY r.kind, r.result_key, r.result_value), '[]'::json)
        FROM job_group_results r WHERE r.job_group_id = g.id) AS results
  FROM job_groups g`,
  )} WHERE g.instance_id = @instanceId AND g.id = @id`,
  list: `${JOB_GROUP_VIEW_SELECT} WHERE ${JOB_GROUP_FILTER}
    ORDER BY g.created_at DESC, g.id DESC LIMIT @limit OFFSET @offset`,
  count: `SELECT count(*) AS n FROM job_groups g WHERE ${JOB_GROUP_FILTER}`,
  update: `UPDATE job_groups SET name = @name, description = @description, script_id = @scriptId,
      scenario_id = @scenarioId, strategy = @strategy::jsonb, recall_strategy = @recallStrategy::jsonb,
      calling_numbers = @callingNumbers::jsonb, recall_calling_numbers = @recallCallingNumbers::jsonb, priority = @priority,
      ringing_duration = @ringingDuration, min_concurrency = @minConcurrency, flash_sms_extras = @flashSmsExtras::jsonb,
      job_file_path = @jobFilePath, job_data_parsing_task_id = @jobDataParsingTaskId, status = @status,
      modified_at = @modifiedAt
    WHERE instance_id = @instanceId AND id = @id`,
  delete: `DELETE FROM job_groups WHERE instance_id = @instanceId AND id = @id`,
  sumMinConcurrency: `SELECT coalesce(sum(min_concurrency), 0) AS n FROM job_groups
    WHERE instance_id = @instanceId AND priority = @priority AND id <> @excludeId
      AND status NOT IN ('Completed', 'Cancelled', 'Failed')`,
};

// Counters -----------------------------------------------------------------------------

/** The counter fields a delta may move, with their columns. */
export const COUNTER_FIELDS = {
  totalJobs: 'total_jobs',
  scheduling: 'scheduling',
  executing: 'executing',
  completed: 'completed',
  failed: 'failed',
  paused: 'paused',
  cancelled: 'cancelled',
  notAnswered: 'not_answered',
  totalCalls: 'total_calls',
  inFlight: 'in_flight',
  finishedNum: 'finished_num',
  clientHangupNum: 'client_hangup_num',
  noInteractNum: 'no_interact_num',
  timeoutHangupNum: 'timeout_hangup_num',
  unrecognizedNum: 'unrecognized_num',
} as const;

/** Shard rows per group (see applyToShards): enough for the connections of a few nodes. */
const COUNTER_SHARDS = 16;
/**
 * The shard a claim made under its instance's lock writes (the exact claim after an
 * optimistic one did not fit), beside the connections' 0..15. Only the holder of the
 * group's instance lock writes it, so that claim never waits for a shard row while
 * holding the lock, and no other round holding its own shard row can be waiting for
 * that lock at the same time: the locks stay in one order (docs/postgres.md).
 */
export const CLAIM_UNDER_LOCK_SHARD = COUNTER_SHARDS;

const DELTA_RECORD = Object.keys(COUNTER_FIELDS).map((key) => `"${key}" bigint`).join(', ');
const DELTA_SET = Object.entries(COUNTER_FIELDS)
  .map(([key, column]) => `${column} = c.${column} + d."${key}"`)
  .join(', ');

// The status a running group's counters imply.
const DERIVED_STATUS = `CASE
    WHEN c.scheduling + c.executing + c.paused = 0 AND c.in_flight = 0 THEN 'Completed'
    WHEN c.in_flight > 0 THEN 'Executing'
    ELSE 'Scheduling' END`;

export const counters = {
  /**
   * Applies the summed deltas of several groups at once: `@deltas` is a JSON array
   * of `{jobGroupId, totalJobs, ...}` with every field present. Each counter row is
   * moved under its row lock, so concurrent transactions never lose an update.
   * Rows are visited in group-id order, so two batches never lock in opposite orders.
   */
  apply: `UPDATE job_group_counters c SET ${DELTA_SET}
    FROM (SELECT * FROM jsonb_to_recordset(@deltas::jsonb) AS r("jobGroupId" text, ${DELTA_RECORD})
      ORDER BY "jobGroupId") d
    WHERE c.job_group_id = d."jobGroupId"`,
  /**
   * The engine's rounds add their summed deltas to a shard row of each group, the
   * shard chosen by the connection, so rounds of several nodes (or connections) on
   * one group write different rows and never queue on one lock. Inserted in group-id
   * order, so two batches never lock in opposite orders.
   */
  applyToShards: `INSERT INTO job_group_counter_shards (job_group_id, shard, ${Object.values(COUNTER_FIELDS).join(', ')})
    SELECT d."jobGroupId", pg_backend_pid() % ${COUNTER_SHARDS}, ${Object.keys(COUNTER_FIELDS).map((key) => `d."${key}"`).join(', ')}
    FROM jsonb_to_recordset(@deltas::jsonb) AS d("jobGroupId" text, ${DELTA_RECORD})
    WHERE EXISTS (SELECT 1 FROM job_group_counters b WHERE b.job_group_id = d."jobGroupId")
    ORDER BY d."jobGroupId"
    ON CONFLICT (job_group_id, shard) DO UPDATE SET ${Object.values(COUNTER_FIELDS)
      .map((column) => `${column} = job_group_counter_shards.${column} + excluded.${column}`)
      .join(', ')}`,
  /**
   * Takes the groups' locks: the lock for the writes that are not an engine round's
   * (jobs added, moved by the API) and for the status refresh after a round, which
   * must see every round committed before it. Engine rounds themselves do not take
   * it: their counters go to shard rows and their job and task writes are guarded
   * row by row. Readers, GetJobGroup included, never wait for it. An advisory lock
   * per group (keyed by schema and id, taken in key order), not a row lock: taking
   * it writes nothing, so a refresh that changes no status commits without a WAL
   * flush.
   */
  lockGroups: `SELECT pg_advisory_xact_lock(x.k) FROM (
      SELECT DISTINCT hashtextextended('outboundbot.group:' || @schema::text || ':' || id, 0) AS k FROM unnest(@ids::text[]) AS id ORDER BY 1
    ) x`,
  /**
   * A running group's status follows its counters, and the end time is stamped when
   * it completes (cleared when it runs again), in one statement. `@groups` is a JSON
   * array of `{id, now}`: the modification time stamped when the status changes.
   */
  refreshStatus: `WITH x AS (
      SELECT r.id, r.now, ${DERIVED_STATUS} AS derived
      FROM jsonb_to_recordset(@groups::jsonb) AS r(id text, now bigint)
      JOIN job_group_totals c ON c.job_group_id = r.id
    ), moved AS (
      UPDATE job_groups g SET status = x.derived, modified_at = x.now
      FROM x
      -- Only a status that changes is written: every engine round refreshes its
      -- groups, and an unchanged row rewritten would still be a new row version.
      WHERE g.id = x.id AND g.status IN ('Scheduling', 'Executing') AND g.status <> x.derived
      RETURNING g.id, g.status
    ), s AS (
      SELECT x.id, x.now, coalesce(moved.status, g.status) AS status
      FROM x JOIN job_groups g ON g.id = x.id LEFT JOIN moved ON moved.id = x.id
    )
    UPDATE job_group_counters c SET end_time = CASE
        WHEN s.status = 'Completed' THEN CASE WHEN c.end_time = 0 THEN s.now ELSE c.end_time END
        ELSE 0 END
    FROM s
    WHERE c.job_group_id = s.id
      AND c.end_time <> CASE WHEN s.status = 'Completed' THEN CASE WHEN c.end_time = 0 THEN s.now ELSE c.end_time END ELSE 0 END`,
  wakeGroup: `UPDATE job_groups SET status = 'Scheduling', modified_at = @now
    WHERE id = @jobGroupId AND status IN ('Draft', 'Completed')`,
  recount: `SELECT
      (SELECT count(*) FROM jobs WHERE job_group_id = @jobGroupId) AS "totalJobs",
      (SELECT count(*) FROM jobs WHERE job_group_id = @jobGroupId AND status = 'Scheduling') AS scheduling,
      (SELECT count(*) FROM jobs WHERE job_group_id = @jobGroupId AND status = 'Executing') AS executing,
      (SELECT count(*) FROM jobs WHERE job_group_id = @jobGroupId AND status = 'Succeeded') AS completed,
      (SELECT count(*) FROM jobs WHERE job_group_id = @jobGroupId AND status = 'Failed') AS failed,
      (SELECT count(*) FROM jobs WHERE job_group_id = @jobGroupId AND status = 'Paused') AS paused,
      (SELECT count(*) FROM jobs WHERE job_group_id = @jobGroupId AND status = 'Cancelled') AS cancelled,
      (SELECT count(*) FROM tasks WHERE job_group_id = @jobGroupId AND status IN
        ('NoAnswer', 'Busy', 'NotExist', 'PoweredOff', 'OutOfService', 'InArrears', 'NotConnected', 'Failed')) AS "notAnswered",
      (SELECT count(*) FROM tasks WHERE job_group_id = @jobGroupId) AS "totalCalls",
      (SELECT count(*) FROM tasks WHERE job_group_id = @jobGroupId AND status = 'Executing') AS "inFlight",
      (SELECT coalesce(min(actual_time), 0) FROM tasks WHERE job_group_id = @jobGroupId) AS "startTime",
      (SELECT end_time FROM job_group_counters WHERE job_group_id = @jobGroupId) AS "endTime",
      (SELECT count(*) FROM tasks WHERE job_group_id = @jobGroupId AND end_reason = 'FINISHED') AS "finishedNum",
      (SELECT count(*) FROM tasks WHERE job_group_id = @jobGroupId AND end_reason = 'CLIENT_HANGUP') AS "clientHangupNum",
      (SELECT count(*) FROM tasks WHERE job_group_id = @jobGroupId AND end_reason = 'NO_INTERACTION') AS "noInteractNum",
      (SELECT count(*) FROM tasks WHERE job_group_id = @jobGroupId AND end_reason = 'TIMEOUT_HANGUP') AS "timeoutHangupNum",
      (SELECT count(*) FROM tasks WHERE job_group_id = @jobGroupId AND end_reason = 'CHATBOT_HANGUP_AFTER_NOANSWER') AS "unrecognizedNum"`,
  allGroupIds: `SELECT id FROM job_groups ORDER BY id`,
  stored: `SELECT ${COUNTER_COLUMNS} FROM job_group_totals c WHERE c.job_group_id = @jobGroupId`,
};

// Jobs and tasks ----------------------------------------------------------------------------

const JOB_COLUMNS = `j.id, j.instance_id AS "instanceId", j.job_group_id AS "jobGroupId", j.reference_id AS "referenceId", j.status,
  j.contacts, j.extras, j.calling_numbers AS "callingNumbers", j.script_version AS "scriptVersion",
  j.next_attempt_at AS "nextAttemptAt", j.attempts, j.attempt_day AS "attemptDay", j.day_attempts AS "dayAttempts",
  j.last_attempt_at AS "lastAttemptAt", j.failure_reason AS "failureReason", j.end_reason AS "endReason",
  j.created_at AS "createdAt", j.modified_at AS "modifiedAt"`;

/** A due job's columns (DueJob): its group is the one asked for. */
const DUE_JOB_COLUMNS = `j.id, j.instance_id AS "instanceId", j.contacts, j.extras, j.calling_numbers AS "callingNumbers",
  j.script_version AS "scriptVersion", j.next_attempt_at AS "nextAttemptAt", j.attempts, j.attempt_day AS "attemptDay",
  j.day_attempts AS "dayAttempts"`;

const TASK_COLUMNS = `t.id, t.job_id AS "jobId", t.job_group_id AS "jobGroupId", t.instance_id AS "instanceId", t.attempt, t.status,
  t.calling_number AS "callingNumber", t.called_number AS "calledNumber", t.contact, t.planned_time AS "plannedTime",
  t.actual_time AS "actualTime", t.lease_expires_at AS "leaseExpiresAt", t.end_time AS "endTime", t.ringing_ms AS "ringingMs",
  t.talk_ms AS "talkMs", t.end_reason AS "endReason", t.hangup_direction AS "hangupDirection", t.sip_code AS "sipCode",
  t.conversation`;

const JOB_FILTER = `j.instance_id = @instanceId
      AND (@jobGroupId::text IS NULL OR j.job_group_id = @jobGroupId::text)
      AND (@statuses::text[] IS NULL OR j.status = ANY(@statuses::text[]))
      AND (@failureReason::text IS NULL OR j.failure_reason = @failureReason::text)
      AND (@phoneNumber::text IS NULL OR EXISTS (SELECT 1 FROM jsonb_array_elements(j.contacts) c
        WHERE c->>'phoneNumber' = @phoneNumber::text))
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
  /** Bulk ingest of large batches through COPY (text format, see postgres-store.ts copyRow). */
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

// Dispatch ----------------------------------------------------------------------------------

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
  groups: `SELECT ${JOB_GROUP_COLUMNS}, i.max_concurrent_conversation AS "instanceMaxConcurrency", c.in_flight AS "inFlight",
      (SELECT coalesce(sum(c2.in_flight), 0) FROM job_groups g2 JOIN job_group_totals c2 ON c2.job_group_id = g2.id
        WHERE g2.instance_id = g.instance_id AND g2.status IN ${WITH_CALLS}) AS "instanceInFlight"
    FROM job_groups g
    JOIN instances i ON i.id = g.instance_id
    JOIN job_group_totals c ON c.job_group_id = g.id
    WHERE g.status IN ('Scheduling', 'Executing')
    ORDER BY g.instance_id, g.id`,
  due: `SELECT ${DUE_JOB_COLUMNS} FROM jobs j
    WHERE j.job_group_id = @jobGroupId AND j.status = 'Scheduling' AND j.next_attempt_at <= @now
    ORDER BY j.next_attempt_at, j.id LIMIT @limit`,
  /**
   * `due` inside a dispatch round's transaction: the jobs are locked until it ends,
   * and a job another round holds is skipped, so rounds of several nodes read
   * different jobs. NO KEY UPDATE, the lock the claim's update takes anyway, leaves
   * the tasks' foreign-key checks on the job free.
   */
  dueForRound: `SELECT ${DUE_JOB_COLUMNS} FROM jobs j
    WHERE j.job_group_id = @jobGroupId AND j.status = 'Scheduling' AND j.next_attempt_at <= @now
    ORDER BY j.next_attempt_at, j.id LIMIT @limit
    FOR NO KEY UPDATE SKIP LOCKED`,
  // One index probe per running group: the earliest due job of each.
  nextDue: `SELECT min(x.t) AS t FROM job_groups g
    CROSS JOIN LATERAL (SELECT j.next_attempt_at AS t FROM jobs j
      WHERE j.job_group_id = g.id AND j.status = 'Scheduling' AND j.next_attempt_at > @after
      ORDER BY j.next_attempt_at LIMIT 1) x
    WHERE g.status IN ('Scheduling', 'Executing')`,
  /**
   * The instances a claim draws lines from, locked in id order for the rest of the
   * transaction: claims of one instance are serialised across every node, so the
   * lines counted below are the lines in use, and MaxConcurrentConversation holds
   * for the nodes together. NO KEY UPDATE leaves inserts referencing the instance free.
   */
  lockInstances: `SELECT id FROM instances WHERE id = ANY(@ids::text[]) ORDER BY id FOR NO KEY UPDATE`,
  /** Each instance's ceiling and the calls in flight over its groups (WITH_CALLS), read under the lock above. */
  instanceLines: `SELECT i.id, i.max_concurrent_conversation AS max,
      (SELECT coalesce(sum(c.in_flight), 0) FROM job_groups g JOIN job_group_totals c ON c.job_group_id = g.id
        WHERE g.instance_id = i.id AND g.status IN ${WITH_CALLS}) AS "inFlight"
    FROM instances i WHERE i.id = ANY(@ids::text[])`,
  /**
   * After an optimistic claim, under the instance locks: each instance's lines
   * still free (its claims counted) and the lines its running groups'
   * MinConcurrency still reserve (as `reservations`, summed). The claim stands
   * when `free` >= 0 and `free` >= `reserved`.
   */
  linesAfterClaims: `SELECT i.id,
      i.max_concurrent_conversation - (SELECT coalesce(sum(c.in_flight), 0) FROM job_groups g JOIN job_group_totals c ON c.job_group_id = g.id
        WHERE g.instance_id = i.id AND g.status IN ${WITH_CALLS}) AS free,
      (SELECT coalesce(sum((SELECT count(*) FROM (SELECT 1 FROM jobs j
          WHERE j.job_group_id = g.id AND j.status = 'Scheduling' AND j.next_attempt_at <= @now
          LIMIT g.min_concurrency - c.in_flight) d)), 0)
        FROM job_groups g JOIN job_group_totals c ON c.job_group_id = g.id
        WHERE g.instance_id = i.id AND g.status IN ('Scheduling', 'Executing') AND g.min_concurrency > c.in_flight) AS reserved
    FROM instances i WHERE i.id = ANY(@ids::text[])`,
  /**
   * The lines each running group's MinConcurrency still holds in these instances
   * (read under their locks, after the round's reschedules): its deficit, counted
   * only up to its due jobs (one bounded index probe per group short of its minimum).
   */
  reservations: `SELECT g.instance_id AS "instanceId", g.id AS "jobGroupId",
      (SELECT count(*) FROM (SELECT 1 FROM jobs j
        WHERE j.job_group_id = g.id AND j.status = 'Scheduling' AND j.next_attempt_at <= @now
        LIMIT g.min_concurrency - c.in_flight) d) AS lines
    FROM job_groups g JOIN job_group_totals c ON c.job_group_id = g.id
    WHERE g.instance_id = ANY(@ids::text[]) AND g.status IN ('Scheduling', 'Executing') AND g.min_concurrency > c.in_flight`,
  /**
   * Claims a batch in one statement. Of the named jobs (`@claims`: JSON
   * `[{jobId, instanceId, attempts, attemptDay, dayAttempts, ord}]` in the engine's
   * order; `@ids` their job ids), those still Scheduling, due and in a running group are locked with
   * FOR NO KEY UPDATE SKIP LOCKED: a row another transaction holds is skipped, never
   * waited for, so two nodes deciding on the same job claim it once and neither
   * stalls behind the other. NO KEY UPDATE is the lock the update takes anyway and
   * the one a round's due read already holds, so locking again writes nothing. Then, in the engine's order, each instance takes as many
   * as it has lines free (`@free`: JSON `[{instanceId, free}]`, counted under the
   * instance locks), the jobs move to Executing, their tasks (`@tasks`) are
   * inserted, the groups' counters move and a group's first claim stamps its start
   * time. Returns the claimed jobs' ids.
   */
  claim: `WITH c AS (
      SELECT * FROM jsonb_to_recordset(@claims::jsonb)
        AS r("jobId" text, "instanceId" text, attempts int, "attemptDay" text, "dayAttempts" int, ord int)
    ), eligible AS (
      SELECT j.id FROM jobs j
      WHERE j.id = ANY(@ids::text[]) AND j.status = 'Scheduling' AND j.next_attempt_at <= @now
        -- A group paused since the decision was made starts no call.
        AND EXISTS (SELECT 1 FROM job_groups g WHERE g.id = j.job_group_id AND g.status IN ('Scheduling', 'Executing'))
      ORDER BY j.id
      FOR NO KEY UPDATE OF j SKIP LOCKED
    ), ranked AS (
      SELECT c.*, row_number() OVER (PARTITION BY c."instanceId" ORDER BY c.ord) AS rn
      FROM c JOIN eligible e ON e.id = c."jobId"
    ), taken AS (
      SELECT ranked.* FROM ranked
      JOIN jsonb_to_recordset(@free::jsonb) AS f("instanceId" text, free int) ON f."instanceId" = ranked."instanceId"
      WHERE ranked.rn <= f.free
    ), claimed AS (
      UPDATE jobs SET status = 'Executing', attempts = taken.attempts, attempt_day = taken."attemptDay",
        day_attempts = taken."dayAttempts", last_attempt_at = @now, modified_at = @now
      -- The rows are locked and checked by eligible; matching by primary key only keeps
      -- the planner on jobs_pkey (a status test here would invite the partial jobs_due index).
      FROM taken WHERE jobs.id = taken."jobId"
      RETURNING jobs.id, jobs.job_group_id
    ), per_group AS (
      SELECT job_group_id, count(*) AS n FROM claimed GROUP BY job_group_id
    ), counted AS (
      -- The counters move once per group by the batch's sum, on this connection's shard (as
      -- applyToShards) or, for a claim under the instance's lock, on CLAIM_UNDER_LOCK_SHARD.
      INSERT INTO job_group_counter_shards (job_group_id, shard, scheduling, executing, in_flight, total_calls)
      SELECT job_group_id, coalesce(@shard::int, pg_backend_pid() % ${COUNTER_SHARDS}), -n, n, n, n FROM per_group ORDER BY job_group_id
      ON CONFLICT (job_group_id, shard) DO UPDATE SET
        scheduling = job_group_counter_shards.scheduling + excluded.scheduling,
        executing = job_group_counter_shards.executing + excluded.executing,
        in_flight = job_group_counter_shards.in_flight + excluded.in_flight,
        total_calls = job_group_counter_shards.total_calls + excluded.total_calls
    ), started AS (
      -- A group's first claim stamps its start time: the counter row is written only while it is unset.
      UPDATE job_group_counters SET start_time = @now
      WHERE job_group_id IN (SELECT job_group_id FROM per_group) AND start_time = 0
    )
    INSERT INTO tasks (id, job_id, job_group_id, instance_id, attempt, status, calling_number, called_number,
      contact, planned_time, actual_time, lease_expires_at)
    SELECT r.id, r."jobId", r."jobGroupId", r."instanceId", r.attempt, 'Executing', r."callingNumber", r."calledNumber",
      r.contact, r."plannedTime", r."actualTime", r."leaseExpiresAt"
    FROM jsonb_to_recordset(@tasks::jsonb) AS r(id text, "jobId" text, "jobGroupId" text, "instanceId" text, attempt int,
      "callingNumber" text, "calledNumber" text, contact jsonb, "plannedTime" bigint, "actualTime" bigint, "leaseExpiresAt" bigint)
    WHERE r."jobId" IN (SELECT id FROM claimed)
    RETURNING job_id AS "jobId"`,

  /**
   * Settles a batch in one statement. Only a task still Executing is settled, so a
   * settlement runs exactly once, even when the owner and a recovering node settle
   * the same call at the same moment; a job moves (only while still Executing) only
   * when its task was settled here. `@tasks`: the tasks' outcomes; `@jobs`: each job's
   * next state with its `taskId`. Returns `kind` 'task' / 'job' and the id of each row
   * that changed.
   */
  settle: `WITH settled AS (
      UPDATE tasks t SET status = r.status, end_time = r."endTime", ringing_ms = r."ringingMs", talk_ms = r."talkMs",
        end_reason = r."endReason", hangup_direction = r."hangupDirection", sip_code = r."sipCode", conversation = r.conversation
      FROM (SELECT * FROM jsonb_to_recordset(@tasks::jsonb) AS x(id text, status text, "endTime" bigint, "ringingMs" bigint,
          "talkMs" bigint, "endReason" text, "hangupDirection" text, "sipCode" text, conversation jsonb) ORDER BY id) r
      WHERE t.id = r.id AND t.status = 'Executing'
      RETURNING t.id
    ), moved AS (
      UPDATE jobs j SET status = r.status, next_attempt_at = r."nextAttemptAt", failure_reason = r."failureReason",
        end_reason = r."endReason", modified_at = r.now
      FROM (SELECT * FROM jsonb_to_recordset(@jobs::jsonb) AS x(id text, "taskId" text, status text, "nextAttemptAt" bigint,
          "failureReason" text, "endReason" text, now bigint) ORDER BY id) r
      WHERE j.id = r.id AND j.status = 'Executing' AND r."taskId" IN (SELECT id FROM settled)
      RETURNING j.id
    )
    SELECT 'task' AS kind, id FROM settled UNION ALL SELECT 'job' AS kind, id FROM moved`,
  rescheduleJobs: `UPDATE jobs j SET next_attempt_at = r."nextAttemptAt", modified_at = @now
    FROM jsonb_to_recordset(@changes::jsonb) AS r("jobId" text, "nextAttemptAt" bigint)
    WHERE j.id = r."jobId" AND j.status = 'Scheduling'`,
  failJobs: `UPDATE jobs j SET status = 'Failed', failure_reason = r."failureReason", modified_at = @now
    FROM jsonb_to_recordset(@changes::jsonb) AS r("jobId" text, "failureReason" text)
    WHERE j.id = r."jobId" AND j.status = 'Scheduling'
    RETURNING j.job_group_id AS "jobGroupId"`,
  expired: `SELECT ${TASK_COLUMNS} FROM tasks t WHERE t.status = 'Executing' AND t.lease_expires_at <= @now
    ORDER BY t.lease_expires_at LIMIT @limit`,
  jobsByIds: `SELECT ${JOB_COLUMNS} FROM jobs j WHERE j.id = ANY(@ids::text[])`,
  nextLeaseExpiry: `SELECT min(lease_expires_at) AS t FROM tasks WHERE status = 'Executing' AND lease_expires_at > @after`,
};

// Business results of answered calls: tallies per group and the opt-out block list.
export const results = {
  // `@rows`: JSON `[{jobGroupId, kind, key, value, n}]`, one entry per distinct key.
  tally: `INSERT INTO job_group_results (job_group_id, kind, result_key, result_value, count)
    SELECT r."jobGroupId", r.kind, r.key, r.value, r.n
    FROM jsonb_to_recordset(@rows::jsonb) AS r("jobGroupId" text, kind text, key text, value text, n bigint)
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (job_group_id, kind, result_key, result_value) DO UPDATE SET count = job_group_results.count + excluded.count`,
  // `@rows`: JSON `[{id, instanceId, phoneNumber, numberKey, name, remark, createdAt}]`.
  block: `INSERT INTO contact_block_list (id, instance_id, phone_number, number_key, name, remark, creator, created_at)
    SELECT r.id, r."instanceId", r."phoneNumber", r."numberKey", r.name, r.remark, 'outboundbot', r."createdAt"
    FROM jsonb_to_recordset(@rows::jsonb) AS r(id text, "instanceId" text, "phoneNumber" text, "numberKey" text, name text,
      remark text, "createdAt" bigint)
    WHERE EXISTS (SELECT 1 FROM instances WHERE id = r."instanceId")
      AND NOT EXISTS (SELECT 1 FROM contact_block_list b WHERE b.instance_id = r."instanceId" AND b.number_key = r."numberKey")
    ON CONFLICT DO NOTHING`,
};

export const concurrency = {
  // Lines in use: calls in flight over the instance's groups, from their counter rows.
  instance: `SELECT i.max_concurrent_conversation AS max,
      (SELECT coalesce(sum(c.in_flight), 0) FROM job_groups g JOIN job_group_totals c ON c.job_group_id = g.id
        WHERE g.instance_id = i.id AND g.status IN ${WITH_CALLS}) AS "inFlight"
    FROM instances i WHERE i.account_id = @accountId AND i.id = @instanceId`,
  account: `SELECT coalesce(sum(i.max_concurrent_conversation), 0) AS max,
      (SELECT coalesce(sum(c.in_flight), 0) FROM instances i2 JOIN job_groups g ON g.instance_id = i2.id
        JOIN job_group_totals c ON c.job_group_id = g.id WHERE i2.account_id = @accountId AND g.status IN ${WITH_CALLS}) AS "inFlight"
    FROM instances i WHERE i.account_id = @accountId`,
};

// Reports: a group's call report as kept in counters, and aggregates over a group's or
// an instance's tasks (by index): the recount `outboundbot verify` compares it with.
export const reports = {
  // The call report as kept (migration 000011), folded over the group's shard rows.
  storedCalls: `SELECT coalesce(sum(answered), 0) AS answered, coalesce(sum(talk_ms), 0) AS "talkMs",
      coalesce(max(max_talk_ms), 0) AS "maxTalkMs"
    FROM job_group_counter_shards WHERE job_group_id = @jobGroupId`,
  storedBuckets: `SELECT kind, bucket, sum(count) AS count FROM job_group_call_buckets
    WHERE job_group_id = @jobGroupId GROUP BY kind, bucket`,
  /**
   * Adds a settlement batch's answered calls to this connection's shard row of each
   * group (`@calls`: `{jobGroupId, answered, talkMs, maxTalkMs}`; applyToShards has
   * locked those rows already) and its calls per bucket (`@buckets`: `{jobGroupId,
   * kind, bucket, n}`, in key order, so two batches never lock them in opposite
   * orders). One statement: one round trip.
   */
  applyCalls: `WITH buckets AS (
      INSERT INTO job_group_call_buckets (job_group_id, kind, bucket, shard, count)
      SELECT d."jobGroupId", d.kind, d.bucket, pg_backend_pid() % ${COUNTER_SHARDS}, d.n
      FROM jsonb_to_recordset(@buckets::jsonb) AS d("jobGroupId" text, kind text, bucket text, n bigint)
      WHERE EXISTS (SELECT 1 FROM job_group_counters b WHERE b.job_group_id = d."jobGroupId")
      ORDER BY d."jobGroupId", d.kind, d.bucket
      ON CONFLICT (job_group_id, kind, bucket, shard) DO UPDATE SET count = job_group_call_buckets.count + excluded.count
    )
    INSERT INTO job_group_counter_shards (job_group_id, shard, answered, talk_ms, max_talk_ms)
    SELECT d."jobGroupId", pg_backend_pid() % ${COUNTER_SHARDS}, d.answered, d."talkMs", d."maxTalkMs"
    FROM jsonb_to_recordset(@calls::jsonb) AS d("jobGroupId" text, answered bigint, "talkMs" bigint, "maxTalkMs" bigint)
    WHERE EXISTS (SELECT 1 FROM job_group_counters b WHERE b.job_group_id = d."jobGroupId")
    ORDER BY d."jobGroupId"
    ON CONFLICT (job_group_id, shard) DO UPDATE SET
      answered = job_group_counter_shards.answered + excluded.answered,
      talk_ms = job_group_counter_shards.talk_ms + excluded.talk_ms,
      max_talk_ms = greatest(job_group_counter_shards.max_talk_ms, excluded.max_talk_ms)`,
  groupCalls: `SELECT count(*) AS answered, coalesce(sum(talk_ms), 0) AS "talkMs", coalesce(max(talk_ms), 0) AS "maxTalkMs"
    FROM tasks WHERE job_group_id = @jobGroupId AND end_reason <> ''`,
  // Answered calls by talk time, in buckets of seconds: [0,10), [10,30), [30,60), [60,120), [120,300), [300,+).
  groupDurationBuckets: `SELECT CASE
        WHEN talk_ms < 10000 THEN '0-10' WHEN talk_ms < 30000 THEN '10-30' WHEN talk_ms < 60000 THEN '30-60'
        WHEN talk_ms < 120000 THEN '60-120' WHEN talk_ms < 300000 THEN '120-300' ELSE '300+' END AS bucket,
      count(*) AS n
    FROM tasks WHERE job_group_id = @jobGroupId AND end_reason <> '' GROUP BY 1`,
  // Answered calls by number of turns the callee spoke.
  groupTurnBuckets: `SELECT (SELECT count(*) FROM jsonb_array_elements(t.conversation) c
        WHERE c->>'speaker' = 'Contact' AND c->>'text' <> '') AS turns,
      count(*) AS n
    FROM tasks t WHERE t.job_group_id = @jobGroupId AND t.end_reason <> '' GROUP BY 1`,
  instanceCalls: `SELECT i.id AS "instanceId",
      (SELECT count(*) FROM tasks t WHERE t.instance_id = i.id) AS "totalCalls",
      (SELECT coalesce(sum(t.talk_ms), 0) FROM tasks t WHERE t.instance_id = i.id) AS "talkMs"
    FROM instances i
    WHERE i.account_id = @accountId AND (@ids::text[] IS NULL OR i.id = ANY(@ids::text[]))
    ORDER BY i.id`,
};

// COPY ------------------------------------------------------------------------------------

/**
 * One line of COPY's text format: tab-separated, `\N` for NULL, with backslash,
 * tab, newline and carriage return escaped inside values.
 */
export function copyLine(values: ReadonlyArray<string | number | null>): string {
  return `${values
    .map((value) =>
      value === null
        ? '\\N'
        : String(value).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r'),
    )
    .join('\t')}\n`;
}
