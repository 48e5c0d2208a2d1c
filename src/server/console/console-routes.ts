import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ApiError, invalidParameter } from '../../domain/errors.ts';
import type { Authenticator } from '../../protocol/authenticator.ts';
import { successBody } from '../../protocol/envelope.ts';
import type { Gateway } from '../../protocol/gateway.ts';
import type { Clock } from '../../engine/clock.ts';
import { registerConsoleAssets } from './console-assets.ts';
import { JobGroupStream } from './job-group-stream.ts';
import { requireSameOrigin, SessionGuard, type SignedInRequest } from './session-guard.ts';
import { SessionStore } from './session-store.ts';

/** The RAM action a sub-user's policy must allow to move the emulator's virtual clock from the console. */
export const ADVANCE_CLOCK_RAM_ACTION = 'outboundbot:AdvanceVirtualClock';
/** Most parameters one console action request may carry. */
const MAX_PARAMS = 200;

/** The emulator's virtual clock, when the server runs on one. */
export interface ConsoleClock {
  now(): number;
  /** Moves the clock as a body of the control API asks; resolves with the new time. */
  advance(body: unknown): Promise<number>;
}

export interface ConsoleDeps {
  gateway: Gateway;
  authenticator: Authenticator;
  logger: Logger;
  /** The wall clock: session expiry is real time, even on the virtual clock. */
  wallClock: Clock;
  /** Present on the virtual clock only. */
  virtualClock?: ConsoleClock;
  /** Clients reach the server over HTTPS (a TLS proxy in front): the session cookie is Secure. */
  httpsOnly?: boolean;
}

const signInSchema = z.object({ AccessKeyId: z.string().min(1).max(128), AccessKeySecret: z.string().min(1).max(256) }).strict();

/**
 * The web console's server side, under /console on the API's own port: the built
 * UI (console-assets.ts), sign-in and sign-out, `POST /console/api/<Action>` that
 * runs the API's actions through the gateway's own pipeline (registry, RAM policy,
 * account isolation) for the session's AccessKey, the virtual clock, and the live
 * stream of a job group (job-group-stream.ts). Every failure is thrown to the app's
 * one error handler, so the console reads the API's envelope. docs/console.md.
 */
export function registerConsoleRoutes(app: FastifyInstance, deps: ConsoleDeps): void {
  const sessions = new SessionStore(deps.wallClock);
  const guard = new SessionGuard(sessions, deps.authenticator, deps.httpsOnly);
  const stream = new JobGroupStream(deps.gateway, deps.authenticator, guard, sessions, deps.logger);
  registerConsoleAssets(app);

  const sessionReply = (request: FastifyRequest, { session, caller }: SignedInRequest) =>
    successBody(request.id, {
      Session: {
        AccessKeyId: caller.accessKeyId,
        AccountId: caller.accountId,
        IsRoot: caller.isRoot,
        CsrfToken: session.csrfToken,
        ExpiresAt: sessions.expiresAt(session),
        VirtualClock: deps.virtualClock !== undefined,
      },
    });

  // Signed out is an answer here, not an error: the page asks on every first load.
  app.get('/console/session', async (request) => {
    const signedIn = await guard.reader(request).catch((error: unknown) => {
      if (error instanceof ApiError && error.code === 'Console.NotSignedIn') return undefined;
      throw error;
    });
    return signedIn ? sessionReply(request, signedIn) : successBody(request.id, { Session: null });
  });

  app.post('/console/session', async (request, reply) => {
    requireSameOrigin(request);
    const parsed = signInSchema.safeParse(parseJsonBody(request.body));
    if (!parsed.success) throw new ApiError('InvalidParameter', 'The body must be {"AccessKeyId": "...", "AccessKeySecret": "..."}.');
    const caller = await deps.authenticator.verifySecret(parsed.data.AccessKeyId, parsed.data.AccessKeySecret);
    const { token, session } = sessions.create(caller.accessKeyId);
    guard.setCookie(request, reply, token);
    return sessionReply(request, { session, caller });
  });

  app.post('/console/session/end', async (request, reply) => {
    await guard.writer(request);
    sessions.end(guard.tokenOf(request));
    guard.clearCookie(request, reply);
    return successBody(request.id, {});
  });

  app.post<{ Params: { action: string } }>('/console/api/:action', async (request) => {
    const { caller } = await guard.writer(request);
    const reply = await deps.gateway.runAction(caller, request.params.action, toRawParams(parseJsonBody(request.body)), request.id);
    stream.refresh();
    return reply;
  });

  const clock = deps.virtualClock;
  if (clock) {
    app.get('/console/clock', async (request) => {
      await guard.reader(request);
      return successBody(request.id, { Now: clock.now() });
    });
    app.post('/console/clock', async (request) => {
      const { caller } = await guard.writer(request);
      deps.gateway.authorize(caller, ADVANCE_CLOCK_RAM_ACTION, undefined);
      const now = await clock.advance(request.body);
      stream.refresh();
      return successBody(request.id, { Now: now });
    });
  }

  stream.register(app);
}

function parseJsonBody(body: unknown): unknown {
  try {
    return JSON.parse(Buffer.isBuffer(body) ? body.toString('utf8') : '');
  } catch {
    throw new ApiError('InvalidParameter', 'The body must be a JSON object.');
  }
}

/**
 * The console sends an action's parameters as one JSON object of strings, numbers and
 * booleans, already flattened as the official clients flatten them (`JobsJson.1`);
 * they become the same string pairs the signed endpoint decodes.
 */
function toRawParams(input: unknown): Map<string, string> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new ApiError('InvalidParameter', 'The body must be a JSON object of parameters.');
  const entries = Object.entries(input);
  if (entries.length > MAX_PARAMS) throw new ApiError('InvalidParameter', `At most ${MAX_PARAMS} parameters per request.`);
  const params = new Map<string, string>();
  for (const [name, value] of entries) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw invalidParameter(name.slice(0, 64), 'must be a string, number or boolean (flatten lists as Name.1, Name.2)');
    }
    params.set(name, String(value));
  }
  return params;
}
