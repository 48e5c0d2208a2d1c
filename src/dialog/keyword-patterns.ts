import { invalidParameter } from '../domain/errors.ts';

/**
 * An intent's keyword written `/like this/` is a regular expression, matched against
 * every utterance of a live call. One that does not compile, or that nests
 * repetitions (`(a+)+`, exponential on a long utterance), is refused when the intent
 * is saved, naming the keyword (`Keywords.N`).
 */
export function checkKeywordPatterns(keywords: readonly string[] | undefined): void {
  for (const [i, keyword] of (keywords ?? []).entries()) {
    const regex = /^\/(.+)\/$/s.exec(keyword.trim());
    if (!regex) continue;
    try {
      new RegExp(regex[1]!, 'iu');
    } catch {
      throw invalidParameter(`Keywords.${i + 1}`, `"${keyword}" is not a valid regular expression`);
    }
    if (/\([^()]*[+*}][^()]*\)\s*[+*{]/.test(regex[1]!)) throw invalidParameter(`Keywords.${i + 1}`, `"${keyword}" nests repetitions; write it without a repeated group that repeats`);
  }
}
