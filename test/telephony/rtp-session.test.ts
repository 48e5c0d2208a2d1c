import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { decodeG711, encodeG711 } from '../../src/telephony/media/g711.ts';
import { decodeRtp, encodeRtp } from '../../src/telephony/media/rtp-packet.ts';
import { RtpSession } from '../../src/telephony/media/rtp-session.ts';

/** An RtpSession and a plain UDP socket facing it on loopback: real packets both ways. */
async function pair(options: { mediaTimeoutMs?: number; onKey?: (key: string) => void; onMediaTimeout?: () => void } = {}) {
  const bound = (): Promise<Socket> =>
    new Promise((resolve) => {
      const socket = createSocket('udp4');
      socket.bind(0, '127.0.0.1', () => resolve(socket));
    });
  const local = await bound();
  const far = await bound();
  const session = new RtpSession({
    socket: local,
    remote: { address: '127.0.0.1', port: far.address().port },
    codec: 'PCMU',
    payloadType: 0,
    telephoneEvent: 101,
    mediaTimeoutMs: options.mediaTimeoutMs ?? 10_000,
    onKey: options.onKey ?? (() => {}),
    onMediaTimeout: options.onMediaTimeout ?? (() => {}),
  });
  return { session, local, far, close: () => (session.close(), local.close(), far.close()) };
}

describe('RtpSession on loopback', { timeout: 20_000 }, () => {
  it('sends a prompt as 20 ms PCMU packets paced from the monotonic clock, and the far end decodes the same audio', async () => {
    const { session, far, close } = await pair();
    const tone = new Int16Array(8000); // one second of 440 Hz
    for (let i = 0; i < tone.length; i++) tone[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000));
    const arrivals: number[] = [];
    const payloads: Buffer[] = [];
    far.on('message', (raw) => {
      const packet = decodeRtp(raw)!;
      arrivals.push(performance.now());
      payloads.push(Buffer.from(packet.payload));
      assert.equal(packet.payloadType, 0);
    });
    const played = session.play(tone); // queued before the first packet, so packets 0-49 are the tone
    session.start();
    await played;
    await new Promise((resolve) => setTimeout(resolve, 100));
    close();
    // 50 packets of the tone, then silence; every packet is 160 samples.
    assert.ok(payloads.length >= 50, `${payloads.length} packets`);
    assert.ok(payloads.every((payload) => payload.length === 160));
    const heard = decodeG711('PCMU', Buffer.concat(payloads.slice(0, 50)));
    const expected = decodeG711('PCMU', encodeG711('PCMU', tone));
    assert.deepEqual(heard, expected, 'the far end hears the prompt exactly as G.711 carries it');
    // Pacing: packet n arrives at (first due time + n x 20 ms) plus a small delay; the spread of
    // those delays over all packets is the pacing error, and it does not grow with n (no drift).
    const offsets = arrivals.map((at, n) => at - n * 20);
    const spread = Math.max(...offsets) - Math.min(...offsets);
    // Loose bound: this machine is shared by several busy processes; a late timer delays packets but must not accumulate.
    assert.ok(spread < 40, `pacing error spread ${spread.toFixed(1)} ms over ${arrivals.length} packets`);
    const late = offsets.slice(-10).reduce((a, b) => a + b, 0) / 10 - offsets.slice(1, 11).reduce((a, b) => a + b, 0) / 10;
    assert.ok(Math.abs(late) < 5, `drift ${late.toFixed(1)} ms between the first and last ten packets`);
  });

  it('reads RFC 4733 events as one key each (repeats and end packets ignored), and latches onto the sender', async () => {
    const keys: string[] = [];
    const { session, local, far, close } = await pair({ onKey: (key) => keys.push(key) });
    session.start();
    const port = local.address().port;
    const send = (sequence: number, timestamp: number, event: number, end: boolean, duration: number) =>
      far.send(encodeRtp({ payloadType: 101, marker: false, sequence, timestamp, ssrc: 7 }, Buffer.from([event, end ? 0x80 | 10 : 10, duration >> 8, duration & 0xff])), port, '127.0.0.1');
    let sequence = 1;
    for (const [timestamp, event] of [[1000, 1], [5000, 11], [9000, 1]] as const) {
      for (const duration of [160, 320, 480]) send(sequence++, timestamp, event, false, duration);
      for (let i = 0; i < 3; i++) send(sequence++, timestamp, event, true, 640);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    close();
    assert.deepEqual(keys, ['1', '#', '1']);
    assert.equal(session.received, 18);
  });

  it('ends the stream when nothing arrives for the media timeout', async () => {
    let timedOutAt = 0;
    const { session, close } = await pair({ mediaTimeoutMs: 300, onMediaTimeout: () => (timedOutAt = performance.now()) });
    const started = performance.now();
    session.start();
    await new Promise((resolve) => setTimeout(resolve, 600));
    close();
    assert.ok(timedOutAt > 0, 'no media timeout');
    assert.ok(timedOutAt - started >= 300 && timedOutAt - started < 400, `timed out after ${(timedOutAt - started).toFixed(0)} ms`);
  });

  it('on hold (the far end sendonly) sends nothing and keeps the prompt, no media timeout; resumed it plays on, RTP timestamps spanning the hold', async () => {
    let timedOut = false;
    const { session, far, close } = await pair({ mediaTimeoutMs: 300, onMediaTimeout: () => (timedOut = true) });
    const packets: Array<{ at: number; timestamp: number }> = [];
    far.on('message', (raw, from) => {
      packets.push({ at: performance.now(), timestamp: decodeRtp(raw)!.timestamp });
      far.send(raw, from.port, from.address); // a live far end sends too (echoed), except while it holds
    });
    const played = session.play(new Int16Array(8000));
    session.start();
    await new Promise((resolve) => setTimeout(resolve, 200));
    session.renegotiate('sendonly');
    const heldAt = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 600)); // twice the media timeout, the far end silent
    const duringHold = packets.filter((p) => p.at > heldAt + 5).length;
    session.renegotiate('sendrecv');
    await played;
    await new Promise((resolve) => setTimeout(resolve, 50)); // the last packet's way over loopback
    close();
    assert.equal(duringHold, 0, 'no packet while held');
    assert.equal(timedOut, false, 'no media timeout while held');
    const gap = packets.findIndex((p, n) => n > 0 && p.timestamp - packets[n - 1]!.timestamp > 160);
    assert.ok(gap > 0, 'the timestamps jump across the hold');
    assert.ok(packets[gap]!.timestamp - packets[gap - 1]!.timestamp >= 160 * 25, 'by about the hold time (600 ms = 30 packets)');
    assert.ok(packets.length >= 50, `the whole second was played after the hold: ${packets.length} packets`);
  });
});
