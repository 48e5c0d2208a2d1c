/**
 * Hearing's costs, each next to a baseline measured in the same run (STYLE habit 13).
 *
 * - recogniser   SoundSwallowerAsr (hint grammar with its garbage path, 4 hints) on
 *                espeak-ng clips through G.711: 4 answers and 4 out-of-grammar sentences.
 *   baseline     the same audio through a bare soundswallower decoder with a grammar of
 *                the 4 phrases alone (no garbage path), and real time.
 *   Reported: real-time factor (decode time / audio time), recognitions per second on
 *   one core (decoding is synchronous, one thread), and how many clips came out right.
 * - VAD          UtteranceDetector per 20 ms frame over a minute of speech, pauses, noise.
 *   baseline     the frame's RMS level alone (the least an energy VAD must compute), and
 *                the 20 ms a frame lasts.
 *
 * Env: BENCH_ROUNDS (default 20 passes over the clips).
 */
import { performance } from 'node:perf_hooks';
import { loadSoundSwallowerModule, SoundSwallowerAsr } from '../src/speech/asr/soundswallower-asr.ts';
import { frameLevelDb } from '../src/speech/vad/energy-classifier.ts';
import { UtteranceDetector } from '../src/speech/vad/utterance-detector.ts';
import { concatPcm, packets, pinkNoise, silence, spoken } from '../test/speech/audio.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const HINTS = ['yes I will pay today', 'I already paid', 'call me later', "don't call me again"];
const OTHERS = ['who is this', 'the weather is nice in paris', 'maybe next week', 'hello'];
const clips = await Promise.all([...HINTS, ...OTHERS].map((text) => spoken(text)));
const expected = [...HINTS, ...OTHERS.map(() => undefined)];
const audioSeconds = clips.reduce((sum, clip) => sum + clip.length, 0) / 8000;

const asr = await SoundSwallowerAsr.load();
async function engineRound(): Promise<number> {
  let right = 0;
  for (const [i, clip] of clips.entries()) {
    const stream = asr.open({ hints: HINTS });
    stream.write(clip);
    if ((await stream.finish()).hint === expected[i]) right++;
  }
  return right;
}

const module = await loadSoundSwallowerModule();
const bare = new module.Decoder({ samprate: 8000, loglevel: 'FATAL', dither: true, seed: 1 });
await bare.initialize();
bare.set_grammar(`#JSGF V1.0;\ngrammar bare;\npublic <u> = ${HINTS.map((h) => `( ${h.toLowerCase()} )`).join(' | ')};\n`);
const floats = clips.map((clip) => Float32Array.from(clip, (s) => s / 32768));
function bareRound(): number {
  let right = 0;
  for (const [i, pcm] of floats.entries()) {
    bare.start();
    bare.process_audio(pcm, false, true);
    bare.stop();
    if ((bare.get_text() || undefined) === expected[i]?.toLowerCase()) right++;
  }
  return right;
}

async function timed(round: () => number | Promise<number>) {
  await round(); // warm-up
  let right = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let r = 0; r < ROUNDS; r++) right += await round();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const cores = (used.user + used.system) / 1e6 / seconds;
  return { rtf: seconds / (audioSeconds * ROUNDS), perSecond: (clips.length * ROUNDS) / seconds, cores, right: right / ROUNDS };
}

const engine = await timed(engineRound);
const baseline = await timed(bareRound);
asr.close();
bare.delete();

// VAD: a minute of answers between pauses, over a pink-noise line.
const minute: Int16Array[] = [];
for (let i = 0; minute.reduce((s, p) => s + p.length, 0) < 60 * 8000; i++) minute.push(clips[i % clips.length]!, silence(1200));
const line = concatPcm(minute);
const hiss = pinkNoise(line.length / 8, 5, 300);
for (let i = 0; i < line.length; i++) line[i] = Math.max(-32768, Math.min(32767, line[i]! + hiss[i]!));
const frames = [...packets(line)].map((p) => p.slice());
function vadRun(): number {
  let utterances = 0;
  const detector = new UtteranceDetector({ onStart: () => utterances++, onAudio: () => {}, onEnd: () => {} });
  for (const frame of frames) detector.write(frame);
  return utterances;
}
function levelRun(): number {
  let sum = 0;
  for (const frame of frames) sum += frameLevelDb(frame);
  return sum;
}
function perFrameUs(run: () => number): number {
  run();
  const started = performance.now();
  for (let r = 0; r < 10; r++) run();
  return ((performance.now() - started) * 1000) / (10 * frames.length);
}
const vadUs = perFrameUs(vadRun);
const levelUs = perFrameUs(levelRun);

const f = (n: number, d = 3) => n.toFixed(d);
console.log(`voice bench: ${clips.length} clips (${f(audioSeconds, 1)} s of audio) x ${ROUNDS} rounds, Node ${process.version}`);
console.log('recogniser                      RTF   recognitions/s   cores  right/8');
console.log(`  SoundSwallowerAsr (garbage)  ${f(engine.rtf)}  ${f(engine.perSecond, 1).padStart(14)}  ${f(engine.cores, 2).padStart(6)}  ${f(engine.right, 1)}`);
console.log(`  bare decoder (phrases only)  ${f(baseline.rtf)}  ${f(baseline.perSecond, 1).padStart(14)}  ${f(baseline.cores, 2).padStart(6)}  ${f(baseline.right, 1)}`);
console.log(`  ratio engine/bare time       ${f(engine.rtf / baseline.rtf, 2)}   real time is RTF 1.000`);
console.log(`  recognitions/s per core      ${f(engine.perSecond / engine.cores, 1)} (engine), ${f(baseline.perSecond / baseline.cores, 1)} (bare)`);
console.log(`VAD over ${frames.length} frames (${vadRun()} utterances found in a minute with ${Math.round(minute.length / 2)} spoken)`);
console.log(`  UtteranceDetector            ${f(vadUs, 2)} us/frame`);
console.log(`  RMS level alone (baseline)   ${f(levelUs, 2)} us/frame   ratio ${f(vadUs / levelUs, 1)}; real time 20000 us/frame (${f((vadUs / 20000) * 100, 4)} % of a core per call)`);
