import { emptyCallReport, tallyAnsweredCall } from '../call-report-tally.ts';
import { ZERO_DELTA } from '../job-status-counters.ts';
import type { ConversationTurn } from '../rows.ts';
import type { CounterDelta, GroupCallReport } from '../store.ts';

/** What one transaction moves in one group's counters. */
export interface GroupMove {
  delta: Required<CounterDelta>;
  /** The latest moment of the moves: the status refresh and end time are stamped with it. */
  now: number;
  /** A call started: the group's start time is stamped if it has none. */
  started: boolean;
  /** What the transaction's answered calls add to the group's call report. */
  calls: GroupCallReport;
}

/** A group's row after its moves were applied (queries.ts counters.applyMoves). */
export interface GroupAfterMoves {
  /** Jobs Scheduling, Executing or Paused. */
  waiting: number;
  inFlight: number;
  endTime: number;
  status: string;
}

/**
 * Whether counters.refreshStatus or counters.stampEnd would change the group: its
 * status if running (Scheduling, Executing) is the one its counters imply, and its end
 * time is set exactly when it is Completed. The same rules as the SQL's DERIVED_STATUS
 * and END_TIME, which stay the ones that write: this only spares the two statements
 * in the rounds (nearly all) where they would change nothing.
 */
export function statusOrEndTimeStale(group: GroupAfterMoves): boolean {
  const derived = group.waiting === 0 && group.inFlight === 0 ? 'Completed' : group.inFlight > 0 ? 'Executing' : 'Scheduling';
  const status = group.status === 'Scheduling' || group.status === 'Executing' ? derived : group.status;
  return status !== group.status || (status === 'Completed') !== (group.endTime !== 0);
}

/**
 * The counter moves of one transaction's settlements, reschedules and claims, summed per
 * group so that each group's counter row and status are written once, when the
 * transaction's rows are all written. A round used to write them after each of its
 * three parts: eight statements a round where four do (docs/performance-engine.md).
 *
 * The lines a settlement frees are only written at the end, so a claim in the same
 * transaction adds them to what the counter rows still say (`freedIn`).
 */
export class CounterMoves {
  readonly groups = new Map<string, GroupMove>();
  private readonly freed = new Map<string, number>();

  add(jobGroupId: string, delta: CounterDelta, now: number): void {
    const move = this.moveOf(jobGroupId, now);
    for (const [key, value] of Object.entries(delta) as Array<[keyof CounterDelta, number]>) move.delta[key] += value;
  }

  /** A call of the instance ended in this transaction: its line is free once the moves are written. */
  freeLine(instanceId: string): void {
    this.freed.set(instanceId, (this.freed.get(instanceId) ?? 0) + 1);
  }

  freedIn(instanceId: string): number {
    return this.freed.get(instanceId) ?? 0;
  }

  /** A call of the group was answered: it counts in the group's call report. */
  answered(jobGroupId: string, talkMs: number, conversation: readonly ConversationTurn[], now: number): void {
    tallyAnsweredCall(this.moveOf(jobGroupId, now).calls, talkMs, conversation);
  }

  /** A call of the group started: its start time is stamped if it has none. */
  markStarted(jobGroupId: string, now: number): void {
    this.moveOf(jobGroupId, now).started = true;
  }

  private moveOf(jobGroupId: string, now: number): GroupMove {
    let move = this.groups.get(jobGroupId);
    if (!move) {
      move = { delta: { ...ZERO_DELTA }, now, started: false, calls: emptyCallReport() };
      this.groups.set(jobGroupId, move);
    }
    move.now = Math.max(move.now, now);
    return move;
  }
}
