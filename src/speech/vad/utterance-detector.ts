import { concatPcm, SAMPLES_PER_MS, samplesToMs } from '../pcm.ts';
import { DEFAULT_ENERGY_CLASSIFIER, EnergyClassifier, type EnergyClassifierOptions } from './energy-classifier.ts';

/**
 * Utterances out of a stream of call audio: where the callee starts speaking, the speech
 * itself, and where the callee has stopped (end of utterance), so that only speech reaches
 * the recogniser.
 *
 * States: SILENT -> (startFrames speech frames in a row) -> SPEAKING -> (trailingSilenceMs
 * without speech, or maxUtteranceMs in all) -> SILENT.
 *
 * - Onset: `startFrames` speech frames in a row (60 ms by default) open an utterance, so a
 *   click or a single loud frame does not. The start time is the first of them; the
 *   `preRollMs` of audio before it is prepended, because a word's first consonant is
 *   quieter than the vowel that crosses the threshold.
 * - Pauses: silence inside an utterance is held back and handed on only if speech resumes,
 *   so a pause between words reaches the recogniser and the trailing silence does not
 *   (beyond `tailMs`, kept for the last word's fade).
 * - End: after `trailingSilenceMs` without speech; the end time is the end of the last
 *   speech frame, and the event comes with the frame that completes the silence.
 *
 * Audio arrives in chunks of any length (RTP packets are 20 ms, but nothing depends on it)
 * and is analysed in frames of `frameMs`. Times are stream times (ms since the first sample).
 */
export interface UtteranceDetectorOptions {
  frameMs: number;
  startFrames: number;
  preRollMs: number;
  trailingSilenceMs: number;
  tailMs: number;
  maxUtteranceMs: number;
  energy: EnergyClassifierOptions;
}

export const DEFAULT_UTTERANCE_DETECTOR: UtteranceDetectorOptions = {
  frameMs: 20,
  startFrames: 3,
  preRollMs: 200,
  trailingSilenceMs: 700,
  tailMs: 100,
  maxUtteranceMs: 15_000,
  energy: DEFAULT_ENERGY_CLASSIFIER,
};

export interface UtteranceListener {
  /** Speech began at `startMs`; it was decided at `detectedMs` (the end of the deciding frame). */
  onStart(event: { startMs: number; detectedMs: number }): void;
  /** Audio of the open utterance, in order: the pre-roll first, then speech and inner pauses. */
  onAudio(pcm: Int16Array): void;
  /** The utterance is over; `pcm` is all its audio as handed to onAudio. */
  onEnd(event: { startMs: number; endMs: number; detectedMs: number; pcm: Int16Array; truncated: boolean }): void;
}

export class UtteranceDetector {
  private readonly options: UtteranceDetectorOptions;
  private readonly classifier: EnergyClassifier;
  private readonly frameSamples: number;
  private partial: Int16Array = new Int16Array(0);
  private samplesSeen = 0;
  /** Recent frames while silent: the onset candidates and the pre-roll before them. */
  private recent: Int16Array[] = [];
  private speechRun = 0;
  private open: { startMs: number; lastSpeechEndMs: number; audio: Int16Array[]; held: Int16Array[] } | undefined;

  constructor(
    private readonly listener: UtteranceListener,
    options: Partial<UtteranceDetectorOptions> = {},
  ) {
    this.options = { ...DEFAULT_UTTERANCE_DETECTOR, ...options };
    this.frameSamples = this.options.frameMs * SAMPLES_PER_MS;
    this.classifier = new EnergyClassifier(this.options.frameMs, this.options.energy);
  }

  get speaking(): boolean {
    return this.open !== undefined;
  }

  get noiseFloorDb(): number {
    return this.classifier.noiseFloorDb;
  }

  write(pcm: Int16Array): void {
    let chunk = pcm;
    if (this.partial.length > 0) {
      chunk = concatPcm([this.partial, pcm]);
      this.partial = new Int16Array(0);
    }
    let at = 0;
    for (; at + this.frameSamples <= chunk.length; at += this.frameSamples) this.frame(chunk.slice(at, at + this.frameSamples));
    if (at < chunk.length) this.partial = chunk.slice(at);
  }

  /** The stream ended (hang-up): an open utterance ends where its speech did. */
  flush(): void {
    if (this.open) this.end(samplesToMs(this.samplesSeen), false);
  }

  private frame(frame: Int16Array): void {
    const startMs = samplesToMs(this.samplesSeen);
    this.samplesSeen += frame.length;
    const endMs = samplesToMs(this.samplesSeen);
    const speech = this.classifier.isSpeech(frame);
    if (this.open) this.continueUtterance(frame, speech, endMs);
    else this.awaitOnset(frame, speech, startMs, endMs);
  }

  private awaitOnset(frame: Int16Array, speech: boolean, frameStartMs: number, frameEndMs: number): void {
    this.recent.push(frame);
    const keep = this.options.startFrames + Math.ceil(this.options.preRollMs / this.options.frameMs);
    if (this.recent.length > keep) this.recent.shift();
    this.speechRun = speech ? this.speechRun + 1 : 0;
    if (this.speechRun < this.options.startFrames) return;
    const startMs = frameStartMs - (this.options.startFrames - 1) * this.options.frameMs;
    this.open = { startMs, lastSpeechEndMs: frameEndMs, audio: [], held: [] };
    this.speechRun = 0;
    this.listener.onStart({ startMs, detectedMs: frameEndMs });
    const opening = concatPcm(this.recent);
    this.recent = [];
    this.emit(opening);
  }

  private continueUtterance(frame: Int16Array, speech: boolean, frameEndMs: number): void {
    const open = this.open!;
    if (speech) {
      for (const held of open.held.splice(0)) this.emit(held);
      this.emit(frame);
      open.lastSpeechEndMs = frameEndMs;
      if (frameEndMs - open.startMs >= this.options.maxUtteranceMs) this.end(frameEndMs, true);
      return;
    }
    open.held.push(frame);
    if (frameEndMs - open.lastSpeechEndMs >= this.options.trailingSilenceMs) this.end(frameEndMs, false);
  }

  private end(detectedMs: number, truncated: boolean): void {
    const open = this.open!;
    const tailFrames = Math.floor(this.options.tailMs / this.options.frameMs);
    for (const held of open.held.slice(0, tailFrames)) this.emit(held);
    this.open = undefined;
    this.listener.onEnd({ startMs: open.startMs, endMs: open.lastSpeechEndMs, detectedMs, pcm: concatPcm(open.audio), truncated });
  }

  private emit(pcm: Int16Array): void {
    this.open!.audio.push(pcm);
    this.listener.onAudio(pcm);
  }
}
