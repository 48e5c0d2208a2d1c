import type { G711Codec } from './g711.ts';

/**
 * The SDP offer/answer of one audio stream (RFC 3264, RFC 4566): we offer PCMU and
 * PCMA at 8 kHz in 20 ms packets and RFC 4733 telephone-event, and read from the
 * answer where to send and which of them the far end took.
 */

/** The payload type we offer for telephone-event; the answer's own number is used for what we receive. */
export const OFFERED_TELEPHONE_EVENT = 101;
export const PACKET_MS = 20;

/** RFC 3264 section 5.1: which way media flows, from the SDP's writer's side. */
export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export interface MediaOffer {
  address: string;
  port: number;
  sessionId: number;
  /** o= version: one more each time our SDP changes in the dialog (RFC 3264 section 8). */
  version?: number;
  direction?: MediaDirection;
}

export function buildOffer(offer: MediaOffer): string {
  const ip = offer.address.includes(':') ? 'IP6' : 'IP4';
  return [
    'v=0',
    `o=outboundbot ${offer.sessionId} ${offer.version ?? offer.sessionId} IN ${ip} ${offer.address}`,
    's=outboundbot',
    `c=IN ${ip} ${offer.address}`,
    't=0 0',
    `m=audio ${offer.port} RTP/AVP 0 8 ${OFFERED_TELEPHONE_EVENT}`,
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:8 PCMA/8000',
    `a=rtpmap:${OFFERED_TELEPHONE_EVENT} telephone-event/8000`,
    `a=fmtp:${OFFERED_TELEPHONE_EVENT} 0-15`,
    `a=ptime:${PACKET_MS}`,
    `a=${offer.direction ?? 'sendrecv'}`,
    '',
  ].join('\r\n');
}

export interface MediaAnswer {
  address: string;
  port: number;
  codec: G711Codec;
  payloadType: number;
  /** The answer's telephone-event payload type; absent when the far end sends no RFC 4733 events. */
  telephoneEvent?: number;
}

/**
 * The direction of the first audio stream (media level wins over session level), as
 * its writer says it; sendrecv when unsaid. A c= of 0.0.0.0 is the old way to hold (RFC 2543).
 */
export function sdpDirection(sdp: string): MediaDirection {
  let direction: MediaDirection = 'sendrecv';
  let inAudio = false;
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith('m=')) {
      if (inAudio) break;
      inAudio = line.startsWith('m=audio');
    }
    const attribute = /^a=(sendrecv|sendonly|recvonly|inactive)\s*$/.exec(line);
    if (attribute) direction = attribute[1] as MediaDirection;
    if (/^c=IN IP4 0\.0\.0\.0/.test(line)) direction = 'inactive';
  }
  return direction;
}

/** Our direction in the answer to an offer of `theirs` (RFC 3264 section 6.1). */
export function answerDirection(theirs: MediaDirection): MediaDirection {
  return theirs === 'sendonly' ? 'recvonly' : theirs === 'recvonly' ? 'sendonly' : theirs;
}

/** Undefined when the answer (or a re-INVITE's offer) has no audio stream we can use (no G.711, port 0, no address). */
export function parseAnswer(sdp: string): MediaAnswer | undefined {
  const lines = sdp.split(/\r?\n/);
  let sessionAddress: string | undefined;
  let mediaAddress: string | undefined;
  let audio: { port: number; formats: number[] } | undefined;
  const rtpmap = new Map<number, string>();
  for (const line of lines) {
    const connection = /^c=IN IP[46] ([^\s/]+)/.exec(line);
    if (connection) {
      if (audio) mediaAddress = connection[1];
      else sessionAddress = connection[1];
      continue;
    }
    const media = /^m=(\w+) (\d+)(?:\/\d+)? RTP\/AVP ([\d ]+)/.exec(line);
    if (media) {
      if (audio) break; // only the first audio stream is used
      if (media[1] === 'audio') audio = { port: Number(media[2]), formats: media[3]!.trim().split(/\s+/).map(Number) };
      continue;
    }
    const map = /^a=rtpmap:(\d+) ([\w-]+)\/(\d+)/.exec(line);
    if (map && audio) rtpmap.set(Number(map[1]), `${map[2]!.toUpperCase()}/${map[3]}`);
  }
  const address = mediaAddress ?? sessionAddress;
  if (!audio || audio.port === 0 || !address) return undefined;
  const nameOf = (pt: number) => rtpmap.get(pt) ?? (pt === 0 ? 'PCMU/8000' : pt === 8 ? 'PCMA/8000' : '');
  const chosen = audio.formats.find((pt) => nameOf(pt) === 'PCMU/8000' || nameOf(pt) === 'PCMA/8000');
  if (chosen === undefined) return undefined;
  const codec: G711Codec = nameOf(chosen) === 'PCMU/8000' ? 'PCMU' : 'PCMA';
  const telephoneEvent = audio.formats.find((pt) => nameOf(pt) === 'TELEPHONE-EVENT/8000');
  return { address, port: audio.port, codec, payloadType: chosen, ...(telephoneEvent !== undefined ? { telephoneEvent } : {}) };
}
