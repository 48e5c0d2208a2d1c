/**
 * When and how long the typed client waits before trying a call again.
 *
 * A throttled call (HTTP 429, a Throttling* code) was refused before it ran, so any
 * action is retried. A 5xx, a timeout or a dropped connection may come after the
 * action ran: only reads (Describe*, Get*, List*, Query*, Search*) are retried then,
 * unless the call is marked idempotent, so a CreateJobGroup is never made twice
 * behind the caller's back.
 *
 * The wait before attempt n+1 is exponential with "equal jitter": half of
 * min(maxDelayMs, baseDelayMs * 2^(n-1)) fixed, the other half random, so clients
 * throttled together do not come back together. `random` and `sleep` are injected so
 * tests choose the jitter and skip the waiting.
 */
export interface RetryOptions {
  /** Attempts in all, the first included (default 3; 1 never retries). */
  maxAttempts?: number;
  /** The first wait's ceiling in ms (default 200). */
  baseDelayMs?: number;
  /** No wait is longer (default 5000 ms). */
  maxDelayMs?: number;
  /** Uniform in [0, 1); Math.random by default. */
  random?: () => number;
  /** Waits `ms`, or rejects when `signal` aborts; a timer by default. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export type RetryPolicy = Required<RetryOptions>;

/** What went wrong in one attempt, as far as the retry decision needs it. */
export interface AttemptFailure {
  /** 0 when no reply came. */
  httpStatus: number;
  code: string;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 200,
  maxDelayMs: 5000,
  random: Math.random,
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

export function retryPolicy(...layers: Array<RetryOptions | undefined>): RetryPolicy {
  const policy: RetryPolicy = { ...DEFAULT_RETRY };
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer ?? {})) if (value !== undefined) Object.assign(policy, { [key]: value });
  }
  return policy;
}

const READ_ACTION = /^(Describe|Get|List|Query|Search)[A-Z]/;

export function isReadAction(action: string): boolean {
  return READ_ACTION.test(action);
}

export function isThrottled(failure: AttemptFailure): boolean {
  return failure.httpStatus === 429 || failure.code.startsWith('Throttling');
}

/** Whether a failed attempt may be made again, attempts left aside. */
export function mayRetry(failure: AttemptFailure, safeToRepeat: boolean): boolean {
  if (isThrottled(failure)) return true;
  const serverOrTransport = failure.httpStatus === 0 || failure.httpStatus >= 500;
  return serverOrTransport && safeToRepeat;
}

/** The wait in ms after failed attempt `attempt` (1-based). */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + policy.random() * (ceiling / 2));
}
