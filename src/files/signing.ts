import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The two signed artefacts of the file pipeline, both HMACs under one server-held
 * secret (generated once, kept in the store's settings, never logged or returned):
 *
 * - the upload policy, as an OSS browser form upload carries it: `policy` is
 *   base64 JSON `{expiration, conditions}` and `Signature` is
 *   base64(HMAC-SHA1(secret, policy)), exactly what an OSS client posts;
 * - download URLs, like a presigned object URL: `Expires` (epoch seconds) and
 *   `Signature` = base64url(HMAC-SHA256(secret, "GET\n<path>\n<Expires>")).
 *
 * Times come from the caller (the engine's clock), so the virtual clock moves
 * expiries too.
 */
export const SIGNING_SECRET_SETTING = 'file_signing_secret';

export function newSigningSecret(): string {
  return randomBytes(32).toString('base64url');
}

export interface UploadPolicy {
  expiration: string;
  conditions: Array<unknown[] | Record<string, unknown>>;
}

export function encodePolicy(policy: UploadPolicy): string {
  return Buffer.from(JSON.stringify(policy)).toString('base64');
}

export function signPolicy(secret: string, encodedPolicy: string): string {
  return createHmac('sha1', secret).update(encodedPolicy).digest('base64');
}

export function sameSignature(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** What a verified policy allows. */
export interface PolicyTerms {
  expiresAt: number;
  keyPrefix: string;
  minSize: number;
  maxSize: number;
}

export class PolicyError extends Error {
  constructor(
    readonly kind: 'malformed' | 'forged' | 'expired',
    message: string,
  ) {
    super(message);
  }
}

/** Checks the signature first, then decodes the terms; throws PolicyError. */
export function verifyPolicy(secret: string, encodedPolicy: string, signature: string, now: number): PolicyTerms {
  if (!sameSignature(signPolicy(secret, encodedPolicy), signature)) throw new PolicyError('forged', 'the policy signature does not match');
  let policy: UploadPolicy;
  try {
    policy = JSON.parse(Buffer.from(encodedPolicy, 'base64').toString('utf8')) as UploadPolicy;
  } catch {
    throw new PolicyError('malformed', 'the policy is not base64 JSON');
  }
  const expiresAt = Date.parse(String(policy.expiration));
  if (!Number.isFinite(expiresAt) || !Array.isArray(policy.conditions)) throw new PolicyError('malformed', 'the policy lacks expiration or conditions');
  if (expiresAt <= now) throw new PolicyError('expired', 'the policy has expired');
  let keyPrefix: string | undefined;
  let minSize = 0;
  let maxSize: number | undefined;
  for (const condition of policy.conditions) {
    if (!Array.isArray(condition)) continue;
    if (condition[0] === 'content-length-range') [minSize, maxSize] = [Number(condition[1]), Number(condition[2])];
    if (condition[0] === 'starts-with' && condition[1] === '$key') keyPrefix = String(condition[2]);
  }
  if (keyPrefix === undefined || maxSize === undefined) throw new PolicyError('malformed', 'the policy lacks a key prefix or a size range');
  return { expiresAt, keyPrefix, minSize, maxSize };
}

function urlSignature(secret: string, path: string, expires: number): string {
  return createHmac('sha256', secret).update(`GET\n${path}\n${expires}`).digest('base64url');
}

/** The query that makes `path` downloadable until `expiresAt` (ms; rounded up to seconds). */
export function signDownload(secret: string, path: string, expiresAt: number): string {
  const expires = Math.ceil(expiresAt / 1000);
  return `Expires=${expires}&Signature=${urlSignature(secret, path, expires)}`;
}

/** 'ok', or why the download is refused. */
export function checkDownload(secret: string, path: string, expires: string | undefined, signature: string | undefined, now: number): 'ok' | 'forged' | 'expired' {
  if (!expires || !signature || !/^\d{1,15}$/.test(expires)) return 'forged';
  if (!sameSignature(urlSignature(secret, path, Number(expires)), signature)) return 'forged';
  return Number(expires) * 1000 <= now ? 'expired' : 'ok';
}
