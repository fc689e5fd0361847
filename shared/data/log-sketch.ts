/**
 * A DDSketch-style quantile sketch (Masson, Rim, Lee: "DDSketch: a fast and fully-mergeable
 * quantile sketch with relative-error guarantees", VLDB 2019): values are counted exactly in
 * logarithmic buckets, bucket i holding |x| in (γ^(i-1), γ^i] with γ = (1+α)/(1-α), and stand for
 * 2γ^i/(γ+1), which is within a relative α of every value in the bucket. Deterministic, no
 * randomness: the same data always gives the same sketch. Each bucket keeps two counts (all rows,
 * and rows with no missing value, the population drift uses). Zero and |x| < 1e-300 share one
 * bucket; ±Infinity have their own counts. A store holding more than `maxBuckets` buckets
 * collapses its lowest-magnitude buckets into one (values that small then lose the guarantee).
 */

const MIN_INDEXABLE = 1e-300;

export interface SketchStore {
  indexes: number[];
  counts: number[];
  completeCounts: number[];
}

export interface SketchJson {
  relativeAccuracy: number;
  zero: { count: number; completeCount: number };
  positive: SketchStore;
  negative: SketchStore;
  positiveInfinity: { count: number; completeCount: number };
  negativeInfinity: { count: number; completeCount: number };
}

/**
 * Counts per bucket index in two dense arrays over a window of indexes that grows as needed; a
 * window wider than `maxBuckets` collapses its lowest indexes into one.
 */
class Store {
  private all = new Float64Array(0);
  private complete = new Float64Array(0);
  /** The index of slot 0. */
  private offset = 0;
  /** Indexes below this were collapsed into it. */
  private floor = -Infinity;

  constructor(private readonly maxBuckets: number) {}

  add(index: number, count: number, completeCount: number): void {
    let i = index < this.floor ? this.floor : index;
    if (i < this.offset || i >= this.offset + this.all.length) i = this.extend(i);
    this.all[i - this.offset] += count;
    this.complete[i - this.offset] += completeCount;
  }

  /** Makes room for index i (collapsing if the window would be too wide); returns where i now goes. */
  private extend(i: number): number {
    const used = this.usedRange();
    const lo = used ? Math.min(used[0], i) : i;
    const hi = used ? Math.max(used[1], i) : i;
    let newLo = lo;
    if (hi - lo + 1 > this.maxBuckets) newLo = hi - this.maxBuckets + 1;
    const slack = Math.min(this.maxBuckets - (hi - newLo + 1), Math.max(64, (hi - newLo + 1) >> 1));
    const start = Math.max(newLo - (i <= lo ? slack : 0), hi - this.maxBuckets + 1);
    const size = Math.min(this.maxBuckets, hi - start + 1 + (i >= hi ? slack : 0));
    const all = new Float64Array(size);
    const complete = new Float64Array(size);
    for (let k = 0; k < this.all.length; k++) {
      if (this.all[k] === 0 && this.complete[k] === 0) continue;
      const index = Math.max(k + this.offset, newLo);
      all[index - start] += this.all[k];
      complete[index - start] += this.complete[k];
    }
    this.all = all;
    this.complete = complete;
    this.offset = start;
    if (newLo > lo) this.floor = newLo;
    return Math.max(i, newLo);
  }

  private usedRange(): [number, number] | undefined {
    let lo = -1;
    let hi = -1;
    for (let k = 0; k < this.all.length; k++) {
      if (this.all[k] === 0 && this.complete[k] === 0) continue;
      if (lo < 0) lo = k;
      hi = k;
    }
    return lo < 0 ? undefined : [lo + this.offset, hi + this.offset];
  }

  toJson(): SketchStore {
    const out: SketchStore = { indexes: [], counts: [], completeCounts: [] };
    for (let k = 0; k < this.all.length; k++) {
      if (this.all[k] === 0 && this.complete[k] === 0) continue;
      out.indexes.push(k + this.offset);
      out.counts.push(this.all[k]);
      out.completeCounts.push(this.complete[k]);
    }
    return out;
  }
}

export class LogSketch {
  readonly gamma: number;
  private readonly lnGamma: number;
  private readonly positive: Store;
  private readonly negative: Store;
  private zero: [number, number] = [0, 0];
  private posInf: [number, number] = [0, 0];
  private negInf: [number, number] = [0, 0];

  constructor(
    readonly relativeAccuracy = 0.001,
    maxBuckets = 20_000,
  ) {
    this.gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy);
    this.lnGamma = Math.log(this.gamma);
    this.positive = new Store(maxBuckets);
    this.negative = new Store(maxBuckets);
  }

  /** The bucket index of a positive finite magnitude ≥ 1e-300. */
  index(magnitude: number): number {
    return Math.ceil(Math.log(magnitude) / this.lnGamma);
  }

  /** The value bucket `index` stands for. */
  value(index: number): number {
    return (2 * Math.pow(this.gamma, index)) / (this.gamma + 1);
  }

  add(x: number, count = 1, completeCount = 0): void {
    if (x !== x) return;
    if (x === Infinity) {
      this.posInf[0] += count;
      this.posInf[1] += completeCount;
    } else if (x === -Infinity) {
      this.negInf[0] += count;
      this.negInf[1] += completeCount;
    } else if (x > MIN_INDEXABLE) {
      this.positive.add(this.index(x), count, completeCount);
    } else if (x < -MIN_INDEXABLE) {
      this.negative.add(this.index(-x), count, completeCount);
    } else {
      this.zero[0] += count;
      this.zero[1] += completeCount;
    }
  }

  toJson(): SketchJson {
    return {
      relativeAccuracy: this.relativeAccuracy,
      zero: { count: this.zero[0], completeCount: this.zero[1] },
      positive: this.positive.toJson(),
      negative: this.negative.toJson(),
      positiveInfinity: { count: this.posInf[0], completeCount: this.posInf[1] },
      negativeInfinity: { count: this.negInf[0], completeCount: this.negInf[1] },
    };
  }
}

/**
 * The values a sketch stands for, ascending, with their counts: what a drift metric reads in place
 * of exact values (each within a relative α of the values it replaces).
 */
export function sketchValues(sketch: SketchJson): { values: number[]; counts: number[]; completeCounts: number[] } {
  const gamma = (1 + sketch.relativeAccuracy) / (1 - sketch.relativeAccuracy);
  const rep = (i: number) => (2 * Math.pow(gamma, i)) / (gamma + 1);
  const values: number[] = [];
  const counts: number[] = [];
  const completeCounts: number[] = [];
  const push = (v: number, c: number, cc: number) => {
    if (c === 0) return;
    values.push(v);
    counts.push(c);
    completeCounts.push(cc);
  };
  push(-Infinity, sketch.negativeInfinity.count, sketch.negativeInfinity.completeCount);
  const neg = sketch.negative;
  for (let k = neg.indexes.length - 1; k >= 0; k--) push(-rep(neg.indexes[k]), neg.counts[k], neg.completeCounts[k]);
  push(0, sketch.zero.count, sketch.zero.completeCount);
  const pos = sketch.positive;
  for (let k = 0; k < pos.indexes.length; k++) push(rep(pos.indexes[k]), pos.counts[k], pos.completeCounts[k]);
  push(Infinity, sketch.positiveInfinity.count, sketch.positiveInfinity.completeCount);
  return { values, counts, completeCounts };
}
