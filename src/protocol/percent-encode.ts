/**
 * RFC 3986 percent-encoding as both Alibaba Cloud signature schemes define it:
 * unreserved characters `A-Za-z0-9-_.~` stay, everything else is %XX of its UTF-8
 * bytes (so space is %20 and `*` is %2A, unlike application/x-www-form-urlencoded).
 */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}
