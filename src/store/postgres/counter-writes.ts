import type pg from 'pg';
import type { CounterDelta } from '../store.ts';
import { ZERO_DELTA } from '../job-status-counters.ts';
import type { PostgresDatabase } from './postgres-database.ts';
import { counters as q } from './counter-queries.ts';

/**
 * How the transactions of the PostgreSQL store move job-group counters. User
 * actions lock the groups' counter rows and write them; engine rounds add to shard
 * rows instead (no group-wide lock), and the statuses those moves imply are
 * refreshed under the groups' locks after the round commits.
 */

/** Locks the groups' counter rows for the rest of the transaction, in id order. */
export async function lockGroups(db: PostgresDatabase, client: pg.ClientBase, groupIds: string[]): Promise<void> {
  if (groupIds.length > 0) await db.run(q.lockGroups, { ids: groupIds, schema: db.location.schema }, client);
}

/** Deltas as rows of the apply statements, one per group in id order. */
function deltaRows(deltas: Map<string, CounterDelta>) {
  return [...deltas.keys()].sort().map((jobGroupId) => ({ ...ZERO_DELTA, ...deltas.get(jobGroupId), jobGroupId }));
}

/** Applies summed deltas, one row per group (whose counter row the transaction has locked). */
export async function applyDeltas(db: PostgresDatabase, client: pg.ClientBase, deltas: Map<string, CounterDelta>): Promise<void> {
  if (deltas.size > 0) await db.run(q.apply, { deltas: JSON.stringify(deltaRows(deltas)) }, client);
}

/** Adds an engine round's summed deltas to this connection's shard row of each group. */
export async function applyToShards(db: PostgresDatabase, client: pg.ClientBase, deltas: Map<string, CounterDelta>): Promise<void> {
  if (deltas.size > 0) await db.run(q.applyToShards, { deltas: JSON.stringify(deltaRows(deltas)) }, client);
}

/** Re-derives the groups' statuses (and end times) from their counters. */
export async function refreshStatuses(db: PostgresDatabase, client: pg.ClientBase, groups: Array<{ id: string; now: number }>): Promise<void> {
  if (groups.length > 0) await db.run(q.refreshStatus, { groups: JSON.stringify(groups) }, client);
}

/** Adds `delta` into `sum`, key by key. */
export function addDelta(sum: CounterDelta, delta: CounterDelta): void {
  for (const [key, value] of Object.entries(delta) as Array<[keyof CounterDelta, number]>) sum[key] = (sum[key] ?? 0) + value;
}
