-- The bot's dialog: a script's draft content (dialogue flows, intents, global
-- questions) and the instance's contact block list. Published versions freeze the
-- draft content into script_versions.snapshot, so nothing here is read by calls.

-- Draft content of a script, one row per item; kind 'flow' | 'intent' | 'question'.
-- body is the item's JSON (a flow's definition, an intent's utterances ...).
CREATE TABLE script_items (
  id          TEXT PRIMARY KEY,
  script_id   TEXT NOT NULL REFERENCES scripts(id) ON DELETE CASCADE,
  instance_id TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('flow', 'intent', 'question')),
  name        TEXT NOT NULL,
  body        TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  UNIQUE (script_id, kind, name)
);
CREATE INDEX script_items_by_script ON script_items (instance_id, script_id, kind, created_at);

-- Numbers the dispatcher never dials for any group of the instance.
CREATE TABLE contact_block_list (
  id           TEXT PRIMARY KEY,
  instance_id  TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
  phone_number TEXT NOT NULL,
  name         TEXT NOT NULL,
  remark       TEXT NOT NULL,
  creator      TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  UNIQUE (instance_id, phone_number)
);
CREATE INDEX contact_block_list_by_time ON contact_block_list (instance_id, created_at);
