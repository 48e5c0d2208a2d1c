/**
 * Text to speech: a prompt's text becomes 8 kHz mono 16-bit samples, what G.711 carries.
 * Engines sit behind this one interface (the offline espeak-ng one first).
 */
export interface Tts {
  render(text: string, voice?: string): Promise<Int16Array>;
}

export const TTS_SAMPLE_RATE = 8000;
