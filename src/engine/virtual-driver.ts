import type { Store } from '../store/store.ts';
import type { ManualClock } from './clock.ts';
import type { Engine } from './engine.ts';
import type { VirtualTimers } from './timers.ts';

/**
 * Runs the engine on the virtual clock. Time moves only through `advanceTo`, which
 * walks from event to event (call endings, next due jobs) up to the target and
 * returns once everything due by then has been processed, so a caller can assert
 * right after. Advances are serialised: one runs at a time.
 */
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

export class VirtualDriver {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly engine: Engine,
    private readonly clock: ManualClock,
    private readonly timers: VirtualTimers,
    private readonly store: Store,
    /** Called whenever the clock moves, so a restarted emulator resumes from where it died. */
    private readonly onMove: (now: number) => Promise<void> = async () => {},
  ) {}

  advanceTo(target: number): Promise<number> {
    const run = this.chain.then(() => this.walk(target));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async moveTo(time: number): Promise<void> {
    this.clock.set(time);
    await this.onMove(time);
  }

  /**
   * The step to move to: the first that holds a timer, a due job or a lease
   * expiry, all strictly after `now`. When a timer falls in the very next step
   * (calls end every second in a busy campaign), nothing else can come sooner, so
   * the store is not asked.
   */
  private async nextStep(now: number): Promise<number> {
    const timerAt = this.timers.nextAt() ?? Infinity;
    const soonest = Math.floor(now / STEP_MS) * STEP_MS + STEP_MS;
    if (timerAt > now && quantize(timerAt) <= soonest) return soonest;
    return quantize(Math.min(timerAt, (await this.store.nextDueTime(now)) ?? Infinity, (await this.store.nextLeaseExpiry(now)) ?? Infinity));
  }

  private async walk(target: number): Promise<number> {
    if (target < this.clock.now()) throw new RangeError('the virtual clock cannot go backwards');
    for (;;) {
      const now = this.clock.now();
      await this.timers.runDue(now);
      const round = await this.engine.round();
      // A round that started calls or moved jobs may leave more due now (a full
      // reschedule batch, lines freed by rejected calls): go again before moving on.
      if (round.rescheduled > 0 || round.recovered > 0) continue;
      // Timers and due jobs both lie strictly after `now` here: every timer due by
      // now has run and nextDueTime only looks later (due jobs blocked by a full
      // line wait for a timer to free it).
      const next = await this.nextStep(now);
      if (next > target) {
        if (now >= target) return now;
        await this.moveTo(target);
        continue;
      }
      await this.moveTo(next);
    }
  }
}
