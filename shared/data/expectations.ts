/**
 * Data expectations, one a line, in words a Great Expectations user recognises, and their
 * streaming evaluation (one RowVisitor for all of them).
 *
 *   columns include customer_id, age, region        expect_table_columns_to_contain_set
 *   columns exactly customer_id, age, region        expect_table_columns_to_match_set (exact_match; order free)
 *   rows between 1000 and 5000000                   expect_table_row_count_to_be_between (inclusive)
 *   age not null                                    expect_column_values_to_not_be_null
 *   age is number                                   expect_column_values_to_be_in_type_list (integer|number|string|boolean|datetime)
 *   age between 18 and 100 mostly 0.99              expect_column_values_to_be_between (inclusive)
 *   region in north, south, east, west              expect_column_values_to_be_in_set
 *   customer_id unique                              expect_column_values_to_be_unique
 *   email matches ^[^@]+@[^@]+$                     expect_column_values_to_match_regex (searched, as re.search)
 *   NullValueRate <= 0.05                           Azure ML data quality, every column (also DataTypeErrorRate, OutOfBoundsRate)
 *   income NullValueRate <= 0                       ... one column
 *
 * Blank lines and lines starting with `#` are ignored (a `#` later in a line is text, so patterns
 * and values may hold one). Keywords are case-insensitive; column names are not. A column name
 * with spaces or commas, or one that is a keyword (`rows`, `columns`, a metric name), is quoted
 * with backticks or double quotes (a quote inside is doubled); so are set values with commas.
 * Column expectations (but `is string`) may end with `mostly <fraction>`.
 *
 * Semantics, as Great Expectations (pandas) has them: a missing value (null, or NaN) is skipped by
 * every column expectation except `not null`, which counts them; `mostly` is compared with the
 * share of expected values among the non-missing ones (`not null`: among all rows), `>=`; with no
 * non-missing value an expectation passes. `unexpectedPercent` is of ALL rows (GE's
 * `unexpected_percent_total`); GE's own `unexpected_percent` (of non-missing values) is
 * `unexpectedPercentNonMissing`. `unique` counts every occurrence of a repeated value as unexpected
 * (GE: `duplicated(keep=False)`).
 */
import type { Cell, DeclaredType } from './row-source';
import * as kinds from './column-kinds';
import type { CellClass, ColumnType } from './column-kinds';
import { DuplicateFinder } from './hash-tables';
import type { RowVisitor } from './scan';
import { UserError } from '../task/user-error';

// Module-local copies: a CommonJS build (tsx, ts-node) reads an imported binding through a getter
// on every use, which a per-cell loop feels; a bundle (esbuild) inlines them either way.
const { BOOLEAN, DATETIME, FLOAT, INTEGER, NAN, NULL, cellText, classifyText } = kinds;

export type ValueTypeName = 'integer' | 'number' | 'string' | 'boolean' | 'datetime';
export type QualityMetricName = 'NullValueRate' | 'DataTypeErrorRate' | 'OutOfBoundsRate';
export const QUALITY_METRICS: readonly QualityMetricName[] = ['NullValueRate', 'DataTypeErrorRate', 'OutOfBoundsRate'];

interface Written {
  /** 1-based line in the input. */
  line: number;
  /** The line as written, trimmed. */
  text: string;
}
export type Expectation = Written &
  (
    | { kind: 'columnsInclude'; columns: string[] }
    | { kind: 'columnsExactly'; columns: string[] }
    | { kind: 'rowsBetween'; min: number; max: number }
    | { kind: 'notNull'; column: string; mostly?: number }
    | { kind: 'isType'; column: string; type: ValueTypeName; mostly?: number }
    | { kind: 'between'; column: string; min: number; max: number; mostly?: number }
    | { kind: 'inSet'; column: string; values: string[]; mostly?: number }
    | { kind: 'unique'; column: string; mostly?: number }
    | { kind: 'matches'; column: string; pattern: string; mostly?: number }
    | { kind: 'quality'; metric: QualityMetricName; column?: string; threshold: number }
  );
export type ColumnExpectation = Extract<Expectation, { column: string; mostly?: number }>;

/** The Great Expectations name of each expectation, for the report. */
export function expectationType(e: Expectation): string {
  switch (e.kind) {
    case 'columnsInclude':
      return 'expect_table_columns_to_contain_set';
    case 'columnsExactly':
      return 'expect_table_columns_to_match_set';
    case 'rowsBetween':
      return 'expect_table_row_count_to_be_between';
    case 'notNull':
      return 'expect_column_values_to_not_be_null';
    case 'isType':
      return e.type === 'number' ? 'expect_column_values_to_be_in_type_list' : 'expect_column_values_to_be_of_type';
    case 'between':
      return 'expect_column_values_to_be_between';
    case 'inSet':
      return 'expect_column_values_to_be_in_set';
    case 'unique':
      return 'expect_column_values_to_be_unique';
    case 'matches':
      return 'expect_column_values_to_match_regex';
    case 'quality':
      return `azureml_data_quality_${e.metric}`;
  }
}

export const EXPECTATION_GRAMMAR =
  'Write one expectation a line: columns include <column>, …; columns exactly <column>, …; rows between <n> and <n>; ' +
  '<column> not null; <column> is integer|number|string|boolean|datetime; <column> between <x> and <y>; <column> in <value>, …; ' +
  '<column> unique; <column> matches <regex>; [<column>] NullValueRate|DataTypeErrorRate|OutOfBoundsRate <= <x>. ' +
  "Column expectations (but 'is string') may end with 'mostly <fraction>'. Quote names or values with spaces or commas in `backticks` or \"double quotes\"; '#' starts a comment line.";

const TYPES: readonly ValueTypeName[] = ['integer', 'number', 'string', 'boolean', 'datetime'];
const NUMBER = /[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?(?![\w.])/y;
const WORD = /[A-Za-z_]+/y;
const BARE_NAME = /[^\s,"`]+/y;
const TRAILING_MOSTLY = /^(.*?)\s+mostly\s+(\S+)\s*$/is;

class LineError extends Error {}

class Cursor {
  pos = 0;
  constructor(readonly text: string) {}
  skipSpaces(): void {
    while (this.pos < this.text.length && (this.text[this.pos] === ' ' || this.text[this.pos] === '\t')) this.pos++;
  }
  atEnd(): boolean {
    this.skipSpaces();
    return this.pos >= this.text.length;
  }
  match(re: RegExp): string | undefined {
    this.skipSpaces();
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (!m) return undefined;
    this.pos += m[0].length;
    return m[0];
  }
  /** The next keyword, lower-cased, consumed only when it is one of `words`. */
  keyword(...words: string[]): string | undefined {
    const start = this.pos;
    const w = this.match(WORD)?.toLowerCase();
    if (w !== undefined && words.includes(w) && !/[\w]/.test(this.text[this.pos] ?? '')) return w;
    this.pos = start;
    return undefined;
  }
  peekWord(): string {
    const start = this.pos;
    const w = this.match(WORD) ?? '';
    this.pos = start;
    return w;
  }
  /** What the user wrote at the cursor, for messages. */
  next(): string {
    this.skipSpaces();
    if (this.pos >= this.text.length) return 'the end of the line';
    return `'${(this.text.slice(this.pos).match(/^\S+/) ?? [''])[0]}'`;
  }
  /** A quoted name or value (`…` or "…", the quote doubled inside), or undefined when none starts here. */
  quoted(): string | undefined {
    this.skipSpaces();
    const q = this.text[this.pos];
    if (q !== '`' && q !== '"') return undefined;
    let out = '';
    let i = this.pos + 1;
    for (;;) {
      if (i >= this.text.length) throw new LineError(`the quote ${q} opened at column ${this.pos + 1} is not closed`);
      if (this.text[i] === q) {
        if (this.text[i + 1] === q) {
          out += q;
          i += 2;
          continue;
        }
        break;
      }
      out += this.text[i++];
    }
    this.pos = i + 1;
    return out;
  }
  name(what = 'a column name'): string {
    const q = this.quoted();
    if (q !== undefined) {
      if (q === '') throw new LineError(`${what} cannot be empty`);
      return q;
    }
    const bare = this.match(BARE_NAME);
    if (bare === undefined) throw new LineError(`expected ${what}, got ${this.next()}`);
    return bare;
  }
  number(what: string): number {
    const n = this.match(NUMBER);
    if (n === undefined) throw new LineError(`expected ${what}, got ${this.next()}`);
    return Number(n);
  }
}

function parseMostly(c: Cursor, allowed: boolean, what: string): number | undefined {
  if (c.atEnd()) return undefined;
  if (!c.keyword('mostly'))
    throw new LineError(`unexpected ${c.next()} after ${what}${allowed ? " (only 'mostly <fraction>' may follow)" : ''}`);
  if (!allowed) throw new LineError(`'mostly' does not apply to ${what}`);
  const f = c.number("a fraction between 0 and 1 after 'mostly'");
  if (!(f >= 0 && f <= 1)) throw new LineError(`'mostly' must be a fraction between 0 and 1, got ${f}`);
  if (!c.atEnd()) throw new LineError(`unexpected ${c.next()} after 'mostly ${f}'`);
  return f;
}

/** A comma-separated list of names or values, each bare (trimmed, no comma) or quoted; an unquoted last item may carry a trailing `mostly f`. */
function parseList(c: Cursor, what: string): { items: string[]; mostlyText?: string } {
  const items: string[] = [];
  let mostlyText: string | undefined;
  for (;;) {
    c.skipSpaces();
    const q = c.quoted();
    if (q !== undefined) {
      items.push(q);
    } else {
      const end = c.text.indexOf(',', c.pos);
      let item = c.text.slice(c.pos, end < 0 ? undefined : end).trim();
      if (end < 0) {
        const m = TRAILING_MOSTLY.exec(item);
        if (m) {
          item = m[1].trim();
          mostlyText = `mostly ${m[2]}`;
        }
      }
      if (item === '')
        throw new LineError(`expected ${what}, got ${end < 0 && items.length === 0 ? 'the end of the line' : 'an empty item'}`);
      if (/["`]/.test(item)) throw new LineError(`'${item}': quote the whole item, not part of it`);
      items.push(item);
      c.pos = end < 0 ? c.text.length : end;
    }
    c.skipSpaces();
    if (c.text[c.pos] === ',') {
      c.pos++;
      continue;
    }
    return { items, mostlyText };
  }
}

function metricName(word: string): QualityMetricName | undefined {
  return QUALITY_METRICS.find((m) => m.toLowerCase() === word.toLowerCase());
}

function parseThreshold(c: Cursor, metric: string): number {
  c.skipSpaces();
  if (c.text.startsWith('<=', c.pos)) c.pos += 2;
  else throw new LineError(`expected '<=' after ${metric} (a data-quality rate breaches when it is above its threshold), got ${c.next()}`);
  const t = c.number(`a threshold (a rate between 0 and 1) after '${metric} <='`);
  if (!(t >= 0 && t <= 1)) throw new LineError(`the threshold of ${metric} is a rate between 0 and 1, got ${t}`);
  if (!c.atEnd()) throw new LineError(`unexpected ${c.next()} after the threshold`);
  return t;
}

/** Translates Python's named groups to JavaScript's, so a GE pattern reads the same; everything else is JavaScript RegExp syntax. */
function compilePattern(pattern: string): RegExp {
  const js = pattern.replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>').replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>');
  try {
    return new RegExp(js);
  } catch (error) {
    throw new LineError(`the pattern is not a valid regular expression: ${(error as Error).message}`);
  }
}

function parseLine(text: string, line: number): Expectation {
  const c = new Cursor(text);
  const at = { line, text };
  const startsQuoted = text[0] === '`' || text[0] === '"';
  if (!startsQuoted) {
    const first = c.peekWord();
    const lower = first.toLowerCase();
    if (lower === 'columns' || lower === 'rows') {
      const save = c.pos;
      c.keyword(lower);
      if (lower === 'columns') {
        const how = c.keyword('include', 'exactly');
        if (how) {
          const { items, mostlyText } = parseList(c, 'a column name');
          if (mostlyText) throw new LineError(`'mostly' does not apply to 'columns ${how}'`);
          if (!c.atEnd()) throw new LineError(`unexpected ${c.next()}`);
          return { ...at, kind: how === 'include' ? 'columnsInclude' : 'columnsExactly', columns: items };
        }
      } else if (c.keyword('between')) {
        const min = c.number("a row count after 'rows between'");
        if (!c.keyword('and')) throw new LineError(`expected 'and' after 'rows between ${min}', got ${c.next()}`);
        const max = c.number("a row count after 'and'");
        if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0) throw new LineError('row counts are whole numbers ≥ 0');
        if (min > max) throw new LineError(`the lower bound ${min} is above the upper bound ${max}`);
        parseMostly(c, false, "'rows between'");
        return { ...at, kind: 'rowsBetween', min, max };
      }
      c.pos = save;
    }
    const metric = metricName(first);
    if (metric && /^\s*[<>=!]/.test(text.slice(first.length))) {
      c.match(WORD);
      return { ...at, kind: 'quality', metric, threshold: parseThreshold(c, metric) };
    }
  }
  const column = c.name();
  c.skipSpaces();
  const wordStart = c.pos;
  const word = c.match(WORD);
  const metric = word ? metricName(word) : undefined;
  if (metric) return { ...at, kind: 'quality', metric, column, threshold: parseThreshold(c, metric) };
  switch (word?.toLowerCase()) {
    case 'not': {
      if (!c.keyword('null')) throw new LineError(`expected 'null' after 'not', got ${c.next()}`);
      return { ...at, kind: 'notNull', column, mostly: parseMostly(c, true, "'not null'") };
    }
    case 'is': {
      const t = c.match(WORD)?.toLowerCase();
      if (!t || !TYPES.includes(t as ValueTypeName))
        throw new LineError(`expected one of ${TYPES.join(', ')} after 'is', got ${t ? `'${t}'` : c.next()}`);
      return {
        ...at,
        kind: 'isType',
        column,
        type: t as ValueTypeName,
        mostly: parseMostly(
          c,
          t !== 'string',
          `'is ${t}'${t === 'string' ? ' (a column is read as text or it is not: no share of its values decides it)' : ''}`,
        ),
      };
    }
    case 'between': {
      const min = c.number("a number after 'between'");
      if (!c.keyword('and')) throw new LineError(`expected 'and' after 'between ${min}', got ${c.next()}`);
      const max = c.number("a number after 'and'");
      if (min > max) throw new LineError(`the lower bound ${min} is above the upper bound ${max}`);
      return { ...at, kind: 'between', column, min, max, mostly: parseMostly(c, true, "'between'") };
    }
    case 'in': {
      const { items, mostlyText } = parseList(c, 'a value');
      let mostly: number | undefined;
      if (mostlyText) mostly = parseMostly(new Cursor(mostlyText), true, "'in'");
      else mostly = parseMostly(c, true, "'in'");
      return { ...at, kind: 'inSet', column, values: items, mostly };
    }
    case 'unique':
      return { ...at, kind: 'unique', column, mostly: parseMostly(c, true, "'unique'") };
    case 'matches': {
      let rest = c.text.slice(c.pos).trim();
      let mostly: number | undefined;
      const m = TRAILING_MOSTLY.exec(rest);
      if (m) {
        rest = m[1].trim();
        mostly = parseMostly(new Cursor(`mostly ${m[2]}`), true, "'matches'");
      }
      if (rest === '') throw new LineError("expected a regular expression after 'matches'");
      compilePattern(rest);
      return { ...at, kind: 'matches', column, pattern: rest, mostly };
    }
    default:
      c.pos = wordStart;
      throw new LineError(
        `expected not null, is, between, in, unique, matches or a data-quality metric after the column '${column}', got ${c.next()}`,
      );
  }
}

/**
 * Parses expectations text. A line that does not parse is a UserError quoting the line and its
 * number, then the grammar.
 */
export function parseExpectations(text: string, input = 'expectations'): Expectation[] {
  const out: Expectation[] = [];
  text.split(/\r\n|\n|\r/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    try {
      out.push(parseLine(line, i + 1));
    } catch (error) {
      if (!(error instanceof LineError)) throw error;
      throw new UserError(`'${input}' line ${i + 1}: cannot read "${line}": ${error.message}. ${EXPECTATION_GRAMMAR}`);
    }
  });
  return out;
}

/** The columns an expectation reads (not `columns include/exactly`, whose columns are what it checks). */
export function columnOf(e: Expectation): string | undefined {
  return 'column' in e ? e.column : undefined;
}

/**
 * Checks, before any row is read, that every column an expectation reads is in the data; a
 * UserError names the line and lists the data's columns otherwise.
 */
export function checkExpectationColumns(expectations: readonly Expectation[], columns: readonly string[], input = 'expectations'): void {
  const have = new Set(columns);
  for (const e of expectations) {
    const column = columnOf(e);
    if (column !== undefined && !have.has(column)) {
      const hint = columns.find((c) => c.toLowerCase() === column.toLowerCase());
      throw new UserError(
        `'${input}' line ${e.line} ("${e.text}") reads the column '${column}', which the data does not have${hint ? ` (column names are case-sensitive: did you mean '${hint}'?)` : ''}. ` +
          `The data's columns: ${columns.map((c) => `'${c}'`).join(', ') || '(none)'}`,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/** Longest example value kept in a report, in characters (code points); longer ones are cut with '…'. */
export const EXAMPLE_MAX_CHARS = 200;
export const MAX_EXAMPLES = 5;

/** Up to five distinct unexpected values, in the order first met. */
export class Examples {
  readonly values: string[] = [];
  add(text: string): void {
    if (this.values.length >= MAX_EXAMPLES) return;
    // Cut by code points, never inside a surrogate pair.
    const v =
      text.length > EXAMPLE_MAX_CHARS && Array.from(text).length > EXAMPLE_MAX_CHARS
        ? `${Array.from(text).slice(0, EXAMPLE_MAX_CHARS).join('')}…`
        : text;
    if (!this.values.includes(v)) this.values.push(v);
  }
}

export type Observed = string | number | boolean | null | Observed[] | { [key: string]: Observed };

/** What the evaluation says of one column expectation. */
export interface ColumnTally {
  missing: number;
  unexpected: number;
  examples: string[];
  observed: Observed;
}

/** One column expectation's running state. */
abstract class ColumnCheck {
  missing = 0;
  unexpected = 0;
  readonly examples = new Examples();
  constructor(
    readonly expectation: ColumnExpectation,
    readonly index: number,
  ) {}
  /** `cls` is never NULL or NAN here for checks that skip missing values. */
  abstract value(cell: Exclude<Cell, null>, cls: CellClass, x: number): void;
  miss(): void {
    this.missing++;
  }
  abstract observed(type: ColumnType): Observed;
  protected bad(cell: Exclude<Cell, null>): void {
    this.unexpected++;
    this.examples.add(cellText(cell));
  }
}

class NotNullCheck extends ColumnCheck {
  value(): void {}
  override miss(): void {
    this.missing++;
    this.unexpected++;
  }
  observed(): Observed {
    return { nulls: this.unexpected };
  }
}

class TypeCheck extends ColumnCheck {
  private readonly want: ValueTypeName;
  private nonMissing = 0;
  /** `is string`: the first values, shown if the column turns out not to be read as text. */
  private readonly firstValues = new Examples();
  constructor(e: Extract<Expectation, { kind: 'isType' }>, index: number) {
    super(e, index);
    this.want = e.type;
  }
  value(cell: Exclude<Cell, null>, cls: CellClass): void {
    this.nonMissing++;
    if (this.want === 'string') {
      this.firstValues.add(cellText(cell));
      return;
    }
    const ok =
      (this.want === 'integer' && cls === INTEGER) ||
      (this.want === 'number' && (cls === INTEGER || cls === FLOAT)) ||
      (this.want === 'boolean' && cls === BOOLEAN) ||
      (this.want === 'datetime' && cls === DATETIME);
    if (!ok) this.bad(cell);
  }
  /** `is string` is decided on the column: read as text or not; if not, every value is read as the other type. */
  settle(type: ColumnType): void {
    if (this.want === 'string' && type !== 'string' && type !== 'binary') {
      this.unexpected = this.nonMissing;
      for (const v of this.firstValues.values) this.examples.add(v);
    }
  }
  observed(type: ColumnType): Observed {
    return { type };
  }
}

class BetweenCheck extends ColumnCheck {
  private min = Infinity;
  private max = -Infinity;
  private readonly lo: number;
  private readonly hi: number;
  constructor(e: Extract<Expectation, { kind: 'between' }>, index: number) {
    super(e, index);
    this.lo = e.min;
    this.hi = e.max;
  }
  value(cell: Exclude<Cell, null>, cls: CellClass, x: number): void {
    if (cls !== INTEGER && cls !== FLOAT) {
      this.bad(cell);
      return;
    }
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    if (x < this.lo || x > this.hi) this.bad(cell);
  }
  observed(): Observed {
    const n = (v: number) => (v === Infinity || v === -Infinity ? String(v) : v);
    return this.min > this.max ? { min: null, max: null } : { min: n(this.min), max: n(this.max) };
  }
}

class SetCheck extends ColumnCheck {
  private readonly texts: Set<string>;
  private readonly numbers = new Set<number>();
  private readonly outside = new Set<string>();
  private outsideOverflow = false;
  constructor(e: Extract<Expectation, { kind: 'inSet' }>, index: number) {
    super(e, index);
    this.texts = new Set(e.values);
    const out = { number: 0 };
    for (const v of e.values) {
      const cls = classifyText(v, out);
      if (cls === INTEGER || cls === FLOAT) this.numbers.add(out.number + 0);
    }
  }
  value(cell: Exclude<Cell, null>, cls: CellClass, x: number): void {
    const text = cellText(cell);
    if (this.texts.has(text) || ((cls === INTEGER || cls === FLOAT) && this.numbers.has(x + 0))) return;
    this.bad(cell);
    if (this.outside.size < 1000) this.outside.add(text);
    else if (!this.outside.has(text)) this.outsideOverflow = true;
  }
  observed(): Observed {
    return { distinctOutside: this.outsideOverflow ? `> ${this.outside.size}` : this.outside.size };
  }
}

/** One way of telling values apart, with its duplicated(keep=False) tally. */
class Duplicates {
  readonly finder = new DuplicateFinder();
  unexpected = 0;
  repeated = 0;
  readonly examples = new Examples();
  /** Counts one occurrence, `times` as DuplicateFinder.add returns it. */
  count(times: 1 | 2 | 3, cell: Exclude<Cell, null>): void {
    if (times === 2) {
      this.unexpected += 2;
      this.repeated++;
      this.examples.add(cellText(cell));
    } else if (times === 3) this.unexpected++;
  }
  /** Adds another tally over disjoint or overlapping values (its examples after this one's). */
  absorb(other: Duplicates): void {
    const change = this.finder.absorb(other.finder);
    this.unexpected += other.unexpected + change.unexpected;
    this.repeated += other.repeated + change.repeated;
    for (const v of other.examples.values) this.examples.add(v);
  }
}

/**
 * `unique`, as pandas would see the column once typed (shared/data/column-kinds.ts), a type known
 * only at the end of the pass. So values are told apart in every way the column may still end up:
 * - as text (a string column, and datetimes: pandas keeps those as text): always;
 * - as numbers, while every value so far is an integer or a float: `1000`, `1000.0` and `1e3` are
 *   one float, `7` and `07` one integer. Safe integers and floats are keyed by their float64 bits;
 *   an integer beyond 2^53 by its exact value (int64 tells 2^53 and 2^53+1 apart) and, until the
 *   first float shows, also by its float64 value (a float column rounds it), then merged into the
 *   float table. The first value that is neither drops these tables;
 * - as booleans (pandas reads `True`, `true`, `TRUE` alike): two counters.
 * Memory: the numeric tables double what `unique` holds (triple for integers beyond 2^53) only
 * while the column still looks numeric; a column of text holds the text table alone.
 */
class UniqueCheck extends ColumnCheck {
  private readonly text = new Duplicates();
  /** Safe integers, and (once a float is seen) every number, by float64 value; undefined until a number shows. */
  private numbers: Duplicates | undefined;
  /** Integers beyond 2^53 while no float is seen: by exact value (for an integer column) and by float64 value (for a float one). */
  private bigExact: Duplicates | undefined;
  private bigFloat: Duplicates | undefined;
  private numeric = true;
  private floatSeen = false;
  private booleanOnly = true;
  private readonly bools = [0, 0];
  /** For each boolean, the text of its second occurrence (the example), in the order met. */
  private readonly boolExamples: [number, string][] = [];
  private settled = false;
  private result: Observed = null;

  value(cell: Exclude<Cell, null>, cls: CellClass, x: number): void {
    // The type tag keeps a typed 5 and a text "5" apart (a column holds one or the other).
    const key = typeof cell === 'string' ? cell : `\u0000${typeof cell}:${cellText(cell)}`;
    this.text.count(this.text.finder.add(key), cell);
    if (cls === BOOLEAN) {
      if (this.booleanOnly) {
        const b = x === 0 ? 0 : 1;
        if (++this.bools[b] === 2) this.boolExamples.push([b, cellText(cell)]);
      }
    } else this.booleanOnly = false;
    if (!this.numeric) return;
    if (cls === FLOAT) {
      const numbers = this.floatsFromNowOn();
      numbers.count(numbers.finder.addNumber(x), cell);
    } else if (cls === INTEGER) {
      if (this.numbers === undefined) this.numbers = new Duplicates();
      if (this.floatSeen || Number.isSafeInteger(x)) this.numbers.count(this.numbers.finder.addNumber(x), cell);
      else {
        const exact = typeof cell === 'string' ? BigInt(cell.trim()) : typeof cell === 'number' ? BigInt(cell) : cell;
        this.bigExact ??= new Duplicates();
        this.bigFloat ??= new Duplicates();
        this.bigExact.count(this.bigExact.finder.add(String(exact)), cell);
        this.bigFloat.count(this.bigFloat.finder.addNumber(x), cell);
      }
    } else {
      // Text, a boolean or a datetime: the column cannot be typed integer or float any more.
      this.numeric = false;
      this.numbers = this.bigExact = this.bigFloat = undefined;
    }
  }

  /** The column can no longer be integer: big integers join the float table by their float64 value. */
  private floatsFromNowOn(): Duplicates {
    this.numbers ??= new Duplicates();
    if (!this.floatSeen) {
      this.floatSeen = true;
      if (this.bigFloat) this.numbers.absorb(this.bigFloat);
      this.bigExact = this.bigFloat = undefined;
    }
    return this.numbers;
  }

  /** The tally that matches the column's type (integer and float: as numbers; boolean: as booleans; else as text). */
  private chosen(type: ColumnType): { unexpected: number; repeated: number; distinct: number; examples: string[] } {
    const pick = (d: Duplicates, extra?: Duplicates) => ({
      unexpected: d.unexpected + (extra?.unexpected ?? 0),
      repeated: d.repeated + (extra?.repeated ?? 0),
      distinct: d.finder.size + (extra?.finder.size ?? 0),
      examples: extra ? [...d.examples.values, ...extra.examples.values].slice(0, MAX_EXAMPLES) : d.examples.values,
    });
    // A declared numeric or boolean column can hold other cells; then the text tally is the one left.
    if ((type === 'integer' || type === 'float') && this.numeric) {
      // A float column may hold no float cell (integers and NaN): its big integers join now.
      const numbers = type === 'float' ? this.floatsFromNowOn() : (this.numbers ?? new Duplicates());
      // Safe and big integers never share a value, so their tallies add.
      return type === 'integer' && this.bigExact ? pick(numbers, this.bigExact) : pick(numbers);
    }
    if (type === 'boolean' && this.booleanOnly) {
      const [f, t] = this.bools;
      return {
        unexpected: (f >= 2 ? f : 0) + (t >= 2 ? t : 0),
        repeated: (f >= 2 ? 1 : 0) + (t >= 2 ? 1 : 0),
        distinct: (f > 0 ? 1 : 0) + (t > 0 ? 1 : 0),
        examples: this.boolExamples.map(([, text]) => text),
      };
    }
    return pick(this.text);
  }

  /** Takes the tally of the column's final type (call once the pass is over). */
  settle(type: ColumnType): void {
    if (this.settled) return;
    this.settled = true;
    const c = this.chosen(type);
    this.unexpected = c.unexpected;
    for (const v of c.examples) this.examples.add(v);
    this.result = { distinct: c.distinct, repeatedValues: c.repeated };
  }

  observed(): Observed {
    return this.result;
  }
  get bytes(): number {
    const b = (d: Duplicates | undefined) => d?.finder.bytes ?? 0;
    return b(this.text) + b(this.numbers) + b(this.bigExact) + b(this.bigFloat);
  }
}

class MatchCheck extends ColumnCheck {
  private readonly re: RegExp;
  private matching = 0;
  constructor(e: Extract<Expectation, { kind: 'matches' }>, index: number) {
    super(e, index);
    this.re = compilePattern(e.pattern);
  }
  value(cell: Exclude<Cell, null>): void {
    if (this.re.test(cellText(cell))) this.matching++;
    else this.bad(cell);
  }
  observed(): Observed {
    return { matching: this.matching };
  }
}

function makeCheck(e: ColumnExpectation, index: number): ColumnCheck {
  switch (e.kind) {
    case 'notNull':
      return new NotNullCheck(e, index);
    case 'isType':
      return new TypeCheck(e, index);
    case 'between':
      return new BetweenCheck(e, index);
    case 'inSet':
      return new SetCheck(e, index);
    case 'unique':
      return new UniqueCheck(e, index);
    case 'matches':
      return new MatchCheck(e, index);
  }
}

/**
 * Evaluates every column expectation in the same pass (a RowVisitor). Memory is bounded but for
 * `unique`, which keeps a 64-bit hash per distinct value (shared/data/hash-tables.ts), twice over
 * while the column still looks numeric (see UniqueCheck).
 */
export class ExpectationEvaluator implements RowVisitor {
  private readonly byColumn: ColumnCheck[][];
  private readonly checks: ColumnCheck[];

  constructor(expectations: readonly Expectation[], columns: readonly string[], _declared?: readonly (DeclaredType | undefined)[]) {
    const index = new Map(columns.map((c, j) => [c, j]));
    this.byColumn = columns.map(() => []);
    this.checks = [];
    for (const e of expectations) {
      if (e.kind === 'quality' || !('column' in e)) continue;
      const j = index.get(e.column);
      if (j === undefined) continue; // checkExpectationColumns refuses these before the pass
      const check = makeCheck(e, j);
      this.byColumn[j].push(check);
      this.checks.push(check);
    }
  }

  row(cells: readonly Cell[], classes: Uint8Array, numbers: Float64Array): void {
    const by = this.byColumn;
    for (let j = 0; j < by.length; j++) {
      const list = by[j];
      if (list.length === 0) continue;
      const cls = classes[j] as CellClass;
      if (cls === NULL || cls === NAN) {
        for (const check of list) check.miss();
      } else {
        const cell = cells[j] as Exclude<Cell, null>;
        for (const check of list) check.value(cell, cls, numbers[j]);
      }
    }
  }

  /** The tally of a column expectation, given the column's type as decided at the end of the pass. */
  tally(e: Expectation, typeOf: (column: string) => ColumnType): ColumnTally | undefined {
    const check = this.checks.find((c) => c.expectation === e);
    if (!check) return undefined;
    const type = typeOf(check.expectation.column);
    if (check instanceof TypeCheck || check instanceof UniqueCheck) check.settle(type);
    return { missing: check.missing, unexpected: check.unexpected, examples: check.examples.values, observed: check.observed(type) };
  }

  /** Bytes held by `unique` tables (the one unbounded part), for the report and the bench. */
  get uniqueBytes(): number {
    return this.checks.reduce((sum, c) => sum + (c instanceof UniqueCheck ? c.bytes : 0), 0);
  }
}

/**
 * GE's success rule for a column map expectation: with no value to judge it passes; without
 * `mostly` every judged value must be expected; with it, the expected share must be ≥ mostly.
 */
export function mapSuccess(judged: number, unexpected: number, mostly: number | undefined): boolean {
  if (judged <= 0) return true;
  if (mostly === undefined) return unexpected === 0;
  return (judged - unexpected) / judged >= mostly;
}
