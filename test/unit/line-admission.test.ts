import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { admitClaims } from '../../src/domain/line-admission.ts';

const claim = (jobGroupId: string, instanceId = 'i1') => ({ instanceId, jobGroupId });

describe('admitClaims', () => {
  it('admits claims in order while the instance has lines free', () => {
    const admitted = admitClaims([claim('g1'), claim('g1'), claim('g1')], new Map([['i1', 2]]), new Map());
    assert.equal(admitted.length, 2);
  });

  it("keeps the lines another group's MinConcurrency holds", () => {
    const reservations = new Map([['i1', [{ jobGroupId: 'small', lines: 2 }]]]);
    const big = Array.from({ length: 5 }, () => claim('big'));
    assert.equal(admitClaims(big, new Map([['i1', 5]]), reservations).length, 3);
    // The small group's own claims use its reservation, and then the big group has the rest.
    const mixed = admitClaims([claim('small'), claim('big'), claim('big'), claim('big'), claim('big')], new Map([['i1', 5]]), reservations);
    assert.deepEqual(mixed.map((c) => c.jobGroupId), ['small', 'big', 'big', 'big']);
  });

  it('lets a group within its own reservation claim even when others hold lines too', () => {
    const reservations = new Map([['i1', [{ jobGroupId: 'a', lines: 2 }, { jobGroupId: 'b', lines: 2 }]]]);
    const admitted = admitClaims([claim('a'), claim('a'), claim('a'), claim('b')], new Map([['i1', 3]]), reservations);
    assert.deepEqual(admitted.map((c) => c.jobGroupId), ['a', 'a', 'b']);
  });

  it('counts each instance on its own and admits nothing for an instance with no line free', () => {
    const admitted = admitClaims([claim('g', 'i1'), claim('g', 'i2'), claim('g', 'i2')], new Map([['i1', 0], ['i2', 1]]), new Map());
    assert.deepEqual(admitted.map((c) => c.instanceId), ['i2']);
  });
});
