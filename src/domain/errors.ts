import type { ErrorCode } from './error-codes.ts';

/**
 * A failure that the caller caused or can act on. Handlers and services throw it;
 * the gateway's one error handler turns it into the wire envelope using the status
 * in ERROR_CODES, so no handler ever builds an error body itself.
 */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message?: string,
  ) {
    super(message ?? code);
    this.name = 'ApiError';
  }
}

export const missingParameter = (name: string) =>
  new ApiError('MissingParameter', `The input parameter "${name}" that is mandatory for processing this request is not supplied.`);

export const invalidParameter = (name: string, reason: string) =>
  new ApiError('InvalidParameter', `The parameter "${name}" is invalid: ${reason}`);

export const instanceNotFound = () => new ApiError('NotExist.Instance', 'The specified Instance does not exist.');
export const jobGroupNotFound = () => new ApiError('NotExist.JobGroup', 'The specified JobGroup does not exist.');
export const scriptNotFound = () => new ApiError('NotExist.Script', 'The specified Script does not exist.');
export const jobNotFound = () => new ApiError('NotExist.Job', 'The specified Job does not exist.');
