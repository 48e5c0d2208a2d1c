/**
 * The console's only way to the server: the session endpoints and the API's actions
 * under /console (src/server/console/). The session cookie is HttpOnly, so no script
 * here can read it; the CSRF token the server handed out at sign-in is kept in
 * memory only and sent with every request that changes anything.
 */

import type { ActionTypes } from '../../src/client/generated/actions.ts';

/** An action's name, and its reply as the typed client declares it (generated from the server's registry, types only). */
export type ActionName = keyof ActionTypes;
export type Reply<A extends ActionName> = ActionTypes[A]['reply'];

/** A failure in the API's envelope: Code and Message as the server sent them. */
export class ApiFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export interface Session {
  AccessKeyId: string;
  AccountId: string;
  IsRoot: boolean;
  CsrfToken: string;
  ExpiresAt: number;
  VirtualClock: boolean;
}

/** Parameters as the server's /console/api endpoint takes them: lists already flattened (Name.1, Name.2). */
export type Params = Record<string, string | number | boolean>;

let csrfToken = '';

async function send<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (method === 'POST') {
    headers['content-type'] = 'application/json';
    headers['x-csrf-token'] = csrfToken;
  }
  const response = await fetch(path, { method, headers, credentials: 'same-origin', body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined });
  const reply = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok || reply.Success === false) {
    throw new ApiFailure(String(reply.Code ?? 'InternalError'), String(reply.Message ?? response.statusText), response.status);
  }
  return reply as T;
}

function remember(session: Session | null): Session | null {
  csrfToken = session?.CsrfToken ?? '';
  return session;
}

export const api = {
  /** The current session, or null when signed out (not an error: a first visit is not one). */
  async session(): Promise<Session | null> {
    return remember((await send<{ Session: Session | null }>('GET', '/console/session')).Session);
  },
  async signIn(accessKeyId: string, accessKeySecret: string): Promise<Session> {
    return remember((await send<{ Session: Session }>('POST', '/console/session', { AccessKeyId: accessKeyId, AccessKeySecret: accessKeySecret })).Session)!;
  },
  async signOut(): Promise<void> {
    await send('POST', '/console/session/end');
    remember(null);
  },
  /** Runs one API action as the session's AccessKey, with the same authorization as a signed call. */
  call<A extends ActionName>(action: A, params: Params = {}): Promise<Reply<A>> {
    return send<Reply<A>>('POST', `/console/api/${encodeURIComponent(action)}`, params);
  },
  async clock(): Promise<number> {
    return (await send<{ Now: number }>('GET', '/console/clock')).Now;
  },
  async advanceClock(advanceMs: number): Promise<number> {
    return (await send<{ Now: number }>('POST', '/console/clock', { advanceMs })).Now;
  },
};

/** Flattens a list parameter the way the official clients do: Name.1, Name.2 ... */
export function flatten(name: string, values: readonly string[]): Params {
  return Object.fromEntries(values.map((value, index) => [`${name}.${index + 1}`, value]));
}
