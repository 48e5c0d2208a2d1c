-- A group's jobs newest first, for ListJobsByGroup and QueryJobs with a group: a page
-- walks this index backwards and stops at the page. Without it a page of a 1M-job group
-- sorted the group's jobs (111–417 ms; docs/performance.md). The page's TotalCount, by
-- status or not, comes from the group's counters.
CREATE INDEX jobs_of_group ON jobs (job_group_id, created_at, id);
