import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError } from '../domain/errors.ts';
import type { Clock } from '../engine/clock.ts';
import type { AccessKeyService } from '../services/access-key-service.ts';
import type { AccessKeyRow } from '../store/rows.ts';
import { parseAcs3Authorization, sha256Hex, signAcs3 } from './signature-acs3.ts';
import { signV1 } from './signature-v1.ts';

/** The HTTP request as the gateway saw it, before any parameter is interpreted. */
export interface SignedRequest {
  method: string;
  path: string;
  query: ReadonlyMap<string, string>;
  body: ReadonlyMap<string, string>;
  rawBody: Buffer;
  headers: IncomingHttpHeaders;
}

/** Who is calling, once the signature has been verified. */
export interface Caller {
  accessKeyId: string;
  accountId: string;
  isRoot: boolean;
  policy: AccessKeyRow['policy'];
}

/** Requests whose timestamp is further than this from the server's wall clock are refused. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
/**
 * A nonce is remembered for twice the skew: a request timestamped at the edge of the
 * window in the future stays acceptable for that long, so it must stay blocked as well.
 */
export const NONCE_RETENTION_MS = 2 * MAX_CLOCK_SKEW_MS;

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/**
 * Verifies both signature schemes of the official clients (v1 HMAC-SHA1 from
 * pop-core, ACS3-HMAC-SHA256 from openapi-core): the key exists and is active, the
 * timestamp is within ±15 minutes of the wall clock, the signature matches
 * (compared in constant time) and the nonce has not been used.
 *
 * The wall clock is deliberately separate from the engine's clock: on the
 * emulator's virtual clock the clients still stamp requests with real time.
 */
export class Authenticator {
  constructor(
    private readonly keys: Pick<AccessKeyService, 'findKey' | 'claimNonce'>,
    private readonly wallClock: Clock,
  ) {}

  async authenticate(request: SignedRequest): Promise<Caller> {
    const authorization = headerString(request.headers.authorization);
    if (authorization?.startsWith('ACS3-')) return this.verifyAcs3(request, authorization);
    return this.verifyV1(request);
  }

  /**
   * The web console's sign-in: the key's id and secret as typed, compared in constant
   * time. Every failure (no such key, wrong secret, disabled key) is the same answer,
   * so the form reveals nothing about which key ids exist.
   */
  async verifySecret(accessKeyId: string, secret: string): Promise<Caller> {
    const key = accessKeyId.length <= 128 ? await this.keys.findKey(accessKeyId) : undefined;
    // Compared even when the key is absent, so the answer takes as long either way.
    const matches = constantTimeEqual(key?.secret ?? '', secret);
    if (!key || !matches || key.status !== 'Active') throw new ApiError('Console.SignInFailed');
    return callerOf(key);
  }

  /**
   * The caller behind a console session, read afresh on each request: a key disabled
   * or given a new policy since sign-in takes effect at once.
   */
  async callerForKey(accessKeyId: string): Promise<Caller> {
    const key = await this.keys.findKey(accessKeyId);
    if (!key || key.status !== 'Active') throw new ApiError('Console.NotSignedIn', 'The session\'s AccessKey no longer exists or is disabled; sign in again.');
    return callerOf(key);
  }

  private async verifyV1(request: SignedRequest): Promise<Caller> {
    const params = new Map([...request.query, ...request.body]);
    const signature = params.get('Signature');
    const accessKeyId = params.get('AccessKeyId');
    if (!signature || !accessKeyId) {
      throw new ApiError('IncompleteSignature', 'The request is not signed: AccessKeyId and Signature are required.');
    }
    const method = params.get('SignatureMethod') ?? 'HMAC-SHA1';
    if (method !== 'HMAC-SHA1') {
      throw new ApiError('IncompleteSignature', `SignatureMethod ${method} is not supported; use HMAC-SHA1.`);
    }
    const nonce = requireField(params.get('SignatureNonce'), 'SignatureNonce');
    this.checkTimestamp(requireField(params.get('Timestamp'), 'Timestamp'));
    const key = await this.activeKey(accessKeyId);
    const expected = signV1(request.method, params, key.secret);
    if (!constantTimeEqual(expected, signature)) {
      throw new ApiError('SignatureDoesNotMatch', 'The request signature does not conform to Alibaba Cloud standards.');
    }
    await this.claimNonce(key.id, nonce);
    return callerOf(key);
  }

  private async verifyAcs3(request: SignedRequest, authorization: string): Promise<Caller> {
    const parsed = parseAcs3Authorization(authorization);
    if (!parsed) throw new ApiError('IncompleteSignature', 'The Authorization header is not a complete ACS3-HMAC-SHA256 header.');
    const signed = new Set(parsed.signedHeaders.map((h) => h.toLowerCase()));
    // Headers that carry replay protection and the body hash must be covered by the
    // signature, or a captured request could be replayed with a fresh nonce.
    for (const required of ['host', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256']) {
      if (!signed.has(required)) throw new ApiError('IncompleteSignature', `The header ${required} must be signed.`);
    }
    const nonce = requireField(headerString(request.headers['x-acs-signature-nonce']), 'x-acs-signature-nonce');
    this.checkTimestamp(requireField(headerString(request.headers['x-acs-date']), 'x-acs-date'));
    const key = await this.activeKey(parsed.accessKeyId);
    const hashedPayload = requireField(headerString(request.headers['x-acs-content-sha256']), 'x-acs-content-sha256');
    if (!constantTimeEqual(sha256Hex(request.rawBody), hashedPayload.toLowerCase())) {
      throw new ApiError('SignatureDoesNotMatch', 'x-acs-content-sha256 does not match the request body.');
    }
    const expected = signAcs3(
      {
        method: request.method,
        path: request.path,
        query: request.query,
        headers: request.headers,
        signedHeaders: [...signed],
        hashedPayload,
      },
      key.secret,
    );
    if (!constantTimeEqual(expected, parsed.signature.toLowerCase())) {
      throw new ApiError('SignatureDoesNotMatch', 'The request signature does not conform to Alibaba Cloud standards.');
    }
    await this.claimNonce(key.id, nonce);
    return callerOf(key);
  }

  private checkTimestamp(timestamp: string): void {
    const time = ISO_UTC.test(timestamp) ? Date.parse(timestamp) : Number.NaN;
    if (Number.isNaN(time)) {
      throw new ApiError('InvalidTimeStamp.Format', `The timestamp "${timestamp.slice(0, 40)}" is not ISO 8601 UTC (e.g. 2026-11-26T16:43:45Z).`);
    }
    if (Math.abs(this.wallClock.now() - time) > MAX_CLOCK_SKEW_MS) {
      throw new ApiError('InvalidTimeStamp.Expired', 'The request timestamp is more than 15 minutes away from the server time.');
    }
  }

  private async activeKey(accessKeyId: string): Promise<AccessKeyRow> {
    const key = accessKeyId.length <= 128 ? await this.keys.findKey(accessKeyId) : undefined;
    if (!key) throw new ApiError('InvalidAccessKeyId.NotFound', 'The specified AccessKeyId does not exist.');
    if (key.status !== 'Active') throw new ApiError('InvalidAccessKeyId.Inactive', 'The specified AccessKeyId is disabled.');
    return key;
  }

  private async claimNonce(accessKeyId: string, nonce: string): Promise<void> {
    if (nonce.length > 128) throw new ApiError('IncompleteSignature', 'The signature nonce is longer than 128 characters.');
    const now = this.wallClock.now();
    const fresh = await this.keys.claimNonce(accessKeyId, nonce, now, now + NONCE_RETENTION_MS);
    if (!fresh) throw new ApiError('SignatureNonceUsed', 'The signature nonce has been used within the last 15 minutes.');
  }
}

function callerOf(key: AccessKeyRow): Caller {
  return { accessKeyId: key.id, accountId: key.accountId, isRoot: key.isRoot, policy: key.policy };
}

function requireField(value: string | undefined, name: string): string {
  if (!value) throw new ApiError('IncompleteSignature', `The signed request lacks ${name}.`);
  return value;
}

function headerString(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  // Compare equal-length buffers even on a length mismatch so timing reveals nothing.
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}
