/** The SQL of job-group counters, lines in use and call reports of the SQLite backend (conventions: queries.ts). */

import { WITH_CALLS } from '../portable-queries.ts';

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
