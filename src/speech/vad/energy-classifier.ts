/**
 * Speech or not, one analysis frame at a time, by the frame's energy against a noise floor
 * that follows the line.
 *
 * The floor is the level the line sits at when nobody speaks. It drops at once to a
 * quieter frame (the quietest recent frame is the best estimate of the line) and rises
 * slowly, `floorRiseDbPerSecond`, while frames are louder: a steady hum or hiss that
 * starts mid-call is absorbed within seconds, while a few seconds of speech move it little.
 * A frame is speech when it is `speechMarginDb` above the floor and above `minSpeechDb`
 * in absolute terms (so a line of near digital silence does not turn breath into speech).
 *
 * Loud noise that starts suddenly (a hiss, a fan, hold music) would take the slow rise
 * many seconds to absorb, so the floor also jumps to the line's level once that level has
 * been steady: frame levels over the last `steadyMs` with a standard deviation under
 * `steadyDeviationDb`. Speech is never that steady: its syllables move the level by 10 dB
 * and more (over 500 ms, espeak-ng's phrases, even a drawn-out "nooooo", stay above 3.4 dB;
 * white noise sits near 0.3 dB, pink noise at 1-3 dB). Such noise still opens one short
 * utterance before the jump; the recogniser's garbage path makes it no match
 * (test/speech/hearing.test.ts).
 */
export interface EnergyClassifierOptions {
  /** How far above the noise floor a frame must be to be speech. */
  speechMarginDb: number;
  /** The quietest a frame can be and still be speech, in dB relative to full scale. */
  minSpeechDb: number;
  /** How fast the floor climbs toward louder frames. */
  floorRiseDbPerSecond: number;
  /** How long the level must hold steady before the floor jumps to it. */
  steadyMs: number;
  /** The standard deviation of frame levels (dB) under which the line counts as steady. */
  steadyDeviationDb: number;
}

export const DEFAULT_ENERGY_CLASSIFIER: EnergyClassifierOptions = {
  speechMarginDb: 12,
  minSpeechDb: -50,
  floorRiseDbPerSecond: 3,
  steadyMs: 500,
  steadyDeviationDb: 2,
};

/** Below any 16-bit signal (one LSB of RMS is -90 dBFS): where the floor starts and stops. */
const SILENCE_DB = -100;

export class EnergyClassifier {
  private floorDb: number | undefined;
  /** The last steadyMs of frame levels, oldest first. */
  private readonly levels: number[] = [];

  constructor(
    private readonly frameMs: number,
    private readonly options: EnergyClassifierOptions = DEFAULT_ENERGY_CLASSIFIER,
  ) {}

  /** The current noise floor in dBFS (the first frame's level until a second arrives). */
  get noiseFloorDb(): number {
    return this.floorDb ?? SILENCE_DB;
  }

  isSpeech(frame: Int16Array): boolean {
    const level = frameLevelDb(frame);
    const floor = this.floorDb ?? level; // the line as first heard
    const speech = level >= floor + this.options.speechMarginDb && level >= this.options.minSpeechDb;
    const rise = (this.options.floorRiseDbPerSecond * this.frameMs) / 1000;
    this.floorDb = level < floor ? level : Math.min(level, floor + rise);
    this.levels.push(level);
    if (this.levels.length > this.options.steadyMs / this.frameMs) this.levels.shift();
    const steady = this.steadyLevel();
    if (steady !== undefined && steady > this.floorDb) this.floorDb = steady;
    return speech;
  }

  /** The mean of the recent levels when they have held steady for the whole window. */
  private steadyLevel(): number | undefined {
    if (this.levels.length < this.options.steadyMs / this.frameMs) return undefined;
    const mean = this.levels.reduce((sum, level) => sum + level, 0) / this.levels.length;
    const variance = this.levels.reduce((sum, level) => sum + (level - mean) ** 2, 0) / this.levels.length;
    return Math.sqrt(variance) < this.options.steadyDeviationDb ? mean : undefined;
  }
}

/** RMS level of a frame in dB relative to a full-scale square wave. */
export function frameLevelDb(frame: Int16Array): number {
  let sum = 0;
  for (const sample of frame) sum += sample * sample;
  const meanSquare = sum / Math.max(1, frame.length) / (32768 * 32768);
  return Math.max(SILENCE_DB, 10 * Math.log10(meanSquare || 1e-12));
}
