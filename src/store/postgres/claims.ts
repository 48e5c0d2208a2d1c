import type pg from 'pg';
import type { TaskRow } from '../rows.ts';
import type { AttemptClaim } from '../store.ts';
import { admitClaims, type LineReservation } from '../../domain/line-admission.ts';
import type { PostgresDatabase } from './postgres-database.ts';
import { CLAIM_UNDER_LOCK_SHARD } from './counter-queries.ts';
import { dispatch as dispatchSql } from './dispatch-queries.ts';

/** The `free` lines of an optimistic claim, checked after it (the claim statement's `free` is an int). */
const UNLIMITED_LINES = 2_147_483_647;

/**
 * Claims in two tries. First optimistically: the jobs are claimed with no
 * instance lock, so rounds of several nodes claim side by side, and only then are
 * the instances locked and their lines checked, the locks held just until commit.
 * That holds when every instance is within its ceiling and still has the lines
 * its groups' MinConcurrency reserve. Otherwise the claims are undone (to a
 * savepoint) and made again exactly: instances locked first, each claim admitted
 * against the lines counted under the locks. Either way every commit that starts
 * calls happens under the instance's lock, after a count that saw all earlier
 * ones, so the ceiling holds over every node's calls.
 */
export async function claimIn(db: PostgresDatabase, client: pg.ClientBase, claims: AttemptClaim[], now: number): Promise<TaskRow[]> {
  // A job named twice in one call is claimed once, by its first claim.
  const seen = new Set<string>();
  claims = claims.filter((claim) => !seen.has(claim.task.jobId) && seen.add(claim.task.jobId));
  if (claims.length === 0) return [];
  const instanceIds = [...new Set(claims.map((claim) => claim.task.instanceId))].sort();

  await client.query('SAVEPOINT claims');
  const optimistic = await claimRows(db, client, claims, new Map(instanceIds.map((id) => [id, UNLIMITED_LINES])), now, null);
  if (optimistic.length === 0) return [];
  await db.run(dispatchSql.lockInstances, { ids: instanceIds }, client);
  const lines = await db.rows(dispatchSql.linesAfterClaims, { ids: instanceIds, now }, client);
  if (lines.every((row) => Number(row.free) >= Math.max(0, Number(row.reserved)))) return optimistic;
  await client.query('ROLLBACK TO SAVEPOINT claims');

  await db.run(dispatchSql.lockInstances, { ids: instanceIds }, client);
  // Lines still free per instance, read under the instance locks.
  const free = new Map<string, number>();
  for (const row of await db.rows(dispatchSql.instanceLines, { ids: instanceIds }, client)) {
    free.set(String(row.id), Math.max(0, Number(row.max) - Number(row.inFlight)));
  }
  // Nor may a node that decided on stale figures take lines another group's
  // MinConcurrency holds: the claims are admitted again here, under the locks.
  const reservations = new Map<string, LineReservation[]>();
  for (const row of await db.rows(dispatchSql.reservations, { ids: instanceIds, now }, client)) {
    const list = reservations.get(String(row.instanceId)) ?? [];
    list.push({ jobGroupId: String(row.jobGroupId), lines: Number(row.lines) });
    reservations.set(String(row.instanceId), list);
  }
  claims = admitClaims(claims.map((claim) => ({ claim, instanceId: claim.task.instanceId, jobGroupId: claim.task.jobGroupId })), free, reservations).map(({ claim }) => claim);
  return claimRows(db, client, claims, free, now, CLAIM_UNDER_LOCK_SHARD);
}

/**
 * Claims the jobs still Scheduling, due and in a running group, each instance
 * taking at most its `free` lines in the claims' order, inserts their tasks and
 * moves the counters, in one statement: on `shard`, or on the connection's when null.
 * Returns the claimed tasks in the claims' order.
 */
async function claimRows(db: PostgresDatabase, client: pg.ClientBase, claims: AttemptClaim[], free: ReadonlyMap<string, number>, now: number, shard: number | null): Promise<TaskRow[]> {
  if (claims.length === 0) return [];
  const order = new Map(claims.map((claim, i) => [claim.task.jobId, i]));
  const claimedIds = new Set(
    (
      await db.rows(dispatchSql.claim, {
        claims: JSON.stringify(claims.map((claim, ord) => ({
          jobId: claim.task.jobId,
          instanceId: claim.task.instanceId,
          attempts: claim.attempts,
          attemptDay: claim.attemptDay,
          dayAttempts: claim.dayAttempts,
          ord,
        }))),
        free: JSON.stringify([...free].map(([instanceId, lines]) => ({ instanceId, free: lines }))),
        tasks: JSON.stringify(claims.map((claim) => claim.task)),
        ids: claims.map((claim) => claim.task.jobId),
        now,
        shard,
      }, client)
    ).map((row) => String(row.jobId)),
  );
  const claimed = claims.filter((claim) => claimedIds.has(claim.task.jobId)).map((claim) => claim.task);
  claimed.sort((x, y) => order.get(x.jobId)! - order.get(y.jobId)!);
  return claimed;
}
