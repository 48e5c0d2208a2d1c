import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../domain/errors.ts';
import { constantTimeEqual, type Authenticator, type Caller } from '../../protocol/authenticator.ts';
import { SESSION_ABSOLUTE_MS, type ConsoleSession, type SessionStore } from './session-store.ts';

/** The session cookie's name; it holds only the random session token. */
export const SESSION_COOKIE = 'outboundbot_console';
/** The header a state-changing request carries the session's CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token';

export interface SignedInRequest {
  session: ConsoleSession;
  caller: Caller;
}

/**
 * Who a console request comes from, and whether it may change anything. Each request
 * is checked here before it reaches the gateway: the cookie names a live session; the
 * session's AccessKey is read afresh (a key disabled since sign-in stops working at
 * once); a request that changes state must come from this server's own origin and
 * carry the session's CSRF token (double submit: a page on another site can make the
 * browser send the cookie but cannot read the token).
 */
export class SessionGuard {
  constructor(
    private readonly sessions: SessionStore,
    private readonly authenticator: Authenticator,
    /** True when clients reach the server over HTTPS (OUTBOUNDBOT_PUBLIC_URL https://…, behind a TLS proxy). */
    private readonly httpsOnly = false,
  ) {}

  tokenOf(request: FastifyRequest): string | undefined {
    const header = request.headers.cookie;
    return header ? parseCookies(header)[SESSION_COOKIE] : undefined;
  }

  /** For reads: a live session and its caller, or 401 Console.NotSignedIn. */
  async reader(request: FastifyRequest): Promise<SignedInRequest> {
    const session = this.sessions.touch(this.tokenOf(request));
    if (!session) throw new ApiError('Console.NotSignedIn');
    return { session, caller: await this.authenticator.callerForKey(session.accessKeyId) };
  }

  /** For anything that changes state: same origin, the CSRF token, then a live session. */
  async writer(request: FastifyRequest): Promise<SignedInRequest> {
    requireSameOrigin(request);
    const session = this.sessions.touch(this.tokenOf(request));
    if (!session) throw new ApiError('Console.NotSignedIn');
    const sent = request.headers[CSRF_HEADER];
    if (typeof sent !== 'string' || !constantTimeEqual(sent, session.csrfToken)) throw new ApiError('Console.CsrfRefused');
    return { session, caller: await this.authenticator.callerForKey(session.accessKeyId) };
  }

  /** Sets the cookie of a new session: HttpOnly (no script reads it), SameSite=Strict, scoped to /console. */
  setCookie(request: FastifyRequest, reply: FastifyReply, token: string): void {
    reply.header(
      'set-cookie',
      serializeCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'strict',
        path: '/console',
        secure: this.secure(request),
        maxAge: SESSION_ABSOLUTE_MS / 1000,
      }),
    );
  }

  /** The cookie is Secure when the client's connection is HTTPS, directly or through the public URL's proxy. */
  private secure(request: FastifyRequest): boolean {
    return this.httpsOnly || request.protocol === 'https';
  }

  clearCookie(request: FastifyRequest, reply: FastifyReply): void {
    reply.header('set-cookie', serializeCookie(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'strict', path: '/console', secure: this.secure(request), maxAge: 0 }));
  }
}

/**
 * A browser sends Origin with every POST; one naming another host is a cross-site
 * request and is refused. Requests without it (curl, scripts) carry no ambient
 * cookie of a victim's browser, and still need the CSRF token to change anything.
 * The body must be JSON, which a cross-site HTML form cannot send.
 */
export function requireSameOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (origin !== undefined) {
    let host: string | undefined;
    try {
      host = new URL(origin).host;
    } catch {
      host = undefined;
    }
    if (host !== request.headers.host) throw new ApiError('Console.CsrfRefused', 'The request comes from another origin.');
  }
  if (!String(request.headers['content-type'] ?? '').startsWith('application/json')) {
    throw new ApiError('Console.CsrfRefused', 'A console request that changes state must have a JSON body (Content-Type: application/json).');
  }
}
