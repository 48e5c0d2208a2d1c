import { ACS3_ALGORITHM, canonicalRequestAcs3, sha256Hex, signCanonicalAcs3 } from '../protocol/signature-acs3.ts';

/**
 * Signs an RPC request with ACS3-HMAC-SHA256, header for header as
 * @alicloud/openapi-core's callApi does (RPC style, parameters in the query, no
 * body): host, x-acs-action, x-acs-version, x-acs-date, x-acs-signature-nonce,
 * x-acs-content-sha256, x-acs-credentials-provider (and x-acs-security-token with an
 * STS token) are signed; the
 * canonical request and the signature come from the module the server verifies with,
 * so the two cannot drift apart.
 */
export interface SigningInput {
  method: 'POST' | 'GET';
  /** The Host header: the endpoint's host, with its port when it is not the default. */
  host: string;
  action: string;
  version: string;
  query: ReadonlyMap<string, string>;
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
  /** The request's time and a never-repeated nonce: injected so that tests can fix them. */
  date: Date;
  nonce: string;
  userAgent: string;
}

export interface SignedRequest {
  /** Every header to send (host included: fetch sets it from the URL, to the same value). */
  headers: Record<string, string>;
  canonicalRequest: string;
}

const EMPTY_BODY_SHA256 = sha256Hex('');

export function signRequest(input: SigningInput): SignedRequest {
  const headers: Record<string, string> = {
    host: input.host,
    'x-acs-version': input.version,
    'x-acs-action': input.action,
    'user-agent': input.userAgent,
    'x-acs-date': acsDate(input.date),
    'x-acs-signature-nonce': input.nonce,
    accept: 'application/json',
    'x-acs-content-sha256': EMPTY_BODY_SHA256,
    // openapi-core names where the key came from; a signed header, so it is sent alike.
    'x-acs-credentials-provider': input.securityToken ? 'static_sts' : 'static_ak',
  };
  if (input.securityToken) {
    headers['x-acs-accesskey-id'] = input.accessKeyId;
    headers['x-acs-security-token'] = input.securityToken;
  }
  const signedHeaders = Object.keys(headers).filter((name) => name === 'host' || name.startsWith('x-acs-'));
  const canonicalRequest = canonicalRequestAcs3({
    method: input.method,
    path: '/',
    query: input.query,
    headers,
    signedHeaders,
    hashedPayload: EMPTY_BODY_SHA256,
  });
  const signature = signCanonicalAcs3(canonicalRequest, input.accessKeySecret);
  headers.authorization = `${ACS3_ALGORITHM} Credential=${input.accessKeyId},SignedHeaders=${[...signedHeaders].sort().join(';')},Signature=${signature}`;
  return { headers, canonicalRequest };
}

/** `2026-12-04T20:10:00Z`: UTC to the second, as x-acs-date is written. */
export function acsDate(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
