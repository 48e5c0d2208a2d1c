/**
 * A JSGF grammar built from the phrase hints, with a garbage path.
 *
 * A finite-state recogniser always returns the path through its grammar that fits the
 * audio best, so a grammar of the expected phrases alone turns any speech ("who is
 * this?") into one of them. The garbage path is a loop of the acoustic model's own
 * spoken-noise unit (+SPN+, trained on mumbles and partial words) and noise unit
 * (+NSN+): out-of-grammar speech fits it better than a wrong phrase, and it is reported
 * as no match. Checked on this machine with espeak-ng speech after G.711: the expected
 * phrases come back as themselves, other sentences and white noise as garbage (see
 * docs/speech.md). A phrase may also be wrapped in garbage ("uh, call me later").
 *
 * Pure: the dictionary is reached through `isKnownWord`, so this can be tested alone.
 */

/** The two dictionary words the engine adds, pronounced as the model's filler units. */
export const GARBAGE_WORDS: readonly (readonly [word: string, phones: string])[] = [
  ['garbage_speech', '+SPN+'],
  ['garbage_noise', '+NSN+'],
];

export interface HintGrammar {
  /** The JSGF text, or undefined when no hint survived (nothing can then be matched). */
  jsgf: string | undefined;
  /** Each phrase as the grammar spells it -> the hint as it was given. */
  phrases: ReadonlyMap<string, string>;
  /** Hints left out because a word is not in the dictionary (the engine cannot say it). */
  unknown: readonly string[];
}

/** Lower case, letters, digits and apostrophes, single spaces: how the dictionary spells words. */
export function normalizePhrase(text: string): string {
  return text
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/[^a-z0-9']+/g, ' ')
    .trim();
}

export function buildHintGrammar(hints: readonly string[], isKnownWord: (word: string) => boolean): HintGrammar {
  const phrases = new Map<string, string>();
  const unknown: string[] = [];
  for (const hint of hints) {
    const phrase = normalizePhrase(hint);
    if (phrase === '' || phrases.has(phrase)) continue;
    if (phrase.split(' ').every(isKnownWord)) phrases.set(phrase, hint);
    else unknown.push(hint);
  }
  if (phrases.size === 0) return { jsgf: undefined, phrases, unknown };
  const garbage = GARBAGE_WORDS.map(([word]) => word).join(' | ');
  const alternatives = [...phrases.keys()].map((phrase) => `( ${phrase} )`).join(' | ');
  const jsgf = [
    '#JSGF V1.0;',
    'grammar hints;',
    'public <utterance> = [ <garbage> ] <phrase> [ <garbage> ] | <garbage>;',
    `<phrase> = ${alternatives};`,
    `<garbage> = ( ${garbage} )+;`,
    '',
  ].join('\n');
  return { jsgf, phrases, unknown };
}

/**
 * The recogniser's hypothesis read back against the grammar: the hint it spelled, if
 * any. Garbage words and alternative-pronunciation marks ("don't(2)") are dropped first.
 */
export function matchHypothesis(hypothesis: string, grammar: HintGrammar): { text: string; hint?: string } {
  const garbage = new Set(GARBAGE_WORDS.map(([word]) => word));
  const text = hypothesis
    .split(/\s+/)
    .map((word) => word.replace(/\(\d+\)$/, ''))
    .filter((word) => word !== '' && !garbage.has(word) && !word.startsWith('<') && !word.startsWith('['))
    .join(' ');
  const hint = grammar.phrases.get(text);
  return hint === undefined ? { text } : { text, hint };
}
