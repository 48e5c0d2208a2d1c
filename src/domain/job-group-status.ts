import type { JobGroupStatus } from './job-group.ts';

/**
 * Job group lifecycle.
 *
 *   Draft        created, no jobs yet (or not started)
 *   Initializing jobs are being imported from a file
 *   Scheduling   has jobs waiting for their next attempt
 *   Executing    at least one call in flight
 *   Paused       stopped by the user; calls in flight finish, no new ones start
 *   Completed    every job reached a final state            (final)
 *   Failed       the group could not run (e.g. import failed) (final)
 *   Cancelled    stopped by the user for good                (final)
 *
 * One table holds every legal move and who makes it: the user (ModifyJobGroup's
 * JobGroupStatus: pause, resume, back to Draft; cancel) or the engine (new jobs wake
 * a Draft or Completed group; a running group's status follows its counters, in the
 * stores' SQL: counters.wakeGroup and counters.refreshStatus in the sqlite and
 * postgres queries.ts). Anything not in this table is an illegal move and is
 * refused; test/store/job-group-engine-moves.test.ts checks that the SQL, fed every
 * status and counter combination, makes only the engine's moves listed here.
 */
export type JobGroupMover = 'user' | 'engine';

const MOVES: Readonly<Record<JobGroupStatus, Partial<Record<JobGroupStatus, JobGroupMover>>>> = {
  Draft: { Initializing: 'engine', Scheduling: 'engine', Paused: 'user', Cancelled: 'user' },
  Initializing: { Draft: 'engine', Scheduling: 'engine', Failed: 'engine', Cancelled: 'user' },
  Scheduling: { Executing: 'engine', Paused: 'user', Completed: 'engine', Cancelled: 'user' },
  Executing: { Scheduling: 'engine', Paused: 'user', Completed: 'engine', Cancelled: 'user' },
  Paused: { Draft: 'user', Scheduling: 'user', Cancelled: 'user' },
  Completed: { Scheduling: 'engine' },
  Failed: {},
  Cancelled: {},
};

/** Where each status may move, whoever moves it. */
export const JOB_GROUP_TRANSITIONS: Readonly<Record<JobGroupStatus, readonly JobGroupStatus[]>> = Object.fromEntries(
  Object.entries(MOVES).map(([from, to]) => [from, Object.keys(to)]),
) as Record<JobGroupStatus, JobGroupStatus[]>;

export const JOB_GROUP_STATUSES = Object.keys(MOVES) as JobGroupStatus[];

/** Who makes the move `from` -> `to`; undefined when it is illegal. */
export function moverOf(from: JobGroupStatus, to: JobGroupStatus): JobGroupMover | undefined {
  return MOVES[from][to];
}

/** Whether `from` -> `to` is legal (staying put always is), for anyone or for `by` only. */
export function canMove(from: JobGroupStatus, to: JobGroupStatus, by?: JobGroupMover): boolean {
  if (from === to) return true;
  const mover = moverOf(from, to);
  return mover !== undefined && (by === undefined || mover === by);
}

export function isFinal(status: JobGroupStatus): boolean {
  return JOB_GROUP_TRANSITIONS[status].length === 0;
}

/**
 * What ModifyJobGroup's JobGroupStatus asks for, given where the group is.
 * `Paused` pauses; `Scheduling`/`Executing` resume a paused group (the engine picks
 * the exact state); `Draft` returns a paused group that never started to Draft.
 */
export function requestedStatus(current: JobGroupStatus, requested: JobGroupStatus, hasJobs: boolean): JobGroupStatus | undefined {
  if (requested === current) return current;
  if (requested === 'Paused') return canMove(current, 'Paused', 'user') ? 'Paused' : undefined;
  if (requested === 'Scheduling' || requested === 'Executing') {
    if (current !== 'Paused') return undefined;
    return hasJobs ? 'Scheduling' : 'Draft';
  }
  if (requested === 'Draft') return current === 'Paused' && !hasJobs ? 'Draft' : undefined;
  return undefined;
}
