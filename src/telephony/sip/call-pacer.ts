import { performance } from 'node:perf_hooks';

/**
 * The trunk's calls-per-second limit (OUTBOUNDBOT_SIP_CPS): INVITEs leave at least
 * 1/cps seconds apart, in the order they were asked for. Trunks refuse (503, 403) or
 * throttle a burst above their rate; the engine may start a whole batch at once, so
 * the spacing is kept here, on the monotonic clock.
 */
export class CallPacer {
  private nextAt = -Infinity;

  constructor(
    private readonly callsPerSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Resolves when the next INVITE may leave. */
  wait(): Promise<void> {
    const now = this.now();
    const at = Math.max(now, this.nextAt);
    this.nextAt = at + 1000 / this.callsPerSecond;
    if (at <= now) return Promise.resolve();
    return new Promise((resolve) => setTimeout(resolve, at - now));
  }
}
