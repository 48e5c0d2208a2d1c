-- A tenant's pool of calling numbers (the operator adds them: `outboundbot numbers add`)
-- and which of its instances each is bound to (CreateInstanceBindNumber). A number is
-- in the pool once, by its canonical form (number_key); `number` keeps it as written.
-- rate_limit_count / rate_limit_period are ModifyOutboundCallNumber's (0: no limit).
CREATE TABLE calling_numbers (
  id                TEXT PRIMARY KEY,
  account_id        TEXT NOT NULL REFERENCES accounts(id),
  number            TEXT NOT NULL,
  number_key        TEXT NOT NULL,
  region            TEXT NOT NULL,
  status            TEXT NOT NULL,
  trunk             TEXT NOT NULL,
  rate_limit_count  INTEGER NOT NULL,
  rate_limit_period INTEGER NOT NULL,
  created_at        INTEGER NOT NULL,
  UNIQUE (account_id, number_key)
);

CREATE TABLE calling_number_bindings (
  number_id   TEXT NOT NULL REFERENCES calling_numbers(id) ON DELETE CASCADE,
  instance_id TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (number_id, instance_id)
);
CREATE INDEX calling_number_bindings_by_instance ON calling_number_bindings (instance_id, number_id);
