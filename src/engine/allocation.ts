import type { JobGroupPriority } from '../store/rows.ts';

/**
 * How free lines of one instance are shared among its running groups in one
 * dispatch round:
 *
 * 1. each group's MinConcurrency is reserved for it while it has due work
 *    (Urgent groups served first if lines are short);
 * 2. the remaining lines go to Urgent groups before Daily ones;
 * 3. within a priority, one line at a time in turn, so a huge group cannot starve
 *    a small one.
 *
 * Pure: input is each group's due-job count, output the lines each gets.
 */
export interface GroupDemand {
  id: string;
  priority: JobGroupPriority;
  minConcurrency: number;
  inFlight: number;
  /** Due jobs available now (already capped at the free lines). */
  due: number;
}

const PRIORITY_ORDER: Record<JobGroupPriority, number> = { Urgent: 0, Daily: 1 };

export function allocateLines(freeLines: number, groups: readonly GroupDemand[]): Map<string, number> {
  const granted = new Map(groups.map((g) => [g.id, 0]));
  let free = Math.max(0, freeLines);
  const ordered = [...groups].sort((a, b) => PRIORITY_ORDER[a.priority] - PRIORITY_ORDER[b.priority] || a.id.localeCompare(b.id));
  const remaining = (g: GroupDemand) => g.due - granted.get(g.id)!;

  for (const group of ordered) {
    if (free === 0) break;
    const deficit = Math.max(0, group.minConcurrency - group.inFlight);
    const take = Math.min(deficit, remaining(group), free);
    granted.set(group.id, granted.get(group.id)! + take);
    free -= take;
  }

  for (const priority of ['Urgent', 'Daily'] as const) {
    let tier = ordered.filter((g) => g.priority === priority && remaining(g) > 0);
    while (free > 0 && tier.length > 0) {
      for (const group of tier) {
        if (free === 0) break;
        granted.set(group.id, granted.get(group.id)! + 1);
        free--;
      }
      tier = tier.filter((g) => remaining(g) > 0);
    }
  }
  return granted;
}
