/**
 * The lines a group's MinConcurrency still holds for it in an instance: its
 * deficit (MinConcurrency minus calls in flight), counted only up to its due jobs,
 * since a group cannot use a line it has no call for.
 */
export interface LineReservation {
  jobGroupId: string;
  lines: number;
}

/**
 * The store's last word on a batch of claims, under the instance's lock, when
 * several nodes decide at once (each from what it read a moment before): in the
 * batch's order, a claim is admitted while the instance has a line free and either
 * its group still has lines reserved, or a line is free beyond what the instance's
 * other groups have reserved. So a node that decided on stale figures can neither
 * exceed the ceiling nor take the lines another group's MinConcurrency holds.
 */
export function admitClaims<T extends { instanceId: string; jobGroupId: string }>(
  claims: readonly T[],
  freeLines: ReadonlyMap<string, number>,
  reservations: ReadonlyMap<string, readonly LineReservation[]>,
): T[] {
  const free = new Map(freeLines);
  const reserved = new Map([...reservations].map(([instanceId, list]) => [instanceId, new Map(list.map((r) => [r.jobGroupId, r.lines]))]));
  const admitted: T[] = [];
  for (const claim of claims) {
    const lines = free.get(claim.instanceId) ?? 0;
    if (lines <= 0) continue;
    const held = reserved.get(claim.instanceId) ?? new Map<string, number>();
    const own = held.get(claim.jobGroupId) ?? 0;
    let heldForOthers = 0;
    for (const [groupId, count] of held) if (groupId !== claim.jobGroupId) heldForOthers += count;
    if (own <= 0 && lines - heldForOthers <= 0) continue;
    if (own > 0) held.set(claim.jobGroupId, own - 1);
    free.set(claim.instanceId, lines - 1);
    admitted.push(claim);
  }
  return admitted;
}
