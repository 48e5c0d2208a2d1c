/**
 * Speech recognition for one listening turn: the callee's 8 kHz 16-bit PCM (PCM_SAMPLE_RATE)
 * goes in as it arrives, partial hypotheses come out while it does, and one final result
 * when the caller says the utterance is over. Engines sit behind this one interface (the
 * offline soundswallower one first; external ones, such as a Vosk server or an
 * OpenAI-compatible transcription endpoint, fit the same shape: a stream may buffer until
 * its connection is up, and `finish` is where a one-request engine sends the audio).
 *
 * The caller (the Hearing module) only writes speech: voice activity detection sits in
 * front, because a grammar recogniser finds some phrase in anything it is given.
 */
export interface Asr {
  /** Starts recognising one utterance. Never throws for audio: errors come from `finish`. */
  open(options?: AsrStreamOptions): AsrStream;
}

export interface AsrStreamOptions {
  /**
   * Phrases the callee is expected to say: the listening node's intents' example
   * utterances and keywords. A grammar engine recognises only these (anything else is no
   * match); an open-vocabulary engine may use them as a bias or ignore them.
   */
  hints?: readonly string[];
  /** Called with each new partial hypothesis (not called twice with the same text). */
  onPartial?: (partial: AsrPartial) => void;
}

export interface AsrStream {
  /** A chunk of the utterance, any length, in stream order. */
  write(pcm: Int16Array): void;
  /** The utterance is over: the final result. The stream is spent afterwards. */
  finish(): Promise<AsrResult>;
  /** Drops the utterance (the call ended or the turn was abandoned); no result follows. */
  cancel(): void;
}

export interface AsrPartial {
  text: string;
}

export interface AsrResult {
  /** What was recognised, lower case, words separated by one space; '' for nothing usable. */
  text: string;
  /** The hint the text matched, exactly as it was given, when the engine matched one. */
  hint?: string;
  /** 0..1: the engine's confidence in `text` (0 when `text` is ''). */
  confidence: number;
}
