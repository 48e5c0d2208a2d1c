import Fastify, { errorCodes, LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ApiError } from '../domain/errors.ts';
import type { IdGenerator } from '../domain/ids.ts';
import type { SignedRequest } from '../protocol/authenticator.ts';
import type { Gateway } from '../protocol/gateway.ts';
import { errorHandler } from './error-handler.ts';

/** Largest request body accepted: 99 jobs per AssignJobs call fit well within it. */
export const BODY_LIMIT_BYTES = 2 * 1024 * 1024;
/**
 * A body declared larger than BODY_LIMIT_BYTES but no larger than this is read and
 * thrown away after its 413 is sent, so the client's upload ends and it reads the
 * answer. Closing at once, as fastify does, resets a connection the client is still
 * sending on, and the client could meet the reset before the answer. Larger ones are
 * still cut off.
 */
const DRAINED_BODY_LIMIT_BYTES = 64 * 1024 * 1024;

export interface AppDeps {
  gateway: Gateway;
  logger: Logger;
  /** The one source of request ids: every response, success or error, carries one of its ids. */
  requestIds: IdGenerator;
  /** False until the store is open and keys are bootstrapped; /healthz reports it. */
  isReady: () => boolean;
  /** True once the server was told to stop: new requests answer 503 ServiceUnavailable. */
  isStopping: () => boolean;
}

/**
 * HTTP wiring only: the RPC endpoint `/` (GET and POST, as the official clients
 * call it), `/healthz`, and the one error handler (error-handler.ts) every route
 * registered on this app answers its failures through (oversized or unreadable
 * bodies, unknown paths, the gateway's ApiErrors, a server that is stopping).
 */
export function buildApp(deps: AppDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // The gateway logs what matters (failures, with request ids); per-request lines
    // would carry URLs full of signing parameters.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: () => deps.requestIds.next().toUpperCase(),
    // A request that arrives while the server closes is refused by the hook below,
    // in the API's envelope, rather than by fastify's own 503 body.
    return503OnClosing: false,
  });
  app.setErrorHandler(errorHandler(deps.logger));

  // A response that finishes while the server closes (a clock advance cut short, say)
  // tells the client to drop its connection: a kept-alive one would otherwise hold
  // the process open for the whole keep-alive timeout (72 s) after the shutdown began.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  app.addHook('onRequest', async (request) => {
    if ((closing || deps.isStopping()) && request.url !== '/healthz') throw new ApiError('ServiceUnavailable');
  });

  // Every body is kept raw: form bodies are decoded here, others are only hashed.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.get('/healthz', async (_request, reply) => {
    if (deps.isStopping()) return reply.code(503).send({ status: 'stopping' });
    if (!deps.isReady()) return reply.code(503).send({ status: 'starting' });
    return { status: 'ok' };
  });

  const rpc = async (request: FastifyRequest, reply: FastifyReply) => {
    const body = await deps.gateway.handle(toSignedRequest(request), request.id);
    return reply.header('content-type', 'application/json; charset=utf-8').send(body);
  };
  // An RPC body over the limit is refused before it is read; once the 413 is sent,
  // Node reads the rest and drops it, and the connection stays open for the next
  // request. (The file routes stream their uploads under limits of their own.)
  const refuseOversized = async (request: FastifyRequest) => {
    const declared = Number(request.headers['content-length']);
    if (declared > BODY_LIMIT_BYTES && declared <= DRAINED_BODY_LIMIT_BYTES) throw new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
  };
  app.get('/', { onRequest: refuseOversized }, rpc);
  app.post('/', { onRequest: refuseOversized }, rpc);

  app.setNotFoundHandler(async (request) => {
    throw new ApiError('NotFound', `No route for ${request.method} ${request.url.split('?')[0]}.`);
  });

  return app;
}

function toSignedRequest(request: FastifyRequest): SignedRequest {
  const queryStart = request.url.indexOf('?');
  const path = queryStart === -1 ? request.url : request.url.slice(0, queryStart);
  const query = queryStart === -1 ? new Map<string, string>() : new Map(new URLSearchParams(request.url.slice(queryStart + 1)));
  const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const contentType = String(request.headers['content-type'] ?? '');
  const body = contentType.startsWith('application/x-www-form-urlencoded') ? new Map(new URLSearchParams(rawBody.toString('utf8'))) : new Map<string, string>();
  return { method: request.method, path, query, body, rawBody, headers: request.headers };
}
