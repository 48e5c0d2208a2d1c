import { ERROR_CODES, type ErrorCode } from '../domain/error-codes.ts';

/**
 * The two response bodies of the gateway. Success carries the action's fields plus
 * the product's common ones; an error carries a real HTTP status (never 200, since
 * openapi-core would then not throw) and Alibaba Cloud's error envelope.
 */
export function successBody(requestId: string, fields: Record<string, unknown>): Record<string, unknown> {
  return { RequestId: requestId, Success: true, Code: 'OK', Message: 'Success', HttpStatusCode: 200, ...fields };
}

export interface ErrorResponse {
  status: number;
  body: Record<string, unknown>;
}

export function errorResponse(requestId: string, hostId: string, code: ErrorCode, message?: string): ErrorResponse {
  const entry = ERROR_CODES[code];
  return {
    status: entry.status,
    body: {
      RequestId: requestId,
      HostId: hostId,
      Code: code,
      Message: message ?? entry.message,
      Recommend: `See docs/errors.md#${code.toLowerCase().replace(/\./g, '')}`,
      Success: false,
      HttpStatusCode: entry.status,
    },
  };
}
