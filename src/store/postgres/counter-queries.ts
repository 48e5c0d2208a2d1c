/** The SQL of job-group counters, lines in use and call reports of the PostgreSQL backend (conventions: queries.ts). */

import { WITH_CALLS } from '../portable-queries.ts';
import { COUNTER_COLUMNS } from './queries.ts';

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
export const COUNTER_SHARDS = 16;
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
