import { randomUUID } from 'node:crypto';
import { percentEncode } from '../../src/protocol/percent-encode.ts';
import { sha256Hex, signAcs3 } from '../../src/protocol/signature-acs3.ts';
import { signV1 } from '../../src/protocol/signature-v1.ts';
import type { Credentials } from './clients.ts';

/**
 * Hand-built signed requests over plain fetch, for what the official clients will
 * not send (stale timestamps, replays, tampered bodies) and to see real HTTP
 * statuses. The positive path of signing is covered by the official clients.
 */
export interface RawResponse {
  status: number;
  body: Record<string, any>;
}

export function isoNow(offsetMs = 0): string {
  return new Date(Date.now() + offsetMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface V1Options {
  method?: 'GET' | 'POST';
  timestamp?: string;
  nonce?: string;
  version?: string;
  /** Replace the computed signature (to test mismatches). */
  signature?: string;
  omit?: string[];
}

/** The full parameter set pop-core would send, signed with signature v1. */
export function v1Params(credentials: Credentials, action: string, params: Record<string, string>, options: V1Options = {}): Map<string, string> {
  const all = new Map<string, string>(
    Object.entries({
      AccessKeyId: credentials.accessKeyId,
      Action: action,
      Format: 'JSON',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: options.nonce ?? randomUUID(),
      SignatureVersion: '1.0',
      Timestamp: options.timestamp ?? isoNow(),
      Version: options.version ?? '2019-12-26',
      ...params,
    }),
  );
  for (const name of options.omit ?? []) all.delete(name);
  all.set('Signature', options.signature ?? signV1(options.method ?? 'POST', all, credentials.accessKeySecret));
  for (const name of options.omit ?? []) all.delete(name);
  return all;
}

export function formEncode(params: Map<string, string>): string {
  return [...params].map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&');
}

export async function sendV1(url: string, credentials: Credentials, action: string, params: Record<string, string>, options: V1Options = {}): Promise<RawResponse> {
  const method = options.method ?? 'POST';
  const encoded = formEncode(v1Params(credentials, action, params, options));
  const response =
    method === 'GET'
      ? await fetch(`${url}/?${encoded}`)
      : await fetch(`${url}/`, { method, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: encoded });
  return { status: response.status, body: await response.json() };
}

export interface Acs3Options {
  nonce?: string;
  date?: string;
  /** Body actually sent, when different from the one signed (tampering). */
  sentBody?: string;
}

/** A request as openapi-core builds it: parameters in the query, ACS3-HMAC-SHA256 header. */
export async function sendAcs3(
  url: string,
  credentials: Credentials,
  action: string,
  query: Record<string, string>,
  body = '',
  options: Acs3Options = {},
): Promise<RawResponse> {
  const host = new URL(url).host;
  const headers: Record<string, string> = {
    host,
    'x-acs-action': action,
    'x-acs-version': '2019-12-26',
    'x-acs-date': options.date ?? isoNow(),
    'x-acs-signature-nonce': options.nonce ?? randomUUID(),
    'x-acs-content-sha256': sha256Hex(body),
  };
  if (body) headers['content-type'] = 'application/x-www-form-urlencoded';
  const queryMap = new Map(Object.entries(query));
  const signedHeaders = Object.keys(headers).sort();
  const signature = signAcs3(
    { method: 'POST', path: '/', query: queryMap, headers, signedHeaders, hashedPayload: headers['x-acs-content-sha256']! },
    credentials.accessKeySecret,
  );
  headers.authorization = `ACS3-HMAC-SHA256 Credential=${credentials.accessKeyId},SignedHeaders=${signedHeaders.join(';')},Signature=${signature}`;
  const qs = formEncode(queryMap);
  const { host: _host, ...sendHeaders } = headers;
  const response = await fetch(`${url}/${qs ? `?${qs}` : ''}`, { method: 'POST', headers: sendHeaders, body: options.sentBody ?? (body || undefined) });
  return { status: response.status, body: await response.json() };
}
