import { createHmac } from 'node:crypto';
import { percentEncode } from './percent-encode.ts';

/**
 * Signature v1 (HMAC-SHA1), as @alicloud/pop-core sends it.
 *
 * Every request parameter except `Signature` is sorted by name in byte order,
 * each name and value percent-encoded and joined `k=v&...`; the string to sign is
 * `METHOD&%2F&` + percentEncode(that), keyed with `secret + "&"`.
 */
export function signV1(method: string, params: ReadonlyMap<string, string>, secret: string): string {
  const names = [...params.keys()].filter((name) => name !== 'Signature').sort(compareBytes);
  const canonical = names.map((name) => `${percentEncode(name)}=${percentEncode(params.get(name) ?? '')}`).join('&');
  const stringToSign = `${method.toUpperCase()}&${percentEncode('/')}&${percentEncode(canonical)}`;
  return createHmac('sha1', `${secret}&`).update(stringToSign).digest('base64');
}

/** Byte-order comparison; for the ASCII names parameters use, the same as code-unit order. */
export function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
