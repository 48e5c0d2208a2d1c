import type { JobStatus } from './rows.ts';
import type { CounterDelta } from './store.ts';

/** A delta that moves no counter: the base every summed or partial delta is spread over. */
export const ZERO_DELTA: Required<CounterDelta> = {
  totalJobs: 0, scheduling: 0, executing: 0, completed: 0, failed: 0, paused: 0, cancelled: 0, notAnswered: 0,
  totalCalls: 0, inFlight: 0, finishedNum: 0, clientHangupNum: 0, noInteractNum: 0, timeoutHangupNum: 0, unrecognizedNum: 0,
};

/** The Progress counter each job status is counted in. */
export const COUNTER_OF_STATUS: Record<JobStatus, keyof CounterDelta> = {
  Scheduling: 'scheduling',
  Executing: 'executing',
  Succeeded: 'completed',
  Failed: 'failed',
  Paused: 'paused',
  Cancelled: 'cancelled',
};

/**
 * How many of a group's jobs are in the statuses given (all of them when none), from a
 * row of its counters (`totalJobs` and one column per status counter).
 */
export function jobsInStatuses(counters: Record<string, unknown>, statuses: readonly JobStatus[] | undefined): number {
  if (!statuses?.length) return Number(counters.totalJobs);
  return [...new Set(statuses)].reduce((sum, status) => sum + Number(counters[COUNTER_OF_STATUS[status]]), 0);
}
