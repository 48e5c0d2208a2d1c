import { isIP } from 'node:net';
import { readTrunkUri, TRUNK_URI_FORM, type TrunkAddress } from '../domain/trunk-uri.ts';
import { ConfigError } from './config-error.ts';

/**
 * The SIP carrier's settings (OUTBOUNDBOT_SIP_*, OUTBOUNDBOT_RTP_PORTS), read only when
 * OUTBOUNDBOT_CARRIER=sip. docs/telephony.md documents each one. The password is kept
 * out of every message and log line: errors name the variable, never its value.
 */
export interface SipSettings {
  trunk: TrunkAddress;
  username?: string;
  password?: string;
  bind: { address: string; port: number };
  /** Put in Via, Contact and SDP; the bound address when unset (or 127.0.0.1 for 0.0.0.0). */
  publicAddress: string;
  rtpPorts: { first: number; last: number };
  /** The trunk's calls-per-second limit: INVITEs leave at least 1/cps s apart. */
  callsPerSecond: number;
}

export type { TrunkAddress };

export const SIP_DEFAULTS = { bind: '0.0.0.0:5060', rtpPorts: '20000-20999', callsPerSecond: 10 } as const;

export function loadSipSettings(env: NodeJS.ProcessEnv): SipSettings {
  const rawTrunk = env.OUTBOUNDBOT_SIP_TRUNK;
  if (!rawTrunk) throw new ConfigError('OUTBOUNDBOT_SIP_TRUNK must be set with OUTBOUNDBOT_CARRIER=sip (sip:host[:port][;transport=udp|tcp])');
  const trunk = parseTrunk(rawTrunk);
  const username = env.OUTBOUNDBOT_SIP_USERNAME || undefined;
  const password = env.OUTBOUNDBOT_SIP_PASSWORD || undefined;
  if (password !== undefined && username === undefined) throw new ConfigError('OUTBOUNDBOT_SIP_PASSWORD is set without OUTBOUNDBOT_SIP_USERNAME');
  const bind = parseBind(env.OUTBOUNDBOT_SIP_BIND || SIP_DEFAULTS.bind);
  const publicAddress = env.OUTBOUNDBOT_SIP_PUBLIC_ADDRESS || (bind.address === '0.0.0.0' ? '127.0.0.1' : bind.address);
  if (!isIP(publicAddress) && !/^[A-Za-z0-9.-]{1,253}$/.test(publicAddress)) {
    throw new ConfigError(`OUTBOUNDBOT_SIP_PUBLIC_ADDRESS must be an IP address or host name, got "${publicAddress}"`);
  }
  const rtpPorts = parsePortRange(env.OUTBOUNDBOT_RTP_PORTS || SIP_DEFAULTS.rtpPorts);
  const rawCps = env.OUTBOUNDBOT_SIP_CPS || String(SIP_DEFAULTS.callsPerSecond);
  const callsPerSecond = Number(rawCps);
  if (!/^\d+(\.\d+)?$/.test(rawCps) || !(callsPerSecond > 0) || callsPerSecond > 1000) {
    throw new ConfigError(`OUTBOUNDBOT_SIP_CPS must be a number of calls per second above 0, at most 1000 (e.g. 10 or 0.5), got "${rawCps}"`);
  }
  return { trunk, username, password, bind, publicAddress, rtpPorts, callsPerSecond };
}

/** `sip:host[:port][;transport=udp|tcp]`; no user part, no other parameter. */
export function parseTrunk(raw: string): TrunkAddress {
  const trunk = readTrunkUri(raw);
  if (!trunk) throw new ConfigError(`OUTBOUNDBOT_SIP_TRUNK must be ${TRUNK_URI_FORM}, got "${raw}"`);
  return trunk;
}

function parseBind(raw: string): { address: string; port: number } {
  const match = /^(.+):(\d{1,5})$/.exec(raw);
  const port = Number(match?.[2]);
  if (!match || !isIP(match[1]!.replace(/^\[|\]$/g, '')) || port < 1 || port > 65535) {
    throw new ConfigError(`OUTBOUNDBOT_SIP_BIND must be address:port (e.g. 0.0.0.0:5060), got "${raw}"`);
  }
  return { address: match[1]!.replace(/^\[|\]$/g, ''), port };
}

/** `first-last`, both even or not: RTP uses each port alone (RTCP is not sent yet). */
function parsePortRange(raw: string): { first: number; last: number } {
  const match = /^(\d{1,5})-(\d{1,5})$/.exec(raw);
  const first = Number(match?.[1]);
  const last = Number(match?.[2]);
  if (!match || first < 1024 || last > 65535 || first > last) {
    throw new ConfigError(`OUTBOUNDBOT_RTP_PORTS must be a range first-last within 1024-65535 (e.g. 20000-20999), got "${raw}"`);
  }
  return { first, last };
}
