import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SoundSwallowerAsr } from '../../src/speech/asr/soundswallower-asr.ts';
import { type HeardUtterance, Hearing, type SpeechStart } from '../../src/speech/hearing.ts';
import { concatPcm, packets, pinkNoise, silence, speechBounds, spoken, whiteNoise } from './audio.ts';

/** VAD + the offline recogniser together, on a call's worth of G.711 audio in 20 ms packets. */
const HINTS = ['yes I will pay today', 'I already paid', 'call me later', "don't call me again"];
let asr: SoundSwallowerAsr;
before(async () => {
  asr = await SoundSwallowerAsr.load();
});
after(() => asr.close());

async function hear(pcm: Int16Array, prompt: 'none' | 'interruptible' | 'uninterruptible' = 'none') {
  const utterances: HeardUtterance[] = [];
  const starts: SpeechStart[] = [];
  const bargeIns: SpeechStart[] = [];
  const hearing = new Hearing(asr, { onUtterance: (u) => utterances.push(u), onSpeechStart: (s) => starts.push(s), onBargeIn: (b) => bargeIns.push(b) }, { hints: HINTS });
  hearing.setPrompt(prompt);
  for (const packet of packets(pcm)) hearing.write(packet);
  await hearing.close();
  return { utterances, starts, bargeIns };
}

test('four answers in one call, each after a pause, are heard in order as their hints with their times', async () => {
  const parts: Int16Array[] = [silence(800)];
  for (const hint of HINTS) parts.push(await spoken(hint), silence(1500));
  const { utterances } = await hear(concatPcm(parts));
  assert.deepEqual(utterances.map((u) => u.hint), HINTS);
  for (let i = 1; i < utterances.length; i++) assert.ok(utterances[i]!.startMs > utterances[i - 1]!.detectedMs);
  assert.ok(utterances.every((u) => u.endMs > u.startMs && u.confidence > 0.5));
});

test('silence only: no utterance reaches the recogniser (a silence turn, never a branch)', async () => {
  const { utterances, starts } = await hear(silence(8000));
  assert.deepEqual(starts, []);
  assert.deepEqual(utterances, []);
});

test('noise: no utterance, or utterances that match no hint', async () => {
  for (const noise of [whiteNoise(6000, 11, 3000), pinkNoise(6000, 12, 12_000), concatPcm([silence(1000), whiteNoise(6000, 13, 3000)]), concatPcm([silence(1000), pinkNoise(6000, 14, 12_000)])]) {
    const { utterances } = await hear(noise);
    assert.ok(utterances.every((u) => u.hint === undefined && u.text === ''), JSON.stringify(utterances.map((u) => u.text)));
  }
});

test('speech in the middle of noise is still heard as its hint', async () => {
  const noise = pinkNoise(5000, 15, 1500);
  const clip = await spoken('call me later');
  for (let i = 0; i < clip.length; i++) noise[12_000 + i] = Math.max(-32768, Math.min(32767, noise[12_000 + i]! + clip[i]!));
  const { utterances } = await hear(noise);
  assert.deepEqual(utterances.map((u) => u.hint), ['call me later']);
});

test('barge-in: speech during an interruptible prompt is signalled within 300 ms of its onset', async () => {
  const clip = await spoken("don't call me again");
  const onsetMs = 1500 + speechBounds(clip).startMs;
  const { bargeIns, utterances } = await hear(concatPcm([silence(1500), clip, silence(1000)]), 'interruptible');
  assert.equal(bargeIns.length, 1);
  const latency = bargeIns[0]!.detectedMs - onsetMs;
  assert.ok(latency >= 0 && latency <= 300, `barge-in decided ${latency} ms after the onset`);
  assert.equal(utterances[0]?.hint, "don't call me again", 'the interrupting speech is still recognised');
});

test('speech during an uninterruptible prompt, or with no prompt, is heard but is no barge-in', async () => {
  const stream = concatPcm([silence(500), await spoken('I already paid'), silence(1000)]);
  for (const prompt of ['uninterruptible', 'none'] as const) {
    const { bargeIns, starts, utterances } = await hear(stream, prompt);
    assert.deepEqual(bargeIns, []);
    assert.equal(starts.length, 1);
    assert.equal(utterances[0]?.hint, 'I already paid');
  }
});

test('hints change between turns: an utterance is matched against the hints in force when it began', async () => {
  const heard: HeardUtterance[] = [];
  const hearing = new Hearing(asr, { onUtterance: (u) => heard.push(u) }, { hints: ['call me later'] });
  const first = await spoken('call me later');
  for (const packet of packets(concatPcm([silence(300), first, silence(1000)]))) hearing.write(packet);
  hearing.setHints(['I already paid']);
  for (const packet of packets(concatPcm([await spoken('I already paid'), silence(1000)]))) hearing.write(packet);
  await hearing.close();
  // the second hint could not come out of the first turn's grammar
  assert.deepEqual(heard.map((u) => u.hint), ['call me later', 'I already paid']);
});
