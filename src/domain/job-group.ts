/**
 * A job group as the domain reasons about it: its status, its calling strategy
 * and the counters GetJobGroup reports. The store keeps these as they are
 * (src/store/rows.ts re-exports them).
 */

export type JobGroupStatus =
  | 'Draft'
  | 'Initializing'
  | 'Scheduling'
  | 'Executing'
  | 'Paused'
  | 'Completed'
  | 'Failed'
  | 'Cancelled';

export type RepeatBy = 'Once' | 'Day' | 'Week' | 'Month';
export type RoutingStrategy = 'None' | 'LocalFirst' | 'LocalProvinceFirst';

/** A job group's calling strategy, normalised (see docs/strategy.md). */
export interface Strategy {
  id: string;
  name: string;
  description: string;
  maxAttemptsPerDay: number;
  /** Minutes between two attempts of the same job. */
  minAttemptInterval: number;
  routingStrategy: RoutingStrategy;
  repeatBy: RepeatBy;
  repeatable: boolean;
  /** Week: 0 (Sunday) to 6; Month: 1 to 31; Once/Day: empty. */
  repeatDays: number[];
  /** Local `HH:mm:ss` windows, begin < end; empty means the whole day. */
  workingTime: Array<{ beginTime: string; endTime: string }>;
  startTime: number;
  endTime: number;
  /** Extension: evaluate windows in the instance's zone or in each callee's. */
  timeZoneBy: 'Instance' | 'Callee';
  customized: string;
}

export interface RecallStrategy {
  emptyNumberIgnore: boolean;
  inArrearsIgnore: boolean;
  outOfServiceIgnore: boolean;
}

/**
 * The aggregates GetJobGroup reports, kept in the same transaction as the job and
 * task changes that move them, so reading them is O(1) in the group's size.
 */
export interface JobGroupCounters {
  totalJobs: number;
  scheduling: number;
  executing: number;
  completed: number;
  failed: number;
  paused: number;
  cancelled: number;
  notAnswered: number;
  totalCalls: number;
  /** Calls of the group in flight now (lines in use). */
  inFlight: number;
  /** When the first attempt of the group started; 0 until then. */
  startTime: number;
  /** When the group reached a final state; 0 while it has not. */
  endTime: number;
  finishedNum: number;
  clientHangupNum: number;
  noInteractNum: number;
  timeoutHangupNum: number;
  unrecognizedNum: number;
}

/** Additive changes to a group's counters; absent fields do not change. */
export type CounterDelta = Partial<
  Pick<
    JobGroupCounters,
    | 'totalJobs' | 'scheduling' | 'executing' | 'completed' | 'failed' | 'paused' | 'cancelled' | 'notAnswered'
    | 'totalCalls' | 'inFlight' | 'finishedNum' | 'clientHangupNum' | 'noInteractNum' | 'timeoutHangupNum' | 'unrecognizedNum'
  >
>;
