import type { CounterDelta } from '../store.ts';
import { ZERO_DELTA } from '../job-status-counters.ts';
import { CounterMoves, statusOrEndTimeStale } from './counter-moves.ts';
import type { StatementCache } from './statement-cache.ts';
import { counters as counterSql, reports as reportSql } from './counter-queries.ts';

/**
 * How the SQLite store's transactions write job-group counters, always inside a
 * transaction of their caller: a delta at once (user actions), or an engine
 * transaction's moves summed per group (withCounterMoves).
 */

/** Adds `delta` to the group's counter row. */
export function applyDelta(statements: StatementCache, jobGroupId: string, delta: CounterDelta): void {
  statements.get(counterSql.apply).run({ ...ZERO_DELTA, ...delta, jobGroupId, started: 0, now: 0 });
}

/** Re-derives the group's status and end time from its counters. */
export function refreshStatus(statements: StatementCache, jobGroupId: string, now: number): void {
  statements.get(counterSql.refreshStatus).run({ jobGroupId, now });
  statements.get(counterSql.stampEnd).run({ jobGroupId, now });
}

/** The counters of jobs added to a group (AssignJobs, a parsed file's assignment), inside their transaction. */
export function countNewJobs(statements: StatementCache, jobGroupId: string, added: number, now: number): void {
  applyDelta(statements, jobGroupId, { totalJobs: added, scheduling: added });
  // New jobs move no call in flight, so a running group's status stays what it
  // was; only a group they wake (Draft or Completed) needs its status and end time redone.
  if (statements.get(counterSql.wakeGroup).run({ jobGroupId, now }).changes > 0) refreshStatus(statements, jobGroupId, now);
}

/**
 * Runs a transaction's row writes, then writes the counter moves they collected:
 * each group's counter row once, then its status and end time if they change.
 */
export function withCounterMoves<T>(statements: StatementCache, write: (moves: CounterMoves) => T): T {
  const moves = new CounterMoves();
  const result = write(moves);
  for (const [jobGroupId, { delta, now, started, calls }] of moves.groups) {
    const after = statements.get(counterSql.applyMoves).get({
      ...delta, jobGroupId, started: started ? 1 : 0, now, answered: calls.answered, talkMs: calls.talkMs, maxTalkMs: calls.maxTalkMs,
    });
    if (calls.answered > 0) {
      const addToBucket = statements.get(reportSql.addToBucket);
      for (const [bucket, n] of Object.entries(calls.durationBuckets)) addToBucket.run(jobGroupId, 'duration', bucket, n);
      for (const [bucket, n] of Object.entries(calls.turnBuckets)) addToBucket.run(jobGroupId, 'turns', bucket, n);
    }
    if (after && statusOrEndTimeStale({ waiting: Number(after.waiting), inFlight: Number(after.inFlight), endTime: Number(after.endTime), status: String(after.status) })) {
      refreshStatus(statements, jobGroupId, now);
    }
  }
  return result;
}
