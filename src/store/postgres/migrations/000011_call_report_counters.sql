-- DescribeGroupExecutingInfo's report over a group's answered calls (count, talk time,
-- longest call, calls by talk time and by callee turns) was recounted from the tasks on
-- every call, O(the group's calls). It is now kept like the Progress counters, as the
-- SQLite store keeps it (its migration 000009): moved by the settlement that answers a
-- call, in the same transaction, on the settling connection's shard row (000008), so
-- nodes settling calls of one group at once still write different rows. Read folded
-- over the shards: at most 17 rows, one index range. `outboundbot verify` recounts it.

ALTER TABLE job_group_counter_shards
  ADD COLUMN answered    BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN talk_ms     BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN max_talk_ms BIGINT NOT NULL DEFAULT 0;

-- Answered calls per bucket and shard: kind 'duration' (talk time: '0-10' … '300+'
-- seconds) or 'turns' (how many times the callee spoke: '0', '1', …).
CREATE TABLE job_group_call_buckets (
  job_group_id TEXT NOT NULL REFERENCES job_groups(id) ON DELETE CASCADE,
  kind         TEXT NOT NULL,
  bucket       TEXT NOT NULL,
  shard        SMALLINT NOT NULL,
  count        BIGINT NOT NULL,
  PRIMARY KEY (job_group_id, kind, bucket, shard)
);

-- The calls answered before this migration, on shard 0.
INSERT INTO job_group_counter_shards (job_group_id, shard, answered, talk_ms, max_talk_ms)
  SELECT t.job_group_id, 0, count(*), sum(t.talk_ms), max(t.talk_ms)
  FROM tasks t JOIN job_groups g ON g.id = t.job_group_id
  WHERE t.end_reason <> '' GROUP BY t.job_group_id
  ON CONFLICT (job_group_id, shard) DO UPDATE SET
    answered = excluded.answered, talk_ms = excluded.talk_ms, max_talk_ms = excluded.max_talk_ms;

INSERT INTO job_group_call_buckets (job_group_id, kind, bucket, shard, count)
  SELECT t.job_group_id, 'duration', CASE
      WHEN t.talk_ms < 10000 THEN '0-10' WHEN t.talk_ms < 30000 THEN '10-30' WHEN t.talk_ms < 60000 THEN '30-60'
      WHEN t.talk_ms < 120000 THEN '60-120' WHEN t.talk_ms < 300000 THEN '120-300' ELSE '300+' END, 0, count(*)
  FROM tasks t JOIN job_groups g ON g.id = t.job_group_id
  WHERE t.end_reason <> '' GROUP BY 1, 3;

INSERT INTO job_group_call_buckets (job_group_id, kind, bucket, shard, count)
  SELECT x.job_group_id, 'turns', x.turns::text, 0, count(*)
  FROM (SELECT t.job_group_id, (SELECT count(*) FROM jsonb_array_elements(t.conversation) c
          WHERE c->>'speaker' = 'Contact' AND c->>'text' <> '') AS turns
        FROM tasks t JOIN job_groups g ON g.id = t.job_group_id WHERE t.end_reason <> '') x
  GROUP BY 1, 3;
