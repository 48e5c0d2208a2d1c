import type { Clock } from './clock.ts';

/**
 * Work scheduled for a moment on the engine's clock. With the system clock a
 * timer is a setTimeout; with the virtual clock nothing fires until the clock is
 * advanced, and then timers fire in time order, each awaited before the next.
 */
export type TimerTask = () => Promise<void> | void;

export interface Timers {
  at(time: number, task: TimerTask): void;
  /** Drops every pending timer (shutdown). */
  clear(): void;
}

export class VirtualTimers implements Timers {
  private queue: Array<{ time: number; seq: number; task: TimerTask }> = [];
  private seq = 0;

  at(time: number, task: TimerTask): void {
    // Kept sorted by (time, insertion order): few timers are pending at once
    // (at most the calls in flight), so insertion by binary search is cheap.
    const entry = { time, seq: this.seq++, task };
    let low = 0;
    let high = this.queue.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.queue[mid]!.time <= time) low = mid + 1;
      else high = mid;
    }
    this.queue.splice(low, 0, entry);
  }

  nextAt(): number | undefined {
    return this.queue[0]?.time;
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Runs, in order, every timer due at or before `time`, including ones they add. */
  async runDue(time: number): Promise<void> {
    while (this.queue.length > 0 && this.queue[0]!.time <= time) {
      const entry = this.queue.shift()!;
      await entry.task();
    }
  }

  clear(): void {
    this.queue = [];
  }
}

export class RealTimers implements Timers {
  private readonly handles = new Set<NodeJS.Timeout>();

  constructor(
    private readonly clock: Clock,
    private readonly onError: (error: unknown) => void,
  ) {}

  at(time: number, task: TimerTask): void {
    const handle = setTimeout(() => {
      this.handles.delete(handle);
      Promise.resolve()
        .then(task)
        .catch(this.onError);
    }, Math.max(0, time - this.clock.now()));
    this.handles.add(handle);
  }

  clear(): void {
    for (const handle of this.handles) clearTimeout(handle);
    this.handles.clear();
  }
}
