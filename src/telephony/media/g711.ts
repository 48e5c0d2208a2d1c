import alawmulaw from 'alawmulaw';

/**
 * G.711 at 8 kHz (RFC 3551 section 4.5.14): PCMU is payload type 0, PCMA 8. The codec
 * itself is alawmulaw's; this names the two by their RTP encoding names.
 */
export type G711Codec = 'PCMU' | 'PCMA';

export const G711_PAYLOAD_TYPE: Record<G711Codec, number> = { PCMU: 0, PCMA: 8 };

export function encodeG711(codec: G711Codec, samples: Int16Array): Uint8Array {
  return codec === 'PCMU' ? alawmulaw.mulaw.encode(samples) : alawmulaw.alaw.encode(samples);
}

export function decodeG711(codec: G711Codec, payload: Uint8Array): Int16Array {
  return codec === 'PCMU' ? alawmulaw.mulaw.decode(payload) : alawmulaw.alaw.decode(payload);
}
