/**
 * Compact open-addressing hash tables over typed arrays, so that counting distinct values costs a
 * few bytes per value instead of a JavaScript Map's ~60-80, and memory can be bounded and stated:
 * - NumberCounts: float64 value → two uint32 counts (all rows, complete rows); 16 bytes a slot.
 * - FloatSet: distinct float64 values only; 8 bytes a slot.
 * - DuplicateFinder: 64-bit hashes of values (or a number's own 64 bits) with a seen-once/seen-again
 *   state; 9 bytes a slot.
 * Tables double when 3/4 full, so a table holds 1.33 to 2.67 slots per entry.
 */

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** A 32-bit mix of a float64's bits (murmur3 finaliser over both halves). */
function hashNumber(x: number): number {
  f64[0] = x;
  let h = Math.imul(u32[0] ^ Math.imul(u32[1], 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const MAX_LOAD = 0.75;

/** Exact counts of distinct numbers (-0 is 0; NaN is never added), up to `cap` distinct values. */
export class NumberCounts {
  private keys: Float64Array;
  private all: Uint32Array;
  private complete: Uint32Array;
  private mask: number;
  size = 0;

  constructor(
    readonly cap: number,
    initialSlots = 64,
  ) {
    this.keys = new Float64Array(initialSlots);
    this.all = new Uint32Array(initialSlots);
    this.complete = new Uint32Array(initialSlots);
    this.mask = initialSlots - 1;
  }

  /** Counts one occurrence; false (and nothing counted) when the value is new and the table already holds `cap` values. */
  add(value: number, complete: boolean): boolean {
    const x = value + 0; // -0 → 0
    let i = hashNumber(x) & this.mask;
    for (;;) {
      const n = this.all[i];
      if (n === 0) break;
      if (this.keys[i] === x) {
        this.all[i] = n + 1;
        if (complete) this.complete[i]++;
        return true;
      }
      i = (i + 1) & this.mask;
    }
    if (this.size >= this.cap) return false;
    this.keys[i] = x;
    this.all[i] = 1;
    this.complete[i] = complete ? 1 : 0;
    this.size++;
    if (this.size > this.keys.length * MAX_LOAD) this.grow();
    return true;
  }

  private grow(): void {
    const { keys, all, complete } = this;
    const slots = keys.length * 2;
    this.keys = new Float64Array(slots);
    this.all = new Uint32Array(slots);
    this.complete = new Uint32Array(slots);
    this.mask = slots - 1;
    for (let j = 0; j < keys.length; j++) {
      if (all[j] === 0) continue;
      let i = hashNumber(keys[j]) & this.mask;
      while (this.all[i] !== 0) i = (i + 1) & this.mask;
      this.keys[i] = keys[j];
      this.all[i] = all[j];
      this.complete[i] = complete[j];
    }
  }

  /** The values in ascending order with their counts. */
  sorted(): { values: number[]; counts: number[]; completeCounts: number[] } {
    const values = new Float64Array(this.size);
    let n = 0;
    for (let j = 0; j < this.keys.length; j++) if (this.all[j] !== 0) values[n++] = this.keys[j];
    values.sort();
    const counts = new Array<number>(n);
    const completeCounts = new Array<number>(n);
    for (let k = 0; k < n; k++) {
      const i = this.slot(values[k]);
      counts[k] = this.all[i];
      completeCounts[k] = this.complete[i];
    }
    return { values: Array.from(values), counts, completeCounts };
  }

  /** The slot holding a value known to be in the table. */
  private slot(x: number): number {
    let i = hashNumber(x) & this.mask;
    while (this.keys[i] !== x || this.all[i] === 0) i = (i + 1) & this.mask;
    return i;
  }

  forEach(visit: (value: number, count: number, completeCount: number) => void): void {
    for (let j = 0; j < this.keys.length; j++) if (this.all[j] !== 0) visit(this.keys[j], this.all[j], this.complete[j]);
  }

  get bytes(): number {
    return this.keys.length * 16;
  }
}

/** Distinct numbers (no NaN), for counting them beyond what NumberCounts keeps. */
export class FloatSet {
  private keys: Float64Array;
  private mask: number;
  size = 0;

  constructor(initialSlots = 1024) {
    this.keys = new Float64Array(initialSlots).fill(NaN);
    this.mask = initialSlots - 1;
  }

  /** Adds a value; true when it was new. */
  add(value: number): boolean {
    const x = value + 0;
    let i = hashNumber(x) & this.mask;
    for (;;) {
      const k = this.keys[i];
      if (k !== k) break; // NaN: empty slot
      if (k === x) return false;
      i = (i + 1) & this.mask;
    }
    this.keys[i] = x;
    this.size++;
    if (this.size > this.keys.length * MAX_LOAD) this.grow();
    return true;
  }

  private grow(): void {
    const old = this.keys;
    this.keys = new Float64Array(old.length * 2).fill(NaN);
    this.mask = this.keys.length - 1;
    for (const x of old) {
      if (x !== x) continue;
      let i = hashNumber(x) & this.mask;
      while (this.keys[i] === this.keys[i]) i = (i + 1) & this.mask;
      this.keys[i] = x;
    }
  }

  get bytes(): number {
    return this.keys.length * 8;
  }
}

/**
 * MurmurHash3 (x86, 32-bit) of a string's UTF-16 code units, two units per block, with a seed.
 * Two seeds give the two halves of a 64-bit key.
 */
export function murmur3(text: string, seed: number): number {
  let h = seed >>> 0;
  const n = text.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    let k = (text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16)) >>> 0;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  if (i < n) {
    let k = text.charCodeAt(i);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= n * 2;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The first slot of a 64-bit key (mixed: addNumber's keys are raw float64 bits). */
function slotOf(hi: number, lo: number): number {
  let h = hi ^ Math.imul(lo, 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  return h ^ (h >>> 13);
}

const SEED_HI = 0x9747b28c;
const SEED_LO = 0x5bd1e995;

/**
 * Finds duplicated values in one pass by a 64-bit hash per distinct value (two independent
 * 32-bit MurmurHash3 lanes of the value's text and a type tag): 9 bytes a slot, so 12 to 24 bytes
 * per distinct value. Two different values share a hash with probability 2^-64 a pair: for n
 * distinct values the chance of any false duplicate is about n²/2^65 (10 million values: 3·10^-6;
 * 100 million: 3·10^-4), and a false duplicate can only make `unique` report a duplicate that is
 * not there, never hide one.
 */
export class DuplicateFinder {
  private hi: Uint32Array;
  private lo: Uint32Array;
  /** 0 empty, 1 seen once, 2 seen more than once. */
  private state: Uint8Array;
  private mask: number;
  size = 0;

  constructor(initialSlots = 1024) {
    this.hi = new Uint32Array(initialSlots);
    this.lo = new Uint32Array(initialSlots);
    this.state = new Uint8Array(initialSlots);
    this.mask = initialSlots - 1;
  }

  /** Records one occurrence and says how many times the value has now been seen: 1, 2, or 3 for "3 or more". */
  add(key: string): 1 | 2 | 3 {
    return this.insert(murmur3(key, SEED_HI), murmur3(key, SEED_LO));
  }

  /**
   * As add, for a number keyed by its float64 bits themselves (exact: no false duplicates); -0 is
   * 0. Keep numbers and strings in different finders: their keys are not told apart.
   */
  addNumber(value: number): 1 | 2 | 3 {
    f64[0] = value + 0;
    return this.insert(u32[1], u32[0]);
  }

  private insert(hi: number, lo: number): 1 | 2 | 3 {
    let i = slotOf(hi, lo) & this.mask;
    for (;;) {
      const s = this.state[i];
      if (s === 0) break;
      if (this.hi[i] === hi && this.lo[i] === lo) {
        if (s === 1) {
          this.state[i] = 2;
          return 2;
        }
        return 3;
      }
      i = (i + 1) & this.mask;
    }
    this.hi[i] = hi;
    this.lo[i] = lo;
    this.state[i] = 1;
    this.size++;
    if (this.size > this.state.length * MAX_LOAD) this.grow();
    return 1;
  }

  /**
   * Adds every value of `other` (same kind of keys) as if its occurrences had been added here.
   * Returns what that changes in a duplicated(keep=False) tally: `unexpected` occurrences newly
   * repeated, and the change in the number of `repeated` values (-1 for a value repeated in both).
   */
  absorb(other: DuplicateFinder): { unexpected: number; repeated: number } {
    let unexpected = 0;
    let repeated = 0;
    for (let j = 0; j < other.state.length; j++) {
      const b = other.state[j];
      if (b === 0) continue;
      const hi = other.hi[j];
      const lo = other.lo[j];
      let i = slotOf(hi, lo) & this.mask;
      while (this.state[i] !== 0 && (this.hi[i] !== hi || this.lo[i] !== lo)) i = (i + 1) & this.mask;
      const a = this.state[i];
      if (a === 0) {
        this.hi[i] = hi;
        this.lo[i] = lo;
        this.state[i] = b;
        this.size++;
        if (this.size > this.state.length * MAX_LOAD) this.grow();
        continue;
      }
      // Seen once on each side: both occurrences become unexpected; once on one side: that one does.
      if (a === 1 && b === 1) {
        unexpected += 2;
        repeated++;
      } else if (a === 1 || b === 1) unexpected++;
      else repeated--;
      this.state[i] = 2;
    }
    return { unexpected, repeated };
  }

  private grow(): void {
    const { hi, lo, state } = this;
    const slots = state.length * 2;
    this.hi = new Uint32Array(slots);
    this.lo = new Uint32Array(slots);
    this.state = new Uint8Array(slots);
    this.mask = slots - 1;
    for (let j = 0; j < state.length; j++) {
      if (state[j] === 0) continue;
      let i = slotOf(hi[j], lo[j]) & this.mask;
      while (this.state[i] !== 0) i = (i + 1) & this.mask;
      this.hi[i] = hi[j];
      this.lo[i] = lo[j];
      this.state[i] = state[j];
    }
  }

  get bytes(): number {
    return this.state.length * 9;
  }
}
