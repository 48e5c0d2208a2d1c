/**
 * Every SQL statement of the SQLite DialogStore (schema: migrations/000005_dialog.sql, 000012).
 * Plain strings with named parameters; sqlite-dialog-store.ts prepares each once.
 */

const BLOCK_COLUMNS = `id, instance_id AS instanceId, phone_number AS phoneNumber, number_key AS numberKey, name, remark, creator,
  created_at AS createdAt`;

export const blockList = {
  // One index probe: most instances block no one, and then a round's numbers need no lookup.
  any: `SELECT 1 FROM contact_block_list WHERE instance_id = ? LIMIT 1`,
  // The numbers' keys (E.164) arrive as one JSON array parameter: one statement whatever their count.
  blocked: `SELECT number_key AS numberKey FROM contact_block_list
    WHERE instance_id = @instanceId AND number_key IN (SELECT value FROM json_each(@numbers))`,
  // A number already listed, in whatever form, is left as it is.
  insert: `INSERT INTO contact_block_list (id, instance_id, phone_number, number_key, name, remark, creator, created_at)
    SELECT @id, @instanceId, @phoneNumber, @numberKey, @name, @remark, @creator, @createdAt
    WHERE NOT EXISTS (SELECT 1 FROM contact_block_list WHERE instance_id = @instanceId AND number_key = @numberKey)
    ON CONFLICT (instance_id, phone_number) DO NOTHING`,
  // Rows written before number_key existed (migration 000012), keyed once by the store.
  unkeyed: `SELECT id, phone_number AS phoneNumber FROM contact_block_list WHERE number_key IS NULL`,
  setKey: `UPDATE contact_block_list SET number_key = @numberKey WHERE id = @id`,
  list: `SELECT ${BLOCK_COLUMNS} FROM contact_block_list
    WHERE instance_id = @instanceId
      AND (@search IS NULL OR instr(phone_number, @search) > 0 OR instr(name, @search) > 0 OR instr(remark, @search) > 0)
    ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset`,
  count: `SELECT count(*) AS n FROM contact_block_list
    WHERE instance_id = @instanceId
      AND (@search IS NULL OR instr(phone_number, @search) > 0 OR instr(name, @search) > 0 OR instr(remark, @search) > 0)`,
  delete: `DELETE FROM contact_block_list WHERE instance_id = ? AND id = ?`,
};

const ITEM_COLUMNS = `id, script_id AS scriptId, instance_id AS instanceId, kind, name, body, created_at AS createdAt, updated_at AS updatedAt`;

export const scriptItems = {
  insert: `INSERT INTO script_items (id, script_id, instance_id, kind, name, body, created_at, updated_at)
    VALUES (@id, @scriptId, @instanceId, @kind, @name, @body, @createdAt, @updatedAt)
    ON CONFLICT (script_id, kind, name) DO NOTHING`,
  find: `SELECT ${ITEM_COLUMNS} FROM script_items WHERE instance_id = ? AND script_id = ? AND kind = ? AND id = ?`,
  list: `SELECT ${ITEM_COLUMNS} FROM script_items WHERE instance_id = @instanceId AND script_id = @scriptId
    AND (@kind IS NULL OR kind = @kind) ORDER BY created_at, id`,
  nameTaken: `SELECT 1 FROM script_items WHERE script_id = @scriptId AND kind = @kind AND name = @name AND id <> @id`,
  update: `UPDATE script_items SET name = @name, body = @body, updated_at = @updatedAt
    WHERE instance_id = @instanceId AND script_id = @scriptId AND kind = @kind AND id = @id`,
  delete: `DELETE FROM script_items WHERE instance_id = ? AND script_id = ? AND kind = ? AND id = ?`,
  deleteAll: `DELETE FROM script_items WHERE instance_id = ? AND script_id = ?`,
};

export const versions = {
  snapshot: `SELECT snapshot FROM script_versions WHERE instance_id = ? AND script_id = ? AND version = ?`,
};

const TRIAL_COLUMNS = `instance_id AS instanceId, script_id AS scriptId, call_id AS callId, nlu_engine AS nluEngine,
  content, state, variables, updated_at AS updatedAt`;

export const trials = {
  find: `SELECT ${TRIAL_COLUMNS} FROM dialog_trials WHERE instance_id = ? AND script_id = ? AND call_id = ?`,
  save: `INSERT INTO dialog_trials (instance_id, script_id, call_id, nlu_engine, content, state, variables, updated_at)
    VALUES (@instanceId, @scriptId, @callId, @nluEngine, @content, @state, @variables, @updatedAt)
    ON CONFLICT (instance_id, script_id, call_id) DO UPDATE SET nlu_engine = excluded.nlu_engine, content = excluded.content,
      state = excluded.state, variables = excluded.variables, updated_at = excluded.updated_at`,
  purge: `DELETE FROM dialog_trials WHERE updated_at < ?`,
};

export const conversations = {
  answered: `SELECT id, end_reason AS endReason, conversation FROM tasks
    WHERE instance_id = ? AND job_group_id = ? AND end_reason <> '' ORDER BY actual_time, id`,
};

/** Applied inside the settlement transaction (round-writes.ts applyResults). */
export const results = {
  tally: `INSERT INTO job_group_results (job_group_id, kind, result_key, result_value, count)
    VALUES (@jobGroupId, @kind, @key, @value, 1)
    ON CONFLICT (job_group_id, kind, result_key, result_value) DO UPDATE SET count = count + 1`,
  block: `INSERT INTO contact_block_list (id, instance_id, phone_number, number_key, name, remark, creator, created_at)
    SELECT @id, @instanceId, @phoneNumber, @numberKey, @name, @remark, 'outboundbot', @createdAt
    WHERE EXISTS (SELECT 1 FROM instances WHERE id = @instanceId)
      AND NOT EXISTS (SELECT 1 FROM contact_block_list WHERE instance_id = @instanceId AND number_key = @numberKey)
    ON CONFLICT (instance_id, phone_number) DO NOTHING`,
};
