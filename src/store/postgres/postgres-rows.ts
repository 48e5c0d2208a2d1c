import { filterParams } from '../filter-params.ts';
import { rowCodecs, type RowCodec } from '../row-codecs.ts';

/** PostgreSQL's rows: JSONB arrives parsed (BIGINT as numbers: postgres-database.ts), lists bind as text[], flags as booleans. */
export const codec: RowCodec = {
  readJson: (value) => value,
  writeList: (values) => [...values],
  writeFlag: (value) => value,
};

export const rows = rowCodecs(codec);
export const params = filterParams(codec);
