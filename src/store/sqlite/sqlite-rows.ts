import { rowCodecs } from '../row-codecs.ts';

/** SQLite's rows: JSON is stored as text, flags as 1 or 0. */
export const rows = rowCodecs({
  readJson: (value) => JSON.parse(String(value)),
  writeFlag: (value) => (value ? 1 : 0),
});
