/**
 * How a virtual clock is kept, and shared when several server processes (nodes)
 * run one campaign on one database.
 *
 * The node that is asked to advance walks the clock from event to event as
 * before, but it first takes the cluster's advance lock, publishes every step it
 * moves to, and waits at each step until every live peer has processed it (settled
 * the calls that ended on its own simulated lines, claimed what it could). A peer
 * answers with its earliest pending timer, so the next step is the first event on
 * any node. On SQLite a server is alone: the clock is only kept for a restart.
 */
export interface ClockSync {
  /**
   * Joins the cluster and returns the shared time, at least `start`. `follow` is
   * called, one move at a time, for every step another node moves the clock to;
   * it processes that moment and returns its earliest pending timer.
   */
  join(start: number, follow: (now: number) => Promise<number | undefined>): Promise<number>;
  /** Runs `advance` while no other node advances the clock; it gets the shared time to start from. */
  exclusive<T>(advance: (sharedNow: number) => Promise<T>): Promise<T>;
  /** Moves the shared clock to `now`, durably, and tells every peer. */
  publish(now: number): Promise<void>;
  /**
   * Resolves once every live peer has processed `now`, with the earliest timer
   * any of them still holds (Infinity when none). A peer that stopped answering
   * (a killed node) is no longer waited for; its calls are settled when their
   * leases expire.
   */
  settled(now: number): Promise<number>;
  leave(): Promise<void>;
}

/** Where a lone server keeps its virtual time (a settings key), so a restart resumes from it. */
export const VIRTUAL_NOW_SETTING = 'virtual_clock_now';

interface SettingsStore {
  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string): Promise<void>;
}

/** The clock of a server that is alone on its store: kept for a restart, never shared. */
export class StoredClock implements ClockSync {
  constructor(private readonly store: SettingsStore) {}

  async join(start: number): Promise<number> {
    // A restarted emulator resumes where its clock stood: time never runs backwards.
    return Math.max(start, Number((await this.store.getSetting(VIRTUAL_NOW_SETTING)) ?? 0));
  }

  exclusive<T>(advance: (sharedNow: number) => Promise<T>): Promise<T> {
    return advance(-Infinity);
  }

  async publish(now: number): Promise<void> {
    await this.store.setSetting(VIRTUAL_NOW_SETTING, String(now));
  }

  async settled(): Promise<number> {
    return Infinity;
  }

  async leave(): Promise<void> {}
}

/** A clock that is neither kept nor shared: `outboundbot simulate`, property tests, benches. */
export class UnsharedClock implements ClockSync {
  async join(start: number): Promise<number> {
    return start;
  }

  exclusive<T>(advance: (sharedNow: number) => Promise<T>): Promise<T> {
    return advance(-Infinity);
  }

  async publish(): Promise<void> {}

  async settled(): Promise<number> {
    return Infinity;
  }

  async leave(): Promise<void> {}
}
