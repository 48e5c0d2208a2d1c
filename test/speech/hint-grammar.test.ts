import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildHintGrammar, matchHypothesis, normalizePhrase } from '../../src/speech/asr/hint-grammar.ts';

const known = new Set(['call', 'me', 'later', "don't", 'again', 'i', 'already', 'paid']);
const isKnown = (word: string) => known.has(word);

test('phrases are spelled as the dictionary spells words: lower case, no punctuation, curly apostrophes straightened', () => {
  assert.equal(normalizePhrase('  Don’t call me, AGAIN! '), "don't call me again");
});

test('the grammar holds every known hint once, wrapped in an optional garbage path, with garbage alone as the alternative', () => {
  const grammar = buildHintGrammar(['Call me later', 'call me later.', "Don't call me again", 'I already paid'], isKnown);
  assert.deepEqual([...grammar.phrases.keys()], ['call me later', "don't call me again", 'i already paid']);
  assert.match(grammar.jsgf!, /public <utterance> = \[ <garbage> \] <phrase> \[ <garbage> \] \| <garbage>;/);
  assert.match(grammar.jsgf!, /<phrase> = \( call me later \) \| \( don't call me again \) \| \( i already paid \);/);
});

test('a hint with a word the dictionary lacks is left out and reported, the others stay', () => {
  const grammar = buildHintGrammar(['call me later', 'call me tomorrowish'], isKnown);
  assert.deepEqual([...grammar.phrases.values()], ['call me later']);
  assert.deepEqual(grammar.unknown, ['call me tomorrowish']);
});

test('no usable hint gives no grammar at all', () => {
  assert.equal(buildHintGrammar([], isKnown).jsgf, undefined);
  assert.equal(buildHintGrammar(['?!', 'zzyzx'], isKnown).jsgf, undefined);
});

test('a hypothesis maps back to the hint as given; garbage and pronunciation marks are dropped; garbage alone is no match', () => {
  const grammar = buildHintGrammar(["Don't call me again", 'call me later'], isKnown);
  assert.deepEqual(matchHypothesis("garbage_speech don't(2) <sil> call me again", grammar), { text: "don't call me again", hint: "Don't call me again" });
  assert.deepEqual(matchHypothesis('garbage_speech garbage_noise', grammar), { text: '' });
  assert.deepEqual(matchHypothesis('', grammar), { text: '' });
});
