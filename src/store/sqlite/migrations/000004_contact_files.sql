-- Contact-list parsing tasks and export tasks (docs/files.md). One row per
-- background task; a task found Pending or InProgress at start is resumed (or
-- marked Failed with a reason), so background work never silently vanishes.
CREATE TABLE file_tasks (
  id               TEXT PRIMARY KEY,
  account_id       TEXT NOT NULL,
  instance_id      TEXT NOT NULL,
  -- Parse | GroupExport | TaskExport
  kind             TEXT NOT NULL,
  -- Pending | InProgress | Finished | PartialFinished | Failed
  status           TEXT NOT NULL,
  title            TEXT NOT NULL,
  job_group_id     TEXT NOT NULL DEFAULT '',
  -- What the task works on: the uploaded file's key, export options and filters (JSON).
  input            TEXT NOT NULL,
  total            INTEGER NOT NULL DEFAULT 0,
  handled          INTEGER NOT NULL DEFAULT 0,
  accepted         INTEGER NOT NULL DEFAULT 0,
  rejected         INTEGER NOT NULL DEFAULT 0,
  -- Data-dir relative: the accepted rows (Parse) or the exported file (exports).
  result_path      TEXT NOT NULL DEFAULT '',
  -- Data-dir relative: the rejected rows with row number and reason (Parse).
  report_path      TEXT NOT NULL DEFAULT '',
  fail_code        TEXT NOT NULL DEFAULT '',
  fail_reason      TEXT NOT NULL DEFAULT '',
  -- A parsed file's assignment to a job group (AssignJobs JobDataParsingTaskId):
  -- '' | InProgress | Finished | Failed, and how many accepted rows became jobs.
  assign_group_id  TEXT NOT NULL DEFAULT '',
  assign_status    TEXT NOT NULL DEFAULT '',
  assigned         INTEGER NOT NULL DEFAULT 0,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL
);
CREATE INDEX file_tasks_by_account ON file_tasks (account_id, created_at);
CREATE INDEX file_tasks_unfinished ON file_tasks (status) WHERE status IN ('Pending', 'InProgress');
CREATE INDEX file_tasks_assigning ON file_tasks (assign_status) WHERE assign_status = 'InProgress';
