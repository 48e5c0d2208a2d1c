import type { Clock } from './clock.ts';

/** How often a synced clock measures its offset again (a node's clock drifts slowly, or is stepped by NTP). */
export const RESYNC_INTERVAL_MS = 30_000;

/**
 * A node's clock set to the database's. With several nodes on one PostgreSQL
 * database, leases, due times and working windows must be judged by one clock, or a
 * node whose clock runs ahead would take a live node's calls for dead. Reading the
 * database's clock on every `now()` would cost a round trip each time, so the offset
 * is measured (NTP-style: the reading is taken to be from halfway through its round
 * trip) and re-measured every RESYNC_INTERVAL_MS; between measurements time runs on
 * the node's own clock.
 */
export class SyncedClock implements Clock {
  private offset = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly local: Clock,
    /** The reference clock's current time, e.g. `SELECT clock_timestamp()`. */
    private readonly reference: () => Promise<number>,
  ) {}

  now(): number {
    return this.local.now() + this.offset;
  }

  /** Measures the offset now; the rounds trip's error is at most half of it. */
  async sync(): Promise<void> {
    const sent = this.local.now();
    const remote = await this.reference();
    const received = this.local.now();
    // Whole milliseconds: times are stored as integers.
    this.offset = Math.round(remote - (sent + received) / 2);
  }

  /** Re-measures every RESYNC_INTERVAL_MS until stopped; a failed measurement keeps the last offset. */
  keepSynced(onError: (error: unknown) => void): void {
    this.timer = setInterval(() => this.sync().catch(onError), RESYNC_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
