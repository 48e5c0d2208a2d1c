import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { seededBetween, seededUniform } from '../../src/telephony/simulated/seeded-uniform.ts';

/** The draw as documented: the first 32 bits of SHA-256 over the parts joined by NUL, over 2^32. */
function reference(seed: string, ...parts: Array<string | number>): number {
  return createHash('sha256').update([seed, ...parts].join('\u0000')).digest().readUInt32BE(0) / 2 ** 32;
}

describe('seededUniform', () => {
  it('is the first 32 bits of the SHA-256 of its parts, so a seed replays the campaigns it always did', () => {
    for (let i = 0; i < 500; i++) {
      const parts = [`call-${i}`, i % 7, 'outcome'];
      assert.equal(seededUniform('bench-engine', ...parts), reference('bench-engine', ...parts));
    }
  });

  it('stays in [0, 1) and spreads evenly', () => {
    const tenths = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i++) {
      const u = seededUniform('spread', i);
      assert.ok(u >= 0 && u < 1);
      tenths[Math.floor(u * 10)]!++;
    }
    for (const n of tenths) assert.ok(n > 850 && n < 1150, `a tenth holds ${n} of 10 000 draws`);
  });

  it('draws integers within the range given, both ends included', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 1_000; i++) seen.add(seededBetween([3, 5], 'range', i));
    assert.deepEqual([...seen].sort(), [3, 4, 5]);
  });
});
