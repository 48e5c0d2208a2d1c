-- Jobs (one contact list entry each) and tasks (one call attempt each), mirroring
-- the SQLite backend's 000002.

CREATE TABLE jobs (
  id               TEXT PRIMARY KEY,
  instance_id      TEXT NOT NULL,
  job_group_id     TEXT NOT NULL REFERENCES job_groups(id) ON DELETE CASCADE,
  reference_id     TEXT NOT NULL,
  -- Scheduling | Executing | Succeeded | Failed | Paused | Cancelled
  status           TEXT NOT NULL,
  contacts         JSONB NOT NULL,
  extras           JSONB NOT NULL,
  calling_numbers  JSONB NOT NULL,
  script_version   TEXT NOT NULL,
  -- The next callable moment of a Scheduling job: the dispatcher's index key.
  next_attempt_at  BIGINT NOT NULL,
  attempts         INTEGER NOT NULL DEFAULT 0,
  attempt_day      TEXT NOT NULL DEFAULT '',
  day_attempts     INTEGER NOT NULL DEFAULT 0,
  last_attempt_at  BIGINT NOT NULL DEFAULT 0,
  failure_reason   TEXT NOT NULL DEFAULT '',
  end_reason       TEXT NOT NULL DEFAULT '',
  created_at       BIGINT NOT NULL,
  modified_at      BIGINT NOT NULL
);
-- Due work of a group, found by index: never a scan of all jobs.
CREATE INDEX jobs_due ON jobs (job_group_id, next_attempt_at, id) WHERE status = 'Scheduling';
CREATE INDEX jobs_by_group ON jobs (job_group_id, status, id);
CREATE INDEX jobs_by_instance ON jobs (instance_id, created_at);

CREATE TABLE tasks (
  id               TEXT PRIMARY KEY,
  job_id           TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  job_group_id     TEXT NOT NULL,
  instance_id      TEXT NOT NULL,
  attempt          INTEGER NOT NULL,
  -- Executing while the call runs, then the call's outcome (NoAnswer, Busy, SucceededFinish ...).
  status           TEXT NOT NULL,
  calling_number   TEXT NOT NULL,
  called_number    TEXT NOT NULL,
  contact          JSONB NOT NULL,
  planned_time     BIGINT NOT NULL,
  actual_time      BIGINT NOT NULL,
  -- A call runs only under this lease, recorded before dialling; a task still
  -- Executing past it belongs to a process that died and is settled on recovery.
  lease_expires_at BIGINT NOT NULL,
  end_time         BIGINT NOT NULL DEFAULT 0,
  ringing_ms       BIGINT NOT NULL DEFAULT 0,
  talk_ms          BIGINT NOT NULL DEFAULT 0,
  -- FINISHED | CLIENT_HANGUP | NO_INTERACTION | TIMEOUT_HANGUP | UNRECOGNIZED | '' (not answered)
  end_reason       TEXT NOT NULL DEFAULT '',
  hangup_direction TEXT NOT NULL DEFAULT '',
  sip_code         TEXT NOT NULL DEFAULT '',
  conversation     JSONB NOT NULL DEFAULT '[]'
);
CREATE INDEX tasks_by_job ON tasks (job_id, attempt);
CREATE INDEX tasks_leased ON tasks (lease_expires_at) WHERE status = 'Executing';
CREATE INDEX tasks_by_group ON tasks (job_group_id, actual_time);
