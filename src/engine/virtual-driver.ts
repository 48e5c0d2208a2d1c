import type { Store } from '../store/store.ts';
import type { ManualClock } from './clock.ts';
import { UnsharedClock, type ClockSync } from './clock-sync.ts';
import type { Engine, RoundResult } from './engine.ts';
import type { VirtualTimers } from './timers.ts';

/**
 * The clock moves in whole steps of this size: every call ending within one step is
 * settled in one transaction and the lines it freed are refilled in one round.
 * Settlements still use each call's exact end time, so only the start of the next
 * calls is rounded up, by less than a second.
 */
export const STEP_MS = 1_000;

function quantize(time: number): number {
  return Number.isFinite(time) ? Math.ceil(time / STEP_MS) * STEP_MS : time;
}

/** Asked to move the clock to a time it has already passed (perhaps moved there by another node). */
export class ClockBackwardsError extends RangeError {
  constructor(readonly now: number) {
    super(`the virtual clock cannot go backwards (now ${now})`);
  }
}

/** The server is shutting down: an advance stops at the step it reached, with everything up to it committed. */
export class DriverStoppedError extends Error {
  constructor(readonly now: number) {
    super(`the server is shutting down; the virtual clock stopped at ${now}`);
  }
}

/** A round that settled expired calls or moved due jobs may leave more to do at the same moment. */
function leftWork(round: RoundResult): boolean {
  return round.rescheduled > 0 || round.recovered > 0;
}

/**
 * Runs the engine on the virtual clock. Time moves only through `advanceTo`, which
 * walks from event to event (call endings, next due jobs) up to the target and
 * returns once everything due by then has been processed, so a caller can assert
 * right after. Advances are serialised: one runs at a time, across all the nodes
 * that share the clock (see ClockSync); the other nodes `follow` each step.
 */
export class VirtualDriver {
  private chain: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly engine: Engine,
    private readonly clock: ManualClock,
    private readonly timers: VirtualTimers,
    private readonly store: Store,
    private readonly sync: ClockSync = new UnsharedClock(),
  ) {}

  /** Joins the nodes sharing the clock and takes up the shared time. */
  async join(): Promise<void> {
    this.clock.set(await this.sync.join(this.clock.now(), (now) => this.follow(now)));
  }

  /**
   * Ends the advance in progress at its next step and refuses new ones, so a server
   * told to stop mid-advance (Ctrl-C in a days-long jump) stops at once.
   */
  stop(): void {
    this.stopped = true;
  }

  advanceTo(target: number): Promise<number> {
    return this.advance(() => target);
  }

  /** The advance by `ms` from the shared time, which another node may have moved meanwhile. */
  advanceBy(ms: number): Promise<number> {
    return this.advance((now) => now + ms);
  }

  private advance(targetFrom: (now: number) => number): Promise<number> {
    const run = this.chain.then(() =>
      this.sync.exclusive(async (sharedNow) => {
        // Another node may have moved the clock since this one last followed it.
        if (sharedNow > this.clock.now()) this.clock.set(sharedNow);
        const target = targetFrom(this.clock.now());
        return this.store.groupWrites((checkpoint) => this.walk(target, checkpoint));
      }),
    );
    this.chain = run.catch(() => undefined);
    return run;
  }

  /**
   * Processes a moment another node moved the shared clock to: the calls that ended
   * on this node's lines by then are settled and its lines refilled. Returns this
   * node's earliest pending timer, for the advancing node to step to.
   */
  async follow(now: number): Promise<number | undefined> {
    if (now > this.clock.now()) this.clock.set(now);
    await this.timers.runDue(this.clock.now());
    while (leftWork(await this.engine.round()));
    return this.timers.nextAt();
  }

  private async moveTo(time: number): Promise<void> {
    this.clock.set(time);
    await this.sync.publish(time);
  }

  /**
   * The step to move to: the first that holds a timer (of this node or a peer), a
   * due job or a lease expiry, all strictly after `now`. When a timer falls in the
   * very next step (calls end every second in a busy campaign), nothing else can
   * come sooner, so the store is not asked.
   */
  private async nextStep(now: number, peerTimerAt: number): Promise<number> {
    const timerAt = Math.min(this.timers.nextAt() ?? Infinity, peerTimerAt);
    const soonest = Math.floor(now / STEP_MS) * STEP_MS + STEP_MS;
    if (timerAt > now && quantize(timerAt) <= soonest) return soonest;
    return quantize(Math.min(timerAt, (await this.store.nextDueTime(now)) ?? Infinity, (await this.store.nextLeaseExpiry(now)) ?? Infinity));
  }

  /** `checkpoint` is passed after every step: the store may commit the steps so far there. */
  private async walk(target: number, checkpoint: () => Promise<void>): Promise<number> {
    if (target < this.clock.now()) throw new ClockBackwardsError(this.clock.now());
    for (;;) {
      if (this.stopped) throw new DriverStoppedError(this.clock.now());
      const now = this.clock.now();
      await this.timers.runDue(now);
      // A round that started calls or moved jobs may leave more due now (a full
      // reschedule batch, lines freed by rejected calls): go again before moving on.
      if (leftWork(await this.engine.round())) continue;
      // Timers and due jobs both lie strictly after `now` here: every timer due by
      // now has run (here and on every peer) and nextDueTime only looks later (due
      // jobs blocked by a full line wait for a timer to free it).
      const next = await this.nextStep(now, await this.sync.settled(now));
      if (next > target) {
        if (now >= target) return now;
        await this.moveTo(target);
        continue;
      }
      await this.moveTo(next);
      await checkpoint();
    }
  }
}
