/** Where a SIP trunk is: what `sip:host[:port][;transport=udp|tcp]` says. */
export interface TrunkAddress {
  host: string;
  port: number;
  transport: 'udp' | 'tcp';
}

export const TRUNK_URI_FORM = 'sip:host[:port][;transport=udp|tcp]';

/**
 * Reads a trunk URI (no user part, no other parameter), or undefined when it is not
 * one. The one rule for OUTBOUNDBOT_SIP_TRUNK and a pool number's `--trunk`.
 */
export function readTrunkUri(raw: string): TrunkAddress | undefined {
  const match = /^sip:(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?(?:;transport=(udp|tcp))?$/i.exec(raw);
  const port = match?.[2] === undefined ? 5060 : Number(match[2]);
  if (!match || port < 1 || port > 65535) return undefined;
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port, transport: (match[3]?.toLowerCase() ?? 'udp') as 'udp' | 'tcp' };
}
