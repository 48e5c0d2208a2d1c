import { randomBytes } from 'node:crypto';
import { percentEncode } from '../protocol/percent-encode.ts';
import type { CallOptions, Envelope } from './call-options.ts';
import { CLIENT_TIMEOUT, NETWORK_ERROR, OutboundBotError } from './client-error.ts';
import { flattenParameters } from './flatten.ts';
import type { ActionMethods, ActionName } from './action-methods.ts';
import { JSON_PARAMETERS, type ActionTypes } from './generated/actions.ts';
import { backoffDelay, isReadAction, mayRetry, retryPolicy, type RetryOptions, type RetryPolicy } from './retry.ts';
import { signRequest } from './signer.ts';

export interface ClientOptions {
  accessKeyId: string;
  accessKeySecret: string;
  /** An STS token, with the temporary key it belongs to. */
  securityToken?: string;
  /**
   * Where to send calls: a URL (`http://127.0.0.1:8080` for this server) or a bare host,
   * which is reached over HTTPS (`outboundbot.cn-shanghai.aliyuncs.com` for Alibaba's).
   */
  endpoint: string;
  /** Defaults to 2019-12-26, the version this package implements. */
  apiVersion?: string;
  /** Defaults to POST, as the official clients send; parameters go in the query either way. */
  method?: 'POST' | 'GET';
  /** Milliseconds an attempt may take before it fails with ClientTimeout (default 10000). */
  timeoutMs?: number;
  /** Retry settings for every call (see retry.ts); `false` for a single attempt. */
  retry?: RetryOptions | false;
  /** Added to the User-Agent header. */
  userAgent?: string;
  /** The signing time and nonce, injected for tests; the system clock and random bytes otherwise. */
  now?: () => Date;
  nonce?: () => string;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const SINGLE_ATTEMPT: RetryOptions = { maxAttempts: 1 };

type Reply<A extends ActionName> = ActionTypes[A]['reply'] & Envelope;

/** One attempt's end: the reply's body, or the error it failed with. */
type Attempt = { ok: true; body: unknown } | { ok: false; error: Omit<ConstructorParameters<typeof OutboundBotError>[0], 'action' | 'attempts'> };

/**
 * The OutboundBot API from Node, typed: a method per action of this package's
 * registry (`client.createJobGroup({...})`), or `call('CreateJobGroup', {...})`.
 * Signs with ACS3-HMAC-SHA256 as the official clients do, so the same code runs
 * against this server and against Alibaba's endpoint. docs/client.md tells more.
 */
export class OutboundBotClient {
  private readonly baseUrl: URL;
  private readonly retry: RetryOptions;

  constructor(private readonly options: ClientOptions) {
    if (!options.accessKeyId || !options.accessKeySecret) throw new TypeError('OutboundBotClient needs accessKeyId and accessKeySecret');
    this.baseUrl = new URL(/^https?:\/\//.test(options.endpoint) ? options.endpoint : `https://${options.endpoint}`);
    this.retry = options.retry === false ? SINGLE_ATTEMPT : (options.retry ?? {});
  }

  /** Calls `action`; resolves to its reply, or rejects with an OutboundBotError. */
  async call<A extends ActionName>(action: A, request?: ActionTypes[A]['request'], options: CallOptions = {}): Promise<Reply<A>> {
    const policy: RetryPolicy = retryPolicy(this.retry, options.retry === false ? SINGLE_ATTEMPT : options.retry);
    const query = flattenParameters(request ?? {}, JSON_PARAMETERS[action] ?? []);
    const safeToRepeat = isReadAction(action) || options.idempotent === true;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.#attempt(action, query, options);
      if (outcome.ok) return outcome.body as Reply<A>;
      const failure = { httpStatus: outcome.error.HttpStatusCode, code: outcome.error.Code };
      if (attempt >= policy.maxAttempts || !mayRetry(failure, safeToRepeat)) {
        throw new OutboundBotError({ ...outcome.error, action, attempts: attempt });
      }
      await policy.sleep(backoffDelay(policy, attempt), options.signal);
    }
  }

  async #attempt(action: string, query: ReadonlyMap<string, string>, options: CallOptions): Promise<Attempt> {
    const method = this.options.method ?? 'POST';
    const { headers } = signRequest({
      method,
      host: this.baseUrl.host,
      action,
      version: this.options.apiVersion ?? '2019-12-26',
      query,
      accessKeyId: this.options.accessKeyId,
      accessKeySecret: this.options.accessKeySecret,
      securityToken: this.options.securityToken,
      date: this.options.now?.() ?? new Date(),
      nonce: this.options.nonce?.() ?? randomBytes(16).toString('hex'),
      userAgent: `outboundbot-client Node.js/${process.version}${this.options.userAgent ? ` ${this.options.userAgent}` : ''}`,
    });
    // fetch writes Host from the URL itself, the same value as the signed one.
    const { host: _host, ...sent } = headers;
    const search = [...query].map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`).join('&');
    // The RPC gateway is the root path, the one the signature covers.
    const url = new URL(`/${search ? `?${search}` : ''}`, this.baseUrl);
    const timeout = AbortSignal.timeout(options.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let status: number;
    let text: string;
    try {
      const response = await fetch(url, { method, headers: sent, signal });
      status = response.status;
      text = await response.text();
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      const timedOut = timeout.aborted;
      return {
        ok: false,
        error: {
          Code: timedOut ? CLIENT_TIMEOUT : NETWORK_ERROR,
          Message: timedOut ? `no reply within the timeout` : `the request did not reach the server: ${(error as Error).cause ?? (error as Error).message}`,
          HttpStatusCode: 0,
          cause: error,
        },
      };
    }
    return readReply(status, text);
  }
}

/** A reply's body; an error when its status is not 2xx or its envelope says Success false. */
function readReply(status: number, text: string): Attempt {
  let body: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
  } catch {
    body = undefined;
  }
  const ok = status >= 200 && status < 300;
  if (ok && body && body.Success !== false) return { ok: true, body };
  const field = (name: string) => (typeof body?.[name] === 'string' ? (body[name] as string) : undefined);
  return {
    ok: false,
    error: {
      Code: field('Code') ?? (ok ? 'InvalidReply' : `Http${status}`),
      Message: field('Message') ?? (body ? 'the reply has no Message' : `the reply is not a JSON object: ${text.slice(0, 200)}`),
      RequestId: field('RequestId'),
      HttpStatusCode: ok && typeof body?.HttpStatusCode === 'number' ? body.HttpStatusCode : status,
      Recommend: field('Recommend'),
    },
  };
}

// A method per action of the registry: `createJobGroup(request, options)` is `call('CreateJobGroup', ...)`.
export interface OutboundBotClient extends ActionMethods {}
for (const action of Object.keys(JSON_PARAMETERS) as ActionName[]) {
  Object.defineProperty(OutboundBotClient.prototype, action[0]!.toLowerCase() + action.slice(1), {
    value(this: OutboundBotClient, request: never, options?: CallOptions) {
      return this.call(action, request, options);
    },
    writable: true,
    configurable: true,
  });
}
