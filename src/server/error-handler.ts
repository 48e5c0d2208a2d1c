import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ApiError } from '../domain/errors.ts';
import { UnstorableValueError } from '../store/errors.ts';
import { errorResponse, type ErrorResponse } from '../protocol/envelope.ts';

/**
 * The one place an error becomes a response. Every route family (the RPC endpoint,
 * the file upload and download, the clock control API, unknown paths, refused
 * bodies, a server that is stopping) throws, and this handler answers the API's
 * envelope with the request's id from the app's one generator (`request.id`, see
 * `genReqId` in app.ts) and its Host as HostId, as moto's `call_action` and hono's
 * `errorHandler` do. A cause that is not an ApiError is logged with the request id
 * and never returned.
 */
export function errorHandler(logger: Logger) {
  return (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body } = errorReply(error, request, logger);
    return reply.code(status).header('content-type', 'application/json; charset=utf-8').send(body);
  };
}

/** The HostId of every envelope: the Host the client called, as Alibaba Cloud's gateway reports its own. */
export function hostIdOf(request: FastifyRequest): string {
  return String(request.headers.host ?? 'outboundbot').slice(0, 255);
}

function errorReply(error: unknown, request: FastifyRequest, logger: Logger): ErrorResponse {
  const hostId = hostIdOf(request);
  if (error instanceof ApiError) return errorResponse(request.id, hostId, error.code, error.message);
  // A value the store cannot hold came from the caller (PostgreSQL refuses U+0000 in text).
  if (error instanceof UnstorableValueError) return errorResponse(request.id, hostId, 'InvalidParameter', error.message);
  const { code, statusCode } = error as Partial<FastifyError>;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return errorResponse(request.id, hostId, 'RequestEntityTooLarge');
  // fastify's own 4xx (an unreadable body, a bad content type): the request is at fault.
  if (statusCode && statusCode >= 400 && statusCode < 500) return errorResponse(request.id, hostId, 'InvalidParameter');
  logger.error({ err: error, requestId: request.id, method: request.method, path: request.url.split('?')[0] }, 'unexpected failure while handling a request');
  return errorResponse(request.id, hostId, 'InternalError');
}
