/** The SQL of dispatch rounds: due reads, claims, settlements, reschedules, recovery of the PostgreSQL backend (conventions: queries.ts). */

import { dispatchableGroups, DUE_JOB_COLUMNS, JOB_COLUMNS, TASK_COLUMNS, WITH_CALLS } from '../portable-queries.ts';
import { COUNTER_SHARDS } from './counter-queries.ts';

// Dispatch ----------------------------------------------------------------------------------

export const dispatch = {
  groups: dispatchableGroups('job_group_totals'),
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

