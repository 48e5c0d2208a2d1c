/**
 * Where a known sound is in a recording: the normalised cross-correlation of `needle`
 * against `haystack` at every lag (searched on every 4th lag and sample, then refined),
 * 1 for an exact copy up to gain, near 0 for unrelated sound. Used to check that a
 * callee heard a prompt, after the G.711 round trip.
 */
export interface Match {
  lag: number;
  /** Normalised cross-correlation at `lag`, -1 ... 1. */
  score: number;
}

export function bestMatch(needle: Int16Array, haystack: Int16Array): Match {
  let best: Match = { lag: -1, score: 0 };
  for (let lag = 0; lag + needle.length <= haystack.length; lag += 4) {
    const score = correlation(needle, haystack, lag, 4);
    if (score > best.score) best = { lag, score };
  }
  if (best.lag < 0) return best;
  let refined: Match = { lag: best.lag, score: -1 };
  for (let lag = Math.max(0, best.lag - 4); lag <= best.lag + 4 && lag + needle.length <= haystack.length; lag++) {
    const score = correlation(needle, haystack, lag, 1);
    if (score > refined.score) refined = { lag, score };
  }
  return refined;
}

function correlation(needle: Int16Array, haystack: Int16Array, lag: number, step: number): number {
  let dot = 0;
  let a = 0;
  let b = 0;
  for (let i = 0; i < needle.length; i += step) {
    const x = needle[i]!;
    const y = haystack[lag + i]!;
    dot += x * y;
    a += x * x;
    b += y * y;
  }
  return a === 0 || b === 0 ? 0 : dot / Math.sqrt(a * b);
}
