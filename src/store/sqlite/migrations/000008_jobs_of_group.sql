-- jobs_by_group (job_group_id, status, id) held each job's status, so every status
-- change rewrote its entry: twice per call (claimed, then settled), at the job's place
-- in id order, a page of its own for a retried job. In a 100k-job campaign that was
-- about a third of the cost of the claim's and the settlement's job updates
-- (docs/performance-engine.md). What reads jobs by group needs the group, not the
-- status: the recount and Suspend/Resume/CancelJobs read a group's jobs once, and the
-- export walks them in rowid order, which an index on the group alone keeps (each
-- entry ends with its rowid). Status changes never touch this one.
DROP INDEX jobs_by_group;
CREATE INDEX jobs_of_group ON jobs (job_group_id);
