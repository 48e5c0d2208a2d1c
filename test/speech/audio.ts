import { EspeakTts } from '../../src/speech/tts/espeak-tts.ts';
import { decodeG711, encodeG711, type G711Codec } from '../../src/telephony/media/g711.ts';
import { concatPcm, SAMPLES_PER_MS } from '../../src/speech/pcm.ts';

/**
 * Test audio as a callee's line delivers it: English phrases spoken by espeak-ng (the
 * project's offline TTS), noise from a seeded generator, all passed through G.711 and
 * back, at 8 kHz.
 */
const tts = new EspeakTts();
const rendered = new Map<string, Promise<Int16Array>>();

/** The phrase as heard through G.711 (each phrase is rendered once per test process). */
export function spoken(text: string, codec: G711Codec = 'PCMU'): Promise<Int16Array> {
  const key = `${codec}\n${text}`;
  let pcm = rendered.get(key);
  if (!pcm) {
    pcm = tts.render(text).then((samples) => throughG711(codec, samples));
    rendered.set(key, pcm);
  }
  return pcm;
}

export function throughG711(codec: G711Codec, samples: Int16Array): Int16Array {
  return decodeG711(codec, encodeG711(codec, samples));
}

export function silence(ms: number): Int16Array {
  return throughG711('PCMU', new Int16Array(ms * SAMPLES_PER_MS));
}

/** A small seeded generator (mulberry32), so the noise is the same on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** White noise, uniform, peak `amplitude` (of 32767), through G.711. */
export function whiteNoise(ms: number, seed: number, amplitude: number): Int16Array {
  const random = seeded(seed);
  const out = new Int16Array(ms * SAMPLES_PER_MS);
  for (let i = 0; i < out.length; i++) out[i] = Math.round((random() * 2 - 1) * amplitude);
  return throughG711('PCMU', out);
}

/** Pink noise (-3 dB per octave, Paul Kellet's economy filter over white noise), through G.711. */
export function pinkNoise(ms: number, seed: number, amplitude: number): Int16Array {
  const random = seeded(seed);
  const out = new Int16Array(ms * SAMPLES_PER_MS);
  let b0 = 0;
  let b1 = 0;
  let b2 = 0;
  for (let i = 0; i < out.length; i++) {
    const white = random() * 2 - 1;
    b0 = 0.99765 * b0 + white * 0.099046;
    b1 = 0.963 * b1 + white * 0.2965164;
    b2 = 0.57 * b2 + white * 1.0526913;
    const pink = (b0 + b1 + b2 + white * 0.1848) / 3.5; // about -1..1
    out[i] = Math.max(-32768, Math.min(32767, Math.round(pink * amplitude)));
  }
  return throughG711('PCMU', out);
}

export { concatPcm };

/** The stream cut into 20 ms chunks, as RTP delivers it. */
export function* packets(pcm: Int16Array, ms = 20): Generator<Int16Array> {
  const size = ms * SAMPLES_PER_MS;
  for (let at = 0; at < pcm.length; at += size) yield pcm.subarray(at, at + size);
}

/** Where a clip's speech begins and ends (ms): the first and last sample above 1 % of full scale. */
export function speechBounds(pcm: Int16Array): { startMs: number; endMs: number } {
  const loud = (x: number) => Math.abs(x) > 328;
  let first = 0;
  while (first < pcm.length && !loud(pcm[first]!)) first++;
  let last = pcm.length - 1;
  while (last > first && !loud(pcm[last]!)) last--;
  return { startMs: first / SAMPLES_PER_MS, endMs: (last + 1) / SAMPLES_PER_MS };
}
