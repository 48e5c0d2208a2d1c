-- DescribeGroupExecutingInfo's report over a group's answered calls (count, talk time,
-- longest call, calls by talk time and by callee turns) was computed from the tasks on
-- every call: 6 s for a 1M-job campaign's 1.77M calls, most of it reading each
-- transcript. It is now kept like the Progress counters, moved by the settlement that
-- answers a call, in the same transaction. `outboundbot verify` recounts it.

ALTER TABLE job_group_counters ADD COLUMN answered INTEGER NOT NULL DEFAULT 0;
ALTER TABLE job_group_counters ADD COLUMN talk_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE job_group_counters ADD COLUMN max_talk_ms INTEGER NOT NULL DEFAULT 0;

-- Answered calls per bucket: kind 'duration' (talk time: '0-10' … '300+' seconds) or
-- 'turns' (how many times the callee spoke: '0', '1', …). Only buckets with calls.
CREATE TABLE job_group_call_buckets (
  job_group_id TEXT NOT NULL REFERENCES job_groups(id) ON DELETE CASCADE,
  kind         TEXT NOT NULL,
  bucket       TEXT NOT NULL,
  count        INTEGER NOT NULL,
  PRIMARY KEY (job_group_id, kind, bucket)
) WITHOUT ROWID;

-- The calls answered before this migration.
UPDATE job_group_counters SET
  answered = (SELECT count(*) FROM tasks t WHERE t.job_group_id = job_group_counters.job_group_id AND t.end_reason <> ''),
  talk_ms = (SELECT coalesce(sum(t.talk_ms), 0) FROM tasks t WHERE t.job_group_id = job_group_counters.job_group_id AND t.end_reason <> ''),
  max_talk_ms = (SELECT coalesce(max(t.talk_ms), 0) FROM tasks t WHERE t.job_group_id = job_group_counters.job_group_id AND t.end_reason <> '');

INSERT INTO job_group_call_buckets (job_group_id, kind, bucket, count)
  SELECT job_group_id, 'duration', CASE
      WHEN talk_ms < 10000 THEN '0-10' WHEN talk_ms < 30000 THEN '10-30' WHEN talk_ms < 60000 THEN '30-60'
      WHEN talk_ms < 120000 THEN '60-120' WHEN talk_ms < 300000 THEN '120-300' ELSE '300+' END, count(*)
  FROM tasks WHERE end_reason <> '' GROUP BY 1, 3;

INSERT INTO job_group_call_buckets (job_group_id, kind, bucket, count)
  SELECT job_group_id, 'turns', CAST(turns AS TEXT), count(*)
  FROM (SELECT t.job_group_id, (SELECT count(*) FROM json_each(t.conversation) c
          WHERE json_extract(c.value, '$.speaker') = 'Contact' AND json_extract(c.value, '$.text') <> '') AS turns
        FROM tasks t WHERE t.end_reason <> '')
  GROUP BY 1, 3;
