import type pg from 'pg';
import type { AttemptSettlement, CounterDelta, GroupCallReport, Reschedule } from '../store.ts';
import { optOutEntry } from '../opt-out.ts';
import { emptyCallReport, tallyAnsweredCall } from '../call-report-tally.ts';
import { addDelta, applyToShards } from './counter-writes.ts';
import type { PostgresDatabase } from './postgres-database.ts';
import { reports as reportSql } from './counter-queries.ts';
import { dispatch as dispatchSql, results as resultSql } from './dispatch-queries.ts';

type Row = Record<string, unknown>;

/**
 * The writes of a dispatch round that end calls and move due jobs on, each batched
 * into a few statements on the round's connection. A call already settled (by
 * recovery, or another node) is never counted twice: the task update is guarded in
 * SQL, and only the tasks it changed move counters.
 */

/** Settles the calls not settled yet; returns the groups whose counters moved. */
export async function settleIn(db: PostgresDatabase, client: pg.ClientBase, settlements: AttemptSettlement[]): Promise<string[]> {
  if (settlements.length === 0) return [];
  // A task listed twice settles once, by its first settlement.
  const seen = new Set<string>();
  settlements = settlements.filter(({ task }) => !seen.has(task.id) && seen.add(task.id));
  const changed = await db.rows(dispatchSql.settle, {
    tasks: JSON.stringify(settlements.map(({ task }) => task)),
    jobs: JSON.stringify(settlements.map(({ job, task, now }) => ({
      id: job.id, status: job.status, nextAttemptAt: job.nextAttemptAt, failureReason: job.failureReason, endReason: job.endReason, taskId: task.id, now,
    }))),
  }, client);
  const settledTasks = new Set(changed.filter((row) => row.kind === 'task').map((row) => String(row.id)));
  const movedJobs = new Set(changed.filter((row) => row.kind === 'job').map((row) => String(row.id)));
  if (settledTasks.size === 0) return []; // all already settled (e.g. by recovery): never count twice
  const settled = settlements.filter(({ task }) => settledTasks.has(task.id));
  // Counter moves are summed per group and written once per group.
  const deltas = new Map<string, CounterDelta>();
  for (const settlement of settled) {
    const groupId = settlement.task.jobGroupId;
    const delta = deltas.get(groupId) ?? {};
    addDelta(delta, settlement.taskDelta);
    if (movedJobs.delete(settlement.job.id)) addDelta(delta, settlement.jobDelta); // one job change counts once
    deltas.set(groupId, delta);
  }
  await applyResults(db, client, settled);
  await applyToShards(db, client, deltas);
  await applyCallReports(db, client, settled);
  return [...deltas.keys()];
}

/** Adds the answered calls among `settled` to their groups' call reports, on this connection's shard rows. */
async function applyCallReports(db: PostgresDatabase, client: pg.ClientBase, settled: AttemptSettlement[]): Promise<void> {
  const reports = new Map<string, GroupCallReport>();
  for (const { task } of settled) {
    if (task.endReason === '') continue; // not answered: not in the report
    const report = reports.get(task.jobGroupId) ?? emptyCallReport();
    tallyAnsweredCall(report, task.talkMs, task.conversation);
    reports.set(task.jobGroupId, report);
  }
  if (reports.size === 0) return;
  const ids = [...reports.keys()].sort();
  const calls = ids.map((jobGroupId) => {
    const { answered, talkMs, maxTalkMs } = reports.get(jobGroupId)!;
    return { jobGroupId, answered, talkMs, maxTalkMs };
  });
  const buckets = ids.flatMap((jobGroupId) => {
    const { durationBuckets, turnBuckets } = reports.get(jobGroupId)!;
    return [
      ...Object.entries(durationBuckets).map(([bucket, n]) => ({ jobGroupId, kind: 'duration', bucket, n })),
      ...Object.entries(turnBuckets).map(([bucket, n]) => ({ jobGroupId, kind: 'turns', bucket, n })),
    ];
  });
  await db.run(reportSql.applyCalls, { calls: JSON.stringify(calls), buckets: JSON.stringify(buckets) }, client);
}

/** Tallies the business results of settled calls and blocks the callees who opted out. */
async function applyResults(db: PostgresDatabase, client: pg.ClientBase, settled: AttemptSettlement[]): Promise<void> {
  const tallies = new Map<string, { jobGroupId: string; kind: string; key: string; value: string; n: number }>();
  const blocks: Row[] = [];
  const tally = (jobGroupId: string, kind: string, key: string, value: string) => {
    const id = JSON.stringify([jobGroupId, kind, key, value]);
    const entry = tallies.get(id) ?? { jobGroupId, kind, key, value, n: 0 };
    entry.n += 1;
    tallies.set(id, entry);
  };
  for (const settlement of settled) {
    const { task, results } = settlement;
    if (!results) continue;
    for (const brief of results.briefs) tally(task.jobGroupId, 'brief', brief.key, brief.value);
    for (const category of results.categories) tally(task.jobGroupId, 'category', category, '');
    if (results.optOut) blocks.push(optOutEntry(settlement));
  }
  if (tallies.size > 0) await db.run(resultSql.tally, { rows: JSON.stringify([...tallies.values()]) }, client);
  if (blocks.length > 0) await db.run(resultSql.block, { rows: JSON.stringify(blocks) }, client);
}

/** Moves due jobs on, or fails them; returns the groups whose counters moved. */
export async function rescheduleIn(db: PostgresDatabase, client: pg.ClientBase, changes: Reschedule[], now: number): Promise<string[]> {
  if (changes.length === 0) return [];
  const later = changes.filter((change): change is Extract<Reschedule, { nextAttemptAt: number }> => 'nextAttemptAt' in change);
  const failed = changes.filter((change): change is Extract<Reschedule, { failureReason: string }> => 'failureReason' in change);
  if (later.length > 0) await db.run(dispatchSql.rescheduleJobs, { changes: JSON.stringify(later), now }, client);
  if (failed.length === 0) return [];
  const deltas = new Map<string, CounterDelta>();
  for (const row of await db.rows(dispatchSql.failJobs, { changes: JSON.stringify(failed), now }, client)) {
    const groupId = String(row.jobGroupId);
    const delta = deltas.get(groupId) ?? { scheduling: 0, failed: 0 };
    delta.scheduling! -= 1;
    delta.failed! += 1;
    deltas.set(groupId, delta);
  }
  await applyToShards(db, client, deltas);
  return [...deltas.keys()];
}
