import { seededUniform } from '../telephony/simulated/seeded-uniform.ts';

/**
 * The callee numbers of a scenario group given as `count` jobs and a `numbers` mix:
 * keys are test-number suffixes (`"0100"` -> 19900000100, docs/emulator.md) or
 * `"random"` (an ordinary mobile number that draws from the carrier profile),
 * values relative weights.
 *
 * The mix is apportioned exactly, not drawn: 15 jobs of `{"0100": 2, "0001": 1}`
 * are 10 and 5, so a scenario of test numbers has figures that can be worked out
 * by hand. Kinds are interleaved (each job goes to the kind furthest behind its
 * share), and random numbers are fixed by the seed, so the same scenario yields
 * the same jobs in the same order. Numbers are produced one at a time: memory does
 * not grow with `count`.
 */
export type NumberMix = Record<string, number>;

export const RANDOM_KIND = 'random';

/** The test-number range of src/telephony/simulated/test-numbers.ts. */
const TEST_NUMBER_PREFIX = '1990000';
/** Mainland mobile prefixes for random numbers; none collides with the test range. */
const MOBILE_PREFIXES = ['135', '138', '139', '150', '158', '186', '188'] as const;

export function* mixedNumbers(count: number, mix: NumberMix, seed: string, stream: string): Generator<string> {
  const kinds = Object.entries(mix).filter(([, weight]) => weight > 0);
  const quotas = apportion(count, kinds.map(([, weight]) => weight));
  const given = kinds.map(() => 0);
  for (let i = 0; i < count; i++) {
    // The kind furthest behind its share after i + 1 jobs; ties go to the first listed.
    let best = 0;
    let bestLag = -Infinity;
    for (let k = 0; k < kinds.length; k++) {
      if (given[k]! >= quotas[k]!) continue;
      const lag = (quotas[k]! * (i + 1)) / count - given[k]!;
      if (lag > bestLag) {
        best = k;
        bestLag = lag;
      }
    }
    given[best]!++;
    const kind = kinds[best]![0];
    yield kind === RANDOM_KIND ? randomMobile(seed, stream, i) : `${TEST_NUMBER_PREFIX}${kind}`;
  }
}

/** Largest-remainder apportionment of `total` over `weights`; the quotas sum to `total`. */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const quotas = exact.map(Math.floor);
  let left = total - quotas.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left === 0) break;
    quotas[i]!++;
    left--;
  }
  return quotas;
}

function randomMobile(seed: string, stream: string, index: number): string {
  const prefix = MOBILE_PREFIXES[Math.floor(seededUniform(seed, 'number-prefix', stream, index) * MOBILE_PREFIXES.length)]!;
  const rest = Math.floor(seededUniform(seed, 'number', stream, index) * 1e8);
  return `${prefix}${String(rest).padStart(8, '0')}`;
}
