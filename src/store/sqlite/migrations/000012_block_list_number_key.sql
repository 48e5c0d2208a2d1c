-- The block list is matched by the canonical form (E.164) of its numbers, so an
-- entry stops a number however either was written (13900139000, +8613900139000,
-- 8613900139000). phone_number keeps the entry as written, for replies.
-- SQL cannot run libphonenumber: the store fills number_key of the rows this leaves
-- NULL when it opens (src/store/sqlite/sqlite-dialog-store.ts fillNumberKeys), and
-- every row written after this carries it.
ALTER TABLE contact_block_list ADD COLUMN number_key TEXT;
CREATE INDEX contact_block_list_by_key ON contact_block_list (instance_id, number_key);
