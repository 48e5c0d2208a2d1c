import { calleeTurns, talkTimeBucket } from '../domain/call-report.ts';
import type { ConversationTurn } from './rows.ts';
import type { GroupCallReport } from './store.ts';

/**
 * What a transaction's answered calls add to a group's call report, as both stores
 * keep it in counters (DescribeGroupExecutingInfo): summed here, written once per
 * group when the transaction's rows are written.
 */
export function emptyCallReport(): GroupCallReport {
  return { answered: 0, talkMs: 0, maxTalkMs: 0, durationBuckets: {}, turnBuckets: {} };
}

/** Adds one answered call (its talk time and transcript) to `report`. */
export function tallyAnsweredCall(report: GroupCallReport, talkMs: number, conversation: readonly ConversationTurn[]): void {
  report.answered++;
  report.talkMs += talkMs;
  report.maxTalkMs = Math.max(report.maxTalkMs, talkMs);
  const duration = talkTimeBucket(talkMs);
  report.durationBuckets[duration] = (report.durationBuckets[duration] ?? 0) + 1;
  const turns = String(calleeTurns(conversation));
  report.turnBuckets[turns] = (report.turnBuckets[turns] ?? 0) + 1;
}

/** A report as a store keeps it: its totals row and its rows of calls per bucket (buckets at 0 left out). */
export function keptCallReport(totals: Record<string, unknown>, buckets: ReadonlyArray<Record<string, unknown>>): GroupCallReport {
  const report: GroupCallReport = {
    answered: Number(totals.answered ?? 0),
    talkMs: Number(totals.talkMs ?? 0),
    maxTalkMs: Number(totals.maxTalkMs ?? 0),
    durationBuckets: {},
    turnBuckets: {},
  };
  for (const row of buckets) {
    if (Number(row.count) === 0) continue;
    (row.kind === 'duration' ? report.durationBuckets : report.turnBuckets)[String(row.bucket)] = Number(row.count);
  }
  return report;
}
