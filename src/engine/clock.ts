/**
 * The one source of "now" for domain and engine code.
 *
 * Nothing outside this file calls Date.now(): the emulator's virtual clock (a later
 * issue) and tests swap the implementation, so time-dependent rules can be stepped
 * deterministically.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }
}

/** A clock that moves only when told; used by tests and, later, the emulator. */
export class ManualClock implements Clock {
  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  set(epochMs: number): void {
    this.current = epochMs;
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
