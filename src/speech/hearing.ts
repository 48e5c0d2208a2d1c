import type { Asr, AsrStream } from './asr/asr.ts';
import { UtteranceDetector, type UtteranceDetectorOptions } from './vad/utterance-detector.ts';

/**
 * Hearing the callee: call audio in, what the callee said out. Voice activity detection
 * (UtteranceDetector) cuts the stream into utterances; each utterance's audio goes to a
 * recogniser stream as it is spoken, and the recogniser's final result comes out with the
 * utterance's times. Silence never reaches the recogniser, so a silent callee produces no
 * utterance at all (a silence turn), while speech that matches nothing produces an
 * utterance with no hint (a no-match turn).
 *
 * Barge-in is an event, not a flag the caller polls: when speech starts while the caller
 * has said an interruptible prompt is playing, `onBargeIn` fires with the frame that
 * decided it, and the caller stops the prompt's audio. Its latency is `detectedMs -
 * startMs` in stream time (60 ms with the default three-frame onset), plus whatever the
 * caller's audio path adds.
 *
 * Hints can change between turns (`setHints`): the listening node's intents' utterances
 * and keywords. An utterance uses the hints in force when it began.
 */
export interface HeardUtterance {
  /** The recognised text ('' when nothing usable was recognised). */
  text: string;
  /** The hint the text matched, as given; absent for no match. */
  hint?: string;
  confidence: number;
  /** Stream times in ms: the speech's start and the end of its last speech frame. */
  startMs: number;
  endMs: number;
  /** When the end was decided (endMs + the trailing silence, or the stream's end). */
  detectedMs: number;
  /** The audio given to the recogniser (pre-roll, speech, inner pauses, a short tail). */
  pcm: Int16Array;
}

export interface SpeechStart {
  startMs: number;
  detectedMs: number;
  /** An interruptible prompt was playing: this start is also a barge-in. */
  bargeIn: boolean;
}

export interface HearingListener {
  onSpeechStart?(event: SpeechStart): void;
  onBargeIn?(event: SpeechStart): void;
  onPartial?(event: { text: string; startMs: number }): void;
  onUtterance?(utterance: HeardUtterance): void;
  /** A recogniser failed for one utterance; hearing goes on with the next. */
  onError?(error: unknown): void;
}

export interface HearingOptions {
  hints?: readonly string[];
  vad?: Partial<UtteranceDetectorOptions>;
}

export class Hearing {
  private readonly detector: UtteranceDetector;
  private hints: readonly string[];
  private prompt: 'none' | 'interruptible' | 'uninterruptible' = 'none';
  private stream: AsrStream | undefined;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly asr: Asr,
    private readonly listener: HearingListener,
    options: HearingOptions = {},
  ) {
    this.hints = options.hints ?? [];
    this.detector = new UtteranceDetector(
      {
        onStart: ({ startMs, detectedMs }) => this.started(startMs, detectedMs),
        onAudio: (pcm) => this.stream?.write(pcm),
        onEnd: (end) => this.ended(end),
      },
      options.vad,
    );
  }

  /** The callee's audio, decoded from G.711, any chunk length, in stream order. */
  write(pcm: Int16Array): void {
    this.detector.write(pcm);
  }

  setHints(hints: readonly string[]): void {
    this.hints = hints;
  }

  /** What the bot is playing now: speech during an interruptible prompt is a barge-in. */
  setPrompt(prompt: 'none' | 'interruptible' | 'uninterruptible'): void {
    this.prompt = prompt;
  }

  get speaking(): boolean {
    return this.detector.speaking;
  }

  /** The stream ended: an utterance in progress is finished; resolves when all are reported. */
  async close(): Promise<void> {
    this.detector.flush();
    await this.settled();
  }

  /** Resolves when every ended utterance has been recognised and reported. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending);
  }

  /** Stops listening at once (hang-up): the utterance in progress is dropped unrecognised. */
  abort(): void {
    this.stream?.cancel();
    this.stream = undefined;
  }

  private started(startMs: number, detectedMs: number): void {
    const event: SpeechStart = { startMs, detectedMs, bargeIn: this.prompt === 'interruptible' };
    const onPartial = this.listener.onPartial;
    this.stream = this.asr.open({
      hints: this.hints,
      ...(onPartial ? { onPartial: ({ text }: { text: string }) => onPartial({ text, startMs }) } : {}),
    });
    this.listener.onSpeechStart?.(event);
    if (event.bargeIn) this.listener.onBargeIn?.(event);
  }

  private ended(end: { startMs: number; endMs: number; detectedMs: number; pcm: Int16Array }): void {
    const stream = this.stream;
    this.stream = undefined;
    if (!stream) return; // aborted
    const done = stream
      .finish()
      .then((result) => {
        this.listener.onUtterance?.({ ...result, startMs: end.startMs, endMs: end.endMs, detectedMs: end.detectedMs, pcm: end.pcm });
      })
      .catch((error: unknown) => this.listener.onError?.(error))
      .finally(() => this.pending.delete(done));
    this.pending.add(done);
  }
}
