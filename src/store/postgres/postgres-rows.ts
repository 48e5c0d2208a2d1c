import { rowCodecs } from '../row-codecs.ts';

/** PostgreSQL's rows: JSONB arrives parsed (BIGINT as numbers: postgres-database.ts), flags are booleans. */
export const rows = rowCodecs({
  readJson: (value) => value,
  writeFlag: (value) => value,
});
