-- Calls in flight per group (tasks still Executing); the instance's concurrency
-- ceiling counts lines, so a call of a cancelled job still counts until it ends.
ALTER TABLE job_group_counters ADD COLUMN in_flight BIGINT NOT NULL DEFAULT 0;
-- Reports over an instance's calls (GetSummaryInfo) read tasks by instance.
CREATE INDEX tasks_by_instance ON tasks (instance_id, actual_time);
