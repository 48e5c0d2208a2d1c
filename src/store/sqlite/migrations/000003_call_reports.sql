-- Reports over an instance's calls (GetSummaryInfo) read tasks by instance.
CREATE INDEX tasks_by_instance ON tasks (instance_id, actual_time);
