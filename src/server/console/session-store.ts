import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../engine/clock.ts';

/** A console session ends after this long without a request. */
export const SESSION_IDLE_MS = 30 * 60 * 1000;
/** And after this long in any case, however busy: a stolen cookie is not good forever. */
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000;
/** Most sessions kept at once; beyond it the least recently used one is dropped, so sign-ins cannot fill memory. */
const MAX_SESSIONS = 10_000;

export interface ConsoleSession {
  /** The AccessKey the session acts as; its caller (status, policy) is read afresh per request. */
  accessKeyId: string;
  /** The double-submit token every state-changing request must carry in X-CSRF-Token. */
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
}

/**
 * The console's sessions, kept in this process's memory. The cookie carries only a
 * random token; the map is keyed by its SHA-256, so the token itself is held nowhere
 * on the server. Expiry is idle (SESSION_IDLE_MS) and absolute (SESSION_ABSOLUTE_MS),
 * judged by the injected wall clock. Sessions do not survive a restart and are not
 * shared between nodes (docs/console.md says so).
 */
export class SessionStore {
  private readonly sessions = new Map<string, ConsoleSession>();

  constructor(private readonly wallClock: Clock) {}

  create(accessKeyId: string): { token: string; session: ConsoleSession } {
    const token = randomBytes(32).toString('base64url');
    const now = this.wallClock.now();
    const session = { accessKeyId, csrfToken: randomBytes(32).toString('base64url'), createdAt: now, lastSeenAt: now };
    if (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
    this.sessions.set(digest(token), session);
    return { token, session };
  }

  /** The live session of `token`, its idle timer restarted; undefined when absent or expired (and then forgotten). */
  touch(token: string | undefined): ConsoleSession | undefined {
    const session = this.peek(token);
    if (!session) return undefined;
    session.lastSeenAt = this.wallClock.now();
    // Re-inserted, so the map's order stays least recently used first.
    const key = digest(token!);
    this.sessions.delete(key);
    this.sessions.set(key, session);
    return session;
  }

  /** Like touch, without counting as activity: a live stream that stays open must not keep its session alive. */
  peek(token: string | undefined): ConsoleSession | undefined {
    if (!token) return undefined;
    const key = digest(token);
    const session = this.sessions.get(key);
    if (!session) return undefined;
    if (this.expiresAt(session) <= this.wallClock.now()) {
      this.sessions.delete(key);
      return undefined;
    }
    return session;
  }

  /** When the session ends if nothing more happens. */
  expiresAt(session: ConsoleSession): number {
    return Math.min(session.lastSeenAt + SESSION_IDLE_MS, session.createdAt + SESSION_ABSOLUTE_MS);
  }

  end(token: string | undefined): void {
    if (token) this.sessions.delete(digest(token));
  }
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
