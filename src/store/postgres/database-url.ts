/** Where a PostgreSQL store lives: the server's URL and the schema its tables are in. */
export interface PostgresLocation {
  /** A libpq-style URL (`postgres://user@host:5432/db`) without the `schema` parameter. */
  connectionString: string;
  schema: string;
  /**
   * How long opening a connection may take before it fails (libpq's `connect_timeout`
   * URL parameter, in seconds; 10 s when absent). Without a bound, a server whose host
   * drops packets holds the start (and every new pool connection) forever.
   */
  connectTimeoutMs: number;
}

const DEFAULT_CONNECT_TIMEOUT_S = 10;

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
  const timeout = parsed.searchParams.get('connect_timeout') ?? String(DEFAULT_CONNECT_TIMEOUT_S);
  // libpq reads 0 as "wait forever"; a bound is kept, so 0 and garbage are refused.
  if (!/^\d+$/.test(timeout) || Number(timeout) < 1) throw new Error(`the connect_timeout parameter must be a whole number of seconds of at least 1, got "${timeout}"`);
  return { connectionString: parsed.toString(), schema, connectTimeoutMs: Number(timeout) * 1000 };
}
