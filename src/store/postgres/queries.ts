/**
 * Every SQL statement of the PostgreSQL backend (the schema itself lives in
 * migrations/NNNNNN_*.sql). Pure strings and functions, no I/O, in the manner of
 * pg-boss's `src/plans.ts`: the store's parts and migrate.ts only execute them.
 * Its neighbours counter-queries.ts, job-queries.ts and dispatch-queries.ts follow the same rules.
 *
 * Statements use named parameters (`@name`), compiled once per statement into
 * PostgreSQL's positional form by `bind`; a repeated name reuses its position.
 * Parameters whose type PostgreSQL cannot infer carry an explicit cast.
 * Row aliases are quoted so columns come back in the camelCase of src/store/rows.ts.
 * Batches travel as one JSONB parameter unpacked by `jsonb_to_recordset`
 * (graphile/worker's "ids as one JSON param"), so a batch is one round trip.
 */

import { createHash } from 'node:crypto';
import { accessKeyChanges, ACCESS_KEY_COLUMNS, INSTANCE_COLUMNS, JOB_GROUP_COLUMNS, NONCE_CLAIM } from '../portable-queries.ts';

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

export const accessKeys = {
  insert: `INSERT INTO access_keys (id, account_id, secret, status, is_root, name, policy, created_at)
    VALUES (@id, @accountId, @secret, @status, @isRoot, @name, @policy::jsonb, @createdAt)`,
  find: `SELECT ${ACCESS_KEY_COLUMNS} FROM access_keys WHERE id = @id`,
  ...accessKeyChanges,
};

export const nonces = {
  claim: NONCE_CLAIM,
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

/** The counter columns under their row names, read from the counter row `c`. */
export const COUNTER_COLUMNS = `c.total_jobs AS "totalJobs", c.scheduling, c.executing, c.completed, c.failed, c.paused, c.cancelled,
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

