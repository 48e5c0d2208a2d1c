import type { JobGroupCounters } from '../store/rows.ts';
import type { GroupCallReport, Store } from '../store/store.ts';

export interface CounterDifference {
  jobGroupId: string;
  /** A Progress or Result counter, or a figure of the call report (`report.answered`, `report.turns.2`, …). */
  counter: string;
  stored: number;
  recounted: number;
}

/**
 * Recounts every group's counters from its job and task rows and lists where
 * they differ from the stored ones (which GetJobGroup reports). The engine keeps
 * them equal by moving both in one transaction; this is the check of that promise.
 */
export async function verifyCounters(store: Store, onProgress?: (done: number, total: number) => void): Promise<{ groups: number; differences: CounterDifference[] }> {
  const ids = await store.listAllJobGroupIds();
  const differences: CounterDifference[] = [];
  for (const [index, jobGroupId] of ids.entries()) {
    const stored = await store.storedCounters(jobGroupId);
    if (!stored) continue;
    const recounted = await store.recountGroup(jobGroupId);
    for (const counter of Object.keys(recounted) as Array<keyof JobGroupCounters>) {
      if (stored[counter] !== recounted[counter]) differences.push({ jobGroupId, counter, stored: stored[counter], recounted: recounted[counter] });
    }
    const kept = reportFigures(await store.groupCallReport(jobGroupId));
    const recountedReport = reportFigures(await store.recountCallReport(jobGroupId));
    for (const figure of new Set([...kept.keys(), ...recountedReport.keys()])) {
      const [a, b] = [kept.get(figure) ?? 0, recountedReport.get(figure) ?? 0];
      if (a !== b) differences.push({ jobGroupId, counter: figure, stored: a, recounted: b });
    }
    onProgress?.(index + 1, ids.length);
  }
  return { groups: ids.length, differences };
}

/** A call report's figures by name, buckets included: what verify compares. */
function reportFigures(report: GroupCallReport): Map<string, number> {
  const figures = new Map<string, number>([
    ['report.answered', report.answered],
    ['report.talkMs', report.talkMs],
    ['report.maxTalkMs', report.maxTalkMs],
  ]);
  for (const [bucket, n] of Object.entries(report.durationBuckets)) figures.set(`report.duration.${bucket}`, n);
  for (const [bucket, n] of Object.entries(report.turnBuckets)) figures.set(`report.turns.${bucket}`, n);
  return figures;
}
