import { filterParams } from '../filter-params.ts';
import { rowCodecs, type RowCodec } from '../row-codecs.ts';

/** SQLite has no JSON or boolean type: JSON is text (lists too, read by json_each), flags 1 or 0. */
export const codec: RowCodec = {
  readJson: (value) => JSON.parse(String(value)),
  writeList: (values) => JSON.stringify(values),
  writeFlag: (value) => (value ? 1 : 0),
};

export const rows = rowCodecs(codec);
export const params = filterParams(codec);
