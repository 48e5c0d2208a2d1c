/** Where a PostgreSQL store lives: the server's URL and the schema its tables are in. */
export interface PostgresLocation {
  /** A libpq-style URL (`postgres://user@host:5432/db`) without the `schema` parameter. */
  connectionString: string;
  schema: string;
}

/** Schema names are spliced into `search_path`, so only plain identifiers are accepted. */
export const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Splits `postgres://…?schema=name` into the driver's URL and the schema (default
 * `public`). The `schema` parameter is ours; every other parameter goes to the driver.
 */
export function parseDatabaseUrl(url: string): PostgresLocation {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') || 'public';
  if (!SCHEMA_NAME.test(schema)) throw new Error(`the schema parameter must be a plain identifier, got "${schema}"`);
  parsed.searchParams.delete('schema');
  return { connectionString: parsed.toString(), schema };
}
