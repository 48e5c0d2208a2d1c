import { join } from 'node:path';
import { CachedTts } from './cached-tts.ts';
import { EspeakTts } from './espeak-tts.ts';
import type { Tts } from './tts.ts';

/** The server's TTS: espeak-ng, its renders cached under `<data dir>/tts-cache` (the SIP carrier's prompts, the simulated carrier's recordings). */
export function offlineTts(dataDir: string): Tts {
  return new CachedTts(new EspeakTts(), 'espeak-ng', join(dataDir, 'tts-cache'));
}
