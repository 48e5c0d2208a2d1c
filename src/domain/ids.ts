import { createHash, randomFillSync } from 'node:crypto';
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

/**
 * Ids made within one millisecond count up from a random start (RFC 9562's
 * monotonic counter), so a batch of rows lands at the end of each id index instead
 * of at random places within the millisecond: on a virtual clock that stands still
 * while a million jobs are assigned, that is the difference between appending and
 * splitting pages. The rest of each id stays random.
 */
export function createIdGenerator(clock: Clock, random: (size: number) => Uint8Array = pooledRandomBytes()): IdGenerator {
  let lastMsecs = -1;
  let seq = 0;
  return {
    next: () => {
      const bytes = random(16);
      let msecs = clock.now();
      if (msecs > lastMsecs) {
        // A fresh 31-bit start, as uuid does, leaving room to count up.
        seq = ((bytes[6]! & 0x7f) << 24) | (bytes[7]! << 16) | (bytes[8]! << 8) | bytes[9]!;
        lastMsecs = msecs;
      } else {
        seq = (seq + 1) | 0;
        // 2^31 ids within one millisecond: borrow the next one, as RFC 9562 allows.
        if (seq === 0) lastMsecs++;
        msecs = lastMsecs;
      }
      return uuidv7({ msecs, seq, random: bytes });
    },
  };
}

/** Random bytes drawn from the CSPRNG a few kilobytes at a time rather than one syscall per id. */
function pooledRandomBytes(poolSize = 4096): (size: number) => Uint8Array {
  const pool = new Uint8Array(poolSize);
  let offset = poolSize;
  return (size) => {
    if (offset + size > poolSize) {
      randomFillSync(pool);
      offset = 0;
    }
    offset += size;
    return pool.subarray(offset - size, offset);
  };
}
