/**
 * Every error code the gateway can answer, with its HTTP status and default message.
 *
 * This is the one table that maps failures to the wire (docs/errors.md is checked
 * against it by test/unit/error-codes.test.ts). Codes and statuses follow the
 * public OutboundBot API and Alibaba Cloud's common gateway codes, which the
 * official clients surface as `err.code`.
 */
export const ERROR_CODES = {
  // Client mistakes in the request itself.
  MissingParameter: { status: 400, message: 'A required parameter is missing.' },
  InvalidParameter: { status: 400, message: 'A parameter is invalid.' },
  'InvalidAction.NotFound': { status: 400, message: 'The specified action is not supported.' },
  InvalidVersion: { status: 400, message: 'The specified version is not supported; use 2019-12-26.' },
  'RequestEntityTooLarge': { status: 413, message: 'The request body is too large.' },
  'NotFound': { status: 404, message: 'The requested path does not exist.' },

  // Authentication.
  IncompleteSignature: { status: 400, message: 'The request signature is missing or incomplete.' },
  SignatureDoesNotMatch: { status: 400, message: 'The request signature does not match.' },
  SignatureNonceUsed: { status: 400, message: 'The signature nonce has been used.' },
  'InvalidTimeStamp.Expired': { status: 400, message: 'The request timestamp is outside the allowed 15 minutes.' },
  'InvalidTimeStamp.Format': { status: 400, message: 'The request timestamp is not in ISO 8601 UTC format.' },
  'InvalidAccessKeyId.NotFound': { status: 404, message: 'The specified AccessKeyId does not exist.' },
  'InvalidAccessKeyId.Inactive': { status: 400, message: 'The specified AccessKeyId is disabled.' },

  // The web console's sessions (docs/console.md).
  'Console.SignInFailed': { status: 401, message: 'The AccessKey id or secret is wrong, or the key is disabled.' },
  'Console.NotSignedIn': { status: 401, message: 'No console session, or it has expired or ended; sign in again.' },
  'Console.CsrfRefused': { status: 403, message: 'The request lacks the session\'s CSRF token or comes from another origin.' },

  // Authorization.
  'Forbidden.RAM': { status: 403, message: 'The caller is not authorized to perform this action on this resource.' },

  // Resources.
  'NotExist.Instance': { status: 404, message: 'The specified Instance does not exist.' },
  'NotExist.JobGroup': { status: 404, message: 'The specified JobGroup does not exist.' },
  'NotExist.Script': { status: 404, message: 'The specified Script does not exist.' },
  'NotExist.Job': { status: 404, message: 'The specified Job does not exist.' },
  'NotExist.DialogueFlow': { status: 404, message: 'The specified DialogueFlow does not exist.' },
  'NotExist.Intent': { status: 404, message: 'The specified Intent does not exist.' },
  'NotExist.GlobalQuestion': { status: 404, message: 'The specified GlobalQuestion does not exist.' },
  'NotExist.ContactBlockList': { status: 404, message: 'The specified ContactBlockList entry does not exist.' },
  'NotExist.CallingNumber': { status: 404, message: 'The specified calling number does not exist.' },
  'NotExist.ScriptVersion': { status: 404, message: 'The specified script version does not exist.' },

  // Script content.
  InvalidDialogueFlow: { status: 400, message: 'The dialogue flow is invalid.' },
  'Duplicate.Name': { status: 400, message: 'The name is already used in this script.' },
  'NotExist.File': { status: 404, message: 'The specified file does not exist.' },
  'NotExist.Task': { status: 404, message: 'The specified task (call, parsing or export) does not exist.' },
  'NotExist.Recording': { status: 404, message: 'The specified call has no recording.' },

  // File uploads and signed downloads (docs/files.md).
  InvalidPolicyDocument: { status: 400, message: 'The upload policy is malformed or its conditions are not met.' },
  AccessDenied: { status: 403, message: 'The upload policy or download URL is forged or has expired.' },

  // Failures.
  ServiceUnavailable: { status: 503, message: 'The server is shutting down; try again once it has restarted.' },
  InternalError: {
    status: 500,
    message: 'An error occurred while processing your request. Please try again later. Submit a ticket if the error still exists.',
  },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
