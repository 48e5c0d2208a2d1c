import type { Logger } from 'pino';
import type { Engine } from './engine.ts';

/** How often the engine looks for due work on the system clock when nothing wakes it sooner. */
export const ROUND_INTERVAL_MS = 1_000;

/**
 * Runs the engine on the system clock: a round every second, and at once when
 * woken (new jobs, a resumed group). Rounds never overlap.
 */
export class RealtimeDriver {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly engine: Engine,
    private readonly logger: Logger,
  ) {}

  start(): void {
    // A call that ends is settled, and its line refilled, at once.
    this.engine.onCallEnded = () => this.wake();
    this.timer = setInterval(() => this.wake(), ROUND_INTERVAL_MS);
    this.timer.unref();
    this.wake();
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.engine
      .round()
      .then(() => undefined)
      .catch((error) => this.logger.error({ err: error }, 'engine round failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
