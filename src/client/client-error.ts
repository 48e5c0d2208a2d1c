/**
 * The one error the typed client throws. From a reply it carries the error
 * envelope's fields as the server sent them; when no reply came (a timeout, a refused
 * connection) Code says which, RequestId is empty and HttpStatusCode is 0.
 */
export class OutboundBotError extends Error {
  override readonly name = 'OutboundBotError';
  readonly Code: string;
  readonly Message: string;
  readonly RequestId: string;
  readonly HttpStatusCode: number;
  /** The envelope's advice, when it gives one (a link to the error's documentation). */
  readonly Recommend?: string;
  /** The action called, and how many attempts were made before giving up. */
  readonly action: string;
  readonly attempts: number;

  constructor(fields: {
    Code: string;
    Message: string;
    RequestId?: string;
    HttpStatusCode: number;
    Recommend?: string;
    action: string;
    attempts: number;
    cause?: unknown;
  }) {
    super(`${fields.action}: ${fields.Code}: ${fields.Message}`, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.Code = fields.Code;
    this.Message = fields.Message;
    this.RequestId = fields.RequestId ?? '';
    this.HttpStatusCode = fields.HttpStatusCode;
    if (fields.Recommend) this.Recommend = fields.Recommend;
    this.action = fields.action;
    this.attempts = fields.attempts;
  }
}

/** Codes of failures where no reply came. */
export const CLIENT_TIMEOUT = 'ClientTimeout';
export const NETWORK_ERROR = 'NetworkError';
