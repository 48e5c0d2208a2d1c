-- Lines in use are the calls in flight summed over an instance's groups. Only a group
-- Scheduling, Executing, Paused or Cancelled can have a call in flight: a Completed
-- group reached that status with none (and starts none), and Draft, Initializing and
-- Failed groups never started one. The sums read the instance's groups through this
-- index, so an instance's finished campaigns do not weigh on every dispatch round.
CREATE INDEX job_groups_with_calls ON job_groups (instance_id)
  WHERE status IN ('Scheduling', 'Executing', 'Paused', 'Cancelled');

-- The running groups every dispatch round starts from, by index rather than by a scan
-- of every group ever made (the PostgreSQL backend has had it since its 000001).
CREATE INDEX job_groups_running ON job_groups (instance_id, id) WHERE status IN ('Scheduling', 'Executing');
