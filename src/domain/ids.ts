import { randomBytes } from 'node:crypto';
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

export function createIdGenerator(clock: Clock, random: (size: number) => Uint8Array = randomBytes): IdGenerator {
  return {
    next: () => uuidv7({ msecs: clock.now(), random: random(16) }),
  };
}
