/**
 * A value the backend cannot hold (PostgreSQL text and JSONB cannot carry U+0000,
 * SQLite can). The store reports what went wrong in its own terms; the server's one
 * error table (src/server/error-handler.ts) answers it 400 InvalidParameter, since
 * the value came from the caller. A store never throws an API error.
 */
export class UnstorableValueError extends Error {
  constructor(readonly reason: string) {
    super(`The parameter "value" is invalid: ${reason}`);
    this.name = 'UnstorableValueError';
  }
}
