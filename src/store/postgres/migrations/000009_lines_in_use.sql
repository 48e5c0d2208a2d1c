-- As the SQLite backend's 000007 (whose second index, job_groups_running, this backend has had since 000001).
-- Lines in use are the calls in flight summed over an instance's groups. Only a group
-- Scheduling, Executing, Paused or Cancelled can have a call in flight: a Completed
-- group reached that status with none (and starts none), and Draft, Initializing and
-- Failed groups never started one. The sums read the instance's groups through this
-- index, so an instance's finished campaigns do not weigh on every dispatch round.
CREATE INDEX job_groups_with_calls ON job_groups (instance_id)
  WHERE status IN ('Scheduling', 'Executing', 'Paused', 'Cancelled');
