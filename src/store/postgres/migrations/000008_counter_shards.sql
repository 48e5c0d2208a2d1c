-- Counters without a hot row: the engine's rounds (claims, settlements, failed
-- reschedules) add their deltas to one of a few shard rows of the group, chosen by
-- the connection (pg_backend_pid() % 16), instead of the group's one counter row, so
-- nodes settling calls of one group at once do not queue on one row lock. Readers
-- see job_group_totals: the counter row plus the sum of its shards (at most 16 rows,
-- one index range), still one lookup for GetJobGroup. start_time and end_time stay
-- on the counter row, written rarely (first claim, completion).
CREATE TABLE job_group_counter_shards (
  job_group_id       TEXT NOT NULL REFERENCES job_groups(id) ON DELETE CASCADE,
  shard              SMALLINT NOT NULL,
  total_jobs         BIGINT NOT NULL DEFAULT 0,
  scheduling         BIGINT NOT NULL DEFAULT 0,
  executing          BIGINT NOT NULL DEFAULT 0,
  completed          BIGINT NOT NULL DEFAULT 0,
  failed             BIGINT NOT NULL DEFAULT 0,
  paused             BIGINT NOT NULL DEFAULT 0,
  cancelled          BIGINT NOT NULL DEFAULT 0,
  not_answered       BIGINT NOT NULL DEFAULT 0,
  total_calls        BIGINT NOT NULL DEFAULT 0,
  in_flight          BIGINT NOT NULL DEFAULT 0,
  finished_num       BIGINT NOT NULL DEFAULT 0,
  client_hangup_num  BIGINT NOT NULL DEFAULT 0,
  no_interact_num    BIGINT NOT NULL DEFAULT 0,
  timeout_hangup_num BIGINT NOT NULL DEFAULT 0,
  unrecognized_num   BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (job_group_id, shard)
);

CREATE VIEW job_group_totals AS
  SELECT b.job_group_id,
    (b.total_jobs + coalesce(s.total_jobs, 0))::bigint AS total_jobs,
    (b.scheduling + coalesce(s.scheduling, 0))::bigint AS scheduling,
    (b.executing + coalesce(s.executing, 0))::bigint AS executing,
    (b.completed + coalesce(s.completed, 0))::bigint AS completed,
    (b.failed + coalesce(s.failed, 0))::bigint AS failed,
    (b.paused + coalesce(s.paused, 0))::bigint AS paused,
    (b.cancelled + coalesce(s.cancelled, 0))::bigint AS cancelled,
    (b.not_answered + coalesce(s.not_answered, 0))::bigint AS not_answered,
    (b.total_calls + coalesce(s.total_calls, 0))::bigint AS total_calls,
    (b.in_flight + coalesce(s.in_flight, 0))::bigint AS in_flight,
    (b.finished_num + coalesce(s.finished_num, 0))::bigint AS finished_num,
    (b.client_hangup_num + coalesce(s.client_hangup_num, 0))::bigint AS client_hangup_num,
    (b.no_interact_num + coalesce(s.no_interact_num, 0))::bigint AS no_interact_num,
    (b.timeout_hangup_num + coalesce(s.timeout_hangup_num, 0))::bigint AS timeout_hangup_num,
    (b.unrecognized_num + coalesce(s.unrecognized_num, 0))::bigint AS unrecognized_num,
    b.start_time, b.end_time
  FROM job_group_counters b
  LEFT JOIN LATERAL (
    SELECT sum(total_jobs) AS total_jobs, sum(scheduling) AS scheduling, sum(executing) AS executing, sum(completed) AS completed, sum(failed) AS failed, sum(paused) AS paused, sum(cancelled) AS cancelled, sum(not_answered) AS not_answered, sum(total_calls) AS total_calls, sum(in_flight) AS in_flight, sum(finished_num) AS finished_num, sum(client_hangup_num) AS client_hangup_num, sum(no_interact_num) AS no_interact_num, sum(timeout_hangup_num) AS timeout_hangup_num, sum(unrecognized_num) AS unrecognized_num
    FROM job_group_counter_shards x WHERE x.job_group_id = b.job_group_id
  ) s ON true;
