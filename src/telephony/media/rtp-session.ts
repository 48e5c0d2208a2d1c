import { randomInt } from 'node:crypto';
import type { Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import type { CallRecording } from './call-recording.ts';
import { decodeG711, encodeG711, type G711Codec } from './g711.ts';
import { decodeRtp, decodeTelephoneEvent, dtmfKey, encodeRtp } from './rtp-packet.ts';
import { PACKET_MS, type MediaDirection } from './sdp.ts';

/**
 * One call's audio stream over RTP (RFC 3550), G.711 both ways.
 *
 * Sending: a packet every 20 ms from the moment the session starts, the queued prompt
 * audio or else silence (a phone line carries audio all along; gaps make some trunks
 * and NATs drop the stream). Packet n is due at start + n x 20 ms on the monotonic
 * clock (performance.now), and each wake-up sends every packet due so far: a late
 * timer delays one packet but never shifts the ones after it, where a setInterval's
 * lateness would add up.
 *
 * Receiving: symmetric RTP (RFC 4961): once the far end's first packet arrives we send
 * to the address it came from, not the one in its SDP (a NATed callee's SDP names an
 * address we cannot reach). RFC 4733 events become key presses, one per event
 * (an event's packets share one RTP timestamp; its end packet is sent three times).
 * No packet for `mediaTimeoutMs` means the far end is gone.
 *
 * On hold (the far end's re-offer is sendonly or inactive: it does not take our media)
 * we send nothing and the queued prompt waits, its timeline kept (packets not sent still
 * advance the RTP timestamp). The media timeout is suspended while on hold in either
 * direction: a holding far end often sends nothing, music on hold or not.
 */
export interface RtpSessionOptions {
  socket: Socket;
  remote: { address: string; port: number };
  codec: G711Codec;
  payloadType: number;
  /** The far end's telephone-event payload type (from its SDP). */
  telephoneEvent?: number;
  mediaTimeoutMs: number;
  onKey(key: string): void;
  onMediaTimeout(): void;
  /** Where both directions' audio is kept, frame by frame on the call's timeline (call-recording.ts). */
  recording?: CallRecording;
}

const SAMPLES_PER_PACKET = (8000 * PACKET_MS) / 1000;

export class RtpSession {
  private readonly ssrc = randomInt(0, 2 ** 32);
  private sequence = randomInt(0, 2 ** 16);
  private readonly firstTimestamp = randomInt(0, 2 ** 32);
  private sent = 0;
  /** Packets actually sent (`sent` also counts the slots passed on hold). */
  private sequenceSent = 0;
  private startedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastHeardAt = 0;
  private latched = false;
  private remote: { address: string; port: number };
  /** The address the far end's SDP named last (the one `remote` may have latched away from). */
  private signalled: { address: string; port: number };
  private readonly queue: Array<{ samples: Int16Array; offset: number; done: () => void }> = [];
  private readonly silence: Uint8Array;
  private lastEventTimestamp: number | undefined;
  /** Where the far end's first audio packet sits on our timeline (for the recording). */
  private calleeOrigin: { slot: number; timestamp: number } | undefined;
  /** The far end's direction, from its side (sdp.ts). */
  private theirDirection: MediaDirection = 'sendrecv';
  /** Packets sent to the far end. */
  get packetsSent(): number {
    return this.sequenceSent;
  }

  /** Packets received from the far end (audio and events). */
  received = 0;
  /** The far end's audio as 8 kHz samples, in arrival order (kept for checks and recording). */
  readonly heard: Int16Array[] = [];

  constructor(private readonly options: RtpSessionOptions) {
    this.remote = options.remote;
    this.signalled = options.remote;
    this.silence = encodeG711(options.codec, new Int16Array(SAMPLES_PER_PACKET));
    options.socket.on('message', (packet, from) => this.receive(packet, from));
  }

  start(): void {
    this.startedAt = performance.now();
    this.lastHeardAt = this.startedAt;
    this.tick();
  }

  /** Plays 8 kHz mono samples after what is queued; resolves once the last packet is sent (or the audio is flushed). */
  play(samples: Int16Array): Promise<void> {
    return new Promise((done) => this.queue.push({ samples, offset: 0, done }));
  }

  /** Drops queued audio (an interruption, the call's end). */
  flush(): void {
    for (const item of this.queue.splice(0)) item.done();
  }

  /** A re-offer from the far end: its direction and, when it says one, its new address (latched again). */
  renegotiate(theirDirection: MediaDirection, remote?: { address: string; port: number }): void {
    this.theirDirection = theirDirection;
    this.lastHeardAt = performance.now();
    // A c= of 0.0.0.0 is a hold, not an address; the same address as signalled before keeps the latched one.
    if (remote && remote.address !== '0.0.0.0' && (remote.address !== this.signalled.address || remote.port !== this.signalled.port)) {
      this.signalled = remote;
      this.remote = remote;
      this.latched = false;
    }
  }

  /** Whether the far end takes our media now (not on hold). */
  get sending(): boolean {
    return this.theirDirection === 'sendrecv' || this.theirDirection === 'recvonly';
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flush();
  }

  /** How far each packet's send time was from its due time, in ms (for pacing checks). */
  readonly lateness: number[] = [];

  private tick(): void {
    const now = performance.now();
    if (this.theirDirection !== 'sendrecv') this.lastHeardAt = now; // on hold: silence is expected
    if (now - this.lastHeardAt > this.options.mediaTimeoutMs) {
      this.close();
      this.options.onMediaTimeout();
      return;
    }
    while (this.startedAt + this.sent * PACKET_MS <= now) {
      if (!this.sending) {
        this.sent++; // on hold: the packet's time passes unsent, the prompt waits
        continue;
      }
      if (this.lateness.length < 10_000) this.lateness.push(now - (this.startedAt + this.sent * PACKET_MS));
      this.sendPacket();
    }
    this.timer = setTimeout(() => this.tick(), Math.max(0, this.startedAt + this.sent * PACKET_MS - performance.now()));
  }

  private sendPacket(): void {
    const payload = this.nextPayload();
    const packet = encodeRtp(
      { payloadType: this.options.payloadType, marker: this.sent === 0, sequence: this.sequence++, timestamp: this.firstTimestamp + this.sent * SAMPLES_PER_PACKET, ssrc: this.ssrc },
      payload,
    );
    this.options.recording?.botFrame(this.sent, decodeG711(this.options.codec, payload));
    this.sent++;
    this.sequenceSent++;
    this.options.socket.send(packet, this.remote.port, this.remote.address);
  }

  private nextPayload(): Uint8Array {
    const item = this.queue[0];
    if (!item) return this.silence;
    const frame = new Int16Array(SAMPLES_PER_PACKET);
    frame.set(item.samples.subarray(item.offset, item.offset + SAMPLES_PER_PACKET));
    item.offset += SAMPLES_PER_PACKET;
    if (item.offset >= item.samples.length) {
      this.queue.shift();
      item.done();
    }
    return encodeG711(this.options.codec, frame);
  }

  private receive(raw: Buffer, from: { address: string; port: number }): void {
    const packet = decodeRtp(raw);
    if (!packet) return;
    this.received++;
    this.lastHeardAt = performance.now();
    if (!this.latched) {
      this.latched = true;
      this.remote = { address: from.address, port: from.port };
    }
    if (packet.payloadType === this.options.telephoneEvent) {
      const event = decodeTelephoneEvent(packet.payload);
      if (!event || packet.timestamp === this.lastEventTimestamp) return;
      this.lastEventTimestamp = packet.timestamp;
      const key = dtmfKey(event.event);
      if (key) this.options.onKey(key);
      return;
    }
    if (packet.payloadType !== this.options.payloadType) return;
    const samples = decodeG711(this.options.codec, packet.payload);
    if (this.heard.length < 30_000) this.heard.push(samples);
    if (this.options.recording) {
      // The first packet's arrival fixes where the far end's timeline starts on ours; its RTP timestamps place the rest.
      this.calleeOrigin ??= { slot: Math.round((performance.now() - this.startedAt) / PACKET_MS), timestamp: packet.timestamp };
      const offset = ((packet.timestamp - this.calleeOrigin.timestamp) | 0) / SAMPLES_PER_PACKET;
      if (Number.isInteger(offset)) this.options.recording.calleeFrame(this.calleeOrigin.slot + offset, samples);
    }
  }
}
