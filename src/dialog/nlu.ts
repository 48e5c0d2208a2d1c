import { characters, hasCjk, normalize, tokenize } from './tokenizer.ts';

/**
 * Natural-language understanding behind one interface: given what the callee said
 * and the intents that matter at this point of the flow, which one (if any) it was.
 * The script's NluEngine picks the implementation (see nlu-engines.ts): the built-in
 * matcher here, or an external engine over HTTP (llm-nlu.ts).
 */
export interface NluCandidate {
  name: string;
  utterances: readonly string[];
  /** Words or phrases; one written `/like this/` is a regular expression (case-insensitive). */
  keywords: readonly string[];
}

export interface NluMatch {
  /** The intent heard; undefined when none matched. */
  intent?: string;
  /** 0..1, how sure the engine is. */
  score: number;
  /** Set when the engine failed and the answer came from a fallback. */
  error?: string;
}

export interface Nlu {
  readonly name: string;
  classify(text: string, candidates: readonly NluCandidate[]): Promise<NluMatch>;
}

/** The longest text a keyword's regular expression is run on. */
const PATTERN_INPUT = 300;

/** Below this similarity an example utterance does not count as heard. */
export const UTTERANCE_THRESHOLD = 0.6;

interface CompiledCandidate {
  patterns: RegExp[];
  /** Keyword phrases as token sequences (Latin) or normalised strings (CJK, matched as substrings). */
  tokenKeywords: string[][];
  cjkKeywords: string[];
  exact: Set<string>;
  /** The example utterances: their words and characters, and sizes. */
  examples: Array<{ tokens: string[]; chars: string[]; cjk: boolean }>;
}

/**
 * The candidates of one call to classify, merged: every example of every candidate
 * numbered, with one inverted index (word or character -> flat [example, count ...]
 * postings), so a turn costs a lookup per word of the text, not per example.
 */
interface CandidateSet {
  compiled: CompiledCandidate[];
  /** Examples of candidate i are [first[i], first[i + 1]). */
  first: number[];
  size: number[];
  charCount: number[];
  cjk: boolean[];
  tokenIndex: Map<string, number[]>;
  charIndex: Map<string, number[]>;
}

function bag(items: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}

/** Adds example `example`'s counts to an inverted index. */
function index(target: Map<string, number[]>, items: readonly string[], example: number): void {
  for (const [item, count] of bag(items)) {
    const postings = target.get(item);
    if (postings) postings.push(example, count);
    else target.set(item, [example, count]);
  }
}

/** Fills `common[e]` with the size of example e's multiset intersection with the text's bag (Dice's numerator / 2). */
function overlaps(target: Map<string, number[]>, text: Map<string, number>, common: Float64Array, examples: number): void {
  common.fill(0, 0, examples);
  for (const [item, count] of text) {
    const postings = target.get(item);
    if (!postings) continue;
    for (let i = 0; i < postings.length; i += 2) common[postings[i]!]! += Math.min(count, postings[i + 1]!);
  }
}

function containsSequence(tokens: readonly string[], phrase: readonly string[]): boolean {
  if (phrase.length === 0 || phrase.length > tokens.length) return false;
  outer: for (let i = 0; i + phrase.length <= tokens.length; i++) {
    for (let j = 0; j < phrase.length; j++) if (tokens[i + j] !== phrase[j]) continue outer;
    return true;
  }
  return false;
}

/**
 * The built-in engine: per intent, regular expressions and keywords (a hit scores
 * 0.9) and example utterances (an exact hit scores 1, otherwise the Dice similarity
 * of the words, or of the characters for Chinese, counts from 0.6). The best score
 * wins; ties go to the intent listed first. Candidates are compiled once and cached.
 */
export class BuiltinNlu implements Nlu {
  readonly name = 'builtin';
  private readonly compiled = new WeakMap<NluCandidate, CompiledCandidate>();
  /** Merged indexes per candidate list; callers that reuse their list (the runtime does, per node) build it once. */
  private readonly sets = new WeakMap<readonly NluCandidate[], CandidateSet>();
  /** Scratch buffers of the overlap counts, reused turn after turn. */
  private commonChars = new Float64Array(256);
  private commonTokens = new Float64Array(256);

  async classify(text: string, candidates: readonly NluCandidate[]): Promise<NluMatch> {
    return this.classifySync(text, candidates);
  }

  classifySync(text: string, candidates: readonly NluCandidate[]): NluMatch {
    const normalized = normalize(text);
    if (!normalized || candidates.length === 0) return { score: 0 };
    const tokens = tokenize(normalized);
    const chars = characters(normalized);
    const cjk = hasCjk(normalized);
    // Regular expressions see at most PATTERN_INPUT characters, bounding their cost.
    const clipped = normalized.length > PATTERN_INPUT ? normalized.slice(0, PATTERN_INPUT) : normalized;
    const set = this.setOf(candidates);
    const examples = set.size.length;
    if (this.commonChars.length < examples) {
      this.commonChars = new Float64Array(examples * 2);
      this.commonTokens = new Float64Array(examples * 2);
    }
    const { commonChars, commonTokens } = this;
    overlaps(set.charIndex, bag(chars), commonChars, examples);
    overlaps(set.tokenIndex, bag(tokens), commonTokens, examples);
    let best: NluMatch = { score: 0 };
    for (let c = 0; c < candidates.length; c++) {
      const compiled = set.compiled[c]!;
      let score = 0;
      if (compiled.exact.has(normalized)) score = 1;
      else {
        if (compiled.patterns.some((pattern) => pattern.test(clipped))) score = 0.9;
        else if (compiled.cjkKeywords.some((keyword) => normalized.includes(keyword))) score = 0.9;
        else if (compiled.tokenKeywords.some((phrase) => containsSequence(tokens, phrase))) score = 0.9;
        // Dice similarity to each example: of the characters for Chinese, of the words otherwise.
        for (let e = set.first[c]!; e < set.first[c + 1]!; e++) {
          const byChars = cjk || set.cjk[e]!;
          const total = byChars ? chars.length + set.charCount[e]! : tokens.length + set.size[e]!;
          if (total === 0) continue;
          const similarity = (2 * (byChars ? commonChars[e]! : commonTokens[e]!)) / total;
          if (similarity >= UTTERANCE_THRESHOLD && similarity * 0.95 > score) score = similarity * 0.95;
        }
      }
      if (score > best.score) best = { intent: candidates[c]!.name, score };
    }
    return best;
  }

  private setOf(candidates: readonly NluCandidate[]): CandidateSet {
    let set = this.sets.get(candidates);
    if (set) return set;
    set = { compiled: [], first: [], size: [], charCount: [], cjk: [], tokenIndex: new Map(), charIndex: new Map() };
    for (const candidate of candidates) {
      const compiled = this.compile(candidate);
      set.compiled.push(compiled);
      set.first.push(set.size.length);
      for (const example of compiled.examples) {
        const e = set.size.length;
        set.size.push(example.tokens.length);
        set.charCount.push(example.chars.length);
        set.cjk.push(example.cjk);
        index(set.tokenIndex, example.tokens, e);
        index(set.charIndex, example.chars, e);
      }
    }
    set.first.push(set.size.length);
    this.sets.set(candidates, set);
    return set;
  }

  private compile(candidate: NluCandidate): CompiledCandidate {
    let compiled = this.compiled.get(candidate);
    if (compiled) return compiled;
    compiled = { patterns: [], tokenKeywords: [], cjkKeywords: [], exact: new Set(), examples: [] };
    for (const keyword of candidate.keywords) {
      const regex = /^\/(.+)\/$/s.exec(keyword.trim());
      if (regex) {
        try {
          compiled.patterns.push(new RegExp(regex[1]!, 'iu'));
        } catch {
          // An invalid expression never matches (it was accepted as text when saved).
        }
      } else if (hasCjk(keyword)) {
        const normalized = normalize(keyword);
        if (normalized) compiled.cjkKeywords.push(normalized);
      } else {
        const phrase = tokenize(keyword);
        if (phrase.length > 0) compiled.tokenKeywords.push(phrase);
      }
    }
    for (const utterance of candidate.utterances) {
      const normalized = normalize(utterance);
      if (!normalized) continue;
      compiled.exact.add(normalized);
      compiled.examples.push({ tokens: tokenize(normalized), chars: characters(normalized), cjk: hasCjk(normalized) });
    }
    this.compiled.set(candidate, compiled);
    return compiled;
  }
}
