import type { RoutingStrategy } from './job-group.ts';

/**
 * Which calling number dials a callee (docs/strategy.md, "Calling numbers"):
 * `LocalFirst` prefers numbers in the callee's city, `LocalProvinceFirst` numbers in
 * its province (its city included); with no such number, or with `None`, every
 * number of the pool is eligible. Eligible numbers take turns by attempt, so
 * retries spread over them.
 */
export interface Located {
  number: string;
  city: string;
  province: string;
}

export function chooseCallingNumber(pool: readonly Located[], callee: { city: string; province: string }, routing: RoutingStrategy, attemptIndex: number): string | undefined {
  if (pool.length === 0) return undefined;
  let eligible: readonly Located[] = pool;
  if (routing === 'LocalFirst' && callee.city) {
    const local = pool.filter((n) => n.city === callee.city && n.province === callee.province);
    if (local.length > 0) eligible = local;
  } else if (routing === 'LocalProvinceFirst' && callee.province) {
    const local = pool.filter((n) => n.province === callee.province);
    if (local.length > 0) eligible = local;
  }
  return eligible[attemptIndex % eligible.length]!.number;
}
