import { TTS_SAMPLE_RATE } from './tts/tts.ts';

/**
 * What both directions of a call carry: G.711 decodes to 8 kHz mono 16-bit samples, the
 * same rate the prompts are rendered at. Times in the hearing modules are stream times in
 * milliseconds, counted from the samples written (no clock is read: the audio is the clock).
 */
export const PCM_SAMPLE_RATE = TTS_SAMPLE_RATE;

/** Samples in one millisecond at the call's rate (8). */
export const SAMPLES_PER_MS = PCM_SAMPLE_RATE / 1000;

export function samplesToMs(samples: number): number {
  return samples / SAMPLES_PER_MS;
}

export function concatPcm(parts: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
