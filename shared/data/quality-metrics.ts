/**
 * Azure ML's data-quality metrics of a target against a baseline profile, computed as the
 * monitor's Spark code computes them (azureml-assets `data_quality_compute_metrics/
 * compute_data_quality_metrics.py`, statistics from `data_quality_statistics/`), in the same pass
 * as everything else (QualityAccumulator is a RowVisitor):
 *
 * - NullValueRate, every target column: null cells / rows. A NaN is a value (Spark's `isNull`).
 * - DataTypeErrorRate, columns the baseline has: values whose Spark cast to the baseline's type
 *   gives null / rows. Before the cast the monitor imputes missing values: numerical columns with
 *   the median, string categorical columns with the most frequent value (the mode; when null is
 *   the most frequent "value" nothing is imputed). So a null in a boolean, datetime or integer
 *   categorical column, or in a string column whose mode is null, IS a type error, while a null
 *   in a numerical column is not: we reproduce that. Values cast from the target's own type: a
 *   column the target types as numbers casts to int/double/boolean without error; only a column
 *   the target reads as text has values that can fail (`abc` to int; `7.5` to int does not fail:
 *   Spark truncates).
 * - OutOfBoundsRate, numerical columns (numerical in both baseline and target): values below the
 *   baseline min or above its max / rows; string categorical columns (both sides): values not in
 *   the baseline's set / rows. Imputed values count too (a median or a mode outside the bounds).
 *   Other columns (boolean, datetime, integer categorical) get no OutOfBoundsRate, as in the monitor.
 * Each rate is rounded to 5 decimals half-up on its shortest decimal form (Spark `round(x, 5)`).
 * With no rows every rate is 0 (the monitor has no rows to divide by and fails instead).
 *
 * Differences we keep on purpose: the median for imputation is the exact lower median (Spark's
 * Imputer uses approxQuantile with relative error 0.001); the monitor's baseline set goes through
 * a text round trip that splits values containing ", " (we keep the values whole).
 */
import type { Cell } from './row-source';
import * as kinds from './column-kinds';
import type { CellClass, SparkType } from './column-kinds';
import { Examples, QUALITY_METRICS, type Expectation, type QualityMetricName } from './expectations';
import { numericValuesOf, type ColumnProfile, type DataProfile } from './profile';
import type { RowVisitor } from './scan';

// Module-local copies: a CommonJS build (tsx, ts-node) reads an imported binding through a getter
// on every use, which a per-cell loop feels; a bundle (esbuild) inlines them either way.
const { BOOLEAN, DATETIME, FLOAT, INTEGER, NAN, NULL, cellText, sparkCastsText, sparkCastsTyped } = kinds;

/**
 * Spark's cast of a text cell, answered from the cell's class when the class settles it (every
 * number our typing reads casts to double, every integer within range to int, …), else by the
 * text rule: most cells never reach the slower text check.
 */
function textCasts(text: string, cls: CellClass, x: number, type: SparkType): boolean {
  switch (type) {
    case 'double':
      if (cls === INTEGER || cls === FLOAT || cls === NAN) return true;
      break;
    case 'int':
      if (cls === INTEGER) return x >= -2147483648 && x <= 2147483647;
      break;
    case 'bigint':
      if (cls === INTEGER) return true;
      break;
    case 'boolean':
      if (cls === BOOLEAN) return true;
      break;
    case 'timestamp':
    case 'date':
      if (cls === DATETIME) return true;
      break;
  }
  return sparkCastsText(text, type);
}

export interface QualityMetric {
  column: string;
  metric: QualityMetricName;
  /** The rate, rounded to 5 decimals; null when it cannot be computed (see `note`). */
  value: number | null;
  violationCount: number | null;
  /** The lowest threshold of the expectations that cover this column and metric; null when none does. */
  threshold: number | null;
  /** value > threshold (the monitor's breach rule for these metrics). */
  breached: boolean;
  note?: string;
}

/** A rate rounded as Spark's `round(x, 5)` rounds a double: half-up on its shortest decimal form. */
export function round5(x: number): number {
  if (!Number.isFinite(x)) return x;
  const negative = x < 0;
  let s = Math.abs(x).toString();
  if (s.includes('e')) {
    const [mantissa, expText] = s.split('e');
    const exp = Number(expText);
    const digits = mantissa.replace('.', '');
    const point = (mantissa.indexOf('.') < 0 ? mantissa.length : mantissa.indexOf('.')) + exp;
    s =
      point <= 0
        ? `0.${'0'.repeat(-point)}${digits}`
        : point >= digits.length
          ? digits + '0'.repeat(point - digits.length)
          : `${digits.slice(0, point)}.${digits.slice(point)}`;
  }
  const [whole, frac = ''] = s.split('.');
  if (frac.length <= 5) return x;
  let scaled = BigInt(whole + frac.slice(0, 5));
  if (frac.charCodeAt(5) >= 53) scaled += 1n;
  const r = Number(scaled) / 1e5;
  return negative ? -r : r;
}

const rate = (count: number, rows: number) => (rows === 0 ? 0 : round5(count / rows));

/** One target column's running counts against its baseline column (if the baseline has it). */
class ColumnQuality {
  nulls = 0;
  nans = 0;
  textCastFail = 0;
  classCastFail = 0;
  readonly textCastExamples = new Examples();
  readonly classCastExamples = new Examples();
  outOfRange = 0;
  readonly rangeExamples = new Examples();
  outsideSet = 0;
  readonly setExamples = new Examples();
  private readonly castTo: SparkType | undefined;
  private readonly min: number | undefined;
  private readonly max: number | undefined;
  readonly set: Set<string> | undefined;

  constructor(readonly baseline: ColumnProfile | undefined) {
    if (!baseline) return;
    if (baseline.sparkType !== 'string' && baseline.sparkType !== 'binary') this.castTo = baseline.sparkType;
    if (baseline.kind === 'numerical' && baseline.min !== null && baseline.max !== null) {
      this.min = baseline.min;
      this.max = baseline.max;
    }
    if (baseline.kind === 'categorical' && baseline.sparkType === 'string' && baseline.categories && !baseline.categories.truncated)
      this.set = new Set(baseline.categories.values);
  }

  add(cell: Cell, cls: CellClass, x: number): void {
    if (cls === NULL) {
      this.nulls++;
      return;
    }
    if (cls === NAN) this.nans++;
    const value = cell as Exclude<Cell, null>;
    if (this.castTo !== undefined) {
      const classOk = sparkCastsTyped(cls, this.castTo);
      const textOk = typeof value === 'string' ? textCasts(value, cls, x, this.castTo) : classOk;
      if (!textOk) {
        this.textCastFail++;
        this.textCastExamples.add(cellText(value));
      }
      if (!classOk) {
        this.classCastFail++;
        this.classCastExamples.add(cellText(value));
      }
    }
    if (this.min !== undefined && (cls === INTEGER || cls === FLOAT) && (x < this.min || x > this.max!)) {
      this.outOfRange++;
      this.rangeExamples.add(cellText(value));
    }
    if (this.set !== undefined) {
      const text = cellText(value);
      if (!this.set.has(text)) {
        this.outsideSet++;
        this.setExamples.add(text);
      }
    }
  }
}

/** A column's computed metric before thresholds: the count behind the rate and a few offending values. */
export interface ColumnMetric {
  column: string;
  metric: QualityMetricName;
  violationCount: number | null;
  value: number | null;
  examples: string[];
  note?: string;
}

/** Counts what the data-quality metrics need, per target column, in the shared pass. */
export class QualityAccumulator implements RowVisitor {
  private readonly columns: ColumnQuality[];

  constructor(
    private readonly names: readonly string[],
    private readonly baseline?: DataProfile,
  ) {
    const byName = new Map((baseline?.columns ?? []).map((c) => [c.name, c]));
    this.columns = names.map((n) => new ColumnQuality(byName.get(n)));
  }

  row(cells: readonly Cell[], classes: Uint8Array, numbers: Float64Array): void {
    const cols = this.columns;
    for (let j = 0; j < cols.length; j++) cols[j].add(cells[j], classes[j] as CellClass, numbers[j]);
  }

  /** The metrics of every column, given the target's own profile (its types, kinds, median and mode decide imputation). */
  finish(target: DataProfile): ColumnMetric[] {
    const rows = target.rows;
    const out: ColumnMetric[] = [];
    this.columns.forEach((q, j) => {
      const column = this.names[j];
      const tc = target.columns[j];
      out.push({ column, metric: 'NullValueRate', violationCount: q.nulls, value: rate(q.nulls, rows), examples: [] });
      const bc = q.baseline;
      if (!bc) return;
      const imputation = imputationOf(tc);

      // DataTypeErrorRate
      const typeFails = tc.sparkType === 'string' ? q.textCastFail : q.classCastFail;
      const typeExamples = tc.sparkType === 'string' ? q.textCastExamples.values : q.classCastExamples.values;
      let nullErrors = 0;
      if (q.nulls > 0) {
        if (imputation.kind === 'none') nullErrors = q.nulls;
        else if (
          imputation.kind === 'mode' &&
          bc.sparkType !== 'string' &&
          bc.sparkType !== 'binary' &&
          !sparkCastsText(imputation.value, bc.sparkType)
        )
          nullErrors = q.nulls;
      }
      out.push({
        column,
        metric: 'DataTypeErrorRate',
        violationCount: typeFails + nullErrors,
        value: rate(typeFails + nullErrors, rows),
        examples: typeExamples,
      });

      // OutOfBoundsRate
      if (bc.kind === 'numerical' && bc.min !== null && bc.max !== null && tc.kind === 'numerical') {
        let count = q.outOfRange;
        if (imputation.kind === 'median' && (imputation.value < bc.min || imputation.value > bc.max)) count += q.nulls + q.nans;
        out.push({ column, metric: 'OutOfBoundsRate', violationCount: count, value: rate(count, rows), examples: q.rangeExamples.values });
      } else if (bc.kind === 'categorical' && bc.sparkType === 'string' && tc.kind === 'categorical' && tc.sparkType === 'string') {
        if (!q.set) {
          out.push({
            column,
            metric: 'OutOfBoundsRate',
            violationCount: null,
            value: null,
            examples: [],
            note: `the baseline profile keeps no categories for '${column}' (it has more than ${bc.distinct - 1}), so a value outside them cannot be told`,
          });
          return;
        }
        let count = q.outsideSet;
        if (imputation.kind === 'mode' && !q.set.has(imputation.value)) count += q.nulls;
        out.push({ column, metric: 'OutOfBoundsRate', violationCount: count, value: rate(count, rows), examples: q.setExamples.values });
      }
    });
    return out;
  }
}

type Imputation = { kind: 'none' } | { kind: 'median'; value: number } | { kind: 'mode'; value: string } | { kind: 'unknown mode' };

/**
 * What the monitor imputes a target column's missing values with: numerical → the median (rank
 * ⌈n/2⌉ of the sorted values, as Spark's approxQuantile(0.5) answers on exact data); string
 * categorical → the most frequent value, unless null is more frequent (a tie imputes); others →
 * nothing. A text column with more categories than the profile keeps has an unknown mode: its
 * nulls are taken as imputed with a value that casts and is in the set (no violation is invented).
 */
export function imputationOf(column: ColumnProfile): Imputation {
  if (column.kind === 'numerical') {
    const v = numericValuesOf(column);
    const n = v ? v.counts.reduce((a, b) => a + b, 0) : 0;
    if (!v || n === 0) return { kind: 'none' };
    const rank = Math.max(1, Math.ceil(n / 2));
    let seen = 0;
    for (let i = 0; i < v.values.length; i++) {
      seen += v.counts[i];
      if (seen >= rank) return { kind: 'median', value: v.values[i] };
    }
    return { kind: 'none' };
  }
  if (column.sparkType === 'string' && column.categories?.truncated) return { kind: 'unknown mode' };
  if (column.sparkType === 'string' && column.categories && column.categories.values.length > 0) {
    const c = column.categories;
    let best = 0;
    for (let i = 1; i < c.values.length; i++) if (c.counts[i] > c.counts[best]) best = i;
    if (c.counts[best] >= column.nulls) return { kind: 'mode', value: c.values[best] };
  }
  return { kind: 'none' };
}

/** The quality expectations among all expectations. */
export type QualityExpectation = Extract<Expectation, { kind: 'quality' }>;

/** True when the expectation covers this column's metric (a table-level line covers every column). */
export function covers(e: QualityExpectation, m: { column: string; metric: QualityMetricName }): boolean {
  return e.metric === m.metric && (e.column === undefined || e.column === m.column);
}

/** The `qualityMetrics` of the report: every computed metric with the lowest covering threshold and whether it breaches. */
export function qualityMetrics(computed: readonly ColumnMetric[], expectations: readonly Expectation[]): QualityMetric[] {
  const rules = expectations.filter((e): e is QualityExpectation => e.kind === 'quality');
  const order = (m: QualityMetricName) => QUALITY_METRICS.indexOf(m);
  return computed
    .map((m) => {
      const thresholds = rules.filter((r) => covers(r, m)).map((r) => r.threshold);
      const threshold = thresholds.length ? Math.min(...thresholds) : null;
      const out: QualityMetric = {
        column: m.column,
        metric: m.metric,
        value: m.value,
        violationCount: m.violationCount,
        threshold,
        breached: threshold !== null && m.value !== null && m.value > threshold,
      };
      if (m.note) out.note = m.note;
      return out;
    })
    .sort((a, b) => order(a.metric) - order(b.metric));
}
