/** The SQL of dispatch rounds: due reads, claims, settlements, reschedules, recovery of the SQLite backend (conventions: queries.ts). */

import { dispatchableGroups, DUE_JOB_COLUMNS, JOB_COLUMNS, TASK_COLUMNS, WITH_CALLS } from '../portable-queries.ts';

export const dispatch = {
  groups: dispatchableGroups('job_group_counters'),
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

