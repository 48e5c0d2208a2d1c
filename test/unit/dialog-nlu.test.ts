import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BuiltinNlu, type NluCandidate } from '../../src/dialog/nlu.ts';
import { isOptOut } from '../../src/dialog/opt-out.ts';
import { tokenize } from '../../src/dialog/tokenizer.ts';

const nlu = new BuiltinNlu();
const intents: NluCandidate[] = [
  { name: 'WillPay', utterances: ['好的，今天还', '可以，我今天就还', 'Yes, I will pay today'], keywords: ['/今天.{0,4}还/', 'pay today'] },
  { name: 'AlreadyPaid', utterances: ['我已经还了', 'I already paid'], keywords: ['已经还', 'already paid'] },
  { name: 'Later', utterances: ['过几天再还', 'Call me later'], keywords: ['过几天', 'later', 'next week'] },
  { name: 'Refuse', utterances: ['我不还', 'I refuse to pay'], keywords: ['没钱', "won't pay"] },
];

async function heard(text: string): Promise<string | undefined> {
  return (await nlu.classify(text, intents)).intent;
}

describe('tokenize (Intl.Segmenter)', () => {
  it('splits Chinese into words and English on word boundaries, dropping punctuation', () => {
    const zh = tokenize('我已经还款了，谢谢！');
    assert.ok(zh.length >= 3, `segmented: ${zh.join('|')}`);
    assert.ok(!zh.includes('，') && !zh.includes('！'));
    assert.deepEqual(tokenize("I'll PAY it, today!"), ["i'll", 'pay', 'it', 'today']);
  });

  it('normalises full-width forms', () => {
    assert.deepEqual(tokenize('ＯＫ'), ['ok']);
  });
});

describe('BuiltinNlu', () => {
  const cases: Array<[string, string | undefined]> = [
    ['好的，今天还', 'WillPay'],
    ['嗯，今天下午就还', 'WillPay'],
    ['我早就已经还了啊', 'AlreadyPaid'],
    ['过几天吧', 'Later'],
    ['现在没钱', 'Refuse'],
    ['yes i will pay today', 'WillPay'],
    ['I ALREADY PAID, thanks', 'AlreadyPaid'],
    ['please call me later', 'Later'],
    ["sorry, I won't pay", 'Refuse'],
    ['紫色的大象', undefined],
    ['blue seventeen', undefined],
    ['', undefined],
  ];
  for (const [text, intent] of cases) {
    it(`hears "${text}" as ${intent ?? 'nothing'}`, async () => assert.equal(await heard(text), intent));
  }

  it('an exact example scores 1, a keyword 0.9', async () => {
    assert.equal((await nlu.classify('我不还', intents)).score, 1);
    assert.equal((await nlu.classify('他说下周吧 next week', intents)).score, 0.9);
  });

  it('only the candidates offered can be heard', async () => {
    assert.equal((await nlu.classify('I already paid', intents.slice(2))).intent, undefined);
  });

  it('an invalid regular expression keyword never matches and never throws', async () => {
    assert.equal((await nlu.classify('anything', [{ name: 'Broken', utterances: [], keywords: ['/([/'] }])).intent, undefined);
  });
});

describe('isOptOut', () => {
  for (const text of ["Please don't call me again.", 'Stop calling me!', 'DO NOT CALL me anymore', 'remove my number from your list', '以后不要再打了', '别再给我打电话了', '请不要再联系我', '把我拉黑吧']) {
    it(`detects "${text}"`, () => assert.equal(isOptOut(text), true));
  }
  for (const text of ['I will pay today', 'call me later', '我不要打折', '好的，今天还', '别打扰我吃饭，晚点说']) {
    it(`does not take "${text}" for an opt-out`, () => assert.equal(isOptOut(text), false));
  }
});
