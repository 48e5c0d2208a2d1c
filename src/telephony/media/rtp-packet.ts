/**
 * RTP packets (RFC 3550 section 5.1) with no CSRC or extension on send; on receive
 * both are skipped. RFC 4733 telephone-event payloads are read here too.
 */
export interface RtpHeader {
  payloadType: number;
  marker: boolean;
  sequence: number;
  timestamp: number;
  ssrc: number;
}

export interface RtpPacket extends RtpHeader {
  payload: Buffer;
}

const HEADER_BYTES = 12;

export function encodeRtp(header: RtpHeader, payload: Uint8Array): Buffer {
  const packet = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  packet[0] = 0x80; // version 2, no padding, no extension, no CSRC
  packet[1] = (header.marker ? 0x80 : 0) | (header.payloadType & 0x7f);
  packet.writeUInt16BE(header.sequence & 0xffff, 2);
  packet.writeUInt32BE(header.timestamp >>> 0, 4);
  packet.writeUInt32BE(header.ssrc >>> 0, 8);
  packet.set(payload, HEADER_BYTES);
  return packet;
}

/** Undefined for anything that is not an RTP version 2 packet (RTCP on the same port, noise). */
export function decodeRtp(packet: Buffer): RtpPacket | undefined {
  if (packet.length < HEADER_BYTES || packet[0]! >> 6 !== 2) return undefined;
  const payloadType = packet[1]! & 0x7f;
  if (payloadType >= 72 && payloadType <= 76) return undefined; // RTCP (RFC 5761 section 4)
  const csrcCount = packet[0]! & 0x0f;
  let offset = HEADER_BYTES + csrcCount * 4;
  if (packet[0]! & 0x10) {
    if (packet.length < offset + 4) return undefined;
    offset += 4 + packet.readUInt16BE(offset + 2) * 4;
  }
  let end = packet.length;
  if (packet[0]! & 0x20) end -= packet[packet.length - 1]!;
  if (offset > end) return undefined;
  return {
    payloadType,
    marker: (packet[1]! & 0x80) !== 0,
    sequence: packet.readUInt16BE(2),
    timestamp: packet.readUInt32BE(4),
    ssrc: packet.readUInt32BE(8),
    payload: packet.subarray(offset, end),
  };
}

/** An RFC 4733 section 2.3 event payload: event code, end bit, volume, duration. */
export interface TelephoneEvent {
  event: number;
  end: boolean;
  duration: number;
}

export function decodeTelephoneEvent(payload: Buffer): TelephoneEvent | undefined {
  if (payload.length < 4) return undefined;
  return { event: payload[0]!, end: (payload[1]! & 0x80) !== 0, duration: payload.readUInt16BE(2) };
}

/** RFC 4733 section 3.2: events 0-9 are the digits, 10 is *, 11 is #, 12-15 are A-D. */
export function dtmfKey(event: number): string | undefined {
  if (event <= 9) return String(event);
  return ['*', '#', 'A', 'B', 'C', 'D'][event - 10];
}
