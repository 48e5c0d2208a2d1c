import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UtteranceDetector, type UtteranceDetectorOptions } from '../../src/speech/vad/utterance-detector.ts';
import { concatPcm, packets, pinkNoise, silence, speechBounds, spoken, whiteNoise } from './audio.ts';

type Ended = { startMs: number; endMs: number; detectedMs: number; pcm: Int16Array; truncated: boolean };

function detect(pcm: Int16Array, options: Partial<UtteranceDetectorOptions> = {}) {
  const starts: { startMs: number; detectedMs: number }[] = [];
  const ends: Ended[] = [];
  let audio = 0;
  const detector = new UtteranceDetector(
    { onStart: (e) => starts.push(e), onAudio: (chunk) => (audio += chunk.length), onEnd: (e) => ends.push(e) },
    options,
  );
  for (const packet of packets(pcm)) detector.write(packet);
  return { starts, ends, audio, detector };
}

test('silence only opens no utterance', () => {
  assert.deepEqual(detect(silence(10_000)).starts, []);
});

test('white and pink noise from the start of the line open no utterance', () => {
  assert.deepEqual(detect(whiteNoise(8000, 1, 3000)).starts, []);
  assert.deepEqual(detect(pinkNoise(8000, 2, 12000)).starts, []);
});

test('noise that starts mid-call opens at most one short utterance, then the floor has absorbed it', () => {
  const { starts, ends, detector } = detect(concatPcm([silence(1000), whiteNoise(10_000, 3, 3000)]));
  assert.ok(starts.length <= 1, `${starts.length} utterances`);
  assert.ok(ends.every((e) => e.endMs - e.startMs < 1500), JSON.stringify(ends.map((e) => [e.startMs, e.endMs])));
  assert.equal(detector.speaking, false);
  assert.ok(detector.noiseFloorDb > -40, `floor ${detector.noiseFloorDb} dB`);
});

test('speech then silence is one utterance whose end comes after the trailing silence (700 ms, within a frame)', async () => {
  const clip = await spoken('yes I will pay today');
  const truth = speechBounds(clip);
  const { starts, ends } = detect(concatPcm([silence(1000), clip, silence(3000)]));
  assert.equal(starts.length, 1);
  assert.equal(ends.length, 1);
  const [end] = ends;
  assert.equal(end!.detectedMs - end!.endMs, 700, 'the end is decided 700 ms after the last speech frame');
  // the last speech frame is the one holding the clip's last loud sample (20 ms frames)
  assert.ok(Math.abs(end!.endMs - (1000 + truth.endMs)) <= 20, `speech ended at ${1000 + truth.endMs}, detector said ${end!.endMs}`);
  assert.ok(Math.abs(end!.startMs - (1000 + truth.startMs)) <= 20, `speech began at ${1000 + truth.startMs}, detector said ${end!.startMs}`);
  assert.equal(end!.truncated, false);
});

test('the trailing silence is configurable', async () => {
  const { ends } = detect(concatPcm([silence(500), await spoken('call me later'), silence(2000)]), { trailingSilenceMs: 300 });
  assert.equal(ends.length, 1);
  assert.equal(ends[0]!.detectedMs - ends[0]!.endMs, 300);
});

test('a pause shorter than the trailing silence stays inside the utterance; a longer one splits it', async () => {
  const phrase = await spoken('call me later');
  const clip = speechBounds(phrase);
  const trimmed = phrase.subarray(0, clip.endMs * 8);
  assert.equal(detect(concatPcm([silence(500), trimmed, silence(400), trimmed, silence(1500)])).ends.length, 1);
  assert.equal(detect(concatPcm([silence(500), trimmed, silence(1200), trimmed, silence(1500)])).ends.length, 2);
});

test('the trailing silence does not reach the recogniser: only the tail of 100 ms is handed on', async () => {
  const clip = await spoken('I already paid');
  const { ends, audio } = detect(concatPcm([silence(1000), clip, silence(3000)]));
  const end = ends[0]!;
  assert.equal(audio, end.pcm.length);
  const ms = end.pcm.length / 8;
  // pre-roll (200 ms) + speech + at most the 100 ms tail
  assert.ok(ms <= end.endMs - end.startMs + 200 + 100, `${ms} ms of audio for ${end.endMs - end.startMs} ms of speech`);
});

test('speech over steady background noise is still found, and ends when only the noise is left', async () => {
  const noise = whiteNoise(6000, 4, 500);
  const clip = await spoken("don't call me again");
  const mixed = noise.slice();
  for (let i = 0; i < clip.length; i++) mixed[16_000 + i] = Math.max(-32768, Math.min(32767, mixed[16_000 + i]! + clip[i]!));
  const { ends } = detect(mixed);
  assert.equal(ends.length, 1);
  assert.ok(Math.abs(ends[0]!.startMs - 2000) <= 60, `start ${ends[0]!.startMs}`);
});

test('an utterance longer than maxUtteranceMs is cut there and marked truncated', async () => {
  const clip = await spoken('yes I will pay today');
  const { ends } = detect(concatPcm([silence(200), clip, silence(1000)]), { maxUtteranceMs: 500 });
  assert.equal(ends[0]!.truncated, true);
  assert.ok(ends[0]!.endMs - ends[0]!.startMs <= 520);
});
