-- jobs_by_group (job_group_id, status, id) held each job's status, so every status
-- change rewrote its entry: twice per call (claimed, then settled), at the job's place
-- in id order, a page of its own for a retried job. In a 100k-job campaign that was
-- about a third of the cost of the claim's and the settlement's job updates
-- (docs/performance-engine.md). Nothing needs a group's jobs by status from an index:
-- due jobs have jobs_due, and the counters hold how many jobs each status has.
--
-- jobs_of_group holds what never changes: a group's jobs newest first for
-- ListJobsByGroup and QueryJobs, the export's walk in (created_at, rowid) order, and
-- the recount, Suspend/Resume/CancelJobs and the cascade of a group's deletion.
DROP INDEX jobs_by_group;
CREATE INDEX jobs_of_group ON jobs (job_group_id, created_at);
