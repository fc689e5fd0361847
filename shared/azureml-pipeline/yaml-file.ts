import { Alias, Document, isAlias, isMap, isScalar, isSeq, LineCounter, Node, parseDocument, Scalar } from 'yaml';
import { UserError } from '../task/user-error';

/**
 * A YAML float as PyYAML builds it: a Python float. Kept apart from integers (plain JS numbers)
 * because azure-ai-ml types an input by the Python type (`1.0` is a `number` input, `1` an
 * `integer` one) and writes it with Python's str() (`1.0`, `1e-05`), which JS's String() does not.
 */
export class PyFloat {
  constructor(readonly value: number) {}
  toString(): string {
    return pythonFloatText(this.value);
  }
  toJSON(): number | string {
    return Number.isFinite(this.value) ? this.value : this.toString();
  }
}

/**
 * A YAML timestamp as PyYAML builds it (datetime.date or datetime.datetime). azure-ai-ml's input
 * schemas accept only str/int/float/bool, so the reader refuses one as an input value or default;
 * anywhere else (tags, descriptions) it is written as Python's str() of the date, as az ml would.
 */
export class PyTimestamp {
  constructor(
    /** The scalar as written. */
    readonly source: string,
    /** Python's str(): `2024-01-02`, `2024-01-02 10:00:00`, `2024-01-02 10:00:00.500000+05:00`. */
    readonly text: string,
  ) {}
  toString(): string {
    return this.text;
  }
  toJSON(): string {
    return this.text;
  }
}

/** What a plain YAML value is once read: Python's safe_load types, in JS form (bigint for integers beyond 2^53). */
export type YamlScalar = string | number | bigint | boolean | PyFloat;

/**
 * A YAML value as JSON can carry it, for fields passed through to a REST body as written: integers
 * beyond 2^53 become (rounded) numbers, timestamps Python's str(); floats write themselves (toJSON).
 */
export function jsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof PyTimestamp) return value.text;
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value && typeof value === 'object' && !(value instanceof PyFloat))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
  return value;
}

/** Python's str() of a scalar azure-ai-ml sends as text (a literal input's value, a component input's default). */
export function pythonText(value: YamlScalar | PyTimestamp | null): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
}

/** The azure-ai-ml input type of a literal, from its Python type (IOConstants.PRIMITIVE_TYPE_2_STR). */
export function pythonType(value: YamlScalar): 'integer' | 'number' | 'boolean' | 'string' {
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number' || typeof value === 'bigint') return 'integer';
  if (value instanceof PyFloat) return 'number';
  return 'string';
}

export const isYamlScalar = (v: unknown): v is YamlScalar =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' || v instanceof PyFloat;

/**
 * Python's repr() of a float (what str() gives since Python 3.2): the shortest digits that round-trip,
 * positional when the decimal exponent is in [-4, 16), else scientific with a signed two-digit exponent;
 * a positional integral value keeps `.0`.
 */
export function pythonFloatText(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // toExponential() without digits gives the shortest round-trip digits, like Python's repr.
  const [mantissa, exp] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const decpt = Number(exp) + 1;
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
    if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`;
    return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  }
  const e = Number(exp);
  return `${sign}${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

// PyYAML's implicit resolvers (yaml/resolver.py, class Resolver), tried in its order: bool, float, int, merge, null, timestamp, value.
const BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const NULL = /^(?:~|null|Null|NULL|)$/;
const TIMESTAMP =
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/;
// The constructor's own pattern (yaml/constructor.py, timestamp_regexp), which splits the parts.
const TIMESTAMP_PARTS =
  /^([0-9]{4})-([0-9][0-9]?)-([0-9][0-9]?)(?:(?:[Tt]|[ \t]+)([0-9][0-9]?):([0-9][0-9]):([0-9][0-9])(?:\.([0-9]*))?(?:[ \t]*(Z|([-+])([0-9][0-9]?)(?::([0-9][0-9]))?))?)?$/;

const TAG = 'tag:yaml.org,2002:';
/** The tag PyYAML's resolver gives a plain scalar. */
export function resolvePlainScalar(text: string): string {
  if (BOOL.test(text)) return 'bool';
  if (FLOAT.test(text)) return 'float';
  if (INT.test(text)) return 'int';
  if (text === '<<') return 'merge';
  if (NULL.test(text)) return 'null';
  if (TIMESTAMP.test(text)) return 'timestamp';
  if (text === '=') return 'value';
  return 'str';
}

/** Python's int() of digits in a base, exact (bigint) and refusing what int() refuses. */
function parseIntBase(digits: string, base: 2 | 8 | 10 | 16): bigint | undefined {
  const valid = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ }[base];
  if (!valid.test(digits)) return undefined;
  const prefix = { 2: '0b', 8: '0o', 10: '', 16: '0x' }[base];
  return BigInt(`${prefix}${digits}`);
}

const narrow = (n: bigint): number | bigint =>
  n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;

/** SafeConstructor.construct_yaml_int. */
function constructInt(text: string): number | bigint | undefined {
  let value = text.replace(/_/g, '');
  if (value === '') return undefined;
  const sign = value[0] === '-' ? -1n : 1n;
  if ('+-'.includes(value[0])) value = value.slice(1);
  let n: bigint | undefined;
  if (value === '0') n = 0n;
  else if (value.startsWith('0b')) n = parseIntBase(value.slice(2), 2);
  else if (value.startsWith('0x')) n = parseIntBase(value.slice(2), 16);
  else if (value.startsWith('0')) n = parseIntBase(value, 8);
  else if (value.includes(':')) {
    // Sexagesimal: 1:30 is 90, 12:30:00 is 45000.
    const parts = value.split(':').map((p) => parseIntBase(p, 10));
    if (parts.some((p) => p === undefined)) return undefined;
    n = (parts as bigint[]).reduce((acc, p) => acc * 60n + p, 0n);
  } else n = parseIntBase(value, 10);
  return n === undefined ? undefined : narrow(sign * n);
}

/** SafeConstructor.construct_yaml_float (Python's float() for the digits). */
function constructFloat(text: string): number | undefined {
  let value = text.replace(/_/g, '').toLowerCase();
  if (value === '') return undefined;
  const sign = value[0] === '-' ? -1 : 1;
  if ('+-'.includes(value[0])) value = value.slice(1);
  if (value === '.inf') return sign * Infinity;
  if (value === '.nan') return NaN;
  const decimal = /^(?:\d+\.?\d*(?:e[-+]?\d+)?|\.\d+(?:e[-+]?\d+)?|inf(?:inity)?|nan)$/;
  if (value.includes(':')) {
    const parts = value.split(':');
    if (!parts.every((p) => decimal.test(p))) return undefined;
    // Python sums from the last part up: value += digit*base; base *= 60.
    let total = 0;
    let base = 1;
    for (const p of parts.reverse()) {
      total += Number(p) * base;
      base *= 60;
    }
    return sign * total;
  }
  if (!decimal.test(value)) return undefined;
  if (value.startsWith('inf')) return sign * Infinity;
  if (value === 'nan') return NaN;
  return sign * Number(value);
}

const BOOL_VALUES: Record<string, boolean> = { yes: true, no: false, true: true, false: false, on: true, off: false };

/** SafeConstructor.construct_yaml_timestamp, kept as Python's str() of the date or datetime. */
function constructTimestamp(text: string): PyTimestamp | undefined {
  const m = TIMESTAMP_PARTS.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, fraction, tz, tzSign, tzHour, tzMinute] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth) return undefined;
  const pad = (n: number | string, w = 2) => String(n).padStart(w, '0');
  const date = `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
  if (h === undefined) return new PyTimestamp(text, date);
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  let out = `${date} ${pad(h)}:${mi}:${s}`;
  const micro = fraction ? Number(fraction.slice(0, 6).padEnd(6, '0')) : 0;
  if (micro) out += `.${pad(micro, 6)}`;
  if (tzSign) {
    const minutes = Number(tzHour) * 60 + Number(tzMinute ?? 0);
    if (minutes >= 24 * 60) return undefined;
    out += minutes === 0 ? '+00:00' : `${tzSign}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
  } else if (tz) out += '+00:00';
  return new PyTimestamp(text, out);
}

/** A scalar with its tag (explicit or resolved) → the value PyYAML's SafeConstructor builds, or why it cannot. */
function constructScalar(text: string, tag: string): YamlScalar | PyTimestamp | null | { error: string } {
  const fail = (what: string) => ({ error: `'${text}' is not ${what}` });
  switch (tag) {
    case 'str':
      return text;
    case 'null':
      return null;
    case 'bool': {
      const b = BOOL_VALUES[text.toLowerCase()];
      return b === undefined ? fail('a YAML boolean (yes/no, true/false, on/off)') : b;
    }
    case 'int': {
      const n = constructInt(text);
      return n === undefined ? fail('an integer') : n;
    }
    case 'float': {
      const f = constructFloat(text);
      return f === undefined ? fail('a float') : new PyFloat(f);
    }
    case 'timestamp':
      return constructTimestamp(text) ?? fail('a valid date or time');
    default:
      return { error: `could not determine a constructor for the tag '${tag.startsWith('!') ? tag : TAG + tag}'` };
  }
}

type Obj = Record<string, unknown>;

/**
 * Parses YAML text the way `az ml` reads a job or component file: PyYAML `safe_load` (YAML 1.1 with
 * PyYAML's own resolver, so `010` is 8, `1:30` is 90, `yes`/`on` are booleans, `1e-3` stays a
 * string, `y`/`n` stay strings), `<<` merge keys, and aliases. Floats come back as {@link PyFloat},
 * timestamps as {@link PyTimestamp}, integers beyond 2^53 as bigint.
 * Differences kept on purpose: a duplicate key is an error (PyYAML silently keeps the last), and a
 * mapping key PyYAML would read as a non-string (`on:`, `1:`, `null:`) is an error naming it, since
 * azure-ai-ml's schemas take only string names.
 * Errors are one line with `file:line:column` (`displayPath` is the path as the user knows it).
 */
export function parseYamlText(text: string, displayPath: string): unknown {
  const lineCounter = new LineCounter();
  // failsafe: yaml types nothing itself (its 1.1 schema differs from PyYAML's); every scalar is typed below.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, schema: 'failsafe' });
  const at = (offset: number | undefined) => {
    const { line, col } = lineCounter.linePos(offset ?? 0);
    return `${displayPath}:${line}:${col}`;
  };
  const error = doc.errors[0];
  if (error) {
    // yaml's messages can span lines (a source excerpt follows); the first line says what is wrong.
    const what = error.message
      .split('\n')[0]
      .replace(/ at line \d+, column \d+:?$/, '')
      .trim();
    throw new UserError(`YAML syntax error in ${at(error.pos[0])}: ${what}`);
  }
  return new PyYamlReader(doc, at).value(doc.contents);
}

const MAX_ALIASES = 100;

class PyYamlReader {
  private readonly built = new Map<Node, unknown>();
  private aliases = 0;
  constructor(
    private readonly doc: Document,
    private readonly at: (offset: number | undefined) => string,
  ) {}

  private fail(node: { range?: [number, number, number] | null } | null | undefined, what: string): never {
    throw new UserError(`YAML error in ${this.at(node?.range?.[0])}: ${what}`);
  }

  value(node: unknown): unknown {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) return this.alias(node);
    const known = this.built.get(node as Node);
    if (known !== undefined) return known;
    if (isScalar(node)) return this.scalar(node);
    if (isSeq(node)) {
      this.tagIs(node, 'seq');
      const out: unknown[] = [];
      this.built.set(node, out);
      for (const item of node.items) out.push(this.value(item));
      return out;
    }
    if (isMap(node)) {
      this.tagIs(node, 'map');
      const out: Obj = {};
      this.built.set(node, out);
      const own: Array<[string, unknown]> = [];
      const merged: Obj[] = [];
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        if (isScalar(keyNode) && keyNode.type === 'PLAIN' && !keyNode.tag && keyNode.source === '<<')
          merged.push(...this.mergeSources(pair.value));
        else own.push([this.key(keyNode), this.value(pair.value)]);
      }
      // PyYAML's flatten_mapping: the merged mappings come first (the first listed wins), keys written in the mapping win over them.
      for (const source of [...merged].reverse()) Object.assign(out, source);
      for (const [k, v] of own) out[k] = v;
      return out;
    }
    return this.fail(node as Node, 'unsupported YAML node');
  }

  private alias(node: Alias): unknown {
    if (++this.aliases > MAX_ALIASES) this.fail(node, `more than ${MAX_ALIASES} aliases`);
    const target = node.resolve(this.doc);
    if (!target) this.fail(node, `alias *${node.source} names no anchor`);
    return this.value(target);
  }

  /** `<<: *a` or `<<: [*a, *b]`: the mappings merged in. */
  private mergeSources(node: unknown): Obj[] {
    const one = (n: unknown): Obj => {
      const v = this.value(n);
      if (!v || typeof v !== 'object' || Array.isArray(v)) this.fail(n as Node, "a merge key ('<<') takes a mapping or a list of mappings");
      return v as Obj;
    };
    const target = isAlias(node) ? node.resolve(this.doc) : node;
    if (isSeq(target)) return target.items.map(one);
    return [one(node)];
  }

  private tagIs(node: Node, kind: 'seq' | 'map'): void {
    const tag = node.tag;
    if (tag && tag !== '!' && tag !== TAG + kind) this.fail(node, `could not determine a constructor for the tag '${tag}'`);
  }

  private key(node: Node | null): string {
    const v = this.value(node);
    if (typeof v === 'string') return v;
    const written = isScalar(node) ? String(node.source) : JSON.stringify(v);
    const as =
      v === null
        ? 'None (null)'
        : typeof v === 'boolean'
          ? `the boolean ${pythonText(v)}`
          : Array.isArray(v) || typeof v === 'object'
            ? 'a collection'
            : `the number ${String(v)}`;
    return this.fail(node, `key '${written}' is read by az ml (PyYAML, YAML 1.1) as ${as}, not a name; quote it ('${written}').`);
  }

  private scalar(node: Scalar): unknown {
    const text = String(node.source ?? node.value ?? '');
    const explicit = node.tag;
    const plain = node.type === 'PLAIN';
    let tag: string;
    if (!explicit || explicit === '!') tag = plain ? resolvePlainScalar(text) : 'str';
    else if (explicit.startsWith(TAG)) tag = explicit.slice(TAG.length);
    else tag = explicit;
    const value = constructScalar(text, tag);
    if (value !== null && typeof value === 'object' && 'error' in value) this.fail(node, (value as { error: string }).error);
    this.built.set(node, value);
    return value;
  }
}
