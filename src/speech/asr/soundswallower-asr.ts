import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import createModule, { type Decoder, type SoundSwallowerModule } from 'soundswallower';
import { concatPcm, PCM_SAMPLE_RATE } from '../pcm.ts';
import type { Asr, AsrResult, AsrStream, AsrStreamOptions } from './asr.ts';
import { buildHintGrammar, GARBAGE_WORDS, type HintGrammar, matchHypothesis } from './hint-grammar.ts';

/**
 * The offline default: soundswallower, PocketSphinx compiled to WebAssembly, with the US
 * English acoustic model and dictionary that ship inside its npm package (nothing is
 * downloaded). It recognises finite-state grammars only, so it is given one built from
 * the turn's hints (hint-grammar.ts); without hints it can match nothing and says so.
 *
 * No resampling: the packaged model's filter bank spans 130-3700 Hz (its
 * feat_params.json), inside the 4 kHz band of 8 kHz audio, so the decoder is configured
 * for 8 kHz and fed the call's samples as they are. Upsampling to 16 kHz would add no
 * information and double the front end's work.
 *
 * A decoder holds one utterance at a time and takes a while to load the model, so
 * decoders are kept in a pool: a stream takes an idle one (or loads another) and gives it
 * back when finished. Decoding is synchronous, in `finish` (and in `write` when partials
 * are asked for): tens of times faster than real time on this machine (docs/performance.md).
 */
export class SoundSwallowerAsr implements Asr {
  private readonly idle: Decoder[] = [];
  private readonly grammars = new Map<string, HintGrammar>();
  /** Which grammar each decoder has loaded, so one is not parsed again for the same hints. */
  private readonly loaded = new WeakMap<Decoder, string>();
  /** Decoders are loaded one after another: see newDecoder. */
  private loading: Promise<unknown> = Promise.resolve();

  private constructor(private readonly module: SoundSwallowerModule) {}

  /** Loads the WebAssembly module and one decoder (about a second; do it at start-up). */
  static async load(): Promise<SoundSwallowerAsr> {
    const asr = new SoundSwallowerAsr(await loadSoundSwallowerModule());
    asr.idle.push(await asr.newDecoder());
    return asr;
  }

  open(options: AsrStreamOptions = {}): AsrStream {
    const decoder = this.idle.pop();
    return new SoundSwallowerStream(decoder ? Promise.resolve(decoder) : this.newDecoder(), options, {
      prepare: (d) => this.prepare(d, options.hints ?? []),
      release: (d) => this.idle.push(d),
    });
  }

  /** Frees the decoders' WebAssembly memory. Streams still open must not be used after. */
  close(): void {
    for (const decoder of this.idle.splice(0)) decoder.delete();
  }

  /**
   * One load at a time: decoders initialised concurrently in one module were seen to
   * recognise wrongly (four utterances ending within one tick each loaded a decoder at
   * once, and one of them heard nothing), so each waits for the previous load.
   */
  private newDecoder(): Promise<Decoder> {
    const next = this.loading.then(() => this.loadDecoder());
    this.loading = next.catch(() => {});
    return next;
  }

  private async loadDecoder(): Promise<Decoder> {
    // loglevel FATAL: the garbage path makes "final result does not match the grammar"
    // an ordinary outcome, and the library would print it for every such utterance.
    // dither: G.711 silence decodes to exact zeros, whose log spectrum skews the
    // utterance's cepstral mean; "yes I will pay today" after 200 ms of zeros was lost
    // without it. A fixed seed keeps the dither, and so the results, repeatable.
    const decoder = new this.module.Decoder({ samprate: PCM_SAMPLE_RATE, loglevel: 'FATAL', dither: true, seed: 1 });
    await decoder.initialize();
    decoder.add_words(...GARBAGE_WORDS.map(([word, phones]) => [word, phones] as [string, string]));
    return decoder;
  }

  /** Loads the hints' grammar into the decoder unless it has it already. */
  private prepare(decoder: Decoder, hints: readonly string[]): HintGrammar {
    const key = hints.join('\n');
    let grammar = this.grammars.get(key);
    if (!grammar) {
      grammar = buildHintGrammar(hints, (word) => decoder.lookup_word(word) !== null);
      if (this.grammars.size >= 256) this.grammars.clear(); // bounded: scripts change
      this.grammars.set(key, grammar);
    }
    if (grammar.jsgf !== undefined && this.loaded.get(decoder) !== key) {
      decoder.set_grammar(grammar.jsgf);
      this.loaded.set(decoder, key);
    }
    return grammar;
  }
}

/** The WebAssembly module, told where its packaged model sits (next to its own file). */
export function loadSoundSwallowerModule(): Promise<SoundSwallowerModule> {
  const modelBase = `${join(dirname(fileURLToPath(import.meta.resolve('soundswallower'))), 'model')}/`;
  return createModule({ modelBase } as Partial<SoundSwallowerModule>);
}

interface DecoderLease {
  prepare(decoder: Decoder): HintGrammar;
  release(decoder: Decoder): void;
}

/**
 * One utterance on one pooled decoder. The final result comes from one pass over the whole
 * utterance (full-utterance mode: cepstral mean normalisation over that utterance alone).
 * Decoding live carries the normalisation over from the decoder's previous utterances, and
 * that was seen to lose a phrase on a pooled decoder that had heard other phrases before
 * (test/speech/hearing.test.ts, four answers in one call). So live decoding runs only when
 * partial hypotheses are asked for, and the final pass is made anew.
 */
class SoundSwallowerStream implements AsrStream {
  private decoder: Decoder | undefined;
  private grammar: HintGrammar | undefined;
  private readonly audio: Int16Array[] = [];
  private live = false;
  private lastPartial = '';
  private done = false;
  private readonly ready: Promise<void>;

  constructor(
    decoder: Promise<Decoder>,
    private readonly options: AsrStreamOptions,
    private readonly lease: DecoderLease,
  ) {
    this.ready = decoder.then((d) => {
      if (this.done) return this.lease.release(d);
      this.grammar = this.lease.prepare(d);
      this.decoder = d;
      if (this.grammar.jsgf === undefined || !this.options.onPartial) return;
      d.start();
      this.live = true;
      for (const pcm of this.audio) this.decodeLive(pcm);
    });
    this.ready.catch(() => {}); // reported by finish()
  }

  write(pcm: Int16Array): void {
    if (this.done) return;
    const copy = pcm.slice();
    this.audio.push(copy);
    if (this.live) this.decodeLive(copy);
  }

  async finish(): Promise<AsrResult> {
    await this.ready;
    const decoder = this.decoder!;
    const grammar = this.grammar!;
    this.done = true;
    try {
      if (grammar.jsgf === undefined) return { text: '', confidence: 0 };
      if (this.live) decoder.stop();
      decoder.start();
      decoder.process_audio(toFloat(concatPcm(this.audio)), false, true);
      decoder.stop();
      const { text, hint } = matchHypothesis(decoder.get_text(), grammar);
      if (hint === undefined) return { text: '', confidence: 0 };
      return { text, hint, confidence: wordConfidence(decoder) };
    } finally {
      this.lease.release(decoder);
    }
  }

  cancel(): void {
    if (this.done) return;
    this.done = true;
    if (this.decoder) {
      if (this.live) this.decoder.stop();
      this.lease.release(this.decoder);
    }
  }

  private decodeLive(pcm: Int16Array): void {
    const decoder = this.decoder!;
    decoder.process_audio(toFloat(pcm), false, false);
    const { text } = matchHypothesis(decoder.get_text(), this.grammar!);
    if (text !== '' && text !== this.lastPartial) {
      this.lastPartial = text;
      this.options.onPartial!({ text });
    }
  }
}

function toFloat(pcm: Int16Array): Float32Array {
  return Float32Array.from(pcm, (sample) => sample / 32768);
}

/** The mean posterior probability of the recognised words (garbage and silences left out). */
function wordConfidence(decoder: Decoder): number {
  const words = (decoder.get_alignment().w ?? []).filter((w) => /^[a-z0-9']/.test(w.t) && !w.t.startsWith('garbage_'));
  if (words.length === 0) return 0;
  return words.reduce((sum, w) => sum + w.p, 0) / words.length;
}
