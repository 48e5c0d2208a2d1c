import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { allocateLines, type GroupDemand } from '../../src/engine/allocation.ts';

function group(id: string, due: number, overrides: Partial<GroupDemand> = {}): GroupDemand {
  return { id, priority: 'Daily', minConcurrency: 0, inFlight: 0, due, ...overrides };
}

const sum = (granted: Map<string, number>) => [...granted.values()].reduce((a, b) => a + b, 0);

describe('allocateLines', () => {
  it('answers an entry for every group, zero for those that get nothing', () => {
    const granted = allocateLines(1, [group('a', 5), group('b', 5), group('c', 0)]);
    assert.deepEqual([...granted.keys()].sort(), ['a', 'b', 'c']);
    assert.equal(granted.get('c'), 0);
    assert.equal(sum(granted), 1);
  });

  it('never grants more lines in total than are free', () => {
    const granted = allocateLines(3, [group('a', 5), group('b', 5, { minConcurrency: 10 }), group('c', 5, { priority: 'Urgent' })]);
    assert.equal(sum(granted), 3);
  });

  it('never grants a group more than its due jobs, leaving the rest of the lines unused', () => {
    const granted = allocateLines(10, [group('a', 2, { minConcurrency: 5 }), group('b', 3, { priority: 'Urgent' })]);
    assert.deepEqual(Object.fromEntries(granted), { a: 2, b: 3 });
  });

  it('grants nothing when no line is free or the count is negative', () => {
    for (const free of [0, -3]) {
      const granted = allocateLines(free, [group('a', 5, { minConcurrency: 2 }), group('b', 5, { priority: 'Urgent' })]);
      assert.deepEqual(Object.fromEntries(granted), { a: 0, b: 0 }, `free ${free}`);
    }
  });

  it('reserves MinConcurrency before serving Urgent groups', () => {
    const granted = allocateLines(5, [group('urgent', 10, { priority: 'Urgent' }), group('daily', 10, { minConcurrency: 3 })]);
    assert.deepEqual(Object.fromEntries(granted), { urgent: 2, daily: 3 });
  });

  it('reserves only what MinConcurrency lacks beyond the calls already in flight', () => {
    const granted = allocateLines(5, [group('urgent', 10, { priority: 'Urgent' }), group('daily', 10, { minConcurrency: 3, inFlight: 2 })]);
    assert.deepEqual(Object.fromEntries(granted), { urgent: 4, daily: 1 });
    const satisfied = allocateLines(5, [group('urgent', 10, { priority: 'Urgent' }), group('daily', 10, { minConcurrency: 3, inFlight: 7 })]);
    assert.deepEqual(Object.fromEntries(satisfied), { urgent: 5, daily: 0 });
  });

  it('a reservation is capped by the group’s due jobs', () => {
    const granted = allocateLines(5, [group('urgent', 10, { priority: 'Urgent' }), group('daily', 1, { minConcurrency: 3 })]);
    assert.deepEqual(Object.fromEntries(granted), { urgent: 4, daily: 1 });
  });

  it('when lines are short for all reservations, Urgent reservations come first', () => {
    const granted = allocateLines(3, [group('a-daily', 10, { minConcurrency: 2 }), group('z-urgent', 10, { priority: 'Urgent', minConcurrency: 2 })]);
    assert.deepEqual(Object.fromEntries(granted), { 'a-daily': 1, 'z-urgent': 2 });
  });

  it('serves Urgent groups before Daily ones', () => {
    const granted = allocateLines(4, [group('a-daily', 10), group('z-urgent', 3, { priority: 'Urgent' })]);
    assert.deepEqual(Object.fromEntries(granted), { 'a-daily': 1, 'z-urgent': 3 });
    const short = allocateLines(4, [group('a-daily', 10), group('z-urgent', 10, { priority: 'Urgent' })]);
    assert.deepEqual(Object.fromEntries(short), { 'a-daily': 0, 'z-urgent': 4 });
  });

  it('shares lines in turn within a priority: 1000 due and 2 due with 4 free lines gives the small group 2', () => {
    const granted = allocateLines(4, [group('huge', 1000), group('small', 2)]);
    assert.deepEqual(Object.fromEntries(granted), { huge: 2, small: 2 });
  });

  it('gives lines a small group cannot use to the others in turn', () => {
    const granted = allocateLines(9, [group('a', 100), group('b', 1), group('c', 100)]);
    assert.deepEqual(Object.fromEntries(granted), { a: 4, b: 1, c: 4 });
  });

  it('grants equal groups within one line of each other', () => {
    const granted = allocateLines(5, [group('a', 100), group('b', 100), group('c', 100)]);
    const counts = [...granted.values()];
    assert.equal(sum(granted), 5);
    assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, JSON.stringify(counts));
  });

  it('does not depend on the order the groups are listed in', () => {
    const groups = [group('a', 7, { minConcurrency: 2 }), group('b', 100, { priority: 'Urgent' }), group('c', 3), group('d', 50, { priority: 'Urgent', minConcurrency: 1 })];
    const forward = Object.fromEntries(allocateLines(9, groups));
    const backward = Object.fromEntries(allocateLines(9, [...groups].reverse()));
    assert.deepEqual(backward, forward);
  });
});

describe('allocateLines properties', () => {
  const groupsArb = fc
    .uniqueArray(
      fc.record({
        id: fc.string({ minLength: 1, maxLength: 6 }),
        priority: fc.constantFrom('Urgent' as const, 'Daily' as const),
        minConcurrency: fc.integer({ min: 0, max: 6 }),
        inFlight: fc.integer({ min: 0, max: 6 }),
        due: fc.integer({ min: 0, max: 60 }),
      }),
      { selector: (g) => g.id, maxLength: 8 },
    );
  const freeArb = fc.integer({ min: -2, max: 120 });

  it('the sum stays within the free lines, each grant within [0, due], and all free lines are used when enough is due', () => {
    fc.assert(
      fc.property(freeArb, groupsArb, (free, groups) => {
        const granted = allocateLines(free, groups);
        const total = sum(granted);
        assert.ok(total <= Math.max(0, free), `total ${total} > free ${free}`);
        for (const g of groups) {
          const n = granted.get(g.id)!;
          assert.ok(Number.isInteger(n) && n >= 0 && n <= g.due, `${g.id}: ${n} of ${g.due} due`);
        }
        const totalDue = groups.reduce((a, g) => a + g.due, 0);
        if (totalDue >= free && free >= 0) assert.equal(total, free);
        else assert.equal(total, Math.min(totalDue, Math.max(0, free)));
      }),
      { numRuns: 1000 },
    );
  });

  it('a Daily group gets lines beyond its reservation only when every Urgent group has all it is due', () => {
    fc.assert(
      fc.property(freeArb, groupsArb, (free, groups) => {
        const granted = allocateLines(free, groups);
        const dailyBeyond = groups.some((g) => g.priority === 'Daily' && granted.get(g.id)! > Math.max(0, g.minConcurrency - g.inFlight));
        if (!dailyBeyond) return;
        for (const g of groups.filter((x) => x.priority === 'Urgent')) assert.equal(granted.get(g.id), g.due, g.id);
      }),
      { numRuns: 1000 },
    );
  });

  it('without reservations, a group of one priority left short has at least the grant of any other of that priority minus one', () => {
    fc.assert(
      fc.property(freeArb, groupsArb, (free, raw) => {
        const groups = raw.map((g) => ({ ...g, minConcurrency: 0 }));
        const granted = allocateLines(free, groups);
        for (const short of groups.filter((g) => granted.get(g.id)! < g.due)) {
          for (const other of groups.filter((g) => g.priority === short.priority)) {
            assert.ok(granted.get(other.id)! <= granted.get(short.id)! + 1, `${other.id} got ${granted.get(other.id)}, ${short.id} only ${granted.get(short.id)}`);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
