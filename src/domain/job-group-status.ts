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
 * The engine moves Draft -> Scheduling <-> Executing -> Completed; users move
 * groups to Paused and back, or to Cancelled. Anything not in this table is an
 * illegal move and is refused.
 */
export const JOB_GROUP_TRANSITIONS: Readonly<Record<JobGroupStatus, readonly JobGroupStatus[]>> = {
  Draft: ['Initializing', 'Scheduling', 'Paused', 'Cancelled'],
  Initializing: ['Draft', 'Scheduling', 'Failed', 'Cancelled'],
  Scheduling: ['Executing', 'Paused', 'Completed', 'Cancelled'],
  Executing: ['Scheduling', 'Paused', 'Completed', 'Cancelled'],
  Paused: ['Draft', 'Scheduling', 'Cancelled'],
  Completed: ['Scheduling'],
  Failed: [],
  Cancelled: [],
};

export const JOB_GROUP_STATUSES = Object.keys(JOB_GROUP_TRANSITIONS) as JobGroupStatus[];

export function canMove(from: JobGroupStatus, to: JobGroupStatus): boolean {
  return from === to || JOB_GROUP_TRANSITIONS[from].includes(to);
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
  if (requested === 'Paused') return canMove(current, 'Paused') ? 'Paused' : undefined;
  if (requested === 'Scheduling' || requested === 'Executing') {
    if (current !== 'Paused') return undefined;
    return hasJobs ? 'Scheduling' : 'Draft';
  }
  if (requested === 'Draft') return current === 'Paused' && !hasJobs ? 'Draft' : undefined;
  return undefined;
}
