import type { TaskRow } from '../rows.ts';
import { optOutEntry } from '../opt-out.ts';
import type { AttemptClaim, AttemptSettlement, Reschedule, RoundWrites } from '../store.ts';
import { results as resultQueries } from './dialog-queries.ts';
import type { CounterMoves } from './counter-moves.ts';
import { withCounterMoves } from './counter-writes.ts';
import type { StatementCache } from './statement-cache.ts';
import { dispatch as dispatchSql } from './dispatch-queries.ts';

/**
 * A dispatch round's writes in one transaction of the caller: the settlements, then
 * the reschedules, then the claims, their counter moves summed and written once per
 * group at the end. One process dispatches on SQLite, so each claim is admitted
 * against the lines counted inside the transaction. Returns the tasks claimed.
 */
export function writeRound(statements: StatementCache, round: RoundWrites): TaskRow[] {
  return withCounterMoves(statements, (moves) => {
    settle(statements, round.settlements, moves);
    reschedule(statements, round.reschedules, round.now, moves);
    return claim(statements, round.claims, round.now, moves);
  });
}

function claim(statements: StatementCache, claims: AttemptClaim[], now: number, moves: CounterMoves): TaskRow[] {
  const claimed: TaskRow[] = [];
  // Lines still free per instance, read inside the transaction (with the lines this
  // transaction's settlements free): the ceiling holds even when a decision counted
  // on lines that a settlement did not free after all.
  const freeLines = new Map<string, number>();
  for (const attempt of claims) {
    const { task } = attempt;
    let free = freeLines.get(task.instanceId);
    if (free === undefined) {
      const lines = statements.get(dispatchSql.instanceLines).get(task.instanceId);
      free = lines ? Number(lines.max) - Number(lines.inFlight) + moves.freedIn(task.instanceId) : 0;
    }
    if (free <= 0) continue;
    const changes = statements.get(dispatchSql.claimJob).run({
      jobId: task.jobId,
      attempts: attempt.attempts,
      attemptDay: attempt.attemptDay,
      dayAttempts: attempt.dayAttempts,
      now,
    }).changes;
    if (changes === 0) continue;
    freeLines.set(task.instanceId, free - 1);
    statements.get(dispatchSql.insertTask).run(insertTaskParams(task));
    moves.add(task.jobGroupId, { scheduling: -1, executing: 1, inFlight: 1, totalCalls: 1 }, now);
    moves.markStarted(task.jobGroupId, now);
    claimed.push(task);
  }
  return claimed;
}

function settle(statements: StatementCache, settlements: AttemptSettlement[], moves: CounterMoves): void {
  for (const settlement of settlements) {
    const { task, job, now } = settlement;
    const settled = statements.get(dispatchSql.settleTask).run(settleTaskParams(task)).changes;
    if (settled === 0) continue; // already settled (e.g. by recovery): never count twice
    if (settlement.results) applyResults(statements, settlement);
    moves.add(task.jobGroupId, settlement.taskDelta, now);
    // An answered call (one with an end reason) counts in the group's call report.
    if (task.endReason !== '') moves.answered(task.jobGroupId, task.talkMs, task.conversation, now);
    if ((settlement.taskDelta.inFlight ?? 0) < 0) moves.freeLine(task.instanceId);
    const moved = statements.get(dispatchSql.settleJob).run({
      id: job.id, status: job.status, nextAttemptAt: job.nextAttemptAt, failureReason: job.failureReason, endReason: job.endReason, now,
    }).changes;
    if (moved === 1) moves.add(task.jobGroupId, settlement.jobDelta, now);
  }
}

function reschedule(statements: StatementCache, changes: Reschedule[], now: number, moves: CounterMoves): void {
  for (const change of changes) {
    if ('nextAttemptAt' in change) {
      statements.get(dispatchSql.rescheduleJob).run({ jobId: change.jobId, nextAttemptAt: change.nextAttemptAt, now });
    } else if (statements.get(dispatchSql.failJob).run({ jobId: change.jobId, failureReason: change.failureReason, now }).changes === 1) {
      moves.add(change.jobGroupId, { scheduling: -1, failed: 1 }, now);
    }
  }
}

/** Tallies a settled call's business results in its group and blocks the callee when it opted out, with the task's end. */
function applyResults(statements: StatementCache, settlement: AttemptSettlement): void {
  const { task, results } = settlement;
  if (!results) return;
  const tally = statements.get(resultQueries.tally);
  for (const brief of results.briefs) tally.run({ jobGroupId: task.jobGroupId, kind: 'brief', key: brief.key, value: brief.value });
  for (const category of results.categories) tally.run({ jobGroupId: task.jobGroupId, kind: 'category', key: category, value: '' });
  if (results.optOut) {
    statements.get(resultQueries.block).run(optOutEntry(settlement));
  }
}

/**
 * The parameters of dispatch.insertTask and dispatch.settleTask, named one by one: a
 * spread of the whole task row (19 fields) cost more than binding them, once per call.
 */
function insertTaskParams(task: TaskRow) {
  return {
    id: task.id, jobId: task.jobId, jobGroupId: task.jobGroupId, instanceId: task.instanceId, attempt: task.attempt,
    callingNumber: task.callingNumber, calledNumber: task.calledNumber, contact: JSON.stringify(task.contact),
    plannedTime: task.plannedTime, actualTime: task.actualTime, leaseExpiresAt: task.leaseExpiresAt,
  };
}

function settleTaskParams(task: TaskRow) {
  return {
    id: task.id, status: task.status, endTime: task.endTime, ringingMs: task.ringingMs, talkMs: task.talkMs, endReason: task.endReason,
    hangupDirection: task.hangupDirection, sipCode: task.sipCode, conversation: JSON.stringify(task.conversation),
  };
}
