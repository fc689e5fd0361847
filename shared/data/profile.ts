/**
 * The data profile (`data-profile.json`, schemaVersion 1): what the build saves with the model so
 * that later checks (data quality, drift) need the profile, not the training data. Built in one
 * streaming pass (ProfileBuilder is a RowVisitor), written with a stable key order, read back with
 * its version checked.
 *
 * Per column: type and kind (shared/data/column-kinds.ts), count, nulls, NaNs, distinct, and
 * - numeric columns (integer, float): min, max, mean and std (Welford, ddof=1, over finite
 *   values) and the values themselves: exactly, as sorted distinct values with counts, while there
 *   are at most `limits.exactValues` (100,000) distinct values, which keeps every drift metric
 *   (JSD, PSI and their bins over baseline ∪ target, NWD, KS, chi-squared) exact; beyond that, a
 *   DDSketch (shared/data/log-sketch.ts) with relative accuracy `limits.sketchRelativeAccuracy`
 *   (0.1%): counts stay exact, each value is known within ±0.1% of itself.
 * - other columns: categories (distinct text values with counts) while there are at most
 *   `limits.categories` (10,000) of them; a column with more keeps none (`truncated: true`, every
 *   value in `otherCount`): a partial list would give partial answers that look whole.
 * Every count comes twice: over all rows, and over complete rows (no null and no NaN in any
 * column), because the monitor's drift drops incomplete rows (`dropna()`) before it bins.
 */
import type { Cell, DeclaredType, RowSource } from './row-source';
import * as kinds from './column-kinds';
import { TypeCounts, columnType, decideKind, sparkType } from './column-kinds';
import type { CellClass, ColumnKind, ColumnType, KindOverrides, KindSource, SparkType } from './column-kinds';
import { FloatSet, NumberCounts } from './hash-tables';
import { LogSketch, sketchValues, type SketchJson } from './log-sketch';
import { scanRows, type RowVisitor } from './scan';
import { UserError } from '../task/user-error';

// Module-local copies: a CommonJS build (tsx, ts-node) reads an imported binding through a getter
// on every use, which a per-cell loop feels; a bundle (esbuild) inlines them either way.
const { BOOLEAN, FLOAT, INTEGER, NAN, NULL, cellText, classifyText } = kinds;

export const PROFILE_SCHEMA_VERSION = 1;

export interface ProfileLimits {
  /** Distinct numeric values kept exactly per column (beyond: the sketch). */
  exactValues: number;
  /** Categories kept per column (a column with more keeps none). */
  categories: number;
  /**
   * Distinct integer values counted, across all columns, beyond `exactValues`, only to decide the
   * 5% kind rule exactly (8 bytes a value, at most twice over).
   */
  integerDistinct: number;
  /** The sketch's relative accuracy α. */
  sketchRelativeAccuracy: number;
}

export const DEFAULT_LIMITS: ProfileLimits = {
  exactValues: 100_000,
  categories: 10_000,
  integerDistinct: 2_000_000,
  sketchRelativeAccuracy: 0.001,
};

export interface ExactValues {
  exact: true;
  values: number[];
  counts: number[];
  completeCounts: number[];
}
export interface SketchedValues {
  exact: false;
  sketch: SketchJson;
}
export interface CategoryCounts {
  values: string[];
  counts: number[];
  completeCounts: number[];
  truncated: boolean;
  otherCount: number;
  otherCompleteCount: number;
}

export interface NumericSummary {
  count: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  std: number | null;
}

/** Count, min, max and Welford's running mean and squared deviations (finite values only for the moments). */
class Moments {
  count = 0;
  min = Infinity;
  max = -Infinity;
  finite = 0;
  mean = 0;
  m2 = 0;

  add(x: number): void {
    this.count++;
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    if (x === Infinity || x === -Infinity) return;
    this.finite++;
    const d = x - this.mean;
    this.mean += d / this.finite;
    this.m2 += d * (x - this.mean);
  }

  summary(): NumericSummary {
    return {
      count: this.count,
      min: this.count > 0 ? this.min : null,
      max: this.count > 0 ? this.max : null,
      mean: this.finite > 0 ? this.mean : null,
      std: this.finite > 1 ? Math.sqrt(this.m2 / (this.finite - 1)) : null,
    };
  }
}

export interface ColumnProfile {
  name: string;
  type: ColumnType;
  declaredType: DeclaredType | null;
  sparkType: SparkType;
  kind: ColumnKind;
  kindSource: KindSource;
  kindExact: boolean;
  /** Non-null values (NaN included, as Spark counts it). */
  count: number;
  nulls: number;
  nan: number;
  /** Distinct non-null values; a lower bound when `distinctExact` is false. */
  distinct: number;
  distinctExact: boolean;
  /** Numeric columns: over the numbers (NaN excluded; min/max may be ±Infinity). Else null. */
  min: number | null;
  max: number | null;
  /** Over finite numbers. */
  mean: number | null;
  /** Sample standard deviation (ddof=1) over finite numbers; null under 2 of them. */
  std: number | null;
  infinite: number;
  /**
   * The same statistics over complete rows only (no null or NaN in any column), the population
   * drift compares: exact even when `values` is a sketch (bin edges and NWD's std need them).
   * Null for columns without numbers.
   */
  complete: NumericSummary | null;
  values: ExactValues | SketchedValues | null;
  categories: CategoryCounts | null;
}

export interface DataProfile {
  schemaVersion: typeof PROFILE_SCHEMA_VERSION;
  createdAt: string;
  /** What was profiled (RowSource.description). */
  data: string;
  dataAssetId: string | null;
  rows: number;
  /** Rows with no null and no NaN in any column: the population drift metrics compare. */
  completeRows: number;
  limits: ProfileLimits;
  columns: ColumnProfile[];
}

/** Shared among a builder's columns: how many more integer values may be counted beyond the exact tables. */
interface Budget {
  remaining: number;
}

/** An integer's text exactly as String(number) would write it (no sign but '-', no leading zero, no spaces, within 2^53). */
function canonicalIntegerText(text: string): boolean {
  const n = text.length;
  if (n > 16) return false;
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(n - 1);
  if (last < 48 || last > 57) return false;
  if (first === 45) {
    const second = text.charCodeAt(1);
    return second >= 49 && second <= 57;
  }
  return (first >= 49 && first <= 57) || n === 1;
}

/** Categories with exact counts (all rows, complete rows), up to a cap. */
class CategoryTable {
  readonly index = new Map<string, number>();
  readonly keys: string[] = [];
  all = new Float64Array(16);
  complete = new Float64Array(16);

  constructor(private readonly cap: number) {}

  /** Counts a category; false (nothing counted) when it is new and the table already holds `cap` of them. */
  add(key: string, n: number, completeN: number): boolean {
    const i = this.index.get(key);
    if (i !== undefined) {
      this.all[i] += n;
      this.complete[i] += completeN;
      return true;
    }
    const j = this.keys.length;
    if (j >= this.cap) return false;
    if (j === this.all.length) {
      const all = new Float64Array(j * 2);
      all.set(this.all);
      this.all = all;
      const complete = new Float64Array(j * 2);
      complete.set(this.complete);
      this.complete = complete;
    }
    this.index.set(key, j);
    this.keys.push(key);
    this.all[j] = n;
    this.complete[j] = completeN;
    return true;
  }

  total(): [number, number] {
    let a = 0;
    let c = 0;
    for (let i = 0; i < this.keys.length; i++) {
      a += this.all[i];
      c += this.complete[i];
    }
    return [a, c];
  }
}

/**
 * One column's running state. To keep the per-cell cost low, a number whose text is what
 * String(number) writes is counted only in the exact numeric table, which stands for its category
 * too; the categories of such cells are rebuilt from the table if the column turns out to be text.
 */
class ColumnProfiler {
  readonly counts = new TypeCounts();
  numeric = 0;
  min = Infinity;
  max = -Infinity;
  finite = 0;
  mean = 0;
  m2 = 0;
  infinite = 0;
  readonly completeMoments = new Moments();
  /** Exact numeric values; null once over the cap or once the column cannot be numeric. */
  table: NumberCounts | null;
  sketch: LogSketch | null = null;
  /** Distinct integers beyond the table (for the 5% rule). */
  extra: FloatSet | null = null;
  /** Distinct numbers seen, as a lower bound, when neither table nor extra can say exactly. */
  distinctFloor = 0;
  numericPossible = true;
  /** Null once the column has more distinct numbers than the exact table keeps: far more categories than kept, so none are. */
  categories: CategoryTable | null;
  /** Cells counted in the table only (see the class comment). */
  private inTableOnly = 0;
  private inTableOnlyComplete = 0;
  private droppedCategories = 0;
  private droppedCategoriesComplete = 0;

  constructor(
    readonly name: string,
    readonly declared: DeclaredType | undefined,
    readonly override: ColumnKind | undefined,
    private readonly limits: ProfileLimits,
    private readonly budget: Budget,
  ) {
    this.table = new NumberCounts(limits.exactValues);
    this.categories = new CategoryTable(limits.categories);
  }

  add(cell: Cell, cls: CellClass, x: number, complete: boolean): void {
    this.counts.add(cls, x);
    if (cls === NULL) return;
    if (cls === INTEGER || cls === FLOAT) {
      this.addNumber(x, complete, cls === INTEGER);
      if (this.table !== null && (typeof cell !== 'string' || (cls === INTEGER && canonicalIntegerText(cell)))) {
        this.inTableOnly++;
        if (complete) this.inTableOnlyComplete++;
        return;
      }
    } else if (cls !== NAN && this.numericPossible && this.override !== 'numerical') {
      this.dropNumeric();
    }
    if (this.categories && this.categories.add(cellText(cell as Exclude<Cell, null>), 1, complete ? 1 : 0)) return;
    if (this.categories) this.dropCategories();
    this.droppedCategories++;
    if (complete) this.droppedCategoriesComplete++;
  }

  /** Over the cap: keep no categories at all rather than some (the profile says truncated, all values in otherCount). */
  private dropCategories(): void {
    const [all, complete] = this.categories!.total();
    this.droppedCategories += this.inTableOnly + all;
    this.droppedCategoriesComplete += this.inTableOnlyComplete + complete;
    this.inTableOnly = 0;
    this.inTableOnlyComplete = 0;
    this.categories = null;
  }

  private addNumber(x: number, complete: boolean, integer: boolean): void {
    this.numeric++;
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    if (complete) this.completeMoments.add(x);
    if (x === Infinity || x === -Infinity) {
      this.infinite++;
    } else {
      this.finite++;
      const d = x - this.mean;
      this.mean += d / this.finite;
      this.m2 += d * (x - this.mean);
    }
    if (!this.numericPossible) return;
    if (this.table) {
      if (this.table.add(x, complete)) return;
      this.overflow();
    }
    this.sketch!.add(x, 1, complete ? 1 : 0);
    if (!integer && this.extra) this.dropExtra();
    if (this.extra && this.extra.add(x)) {
      this.distinctFloor = this.extra.size;
      if (--this.budget.remaining <= 0) this.dropExtra();
    }
  }

  /**
   * The exact table is full: move to the sketch, keep counting distinct integers while the budget
   * lasts, and stop keeping categories (over 100,000 distinct values: a category list would say nothing).
   */
  private overflow(): void {
    const table = this.table!;
    this.sketch = new LogSketch(this.limits.sketchRelativeAccuracy);
    table.forEach((v, c, cc) => this.sketch!.add(v, c, cc));
    this.distinctFloor = table.size + 1;
    if (this.counts.floats === 0 && this.counts.nans === 0 && this.budget.remaining > table.size) {
      this.extra = new FloatSet(1 << Math.ceil(Math.log2(table.size * 2)));
      table.forEach((v) => this.extra!.add(v));
      this.budget.remaining -= table.size;
    }
    this.table = null;
    if (this.categories) this.dropCategories();
  }

  /** Puts the numbers counted only in the table back into the categories, as the text String(number) writes. */
  private foldTable(): void {
    const table = this.table;
    const cats = this.categories;
    if (!table || !cats || this.inTableOnly === 0) return;
    // The table counts every number; the categories already hold those whose text was not canonical.
    const written = new Map<number, [number, number]>();
    const out = { number: 0 };
    for (const [key, i] of cats.index) {
      const cls = classifyText(key, out);
      if (cls !== INTEGER && cls !== FLOAT) continue;
      const w = written.get(out.number + 0);
      if (w) {
        w[0] += cats.all[i];
        w[1] += cats.complete[i];
      } else written.set(out.number + 0, [cats.all[i], cats.complete[i]]);
    }
    const inTableOnly = this.inTableOnly;
    const inTableOnlyComplete = this.inTableOnlyComplete;
    this.inTableOnly = 0;
    this.inTableOnlyComplete = 0;
    let folded = 0;
    let foldedComplete = 0;
    let fits = true;
    table.forEach((v, c, cc) => {
      const w = written.get(v);
      const n = c - (w ? w[0] : 0);
      const nc = cc - (w ? w[1] : 0);
      if (n <= 0 || !fits) return;
      if (cats.add(String(v), n, nc)) {
        folded += n;
        foldedComplete += nc;
      } else fits = false;
    });
    if (!fits) {
      // Over the cap: what was not folded yet still counts, in otherCount.
      this.inTableOnly = inTableOnly - folded;
      this.inTableOnlyComplete = inTableOnlyComplete - foldedComplete;
      this.dropCategories();
    }
  }

  private dropExtra(): void {
    if (!this.extra) return;
    this.budget.remaining += this.extra.size;
    this.extra = null;
  }

  private dropNumeric(): void {
    this.foldTable();
    this.numericPossible = false;
    this.table = null;
    this.sketch = null;
    this.dropExtra();
  }

  finish(rows: number): ColumnProfile {
    const counts = this.counts;
    const type = columnType(counts, this.declared);
    const numericType = type === 'integer' || type === 'float';
    if (!numericType) this.foldTable();
    const categories = this.categoryCounts(type);
    let distinct: number;
    let distinctExact: boolean;
    if (numericType) {
      distinct = this.table ? this.table.size : this.extra ? this.extra.size : this.distinctFloor;
      distinctExact = this.table !== null || this.extra !== null;
    } else {
      distinct = categories.truncated ? this.limits.categories + 1 : categories.values.length;
      distinctExact = !categories.truncated;
    }
    const kind = decideKind(type, { rows, nulls: counts.nulls, distinct, distinctExact }, this.override);
    const keepValues = this.numericPossible && (numericType || kind.kind === 'numerical') && this.numeric > 0;
    let values: ExactValues | SketchedValues | null = null;
    if (keepValues && this.table) values = { exact: true, ...this.table.sorted() };
    else if (keepValues && this.sketch) values = { exact: false, sketch: this.sketch.toJson() };
    const hasNumbers = (numericType || kind.kind === 'numerical') && this.numeric > 0;
    return {
      name: this.name,
      type,
      declaredType: this.declared ?? null,
      sparkType: sparkType(type, counts),
      kind: kind.kind,
      kindSource: kind.source,
      kindExact: kind.exact,
      count: counts.nonNull,
      nulls: counts.nulls,
      nan: counts.nans,
      distinct,
      distinctExact,
      min: hasNumbers ? this.min : null,
      max: hasNumbers ? this.max : null,
      mean: hasNumbers && this.finite > 0 ? this.mean : null,
      std: hasNumbers && this.finite > 1 ? Math.sqrt(this.m2 / (this.finite - 1)) : null,
      infinite: this.infinite,
      complete: hasNumbers ? this.completeMoments.summary() : null,
      values,
      categories: numericType ? null : categories,
    };
  }

  /** Categories as kept; a boolean column's spellings (`True`, `TRUE`, ` true`) fold into `true`/`false`. */
  private categoryCounts(type: ColumnType): CategoryCounts {
    const c = this.categories;
    if (!c) {
      return {
        values: [],
        counts: [],
        completeCounts: [],
        truncated: true,
        otherCount: this.droppedCategories + this.inTableOnly,
        otherCompleteCount: this.droppedCategoriesComplete + this.inTableOnlyComplete,
      };
    }
    let entries: [string, [number, number]][] = c.keys.map((k, i) => [k, [c.all[i], c.complete[i]]]);
    if (type === 'boolean') {
      const folded = new Map<string, [number, number]>();
      const out = { number: 0 };
      for (const [key, [n, nc]] of entries) {
        const k = classifyText(key, out) === BOOLEAN ? (out.number === 1 ? 'true' : 'false') : key;
        const f = folded.get(k);
        if (f) {
          f[0] += n;
          f[1] += nc;
        } else folded.set(k, [n, nc]);
      }
      entries = [...folded.entries()];
    }
    entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return {
      values: entries.map((e) => e[0]),
      counts: entries.map((e) => e[1][0]),
      completeCounts: entries.map((e) => e[1][1]),
      truncated: false,
      otherCount: 0,
      otherCompleteCount: 0,
    };
  }
}

/** Builds a DataProfile from rows (a RowVisitor for scanRows). */
export class ProfileBuilder implements RowVisitor {
  private readonly columns: ColumnProfiler[];
  private rows = 0;
  private completeRows = 0;
  readonly limits: ProfileLimits;

  constructor(
    columns: readonly string[],
    declaredTypes: readonly (DeclaredType | undefined)[],
    options: { overrides?: KindOverrides; limits?: Partial<ProfileLimits> } = {},
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    const budget = { remaining: this.limits.integerDistinct };
    this.columns = columns.map((name, j) => new ColumnProfiler(name, declaredTypes[j], options.overrides?.[name], this.limits, budget));
  }

  row(cells: readonly Cell[], classes: Uint8Array, numbers: Float64Array, complete: boolean): void {
    this.rows++;
    if (complete) this.completeRows++;
    const cols = this.columns;
    for (let j = 0; j < cols.length; j++) cols[j].add(cells[j], classes[j] as CellClass, numbers[j], complete);
  }

  finish(meta: { data: string; createdAt: Date; dataAssetId?: string }): DataProfile {
    return {
      schemaVersion: PROFILE_SCHEMA_VERSION,
      createdAt: meta.createdAt.toISOString(),
      data: meta.data,
      dataAssetId: meta.dataAssetId ?? null,
      rows: this.rows,
      completeRows: this.completeRows,
      limits: { ...this.limits },
      columns: this.columns.map((c) => c.finish(this.rows)),
    };
  }
}

export interface ProfileOptions {
  overrides?: KindOverrides;
  limits?: Partial<ProfileLimits>;
  dataAssetId?: string;
  abortSignal?: AbortSignal;
  /** The clock (tests inject one). */
  now?: () => Date;
}

/** Profiles a RowSource in one pass. */
export async function profileData(source: RowSource, options: ProfileOptions = {}): Promise<DataProfile> {
  const builder = new ProfileBuilder(source.columns, source.declaredTypes, options);
  await scanRows(source, [builder], options.abortSignal);
  return builder.finish({ data: source.description, createdAt: (options.now ?? (() => new Date()))(), dataAssetId: options.dataAssetId });
}

/**
 * A column's categories whatever its type: kept categories for text columns; for numeric columns,
 * the exact values as canonical text (`7`, `2.5`), or undefined when only a sketch was kept.
 */
export function categoriesOf(column: ColumnProfile): CategoryCounts | undefined {
  if (column.categories) return column.categories;
  if (column.values?.exact) {
    return {
      values: column.values.values.map((v) => String(v)),
      counts: column.values.counts,
      completeCounts: column.values.completeCounts,
      truncated: false,
      otherCount: 0,
      otherCompleteCount: 0,
    };
  }
  return undefined;
}

/** A numeric column's values with counts, ascending: exact, or the sketch's stand-in values. */
export function numericValuesOf(
  column: ColumnProfile,
): { exact: boolean; values: number[]; counts: number[]; completeCounts: number[] } | undefined {
  if (!column.values) return undefined;
  if (column.values.exact)
    return { exact: true, values: column.values.values, counts: column.values.counts, completeCounts: column.values.completeCounts };
  return { exact: false, ...sketchValues(column.values.sketch) };
}

// ---------------------------------------------------------------------------------------------
// Writing and reading. JSON has no Infinity or NaN: numeric fields write them as the strings
// "Infinity", "-Infinity", "NaN" and read them back.

const num = (x: number | null): number | string | null => (x === null ? null : Number.isFinite(x) ? x : String(x));

function columnJson(c: ColumnProfile): Record<string, unknown> {
  let values: Record<string, unknown> | null = null;
  if (c.values?.exact)
    values = { exact: true, values: c.values.values.map(num), counts: c.values.counts, completeCounts: c.values.completeCounts };
  else if (c.values) {
    const s = c.values.sketch;
    values = {
      exact: false,
      sketch: {
        kind: 'DDSketch',
        relativeAccuracy: s.relativeAccuracy,
        zero: { count: s.zero.count, completeCount: s.zero.completeCount },
        positive: { indexes: s.positive.indexes, counts: s.positive.counts, completeCounts: s.positive.completeCounts },
        negative: { indexes: s.negative.indexes, counts: s.negative.counts, completeCounts: s.negative.completeCounts },
        positiveInfinity: { count: s.positiveInfinity.count, completeCount: s.positiveInfinity.completeCount },
        negativeInfinity: { count: s.negativeInfinity.count, completeCount: s.negativeInfinity.completeCount },
      },
    };
  }
  const cat = c.categories;
  return {
    name: c.name,
    type: c.type,
    declaredType: c.declaredType,
    sparkType: c.sparkType,
    kind: c.kind,
    kindSource: c.kindSource,
    kindExact: c.kindExact,
    count: c.count,
    nulls: c.nulls,
    nan: c.nan,
    distinct: c.distinct,
    distinctExact: c.distinctExact,
    min: num(c.min),
    max: num(c.max),
    mean: num(c.mean),
    std: num(c.std),
    infinite: c.infinite,
    complete: c.complete && {
      count: c.complete.count,
      min: num(c.complete.min),
      max: num(c.complete.max),
      mean: num(c.complete.mean),
      std: num(c.complete.std),
    },
    values,
    categories: cat && {
      values: cat.values,
      counts: cat.counts,
      completeCounts: cat.completeCounts,
      truncated: cat.truncated,
      otherCount: cat.otherCount,
      otherCompleteCount: cat.otherCompleteCount,
    },
  };
}

/**
 * JSON text with objects indented and arrays of plain values on one line (a profile's value
 * arrays can hold 100,000 entries). Key order is the order the writer builds, so it is stable.
 */
export function jsonText(value: unknown, indent = ''): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((v) => v === null || typeof v !== 'object')) return `[${value.map((v) => JSON.stringify(v) ?? 'null').join(',')}]`;
    return `[\n${value.map((v) => inner + jsonText(v, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${jsonText(v, inner)}`).join(',\n')}\n${indent}}`;
}

/** The profile as `data-profile.json` text: stable key order, ending with a newline. */
export function writeProfile(profile: DataProfile): string {
  const doc = {
    schemaVersion: profile.schemaVersion,
    createdAt: profile.createdAt,
    data: profile.data,
    dataAssetId: profile.dataAssetId,
    rows: profile.rows,
    completeRows: profile.completeRows,
    limits: {
      exactValues: profile.limits.exactValues,
      categories: profile.limits.categories,
      integerDistinct: profile.limits.integerDistinct,
      sketchRelativeAccuracy: profile.limits.sketchRelativeAccuracy,
    },
    columns: profile.columns.map(columnJson),
  };
  return `${jsonText(doc)}\n`;
}

const TYPES: readonly ColumnType[] = ['integer', 'float', 'boolean', 'datetime', 'date', 'string', 'binary'];
const SPARK_TYPES: readonly SparkType[] = ['int', 'bigint', 'double', 'boolean', 'timestamp', 'date', 'string', 'binary'];

/**
 * Reads `data-profile.json` text. Refuses, with a UserError naming `origin`, anything that is not a
 * profile, and any schemaVersion but 1 (a newer profile needs a newer task; nothing is guessed).
 */
export function readProfile(text: string, origin = 'the data profile'): DataProfile {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${origin} is not JSON: ${(error as Error).message}`);
  }
  const bad = (what: string) => new UserError(`${origin} is not a data profile this task can read: ${what}`);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw bad('expected a JSON object');
  const d = doc as Record<string, unknown>;
  if (!('schemaVersion' in d)) throw bad("it has no 'schemaVersion' (data-profile.json files are written by AzureMLValidateData)");
  if (d.schemaVersion !== PROFILE_SCHEMA_VERSION) {
    throw new UserError(
      `${origin} has schemaVersion ${JSON.stringify(d.schemaVersion)}; this version of the task reads schemaVersion ${PROFILE_SCHEMA_VERSION} only. ` +
        'Re-create the profile with this version of AzureMLValidateData, or use the task version that wrote it.',
    );
  }
  const numberField = (o: Record<string, unknown>, key: string, where: string, nullable = false): number | null => {
    const v = o[key];
    if (v === null && nullable) return null;
    if (typeof v === 'number') return v;
    if (v === 'Infinity') return Infinity;
    if (v === '-Infinity') return -Infinity;
    if (v === 'NaN') return NaN;
    throw bad(`${where}: '${key}' must be a number${nullable ? ' or null' : ''}`);
  };
  const numbers = (v: unknown, where: string): number[] => {
    if (!Array.isArray(v)) throw bad(`${where} must be an array of numbers`);
    return v.map((x, i) => numberField({ x }, 'x', `${where}[${i}]`) as number);
  };
  const str = (o: Record<string, unknown>, key: string, where: string, nullable = false): string => {
    const v = o[key];
    if (typeof v === 'string' || (nullable && v === null)) return v as string;
    throw bad(`${where}: '${key}' must be a string`);
  };
  if (!Array.isArray(d.columns)) throw bad("'columns' must be an array");
  const summaryOf = (v: unknown, where: string): NumericSummary | null => {
    if (v === null || v === undefined) return null;
    if (typeof v !== 'object') throw bad(`${where} must be an object or null`);
    const o = v as Record<string, unknown>;
    return {
      count: numberField(o, 'count', where) as number,
      min: numberField(o, 'min', where, true),
      max: numberField(o, 'max', where, true),
      mean: numberField(o, 'mean', where, true),
      std: numberField(o, 'std', where, true),
    };
  };
  const limits = { ...DEFAULT_LIMITS, ...(typeof d.limits === 'object' && d.limits !== null ? (d.limits as Partial<ProfileLimits>) : {}) };
  const columns = d.columns.map((raw, i): ColumnProfile => {
    const where = `columns[${i}]`;
    if (typeof raw !== 'object' || raw === null) throw bad(`${where} must be an object`);
    const c = raw as Record<string, unknown>;
    const type = c.type as ColumnType;
    if (!TYPES.includes(type)) throw bad(`${where}: 'type' must be one of ${TYPES.join(', ')}`);
    if (c.kind !== 'numerical' && c.kind !== 'categorical') throw bad(`${where}: 'kind' must be numerical or categorical`);
    const spark = (
      SPARK_TYPES.includes(c.sparkType as SparkType)
        ? c.sparkType
        : type === 'integer'
          ? 'bigint'
          : type === 'float'
            ? 'double'
            : type === 'datetime'
              ? 'timestamp'
              : type
    ) as SparkType;
    let values: ExactValues | SketchedValues | null = null;
    if (c.values !== null && c.values !== undefined) {
      const v = c.values as Record<string, unknown>;
      if (v.exact === true) {
        values = {
          exact: true,
          values: numbers(v.values, `${where}.values.values`),
          counts: numbers(v.counts, `${where}.values.counts`),
          completeCounts: numbers(v.completeCounts, `${where}.values.completeCounts`),
        };
      } else if (v.exact === false && typeof v.sketch === 'object' && v.sketch !== null) {
        const s = v.sketch as Record<string, Record<string, unknown>>;
        const pair = (p: Record<string, unknown> | undefined, w: string) => ({
          count: numberField(p ?? {}, 'count', w) as number,
          completeCount: numberField(p ?? {}, 'completeCount', w) as number,
        });
        const store = (p: Record<string, unknown> | undefined, w: string) => ({
          indexes: numbers(p?.indexes, `${w}.indexes`),
          counts: numbers(p?.counts, `${w}.counts`),
          completeCounts: numbers(p?.completeCounts, `${w}.completeCounts`),
        });
        values = {
          exact: false,
          sketch: {
            relativeAccuracy: numberField(v.sketch as Record<string, unknown>, 'relativeAccuracy', `${where}.values.sketch`) as number,
            zero: pair(s.zero, `${where}.values.sketch.zero`),
            positive: store(s.positive, `${where}.values.sketch.positive`),
            negative: store(s.negative, `${where}.values.sketch.negative`),
            positiveInfinity: pair(s.positiveInfinity, `${where}.values.sketch.positiveInfinity`),
            negativeInfinity: pair(s.negativeInfinity, `${where}.values.sketch.negativeInfinity`),
          },
        };
      } else throw bad(`${where}.values must have exact: true with values, or exact: false with a sketch`);
    }
    let categories: CategoryCounts | null = null;
    if (c.categories !== null && c.categories !== undefined) {
      const k = c.categories as Record<string, unknown>;
      if (!Array.isArray(k.values) || !k.values.every((x) => typeof x === 'string'))
        throw bad(`${where}.categories.values must be an array of strings`);
      categories = {
        values: k.values as string[],
        counts: numbers(k.counts, `${where}.categories.counts`),
        completeCounts: numbers(k.completeCounts, `${where}.categories.completeCounts`),
        truncated: k.truncated === true,
        otherCount: typeof k.otherCount === 'number' ? k.otherCount : 0,
        otherCompleteCount: typeof k.otherCompleteCount === 'number' ? k.otherCompleteCount : 0,
      };
    }
    return {
      name: str(c, 'name', where),
      type,
      declaredType: (c.declaredType ?? null) as DeclaredType | null,
      sparkType: spark,
      kind: c.kind,
      kindSource: (c.kindSource ?? 'type') as KindSource,
      kindExact: c.kindExact !== false,
      count: numberField(c, 'count', where) as number,
      nulls: numberField(c, 'nulls', where) as number,
      nan: typeof c.nan === 'number' ? c.nan : 0,
      distinct: typeof c.distinct === 'number' ? c.distinct : 0,
      distinctExact: c.distinctExact !== false,
      min: numberField(c, 'min', where, true),
      max: numberField(c, 'max', where, true),
      mean: numberField(c, 'mean', where, true),
      std: numberField(c, 'std', where, true),
      infinite: typeof c.infinite === 'number' ? c.infinite : 0,
      complete: summaryOf(c.complete, `${where}.complete`),
      values,
      categories,
    };
  });
  return {
    schemaVersion: PROFILE_SCHEMA_VERSION,
    createdAt: str(d, 'createdAt', 'the profile'),
    data: str(d, 'data', 'the profile'),
    dataAssetId: typeof d.dataAssetId === 'string' ? d.dataAssetId : null,
    rows: numberField(d, 'rows', 'the profile') as number,
    completeRows: typeof d.completeRows === 'number' ? d.completeRows : (d.rows as number),
    limits,
    columns,
  };
}
