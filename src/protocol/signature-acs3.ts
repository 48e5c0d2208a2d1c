import { createHash, createHmac } from 'node:crypto';
import { percentEncode } from './percent-encode.ts';
import { compareBytes } from './signature-v1.ts';

export const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256';

/** The parts of an `Authorization: ACS3-HMAC-SHA256 ...` header. */
export interface Acs3Authorization {
  accessKeyId: string;
  signedHeaders: string[];
  signature: string;
}

/** Parses the authorization header, or returns undefined when it is not a complete ACS3 one. */
export function parseAcs3Authorization(header: string): Acs3Authorization | undefined {
  if (!header.startsWith(`${ACS3_ALGORITHM} `)) return undefined;
  const fields = new Map<string, string>();
  for (const part of header.slice(ACS3_ALGORITHM.length + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const accessKeyId = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!accessKeyId || !signedHeaders || !signature) return undefined;
  return { accessKeyId, signedHeaders: signedHeaders.split(';').filter(Boolean), signature };
}

export interface Acs3Request {
  method: string;
  /** The request path, `/` for the RPC gateway. */
  path: string;
  /** Decoded query-string parameters. */
  query: ReadonlyMap<string, string>;
  /** Lower-case header name to value(s). */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  signedHeaders: readonly string[];
  /** Hex SHA-256 of the body, as sent in x-acs-content-sha256. */
  hashedPayload: string;
}

/**
 * ACS3-HMAC-SHA256, as @alicloud/openapi-core sends it: a canonical request of
 * method, path, sorted encoded query, the signed headers (`name:value\n`, sorted),
 * the signed header list and the payload hash; signed as
 * hex(HMAC-SHA256(secret, "ACS3-HMAC-SHA256\n" + hex(SHA-256(canonical)))).
 * The server checks requests with it and the typed client (src/client/) signs them.
 */
export function signAcs3(request: Acs3Request, secret: string): string {
  return signCanonicalAcs3(canonicalRequestAcs3(request), secret);
}

export function canonicalRequestAcs3(request: Acs3Request): string {
  const query = [...request.query.keys()]
    .sort(compareBytes)
    .map((name) => `${percentEncode(name)}=${percentEncode(request.query.get(name) ?? '')}`)
    .join('&');
  const signedHeaders = [...request.signedHeaders].map((h) => h.toLowerCase()).sort(compareBytes);
  const headerLines = signedHeaders.map((name) => `${name}:${headerValue(request.headers[name])}\n`).join('');
  return [
    request.method.toUpperCase(),
    request.path,
    query,
    headerLines,
    signedHeaders.join(';'),
    request.hashedPayload,
  ].join('\n');
}

export function signCanonicalAcs3(canonicalRequest: string, secret: string): string {
  const stringToSign = `${ACS3_ALGORITHM}\n${sha256Hex(canonicalRequest)}`;
  return createHmac('sha256', secret).update(stringToSign).digest('hex');
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function headerValue(value: string | string[] | undefined): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => v.trim()).sort().join(',');
  return value.trim();
}
