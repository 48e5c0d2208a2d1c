import type { RetryOptions } from './retry.ts';

/** What one call may set beyond the client's options. */
export interface CallOptions {
  /** Milliseconds before the call is given up (each attempt); the client's `timeoutMs` otherwise. */
  timeoutMs?: number;
  /** Cancels the call, retries included. */
  signal?: AbortSignal;
  /** This call's retry settings over the client's; `false` for a single attempt. */
  retry?: RetryOptions | false;
  /**
   * Set when this call may run twice without harm (a write with a reference id the
   * server deduplicates, say): a 5xx, a timeout or a dropped connection is then
   * retried as for a read.
   */
  idempotent?: boolean;
}

/** The fields every reply carries besides the action's own. */
export interface Envelope {
  RequestId: string;
  Success?: boolean;
  Code?: string;
  Message?: string;
  HttpStatusCode?: number;
}
