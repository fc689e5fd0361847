/**
 * Column typing and column kinds as Azure ML's model monitor decides them (MONITORING.md "Column
 * kinds"; azureml-assets `shared_utilities/df_utils.py`), for cells as the readers give them
 * (shared/data/row-source.ts). Pure functions plus one small per-column counter; no I/O.
 *
 * Typing a text cell (CSV, and any string cell of a column without a declared type), after
 * trimming surrounding whitespace:
 * - integer: `[+-]?digits` within 64 bits (Spark's Int/Long; pandas' int64). `007` is 7.
 * - float: digits with a decimal point and/or an exponent (`7.0`, `1.`, `.5`, `1e-3`), or
 *   `NaN`/`nan`, `inf`/`Infinity` with any case and sign; an integer beyond 64 bits is a float
 *   (Spark makes it decimal(p,0), a type the monitor's kind rule does not place; pandas, object).
 * - boolean: `true`/`false` in any case (Spark's `toBoolean`; pandas 1.5 also reads `tRuE`).
 * - datetime: ISO 8601 `yyyy-MM-dd`, optionally `[T ]HH:mm[:ss[.fraction]]` and a zone `Z`, `UTC`
 *   or `±HH[:mm]` (Spark's CSV schema inference infers timestamps, and the monitor reads data with
 *   Spark; pandas does not, it keeps them as text). Both land in the same kind (categorical).
 * - anything else: string.
 * A column's type is the narrowest type all its non-null values have: integers only → integer;
 * integers and floats → float; booleans only → boolean; datetimes only → datetime; any other mix
 * (or any string) → string; no values at all → string (Spark's NullType becomes string).
 * An empty string cell is null, as an empty CSV field is for Spark and pandas.
 * `"  5"` is the integer 5: pandas trims numbers; Spark would call that column double (its
 * integer test does not trim, its double test does), an accident we do not copy.
 * A declared type (Parquet, MLTable) wins over inference; typed cells (numbers, booleans, dates
 * from Parquet or JSON) are their own type; string cells of undeclared columns are typed as text,
 * so a JSON Lines `"5"` is an integer here (Spark's JSON reader would keep it a string).
 *
 * Kinds: string, boolean, datetime, date, binary → categorical; float → numerical; integer →
 * categorical when distinct/rows < 0.05 (nulls counted as rows and a null as one distinct value,
 * as `get_distinct_ratio` does on the collected column), else numerical. An override wins.
 */
import type { Cell, DeclaredType } from './row-source';
import { UserError } from '../task/user-error';

export type ColumnType = 'integer' | 'float' | 'boolean' | 'datetime' | 'date' | 'string' | 'binary';
export type ColumnKind = 'numerical' | 'categorical';
/** Per-column kind that wins over the rule (REST `featureDataTypeOverride`). */
export type KindOverrides = Readonly<Record<string, ColumnKind>>;
/** How a kind was decided: a user override, the column type alone, or the integer distinct-ratio rule. */
export type KindSource = 'override' | 'type' | 'distinct-ratio';
/** The Spark type the monitor would give the column (what a target value is cast to for DataTypeErrorRate). */
export type SparkType = 'int' | 'bigint' | 'double' | 'boolean' | 'timestamp' | 'date' | 'string' | 'binary';

/** The distinct/rows ratio under which an integer column is categorical (df_utils `is_categorical`). */
export const CATEGORICAL_DISTINCT_RATIO = 0.05;

// What one cell is. Numbers rather than an enum so the per-cell loop stays cheap and isolatedModules-safe.
export const NULL = 0;
export const INTEGER = 1;
export const FLOAT = 2;
/** A float NaN (`NaN`, `nan` text or a NaN number): a value for Spark, a missing value for pandas. */
export const NAN = 3;
export const BOOLEAN = 4;
export const DATETIME = 5;
export const STRING = 6;
export type CellClass = typeof NULL | typeof INTEGER | typeof FLOAT | typeof NAN | typeof BOOLEAN | typeof DATETIME | typeof STRING;

const NAN_RE = /^[+-]?nan$/i;
const INF_RE = /^([+-]?)(?:inf|infinity)$/i;
const LONG_MAX = 9223372036854775807n;

/** Unicode spaces String.trim removes beyond ASCII (no-break, en/em and other spaces, line separators, BOM). */
function isUnicodeSpace(c: number): boolean {
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

function daysInMonth(year: number, month: number): number {
  return month === 2
    ? year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
      ? 29
      : 28
    : month === 4 || month === 6 || month === 9 || month === 11
      ? 30
      : 31;
}

// The scanner's cursor and last number, at module level so the per-cell scan allocates no closure.
let at = 0;
let digitsValue = 0;

/** Reads min..max digits at `at` (before e) into digitsValue; false when fewer than min. */
function readDigits(t: string, e: number, min: number, max: number): boolean {
  let n = 0;
  let v = 0;
  while (at < e && n < max) {
    const d = t.charCodeAt(at) - 48;
    if (d < 0 || d > 9) break;
    v = v * 10 + d;
    at++;
    n++;
  }
  digitsValue = v;
  return n >= min;
}

/**
 * Whether t[s, e) is an ISO date or date-time: yyyy-M-d, then optionally [T ]H:mm[:ss[.fraction]]
 * and a zone (spaces allowed before it) Z, UTC or ±HH[[:]mm]; calendar-checked. A hand-written
 * scanner: this runs once per cell of every text column.
 */
function scanDatetime(t: string, s: number, e: number): boolean {
  at = s;
  if (!readDigits(t, e, 4, 4)) return false;
  const year = digitsValue;
  if (t.charCodeAt(at++) !== 45 || !readDigits(t, e, 1, 2)) return false;
  const month = digitsValue;
  if (t.charCodeAt(at++) !== 45 || !readDigits(t, e, 1, 2)) return false;
  const day = digitsValue;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  if (at === e) return true;
  const sep = t.charCodeAt(at++);
  if ((sep !== 84 && sep !== 32) || !readDigits(t, e, 1, 2) || digitsValue > 23) return false;
  if (t.charCodeAt(at++) !== 58 || !readDigits(t, e, 2, 2) || digitsValue > 59) return false;
  if (at < e && t.charCodeAt(at) === 58) {
    at++;
    if (!readDigits(t, e, 2, 2) || digitsValue > 59) return false;
    if (at < e && t.charCodeAt(at) === 46) {
      at++;
      if (!readDigits(t, e, 1, 9)) return false;
    }
  }
  while (at < e && (t.charCodeAt(at) <= 32 || isUnicodeSpace(t.charCodeAt(at)))) at++;
  if (at === e) return true;
  const z = t.charCodeAt(at);
  if (z === 90) return at + 1 === e; // Z
  if (z === 85) return t.slice(at, e) === 'UTC';
  if (z !== 43 && z !== 45) return false;
  at++;
  if (!readDigits(t, e, 2, 2)) return false;
  if (at === e) return true;
  if (t.charCodeAt(at) === 58) at++;
  return readDigits(t, e, 2, 2) && at === e;
}

/** True for the ISO date or date-time text the typing calls datetime (calendar-checked). */
export function isDatetimeText(text: string): boolean {
  return scanDatetime(text, 0, text.length);
}

/**
 * The class of one text value (already known not to be null) and, for numbers, its value in
 * `out.number` (booleans give 1/0). Surrounding whitespace is ignored. A hand-written scanner
 * rather than regular expressions: this runs once per cell.
 */
export function classifyText(raw: string, out: { number: number }): CellClass {
  let s = 0;
  let e = raw.length;
  while (s < e && raw.charCodeAt(s) <= 32) s++;
  while (e > s && raw.charCodeAt(e - 1) <= 32) e--;
  if (s === e) return STRING;
  if (isUnicodeSpace(raw.charCodeAt(s)) || isUnicodeSpace(raw.charCodeAt(e - 1))) {
    const t = raw.trim();
    return t.length === raw.length ? STRING : classifyText(t, out);
  }
  const c = raw.charCodeAt(s);
  let i = s;
  if (c === 43 || c === 45) i++;
  // [+-]? digits* ( . digits* )? ( [eE] [+-]? digits+ )?  with at least one digit before the exponent
  let intDigits = 0;
  let whole = 0;
  while (i < e) {
    const d = raw.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    whole = whole * 10 + d;
    i++;
    intDigits++;
  }
  if (i === e && intDigits > 0) {
    if (intDigits <= 15) {
      out.number = c === 45 ? -whole : whole; // exact: below 2^53
    } else if (intDigits >= 19) {
      const big = BigInt(raw.slice(s, e));
      out.number = Number(big);
      return big > LONG_MAX || big < -LONG_MAX - 1n ? FLOAT : INTEGER;
    } else out.number = Number(raw);
    return INTEGER;
  }
  let fracDigits = 0;
  let numeric = true;
  if (i < e && raw.charCodeAt(i) === 46) {
    i++;
    while (i < e) {
      const d = raw.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      i++;
      fracDigits++;
    }
  }
  if (intDigits + fracDigits === 0) numeric = false;
  if (numeric && i < e && (raw.charCodeAt(i) | 0x20) === 101) {
    i++;
    if (i < e && (raw.charCodeAt(i) === 43 || raw.charCodeAt(i) === 45)) i++;
    let expDigits = 0;
    while (i < e) {
      const d = raw.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      i++;
      expDigits++;
    }
    if (expDigits === 0) numeric = false;
  }
  if (numeric && i === e) {
    out.number = Number(raw);
    return FLOAT;
  }
  if (c >= 48 && c <= 57) return e - s >= 8 && raw.charCodeAt(s + 4) === 45 && scanDatetime(raw, s, e) ? DATETIME : STRING;
  const lower = (c === 43 || c === 45 ? raw.charCodeAt(s + 1) : c) | 0x20;
  const n = e - s;
  if ((lower === 110 || lower === 105) && n <= 9) {
    const text = raw.slice(s, e);
    if (NAN_RE.test(text)) {
      out.number = NaN;
      return NAN;
    }
    const inf = INF_RE.exec(text);
    if (inf) {
      out.number = inf[1] === '-' ? -Infinity : Infinity;
      return FLOAT;
    }
  }
  if (lower === 116 && n === 4 && sameLetters(raw, s, 'true')) {
    out.number = 1;
    return BOOLEAN;
  }
  if (lower === 102 && n === 5 && sameLetters(raw, s, 'false')) {
    out.number = 0;
    return BOOLEAN;
  }
  return STRING;
}

/** Whether raw at s spells `word` (lower-case ASCII letters) in any case, without allocating. */
function sameLetters(raw: string, s: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) if ((raw.charCodeAt(s + k) | 0x20) !== word.charCodeAt(k)) return false;
  return true;
}

/**
 * The class of one cell of a column with the given declared type (undefined when the format
 * declares none). A declared string or binary column's cells are strings whatever they look like;
 * an empty string is null only in an undeclared (text) column.
 */
export function classifyCell(cell: Cell, declared: DeclaredType | undefined, out: { number: number }): CellClass {
  if (cell === null) return NULL;
  switch (typeof cell) {
    case 'string':
      if (declared === undefined) return cell === '' ? NULL : classifyText(cell, out);
      if (declared === 'string' || declared === 'binary') return STRING;
      if (cell === '') return NULL;
      return classifyText(cell, out);
    case 'number':
      out.number = cell;
      if (Number.isNaN(cell)) return NAN;
      return Number.isInteger(cell) ? INTEGER : FLOAT;
    case 'bigint':
      out.number = Number(cell);
      return cell > LONG_MAX || cell < -LONG_MAX - 1n ? FLOAT : INTEGER;
    case 'boolean':
      out.number = cell ? 1 : 0;
      return BOOLEAN;
    default:
      return cell instanceof Date ? DATETIME : STRING;
  }
}

/** The text a cell stands for in categories, sets, patterns and examples: text as written, typed values canonically. */
export function cellText(cell: Exclude<Cell, null>): string {
  if (typeof cell === 'string') return cell;
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? 'Invalid Date' : cell.toISOString();
  return String(cell);
}

/** Counts per class of one column's cells, from which its type is decided at the end of the pass. */
export class TypeCounts {
  integers = 0;
  floats = 0;
  nans = 0;
  booleans = 0;
  datetimes = 0;
  strings = 0;
  nulls = 0;
  /** Integers outside the 32-bit range (Spark types the column LongType/bigint then). */
  wideIntegers = 0;

  add(cls: CellClass, value: number): void {
    switch (cls) {
      case NULL:
        this.nulls++;
        break;
      case INTEGER:
        this.integers++;
        if (value > 2147483647 || value < -2147483648) this.wideIntegers++;
        break;
      case FLOAT:
        this.floats++;
        break;
      case NAN:
        this.nans++;
        break;
      case BOOLEAN:
        this.booleans++;
        break;
      case DATETIME:
        this.datetimes++;
        break;
      default:
        this.strings++;
    }
  }

  get nonNull(): number {
    return this.integers + this.floats + this.nans + this.booleans + this.datetimes + this.strings;
  }
}

/** A column's type: the declared one, else the narrowest type every non-null value has (see the file comment). */
export function columnType(counts: TypeCounts, declared?: DeclaredType): ColumnType {
  if (declared !== undefined) return declared;
  const n = counts.nonNull;
  if (n === 0 || counts.strings > 0) return 'string';
  const numeric = counts.integers + counts.floats + counts.nans;
  if (numeric === n) return counts.floats + counts.nans > 0 ? 'float' : 'integer';
  if (counts.booleans === n) return 'boolean';
  if (counts.datetimes === n) return 'datetime';
  return 'string';
}

/** The Spark type the monitor would read the column as (int vs bigint by range, as Spark's CSV inference does). */
export function sparkType(type: ColumnType, counts: TypeCounts): SparkType {
  switch (type) {
    case 'integer':
      return counts.wideIntegers > 0 ? 'bigint' : 'int';
    case 'float':
      return 'double';
    case 'datetime':
      return 'timestamp';
    default:
      return type;
  }
}

export interface KindDecision {
  kind: ColumnKind;
  source: KindSource;
  /** False only when an integer column's distinct count outgrew what was tracked and the ratio could not be decided exactly. */
  exact: boolean;
}

/**
 * The kind of a column: the override, else by type, else (integer) by distinct/rows < 0.05.
 * `distinct` counts non-null distinct values; a null, if any, adds one (df_utils collects the
 * column with its Nones into a set). `distinctExact` false means `distinct` is a lower bound.
 */
export function decideKind(
  type: ColumnType,
  stats: { rows: number; nulls: number; distinct: number; distinctExact: boolean },
  override?: ColumnKind,
): KindDecision {
  if (override) return { kind: override, source: 'override', exact: true };
  if (type === 'float') return { kind: 'numerical', source: 'type', exact: true };
  if (type !== 'integer') return { kind: 'categorical', source: 'type', exact: true };
  const distinct = stats.distinct + (stats.nulls > 0 ? 1 : 0);
  const categorical = stats.rows > 0 && distinct / stats.rows < CATEGORICAL_DISTINCT_RATIO;
  // A lower bound that already reaches 5% decides "numerical" exactly; below it, the truth is unknown.
  if (!stats.distinctExact && categorical) return { kind: 'numerical', source: 'distinct-ratio', exact: false };
  return { kind: categorical ? 'categorical' : 'numerical', source: 'distinct-ratio', exact: true };
}

/**
 * Parses kind overrides: `name: categorical` or `name=numerical` pairs separated by newlines or
 * commas, or a JSON object `{"name": "categorical"}`. Names may be quoted with backticks or double quotes.
 */
export function parseKindOverrides(text: string | undefined, input = 'featureDataTypeOverride'): KindOverrides {
  const out: Record<string, ColumnKind> = {};
  const source = (text ?? '').trim();
  if (source === '') return out;
  const kindOf = (name: string, value: unknown): ColumnKind => {
    const v = String(value).trim().toLowerCase();
    if (v === 'categorical' || v === 'numerical') return v;
    throw new UserError(`'${input}': the kind of column '${name}' must be 'categorical' or 'numerical', got '${String(value)}'`);
  };
  if (source.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(source);
    } catch (error) {
      throw new UserError(`'${input}' is not valid JSON: ${(error as Error).message}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new UserError(`'${input}' must be a JSON object of column: kind`);
    for (const [name, value] of Object.entries(parsed)) out[name] = kindOf(name, value);
    return out;
  }
  const PAIR = /\s*(?:`((?:[^`]|``)*)`|"((?:[^"]|"")*)"|([^:=,\n"`]+?))\s*[:=]\s*([A-Za-z]+)\s*(?:[,\n]|$)/y;
  let pos = 0;
  while (pos < source.length) {
    PAIR.lastIndex = pos;
    const m = PAIR.exec(source);
    if (!m)
      throw new UserError(
        `'${input}': cannot read '${source.slice(pos).split('\n')[0].trim()}': write one 'column: categorical' or 'column: numerical' per line or separated by commas`,
      );
    const name = m[1] !== undefined ? m[1].replace(/``/g, '`') : m[2] !== undefined ? m[2].replace(/""/g, '"') : m[3].trim();
    out[name] = kindOf(name, m[4]);
    pos = PAIR.lastIndex;
    while (pos < source.length && /\s/.test(source[pos])) pos++;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Spark's (non-ANSI) casts from a string, as `compute_dtype_violation_count_modify_dataset` uses
// them: `~col(c).cast(baselineType).isNotNull()` counts values the cast turns into null.

const SPARK_WS = /^[\s\x00-\x1f]+|[\s\x00-\x1f]+$/g;
const SPARK_INTEGRAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;
const JAVA_DOUBLE =
  /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?|0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?\d+[fFdD]?)$/;
const SPARK_FLOAT_SPECIAL = /^[+-]?(?:inf|infinity|nan)$/i;
const SPARK_BOOLEAN = new Set(['t', 'true', 'y', 'yes', '1', 'f', 'false', 'n', 'no', '0']);
const SPARK_TIMESTAMP =
  /^[+-]?\d{4,}(?:-(\d{1,2})(?:-(\d{1,2})(?:[T ](?:\d{1,2})(?::\d{1,2}(?::\d{1,2}(?:\.\d{0,9})?)?)?\s*(?:Z|UTC|GMT|[+-]\d{1,2}(?::?\d{2})?|[A-Za-z]+\/[A-Za-z_]+)?)?)?)?$/;
const SPARK_DATE = /^[+-]?\d{4,}(?:-(\d{1,2})(?:-(\d{1,2})(?:[T ].*)?)?)?$/;

function monthDayOk(m: RegExpExecArray): boolean {
  if (m[1] !== undefined && (Number(m[1]) < 1 || Number(m[1]) > 12)) return false;
  if (m[2] !== undefined && (Number(m[2]) < 1 || Number(m[2]) > 31)) return false;
  return true;
}

/**
 * Whether Spark's non-ANSI cast of this string to `type` gives a value (not null): integral
 * casts trim, take a sign and digits and truncate a decimal part (`7.9` → 7) within the type's
 * range; double follows Java's `parseDouble` (trimmed, `1e3`, `1.5d`, hex) plus Spark's
 * `inf`/`nan` literals; boolean takes t/true/y/yes/1 and f/false/n/no/0 in any case; timestamp
 * and date take ISO forms from `yyyy` on; string and binary always cast.
 */
export function sparkCastsText(text: string, type: SparkType): boolean {
  const t = text.replace(SPARK_WS, '');
  switch (type) {
    case 'string':
    case 'binary':
      return true;
    case 'int':
    case 'bigint': {
      const m = SPARK_INTEGRAL.exec(t);
      if (!m || (m[2] === '' && m[3] === undefined)) return false;
      if (m[2] === '') return true;
      const whole = BigInt(m[1] === '-' ? `-${m[2]}` : m[2]);
      return type === 'int' ? whole >= -2147483648n && whole <= 2147483647n : whole >= -LONG_MAX - 1n && whole <= LONG_MAX;
    }
    case 'double':
      return JAVA_DOUBLE.test(t) || SPARK_FLOAT_SPECIAL.test(t);
    case 'boolean':
      return SPARK_BOOLEAN.has(t.toLowerCase());
    case 'timestamp': {
      const m = SPARK_TIMESTAMP.exec(t);
      return m !== null && monthDayOk(m);
    }
    case 'date': {
      const m = SPARK_DATE.exec(t);
      return m !== null && monthDayOk(m);
    }
  }
}

/** Whether a typed (non-text) cell casts to `type` in Spark: numbers, booleans and timestamps cast among the numeric types and boolean; dates only from timestamps. */
export function sparkCastsTyped(cls: CellClass, type: SparkType): boolean {
  if (type === 'string' || type === 'binary') return true;
  if (type === 'timestamp' || type === 'date') return cls === DATETIME || (type === 'timestamp' && (cls === INTEGER || cls === FLOAT));
  return cls !== STRING;
}
