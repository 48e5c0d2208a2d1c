/**
 * Word segmentation for matching what a callee said, in Chinese as well as English:
 * the runtime's `Intl.Segmenter` (ICU's dictionary-based word breaker), never a
 * hand-written splitter. Text is NFKC-normalised and lower-cased first, so full-width
 * and half-width forms and letter case compare equal.
 */

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

export function normalize(text: string): string {
  return text.normalize('NFKC').toLowerCase().trim();
}

/** The word-like segments of a text, normalised. */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const segment of segmenter.segment(normalize(text))) {
    if (segment.isWordLike) tokens.push(segment.segment);
  }
  return tokens;
}

/** The CJK characters and letters/digits of a text, one per entry (for short Chinese phrases). */
export function characters(text: string): string[] {
  return [...normalize(text)].filter((char) => LETTER_OR_DIGIT.test(char));
}

export function hasCjk(text: string): boolean {
  return CJK.test(text);
}
