import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AsrResult, AsrStream } from '../../src/speech/asr/asr.ts';
import { SoundSwallowerAsr } from '../../src/speech/asr/soundswallower-asr.ts';
import { packets, pinkNoise, spoken, whiteNoise } from './audio.ts';

/** The offline engine on espeak-ng speech after G.711, streamed in 20 ms packets. */
const HINTS = ['Yes, I will pay today', 'I already paid', 'Call me later', "Don't call me again"];
let asr: SoundSwallowerAsr;
before(async () => {
  asr = await SoundSwallowerAsr.load();
});
after(() => asr.close());

function recognise(pcm: Int16Array, hints: readonly string[] = HINTS, stream?: AsrStream): Promise<AsrResult> {
  const s = stream ?? asr.open({ hints });
  for (const packet of packets(pcm)) s.write(packet);
  return s.finish();
}

for (const codec of ['PCMU', 'PCMA'] as const) {
  test(`each of the four answers is recognised as its own hint with a grammar of all four (${codec})`, async () => {
    for (const hint of HINTS) {
      const result = await recognise(await spoken(hint, codec));
      assert.equal(result.hint, hint, `heard ${JSON.stringify(result.text)} for ${JSON.stringify(hint)}`);
      assert.ok(result.confidence > 0.5 && result.confidence <= 1, `confidence ${result.confidence}`);
    }
  });
}

test('speech outside the grammar is no match, not the nearest phrase (the garbage path)', async () => {
  for (const other of ['who is this', 'the weather is nice in paris', 'maybe next week', 'hello']) {
    const result = await recognise(await spoken(other));
    assert.deepEqual(result, { text: '', confidence: 0 }, `${JSON.stringify(other)} was heard as ${JSON.stringify(result.text)}`);
  }
});

test('white and pink noise given straight to the recogniser are no match', async () => {
  assert.equal((await recognise(whiteNoise(1500, 7, 4000))).hint, undefined);
  assert.equal((await recognise(pinkNoise(1500, 7, 12000))).hint, undefined);
});

test('partial hypotheses arrive while the audio streams in, and the final result follows them', async () => {
  const partials: string[] = [];
  const stream = asr.open({ hints: HINTS, onPartial: ({ text }) => partials.push(text) });
  const result = await recognise(await spoken("Don't call me again"), HINTS, stream);
  assert.equal(result.hint, "Don't call me again");
  assert.ok(partials.length >= 2, `partials: ${JSON.stringify(partials)}`);
  assert.ok(partials.every((text, i) => i === 0 || text !== partials[i - 1]), 'no partial repeats the one before it');
});

test('two utterances at once each get a decoder of their own and their own hints', async () => {
  const a = asr.open({ hints: ['call me later'] });
  const b = asr.open({ hints: ['I already paid'] });
  const [pa, pb] = [await spoken('call me later'), await spoken('I already paid')];
  const [ka, kb] = [[...packets(pa)], [...packets(pb)]];
  for (let i = 0; i < Math.max(ka.length, kb.length); i++) {
    if (ka[i]) a.write(ka[i]!);
    if (kb[i]) b.write(kb[i]!);
  }
  assert.equal((await a.finish()).hint, 'call me later');
  assert.equal((await b.finish()).hint, 'I already paid');
});

test('without hints the grammar engine matches nothing and says so', async () => {
  assert.deepEqual(await recognise(await spoken('call me later'), []), { text: '', confidence: 0 });
});

test('a cancelled stream gives its decoder back: the next one still recognises', async () => {
  const stream = asr.open({ hints: HINTS });
  stream.write((await spoken('I already paid')).subarray(0, 4000));
  stream.cancel();
  assert.equal((await recognise(await spoken('call me later'))).hint, 'Call me later');
});
