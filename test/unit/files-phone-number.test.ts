import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NumberSet } from '../../src/files/number-set.ts';
import { isValidByMetadata, normaliseNumber } from '../../src/domain/phone-number.ts';

describe('normaliseNumber', () => {
  it('accepts Chinese mobiles, landlines with their area code, +86 and international E.164 numbers', () => {
    const cases: Array<[string, string, string]> = [
      ['13800138000', '13800138000', '+8613800138000'],
      ['15912345678', '15912345678', '+8615912345678'],
      ['18612345678', '18612345678', '+8618612345678'],
      ['+86 139 0013 9000', '13900139000', '+8613900139000'],
      ['8613900139000', '13900139000', '+8613900139000'],
      ['057188880000', '057188880000', '+8657188880000'],
      ['0571-8888-0000', '057188880000', '+8657188880000'],
      ['010-12345678', '01012345678', '+861012345678'],
      ['+1 415 555 2671', '+14155552671', '+14155552671'],
      ['+44 20 7946 0000', '+442079460000', '+442079460000'],
      ['+852 9123 4567', '+85291234567', '+85291234567'],
    ];
    for (const [raw, dial, e164] of cases) {
      const number = normaliseNumber(raw);
      assert.deepEqual([number?.dial, number?.e164], [dial, e164], raw);
      assert.equal(number?.key, Number(e164.slice(1)), raw);
    }
  });

  it("keeps the emulator's test numbers 1990000XXXX valid, in every form docs/emulator.md names", () => {
    for (const raw of ['19900000100', '19900001234', '19900009999', '8619900000100', '+8619900000100']) {
      assert.ok(normaliseNumber(raw), raw);
    }
    assert.equal(normaliseNumber('+8619900000100')?.dial, '19900000100');
  });

  it('rejects numbers that only have a possible length: local numbers without an area code, short or unassigned ranges', () => {
    // The benchmark's bad rows (`12${i}`) and other shapes the default "min" metadata let through.
    for (const raw of ['1200009', '12999999', '12345678', '121000009', '12345678901', '16800000000', '1219', '99', '10086', '+1 555 0100', 'not a number', '']) {
      assert.equal(normaliseNumber(raw), undefined, raw);
    }
  });

  it('rejects every bad number of the benchmark generator', () => {
    let accepted = 0;
    for (let i = 9; i < 1_000_000; i += 997 * 10) if (normaliseNumber(`12${i}`)) accepted++;
    assert.equal(accepted, 0);
  });

  it('decides 11-digit numbers starting with 1 by their 7-digit block exactly as a full parse does', () => {
    // A seeded walk over every 3-digit prefix and many blocks, several tails each.
    let seed = 12345;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    let checked = 0;
    for (let prefix = 100; prefix <= 199; prefix++) {
      for (let b = 0; b < 40; b++) {
        const block = `${prefix}${String(next() % 10_000).padStart(4, '0')}`;
        for (let t = 0; t < 4; t++) {
          const text = `${block}${String(next() % 10_000).padStart(4, '0')}`;
          assert.equal(Boolean(normaliseNumber(text)), isValidByMetadata(text), text);
          checked++;
        }
      }
    }
    assert.equal(checked, 100 * 40 * 4);
  });
});

describe('NumberSet', () => {
  it('tells numbers it holds from others, across growth, like a Set', () => {
    const set = new NumberSet(4);
    const reference = new Set<number>();
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    for (let i = 0; i < 50_000; i++) {
      // E.164 keys of one country and neighbouring numbers, as a contact list has them.
      const key = 86e11 + 13_000_000_000 + (next() % 200_000);
      assert.equal(set.add(key), !reference.has(key));
      reference.add(key);
    }
    assert.equal(set.size, reference.size);
    for (let i = 0; i < 1000; i++) {
      const key = 86e11 + 13_000_000_000 + i * 250;
      assert.equal(set.has(key), reference.has(key), String(key));
    }
    assert.equal(set.has(14155552671), false);
  });

  it('holds 15-digit keys exactly and refuses keys that are not positive integers', () => {
    const set = new NumberSet();
    assert.equal(set.add(999_999_999_999_999), true);
    assert.equal(set.has(999_999_999_999_998), false);
    assert.equal(set.add(999_999_999_999_999), false);
    assert.throws(() => set.add(0), RangeError);
    assert.throws(() => set.add(1.5), RangeError);
  });
});
