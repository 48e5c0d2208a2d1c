import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One numbered schema step of a backend (`NNNNNN_name.sql` in its migrations/ directory). */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The numbered migrations of `dir` in order; files are named NNNNNN_name.sql and never edited once released. */
export function loadMigrations(dir: string): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{6}_.+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 6)),
      name: file.slice(7, -4),
      sql: readFileSync(join(dir, file), 'utf8'),
    }));
}
