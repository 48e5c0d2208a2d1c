-- The server processes (nodes) sharing a virtual clock on this schema. A node writes
-- its row when it joins, refreshes seen_at while it lives (by the database's clock,
-- so the nodes' own clocks never matter) and records each virtual moment it has
-- processed with its earliest pending timer; the node advancing the clock waits on
-- these rows. The shared time itself is the settings row 'virtual_clock_now'.
CREATE TABLE cluster_nodes (
  id           TEXT PRIMARY KEY,
  seen_at      BIGINT NOT NULL,
  virtual_now  BIGINT NOT NULL,
  next_timer   BIGINT
);
CREATE INDEX cluster_nodes_seen ON cluster_nodes (seen_at);
