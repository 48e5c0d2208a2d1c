import type { JobGroupCounters } from '../store/rows.ts';
import type { Store } from '../store/store.ts';

export interface CounterDifference {
  jobGroupId: string;
  counter: keyof JobGroupCounters;
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
    onProgress?.(index + 1, ids.length);
  }
  return { groups: ids.length, differences };
}
