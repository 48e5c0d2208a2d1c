import type { TaskRow } from '../../src/store/rows.ts';
import type { AttemptClaim, AttemptSettlement, Reschedule, RoundWrites, Store } from '../../src/store/store.ts';

/**
 * One kind of write at a time, each through a dispatch round as the engine commits
 * it (Store.dispatchRound): the store tests set up and check claims, settlements
 * and reschedules one by one.
 */

/** Commits `writes` as one round's commit; returns the tasks claimed. */
export function commitRound(store: Store, writes: RoundWrites): Promise<TaskRow[]> {
  return store.dispatchRound((round) => round.commit(writes));
}

/** A round that only claims. */
export function claimAttempts(store: Store, claims: AttemptClaim[], now: number): Promise<TaskRow[]> {
  return commitRound(store, { settlements: [], reschedules: [], claims, now });
}

/** A round that only settles one call. */
export async function settleAttempt(store: Store, settlement: AttemptSettlement): Promise<void> {
  await commitRound(store, { settlements: [settlement], reschedules: [], claims: [], now: settlement.now });
}

/** A round that only moves due jobs on (or fails them). */
export async function reschedule(store: Store, changes: Reschedule[], now: number): Promise<void> {
  await commitRound(store, { settlements: [], reschedules: changes, claims: [], now });
}
