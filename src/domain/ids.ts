import { createHash, randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { Clock } from '../engine/clock.ts';

/**
 * Time-ordered ids (UUIDv7) so rows inserted together sit together in every index,
 * on SQLite and PostgreSQL alike. The timestamp part comes from the injected clock,
 * so ids created on a virtual clock sort by virtual time.
 */
export interface IdGenerator {
  next(): string;
}

/**
 * A byte source for ids fixed by a seed (the n-th draw is sha256(seed, n)), for
 * `outboundbot simulate`, whose runs must replay exactly. Only safe on a store that
 * starts empty: a restarted process would draw the same ids again.
 */
export function seededBytes(seed: string): (size: number) => Uint8Array {
  let n = 0;
  return (size) => {
    const out = new Uint8Array(size);
    for (let filled = 0; filled < size; ) {
      const digest = createHash('sha256').update(`${seed}\u0000ids\u0000${n++}`).digest();
      const take = Math.min(digest.length, size - filled);
      out.set(digest.subarray(0, take), filled);
      filled += take;
    }
    return out;
  };
}

export function createIdGenerator(clock: Clock, random: (size: number) => Uint8Array = randomBytes): IdGenerator {
  return {
    next: () => uuidv7({ msecs: clock.now(), random: random(16) }),
  };
}
