/**
 * A set of phone-number keys (E.164 digits as a number, at most 15 digits, so
 * exact in a double) for a contact file's duplicate check, in one Float64Array
 * with open addressing: 8 bytes a slot, at most half the slots used, so 1M
 * numbers take 16-32 MB and no object per number. A `Set<number>` of the same
 * keys holds each (non-small-integer) key as a heap number, about 40 MB at 1M and
 * more garbage-collector work.
 *
 * 0 marks an empty slot; keys are positive (a valid number has a country code).
 */
export class NumberSet {
  private slots: Float64Array;
  private mask: number;
  private count = 0;

  constructor(initialCapacity = 1 << 16) {
    let size = 16;
    while (size < initialCapacity * 2) size *= 2;
    this.slots = new Float64Array(size);
    this.mask = size - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Adds the key; false when it was already there. */
  add(key: number): boolean {
    if (!(key > 0) || key > Number.MAX_SAFE_INTEGER || !Number.isInteger(key)) throw new RangeError(`not a number key: ${key}`);
    let at = slotOf(key) & this.mask;
    for (;;) {
      const found = this.slots[at]!;
      if (found === 0) break;
      if (found === key) return false;
      at = (at + 1) & this.mask;
    }
    this.slots[at] = key;
    if (++this.count * 2 > this.slots.length) this.grow();
    return true;
  }

  has(key: number): boolean {
    let at = slotOf(key) & this.mask;
    for (;;) {
      const found = this.slots[at]!;
      if (found === 0) return false;
      if (found === key) return true;
      at = (at + 1) & this.mask;
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Float64Array(old.length * 2);
    this.mask = this.slots.length - 1;
    for (const key of old) {
      if (key === 0) continue;
      let at = slotOf(key) & this.mask;
      while (this.slots[at] !== 0) at = (at + 1) & this.mask;
      this.slots[at] = key;
    }
  }
}

/**
 * Mixes both halves of the key: phone numbers of one list often differ only in
 * their last digits, and linear probing needs neighbours spread apart.
 */
function slotOf(key: number): number {
  const low = key % 0x1_0000_0000 | 0;
  const high = Math.floor(key / 0x1_0000_0000) | 0;
  let h = Math.imul(low ^ Math.imul(high, 0x27d4eb2d), 0x9e3779b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}
