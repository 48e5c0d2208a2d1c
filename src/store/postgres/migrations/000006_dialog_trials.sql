-- Trial conversations of Dialogue: kept in the store, not in a server's memory, so a
-- restart does not cut them off and, on a shared database, any node can take the
-- next turn. content is the script content the trial talks with (frozen at its first
-- turn), state and variable values the conversation's place in it.
CREATE TABLE dialog_trials (
  instance_id  TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
  script_id    TEXT NOT NULL,
  call_id      TEXT NOT NULL,
  nlu_engine   TEXT NOT NULL,
  content      JSONB NOT NULL,
  state        JSONB NOT NULL,
  variables    JSONB NOT NULL,
  updated_at   BIGINT NOT NULL,
  PRIMARY KEY (instance_id, script_id, call_id)
);
CREATE INDEX dialog_trials_by_age ON dialog_trials (updated_at);
