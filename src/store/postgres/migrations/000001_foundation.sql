-- Foundation schema, mirroring the SQLite backend's 000001: accounts and keys,
-- instances, scripts with versions, job groups with their counters. Times are epoch
-- milliseconds (BIGINT, as on SQLite); ids are UUIDv7 text; structured values are JSONB.

CREATE TABLE accounts (
  id          TEXT PRIMARY KEY,
  uid         BIGINT NOT NULL UNIQUE,
  name        TEXT NOT NULL,
  created_at  BIGINT NOT NULL
);

CREATE TABLE access_keys (
  id          TEXT PRIMARY KEY,
  account_id  TEXT NOT NULL REFERENCES accounts(id),
  secret      TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('Active', 'Inactive')),
  is_root     BOOLEAN NOT NULL,
  name        TEXT NOT NULL,
  policy      JSONB,
  created_at  BIGINT NOT NULL
);

CREATE TABLE signature_nonces (
  access_key_id TEXT NOT NULL,
  nonce         TEXT NOT NULL,
  expires_at    BIGINT NOT NULL,
  PRIMARY KEY (access_key_id, nonce)
);
CREATE INDEX signature_nonces_expiry ON signature_nonces (expires_at);

CREATE TABLE settings (
  key    TEXT PRIMARY KEY,
  value  TEXT NOT NULL
);

CREATE TABLE instances (
  id                          TEXT PRIMARY KEY,
  account_id                  TEXT NOT NULL REFERENCES accounts(id),
  name                        TEXT NOT NULL,
  description                 TEXT NOT NULL,
  max_concurrent_conversation INTEGER NOT NULL,
  nlu_service_type            TEXT NOT NULL,
  resource_group_id           TEXT NOT NULL,
  calling_numbers             JSONB NOT NULL,
  creator_id                  BIGINT NOT NULL,
  creator_name                TEXT NOT NULL,
  owner_name                  TEXT NOT NULL,
  created_at                  BIGINT NOT NULL,
  modified_at                 BIGINT NOT NULL
);
CREATE INDEX instances_by_account ON instances (account_id, id);

CREATE TABLE scripts (
  id                TEXT PRIMARY KEY,
  instance_id       TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
  name              TEXT NOT NULL,
  description       TEXT NOT NULL,
  industry          TEXT NOT NULL,
  scene             TEXT NOT NULL,
  nlu_engine        TEXT NOT NULL,
  nlu_access_type   TEXT NOT NULL,
  settings          JSONB NOT NULL,
  published_version TEXT,
  is_drafted        BOOLEAN NOT NULL,
  created_at        BIGINT NOT NULL,
  updated_at        BIGINT NOT NULL
);
CREATE INDEX scripts_by_instance ON scripts (instance_id, id);

CREATE TABLE script_versions (
  script_id     TEXT NOT NULL REFERENCES scripts(id) ON DELETE CASCADE,
  instance_id   TEXT NOT NULL,
  version       TEXT NOT NULL,
  description   TEXT NOT NULL,
  published_at  BIGINT NOT NULL,
  snapshot      JSONB NOT NULL,
  PRIMARY KEY (script_id, version)
);

CREATE TABLE job_groups (
  id                       TEXT PRIMARY KEY,
  instance_id              TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
  name                     TEXT NOT NULL,
  description              TEXT NOT NULL,
  script_id                TEXT NOT NULL,
  scenario_id              TEXT NOT NULL,
  strategy                 JSONB NOT NULL,
  recall_strategy          JSONB NOT NULL,
  calling_numbers          JSONB NOT NULL,
  recall_calling_numbers   JSONB NOT NULL,
  priority                 TEXT NOT NULL,
  ringing_duration         INTEGER NOT NULL,
  min_concurrency          INTEGER NOT NULL,
  flash_sms_extras         JSONB,
  job_file_path            TEXT NOT NULL,
  job_data_parsing_task_id TEXT NOT NULL,
  status                   TEXT NOT NULL,
  created_at               BIGINT NOT NULL,
  modified_at              BIGINT NOT NULL
);
CREATE INDEX job_groups_by_instance ON job_groups (instance_id, created_at);
-- The dispatcher reads running groups only.
CREATE INDEX job_groups_running ON job_groups (instance_id, id) WHERE status IN ('Scheduling', 'Executing');

-- One row per group; moved in the same transaction as the job/task changes that
-- change them, never recomputed by scanning jobs.
CREATE TABLE job_group_counters (
  job_group_id       TEXT PRIMARY KEY REFERENCES job_groups(id) ON DELETE CASCADE,
  total_jobs         BIGINT NOT NULL DEFAULT 0,
  scheduling         BIGINT NOT NULL DEFAULT 0,
  executing          BIGINT NOT NULL DEFAULT 0,
  completed          BIGINT NOT NULL DEFAULT 0,
  failed             BIGINT NOT NULL DEFAULT 0,
  paused             BIGINT NOT NULL DEFAULT 0,
  cancelled          BIGINT NOT NULL DEFAULT 0,
  not_answered       BIGINT NOT NULL DEFAULT 0,
  total_calls        BIGINT NOT NULL DEFAULT 0,
  start_time         BIGINT NOT NULL DEFAULT 0,
  end_time           BIGINT NOT NULL DEFAULT 0,
  finished_num       BIGINT NOT NULL DEFAULT 0,
  client_hangup_num  BIGINT NOT NULL DEFAULT 0,
  no_interact_num    BIGINT NOT NULL DEFAULT 0,
  timeout_hangup_num BIGINT NOT NULL DEFAULT 0,
  unrecognized_num   BIGINT NOT NULL DEFAULT 0
);

-- Business-result tallies per group: kind 'brief' (Progress.Briefs) or 'category'.
CREATE TABLE job_group_results (
  job_group_id TEXT NOT NULL REFERENCES job_groups(id) ON DELETE CASCADE,
  kind         TEXT NOT NULL CHECK (kind IN ('brief', 'category')),
  result_key   TEXT NOT NULL,
  result_value TEXT NOT NULL,
  count        BIGINT NOT NULL,
  PRIMARY KEY (job_group_id, kind, result_key, result_value)
);

-- Export tasks of a group; GetJobGroup shows the latest.
CREATE TABLE export_tasks (
  id            TEXT PRIMARY KEY,
  instance_id   TEXT NOT NULL,
  job_group_id  TEXT REFERENCES job_groups(id) ON DELETE CASCADE,
  status        TEXT NOT NULL,
  progress      TEXT NOT NULL,
  file_http_url TEXT NOT NULL,
  created_at    BIGINT NOT NULL
);
CREATE INDEX export_tasks_by_group ON export_tasks (job_group_id, created_at);
