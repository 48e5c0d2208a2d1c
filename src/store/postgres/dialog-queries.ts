/**
 * All SQL of the PostgreSQL DialogStore (postgres-dialog-store.ts; schema:
 * migrations/000005_dialog.sql, 000012), beside queries.ts as the SQLite backend keeps
 * its dialog-queries.ts. Pure strings, `@name` parameters compiled by queries.ts `bind`.
 * (Business results of settled calls are written by dispatch-queries.ts `results`, inside
 * the settlement transaction.)
 */

const BLOCK_COLUMNS = `id, instance_id AS "instanceId", phone_number AS "phoneNumber", number_key AS "numberKey", name, remark, creator,
  created_at AS "createdAt"`;

const BLOCK_FILTER = `instance_id = @instanceId
      AND (@search::text IS NULL OR strpos(phone_number, @search::text) > 0 OR strpos(name, @search::text) > 0
        OR strpos(remark, @search::text) > 0)`;

export const blockList = {
  // `@numbers`: number keys (E.164).
  blocked: `SELECT number_key AS "numberKey" FROM contact_block_list
    WHERE instance_id = @instanceId AND number_key = ANY(@numbers::text[])`,
  // `@rows`: JSON block entries, one per key; a number already listed for the instance, in whatever form, is left as it is.
  insertMany: `INSERT INTO contact_block_list (id, instance_id, phone_number, number_key, name, remark, creator, created_at)
    SELECT r.id, r."instanceId", r."phoneNumber", r."numberKey", r.name, r.remark, r.creator, r."createdAt"
    FROM jsonb_to_recordset(@rows::jsonb) AS r(id text, "instanceId" text, "phoneNumber" text, "numberKey" text, name text,
      remark text, creator text, "createdAt" bigint)
    WHERE NOT EXISTS (SELECT 1 FROM contact_block_list b WHERE b.instance_id = r."instanceId" AND b.number_key = r."numberKey")
    ON CONFLICT DO NOTHING`,
  // Rows written before number_key existed (migration 000012), keyed once by the store.
  unkeyed: `SELECT id, phone_number AS "phoneNumber" FROM contact_block_list WHERE number_key IS NULL`,
  // `@rows`: JSON `[{id, numberKey}]`.
  setKeys: `UPDATE contact_block_list b SET number_key = r."numberKey"
    FROM jsonb_to_recordset(@rows::jsonb) AS r(id text, "numberKey" text)
    WHERE b.id = r.id AND b.number_key IS NULL`,
  list: `SELECT ${BLOCK_COLUMNS} FROM contact_block_list WHERE ${BLOCK_FILTER}
    ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset`,
  count: `SELECT count(*) AS n FROM contact_block_list WHERE ${BLOCK_FILTER}`,
  delete: `DELETE FROM contact_block_list WHERE instance_id = @instanceId AND id = @id`,
};

const ITEM_COLUMNS = `id, script_id AS "scriptId", instance_id AS "instanceId", kind, name, body, created_at AS "createdAt", updated_at AS "updatedAt"`;

export const scriptItems = {
  insert: `INSERT INTO script_items (id, script_id, instance_id, kind, name, body, created_at, updated_at)
    VALUES (@id, @scriptId, @instanceId, @kind, @name, @body::jsonb, @createdAt, @updatedAt)
    ON CONFLICT (script_id, kind, name) DO NOTHING`,
  find: `SELECT ${ITEM_COLUMNS} FROM script_items WHERE instance_id = @instanceId AND script_id = @scriptId AND kind = @kind AND id = @id`,
  list: `SELECT ${ITEM_COLUMNS} FROM script_items WHERE instance_id = @instanceId AND script_id = @scriptId
    AND (@kind::text IS NULL OR kind = @kind::text) ORDER BY created_at, id`,
  // The unique (script, kind, name) constraint decides a rename: a taken name fails the update, not the transaction.
  update: `UPDATE script_items SET name = @name, body = @body::jsonb, updated_at = @updatedAt
    WHERE instance_id = @instanceId AND script_id = @scriptId AND kind = @kind AND id = @id
      AND NOT EXISTS (SELECT 1 FROM script_items o WHERE o.script_id = @scriptId AND o.kind = @kind AND o.name = @name AND o.id <> @id)`,
  delete: `DELETE FROM script_items WHERE instance_id = @instanceId AND script_id = @scriptId AND kind = @kind AND id = @id`,
  deleteAll: `DELETE FROM script_items WHERE instance_id = @instanceId AND script_id = @scriptId`,
};

export const versions = {
  snapshot: `SELECT snapshot FROM script_versions WHERE instance_id = @instanceId AND script_id = @scriptId AND version = @version`,
};

const TRIAL_COLUMNS = `instance_id AS "instanceId", script_id AS "scriptId", call_id AS "callId", nlu_engine AS "nluEngine",
  content, state, variables, updated_at AS "updatedAt"`;

export const trials = {
  find: `SELECT ${TRIAL_COLUMNS} FROM dialog_trials WHERE instance_id = @instanceId AND script_id = @scriptId AND call_id = @callId`,
  save: `INSERT INTO dialog_trials (instance_id, script_id, call_id, nlu_engine, content, state, variables, updated_at)
    VALUES (@instanceId, @scriptId, @callId, @nluEngine, @content::jsonb, @state::jsonb, @variables::jsonb, @updatedAt)
    ON CONFLICT (instance_id, script_id, call_id) DO UPDATE SET nlu_engine = excluded.nlu_engine, content = excluded.content,
      state = excluded.state, variables = excluded.variables, updated_at = excluded.updated_at`,
  purge: `DELETE FROM dialog_trials WHERE updated_at < @before`,
};

export const conversations = {
  answered: `SELECT id, end_reason AS "endReason", conversation FROM tasks
    WHERE instance_id = @instanceId AND job_group_id = @jobGroupId AND end_reason <> '' ORDER BY actual_time, id`,
};
