/**
 * Azure Pipelines expressions: one parser + evaluator for compile-time `${{ }}` and runtime
 * (`condition:`, `$[ ]`) text. Semantics follow the documented rules
 * (https://learn.microsoft.com/azure/devops/pipelines/process/expressions): literals, named values
 * with case-insensitive property lookup, the built-in functions, and the type-casting table
 * (`eq` converts the right side to the left side's type, string comparisons ignore case, …).
 */

export interface ExpressionContext {
  /** named values: parameters, variables, dependencies, stageDependencies, resources, pipeline… as plain nested objects; lookups are case-insensitive like the service */
  values: Record<string, unknown>;
  /** status functions for runtime conditions (succeeded(), failed(), succeededOrFailed(), always(), canceled()); absent at compile time → using them is an error */
  status?: {
    succeeded(deps?: string[]): boolean;
    failed(deps?: string[]): boolean;
    succeededOrFailed(deps?: string[]): boolean;
    canceled(): boolean;
  };
}

export class ExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionError';
  }
}

/** A version literal (`1.2.3`): compared segment by segment. */
class Version {
  constructor(readonly parts: number[]) {}
  toString(): string {
    return this.parts.join('.');
  }
  static parse(text: string): Version | undefined {
    const m = /^\s*(\d+)\.(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/.exec(text);
    return m
      ? new Version(
          m
            .slice(1)
            .filter((p) => p !== undefined)
            .map(Number),
        )
      : undefined;
  }
}

// ---------------------------------------------------------------- kinds and conversions

type Kind = 'null' | 'boolean' | 'number' | 'string' | 'version' | 'array' | 'object';

function kindOf(v: unknown): Kind {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'string') return 'string';
  if (v instanceof Version) return 'version';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

const KIND_NAMES: Record<Kind, string> = {
  null: 'Null',
  boolean: 'Boolean',
  number: 'Number',
  string: 'String',
  version: 'Version',
  array: 'Array',
  object: 'Object',
};

/** The service's truthiness: null, false, 0, NaN and '' are false; everything else (even 'false') is true. */
export function toBoolean(v: unknown): boolean {
  switch (kindOf(v)) {
    case 'null':
      return false;
    case 'boolean':
      return v as boolean;
    case 'number':
      return v !== 0 && !Number.isNaN(v);
    case 'string':
      return v !== '';
    default:
      return true;
  }
}

function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  return String(n);
}

/** How a value is inserted into a string: booleans `True`/`False`, null empty, objects and arrays as JSON. */
export function toDisplayString(v: unknown): string {
  switch (kindOf(v)) {
    case 'null':
      return '';
    case 'boolean':
      return v ? 'True' : 'False';
    case 'number':
      return formatNumber(v as number);
    case 'string':
      return v as string;
    case 'version':
      return String(v);
    default:
      return JSON.stringify(v, null, 2);
  }
}

/** String → number per the docs: empty → 0; otherwise invariant-culture digits with an optional
 * sign, decimal point, thousands separators and surrounding white space; anything else fails. */
function parseNumber(s: string): number | undefined {
  if (s.trim() === '') return 0;
  const m = /^\s*([+-]?)(\d{1,3}(?:,\d{3})+|\d*)(\.\d*)?\s*$/.exec(s);
  if (!m || (m[2] === '' && (m[3] === undefined || m[3].length < 2))) return undefined;
  return Number(`${m[1]}${m[2].replace(/,/g, '') || '0'}${m[3] ?? ''}`);
}

const FAIL = Symbol('conversion failed');

/** Converts `v` to `kind` per the type-casting table, or returns FAIL. */
function convert(v: unknown, kind: Kind): unknown {
  const from = kindOf(v);
  if (from === kind) return v ?? null;
  switch (kind) {
    case 'boolean':
      return toBoolean(v);
    case 'number':
      if (from === 'null') return 0;
      if (from === 'boolean') return v ? 1 : 0;
      if (from === 'string') return parseNumber(v as string) ?? FAIL;
      return FAIL;
    case 'string':
      return from === 'array' || from === 'object' ? FAIL : toDisplayString(v);
    case 'null':
      return from === 'string' && v === '' ? null : FAIL;
    case 'version':
      if (from === 'string') return Version.parse(v as string) ?? FAIL;
      if (from === 'number') return Version.parse(formatNumber(v as number)) ?? FAIL;
      return FAIL;
    default:
      return FAIL;
  }
}

function compareVersions(a: Version, b: Version): number {
  for (let i = 0; i < Math.max(a.parts.length, b.parts.length); i++) {
    const d = (a.parts[i] ?? -1) - (b.parts[i] ?? -1);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** Ordinal ignore-case comparison (upper-casing, as .NET's OrdinalIgnoreCase does). */
function compareStrings(a: string, b: string): number {
  const x = a.toUpperCase();
  const y = b.toUpperCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** `eq` semantics: right converted to the left's type; a failed conversion is simply "not equal". */
function looseEquals(left: unknown, right: unknown): boolean {
  const kind = kindOf(left);
  const r = convert(right, kind);
  if (r === FAIL) return false;
  switch (kind) {
    case 'null':
      return true;
    case 'string':
      return compareStrings(left as string, r as string) === 0;
    case 'version':
      return compareVersions(left as Version, r as Version) === 0;
    default:
      return left === r; // numbers, booleans; arrays/objects by reference like the service
  }
}

// ---------------------------------------------------------------- tokens

type Token =
  | { t: 'string'; v: string; at: number }
  | { t: 'number'; v: number; at: number }
  | { t: 'version'; v: Version; at: number }
  | { t: 'ident'; v: string; at: number }
  | { t: 'punct'; v: '(' | ')' | '[' | ']' | ',' | '.' | '*'; at: number };

function tokenize(text: string, fail: (what: string) => never): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if ('()[],*'.includes(c)) {
      tokens.push({ t: 'punct', v: c as '(', at: i });
      i++;
      continue;
    }
    if (c === '.') {
      // `.` starts a number only where a value may start (`.5`), otherwise it is property access
      const prev = tokens[tokens.length - 1];
      const valueMayStart = !prev || (prev.t === 'punct' && ['(', '[', ','].includes(prev.v));
      if (!(valueMayStart && /\d/.test(text[i + 1] ?? ''))) {
        tokens.push({ t: 'punct', v: '.', at: i });
        i++;
        continue;
      }
    }
    if (c === "'") {
      let s = '';
      let j = i + 1;
      for (;;) {
        if (j >= text.length) fail(`unterminated string starting at position ${i + 1}`);
        if (text[j] === "'") {
          if (text[j + 1] === "'") {
            s += "'";
            j += 2;
            continue;
          }
          break;
        }
        s += text[j++];
      }
      tokens.push({ t: 'string', v: s, at: i });
      i = j + 1;
      continue;
    }
    if (/[-+.\d]/.test(c)) {
      const m = /^[-+]?[\d.]+/.exec(text.slice(i));
      const raw = m?.[0] ?? c;
      const dots = (raw.match(/\./g) ?? []).length;
      if (dots >= 2) {
        const version = Version.parse(raw);
        if (!version) fail(`'${raw}' is not a valid number or version`);
        tokens.push({ t: 'version', v: version, at: i });
      } else {
        const n = /^[-+]?(\d+\.?\d*|\.\d+)$/.test(raw) ? Number(raw) : NaN;
        if (Number.isNaN(n)) fail(`'${raw}' is not a valid number`);
        tokens.push({ t: 'number', v: n, at: i });
      }
      i += raw.length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(text.slice(i))!;
      tokens.push({ t: 'ident', v: m[0], at: i });
      i += m[0].length;
      continue;
    }
    fail(`unexpected character '${c}' at position ${i + 1}`);
  }
  return tokens;
}

// ---------------------------------------------------------------- syntax tree

type Node =
  | { k: 'literal'; value: unknown }
  | { k: 'named'; name: string }
  | { k: 'index'; target: Node; index: Node }
  | { k: 'wildcard'; target: Node }
  | { k: 'call'; name: string; args: Node[] };

function parse(text: string): Node {
  const fail = (what: string): never => {
    throw new ExpressionError(`Invalid expression '${text}': ${what}.`);
  };
  const tokens = tokenize(text, fail);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const describe = (tok: Token | undefined): string =>
    tok ? `unexpected '${tok.t === 'string' ? `'${tok.v}'` : String(tok.v)}' at position ${tok.at + 1}` : 'unexpected end of expression';
  const expectPunct = (v: string): void => {
    const tok = peek();
    if (!tok || tok.t !== 'punct' || tok.v !== v) fail(`${describe(tok)} (expected '${v}')`);
    pos++;
  };

  const parseValue = (): Node => {
    const tok = peek();
    if (!tok) return fail('unexpected end of expression');
    pos++;
    let node: Node;
    if (tok.t === 'string' || tok.t === 'number' || tok.t === 'version') node = { k: 'literal', value: tok.v };
    else if (tok.t === 'ident') {
      const next = peek();
      if (next?.t === 'punct' && next.v === '(') {
        pos++;
        const args: Node[] = [];
        if (!(peek()?.t === 'punct' && peek()!.v === ')')) {
          for (;;) {
            args.push(parseValue());
            const sep = peek();
            if (sep?.t === 'punct' && sep.v === ',') {
              pos++;
              continue;
            }
            break;
          }
        }
        expectPunct(')');
        checkCall(tok.v, args.length, fail);
        node = { k: 'call', name: tok.v, args };
      } else {
        const lower = tok.v.toLowerCase();
        if (lower === 'true' || lower === 'false') node = { k: 'literal', value: lower === 'true' };
        else if (lower === 'null') node = { k: 'literal', value: null };
        else node = { k: 'named', name: tok.v };
      }
    } else return fail(describe(tok));

    // property access and indexers (only on named values and function results, like the service)
    for (;;) {
      const next = peek();
      if (next?.t !== 'punct') break;
      if (next.v === '.') {
        pos++;
        const prop = peek();
        if (prop?.t === 'punct' && prop.v === '*') {
          pos++;
          node = { k: 'wildcard', target: node };
          continue;
        }
        if (prop?.t !== 'ident') fail(`${describe(prop)} (expected a property name after '.')`);
        pos++;
        node = { k: 'index', target: node, index: { k: 'literal', value: (prop as { v: string }).v } };
      } else if (next.v === '[') {
        pos++;
        const star = peek();
        if (star?.t === 'punct' && star.v === '*') {
          pos++;
          node = { k: 'wildcard', target: node };
        } else node = { k: 'index', target: node, index: parseValue() };
        expectPunct(']');
      } else break;
    }
    return node;
  };

  if (tokens.length === 0) fail('the expression is empty');
  const root = parseValue();
  if (pos < tokens.length) fail(describe(peek()));
  return root;
}

// ---------------------------------------------------------------- evaluation

/** Result of `x.*`: property access maps over its items (`dependencies.*.result`). */
const FILTERED = Symbol('filtered array');
type FilteredArray = unknown[] & { [FILTERED]?: true };

function filtered(items: unknown[]): FilteredArray {
  const a = items as FilteredArray;
  a[FILTERED] = true;
  return a;
}

/**
 * A named-value object may carry a function under this key: it is asked for a key the object does not
 * have (and may throw an ExpressionError). Compile-time `variables` use it to refuse predefined
 * variables that were not supplied. Object spread keeps it; Object.keys/entries do not list it.
 */
export const MISSING_PROPERTY = Symbol('missingProperty');

function lookupProperty(obj: Record<string, unknown>, key: string): unknown {
  if (Object.prototype.hasOwnProperty.call(obj, key)) return obj[key];
  const lower = key.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return obj[k];
  const missing = (obj as { [MISSING_PROPERTY]?: (key: string) => unknown })[MISSING_PROPERTY];
  return missing ? (missing(key) ?? null) : null;
}

function indexInto(target: unknown, index: unknown): unknown {
  const kind = kindOf(target);
  if (kind === 'array') {
    const arr = target as FilteredArray;
    if (arr[FILTERED]) {
      return filtered(arr.map((item) => indexInto(item, index)).filter((v) => v !== null && v !== undefined));
    }
    const n = kindOf(index) === 'number' ? (index as number) : kindOf(index) === 'string' ? parseNumber(index as string) : undefined;
    if (n === undefined || !Number.isInteger(n) || n < 0 || n >= arr.length) return null;
    return arr[n] ?? null;
  }
  if (kind === 'object') {
    const key = convert(index, 'string');
    return key === FAIL ? null : lookupProperty(target as Record<string, unknown>, key as string);
  }
  return null; // dereferencing a missing or scalar value gives null, as the service does
}

interface Fn {
  min: number;
  max: number;
  /** arguments are thunks so that and/or/coalesce/iif can short-circuit */
  call(args: Array<() => unknown>, ctx: EvalContext): unknown;
}

interface EvalContext {
  context: ExpressionContext;
  fail(what: string): never;
}

const str = (v: unknown, fn: string, ctx: EvalContext): string => {
  const s = convert(v, 'string');
  if (s === FAIL) ctx.fail(`${fn}() cannot convert ${KIND_NAMES[kindOf(v)]} to String`);
  return s as string;
};

function ordered(op: (c: number) => boolean): Fn {
  return {
    min: 2,
    max: 2,
    call(args, ctx) {
      const left = args[0]();
      const right = args[1]();
      const kind = kindOf(left);
      const r = convert(right, kind);
      if (r === FAIL)
        ctx.fail(`cannot convert ${KIND_NAMES[kindOf(right)]} '${toDisplayString(right)}' to ${KIND_NAMES[kind]} for comparison`);
      switch (kind) {
        case 'number':
          return op(Math.sign((left as number) - (r as number)));
        case 'string':
          return op(compareStrings(left as string, r as string));
        case 'boolean':
          return op(Number(left) - Number(r));
        case 'version':
          return op(compareVersions(left as Version, r as Version));
        case 'null':
          return op(0);
        default:
          return ctx.fail(`cannot compare values of type ${KIND_NAMES[kind]}`);
      }
    },
  };
}

function statusFn(name: 'succeeded' | 'failed' | 'succeededOrFailed' | 'canceled' | 'always'): Fn {
  return {
    min: 0,
    max: name === 'canceled' || name === 'always' ? 0 : Number.POSITIVE_INFINITY,
    call(args, ctx) {
      const status = ctx.context.status;
      if (!status) return ctx.fail(`${name}() is a runtime status function and cannot be used in a compile-time expression`);
      if (name === 'always') return true;
      if (name === 'canceled') return status.canceled();
      const deps = args.map((a) => str(a(), name, ctx));
      return status[name](deps.length ? deps : undefined);
    },
  };
}

function format(args: Array<() => unknown>, ctx: EvalContext): string {
  const pattern = str(args[0](), 'format', ctx);
  const values = args.slice(1).map((a) => a());
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '{' && pattern[i + 1] === '{') {
      out += '{';
      i++;
      continue;
    }
    if (c === '}' && pattern[i + 1] === '}') {
      out += '}';
      i++;
      continue;
    }
    if (c === '{') {
      const m = /^\{(\d+)\}/.exec(pattern.slice(i));
      if (!m)
        ctx.fail(
          `format() string '${pattern}' has an invalid placeholder at position ${i + 1} (use {0}, {1}…; date formats are not supported by the local runner)`,
        );
      const n = Number(m[1]);
      if (n >= values.length) ctx.fail(`format() placeholder {${n}} has no argument`);
      out += toDisplayString(values[n]);
      i += m[0].length - 1;
      continue;
    }
    if (c === '}') ctx.fail(`format() string '${pattern}' has an unmatched '}' at position ${i + 1} (write '}}' for a literal brace)`);
    out += c;
  }
  return out;
}

const FUNCTIONS: Record<string, Fn> = {
  and: { min: 2, max: Infinity, call: (args) => args.every((a) => toBoolean(a())) },
  or: { min: 2, max: Infinity, call: (args) => args.some((a) => toBoolean(a())) },
  not: { min: 1, max: 1, call: (args) => !toBoolean(args[0]()) },
  xor: { min: 2, max: 2, call: (args) => toBoolean(args[0]()) !== toBoolean(args[1]()) },
  iif: { min: 3, max: 3, call: (args) => (toBoolean(args[0]()) ? args[1]() : args[2]()) },
  eq: { min: 2, max: 2, call: (args) => looseEquals(args[0](), args[1]()) },
  ne: { min: 2, max: 2, call: (args) => !looseEquals(args[0](), args[1]()) },
  gt: ordered((c) => c > 0),
  ge: ordered((c) => c >= 0),
  lt: ordered((c) => c < 0),
  le: ordered((c) => c <= 0),
  in: {
    min: 1,
    max: Infinity,
    call: (args) => {
      const left = args[0]();
      return args.slice(1).some((a) => looseEquals(left, a()));
    },
  },
  notin: {
    min: 1,
    max: Infinity,
    call: (args) => {
      const left = args[0]();
      return !args.slice(1).some((a) => looseEquals(left, a()));
    },
  },
  contains: {
    min: 2,
    max: 2,
    call: (args, ctx) =>
      str(args[0](), 'contains', ctx)
        .toUpperCase()
        .includes(str(args[1](), 'contains', ctx).toUpperCase()),
  },
  containsvalue: {
    min: 2,
    max: 2,
    call(args) {
      const left = args[0]();
      const right = args[1]();
      const items = Array.isArray(left) ? left : kindOf(left) === 'object' ? Object.values(left as object) : [];
      // each item is converted to the right side's type (the reverse of eq)
      return items.some((item) => looseEquals(right, item));
    },
  },
  startswith: {
    min: 2,
    max: 2,
    call: (args, ctx) =>
      str(args[0](), 'startsWith', ctx)
        .toUpperCase()
        .startsWith(str(args[1](), 'startsWith', ctx).toUpperCase()),
  },
  endswith: {
    min: 2,
    max: 2,
    call: (args, ctx) =>
      str(args[0](), 'endsWith', ctx)
        .toUpperCase()
        .endsWith(str(args[1](), 'endsWith', ctx).toUpperCase()),
  },
  coalesce: {
    min: 2,
    max: Infinity,
    call(args) {
      for (const a of args) {
        const v = a();
        if (v !== null && v !== undefined && v !== '') return v;
      }
      return null;
    },
  },
  format: { min: 1, max: Infinity, call: format },
  join: {
    min: 2,
    max: 2,
    call(args, ctx) {
      const sep = str(args[0](), 'join', ctx);
      const list = args[1]();
      if (!Array.isArray(list)) return kindOf(list) === 'object' ? '' : toDisplayString(list);
      // complex items become empty strings, as documented
      return list.map((item) => (['array', 'object'].includes(kindOf(item)) ? '' : toDisplayString(item))).join(sep);
    },
  },
  lower: { min: 1, max: 1, call: (args, ctx) => str(args[0](), 'lower', ctx).toLowerCase() },
  upper: { min: 1, max: 1, call: (args, ctx) => str(args[0](), 'upper', ctx).toUpperCase() },
  replace: {
    min: 3,
    max: 3,
    call(args, ctx) {
      const s = str(args[0](), 'replace', ctx);
      const from = str(args[1](), 'replace', ctx);
      const to = str(args[2](), 'replace', ctx);
      return from === '' ? s : s.split(from).join(to);
    },
  },
  split: {
    min: 2,
    max: 2,
    call: (args, ctx) => {
      const s = str(args[0](), 'split', ctx);
      const d = str(args[1](), 'split', ctx);
      return d === '' ? [s] : s.split(d);
    },
  },
  length: {
    min: 1,
    max: 1,
    call(args, ctx) {
      const v = args[0]();
      switch (kindOf(v)) {
        case 'null':
          return 0;
        case 'string':
          return (v as string).length;
        case 'array':
          return (v as unknown[]).length;
        case 'object':
          return Object.keys(v as object).length;
        default:
          return ctx.fail(`length() expects a string, array or object, got ${KIND_NAMES[kindOf(v)]}`);
      }
    },
  },
  converttojson: {
    min: 1,
    max: 1,
    call: (args) => JSON.stringify(args[0]() ?? null, (_k, v) => (v instanceof Version ? v.toString() : v), 2),
  },
  succeeded: statusFn('succeeded'),
  failed: statusFn('failed'),
  succeededorfailed: statusFn('succeededOrFailed'),
  canceled: statusFn('canceled'),
  always: statusFn('always'),
};

/** Functions the service has but the local runner cannot give a faithful value for. */
const SERVER_ONLY = new Set(['counter']);

/** Like the service, an unknown function or a wrong argument count is a syntax error, even in a branch that would not run. */
function checkCall(name: string, argCount: number, fail: (what: string) => never): void {
  const lower = name.toLowerCase();
  if (SERVER_ONLY.has(lower)) fail(`${name}() is not supported by the local runner (it needs the Azure DevOps service)`);
  const fn = FUNCTIONS[lower];
  if (!fn) fail(`unrecognized function '${name}'`);
  if (argCount < fn.min || argCount > fn.max) {
    const expected = fn.min === fn.max ? `${fn.min}` : fn.max === Infinity ? `at least ${fn.min}` : `${fn.min} to ${fn.max}`;
    fail(`${name}() takes ${expected} argument${expected === '1' ? '' : 's'}, got ${argCount}`);
  }
}

function evaluate(node: Node, ctx: EvalContext): unknown {
  switch (node.k) {
    case 'literal':
      return node.value;
    case 'named': {
      const values = ctx.context.values;
      const key = Object.keys(values).find((k) => k.toLowerCase() === node.name.toLowerCase());
      if (key === undefined) {
        const known = Object.keys(values).join(', ') || 'none';
        return ctx.fail(`unrecognized value '${node.name}' (available here: ${known})`);
      }
      return values[key] ?? null;
    }
    case 'index':
      return indexInto(evaluate(node.target, ctx), evaluate(node.index, ctx));
    case 'wildcard': {
      const target = evaluate(node.target, ctx);
      if (Array.isArray(target)) return filtered([...target]);
      if (kindOf(target) === 'object') return filtered(Object.values(target as object));
      return filtered([]);
    }
    case 'call':
      // name and arity were checked while parsing
      return FUNCTIONS[node.name.toLowerCase()].call(
        node.args.map((a) => () => evaluate(a, ctx)),
        ctx,
      );
  }
}

/** Parses and evaluates one expression (the text inside `${{ }}`, `$[ ]`, or a `condition:`). */
export function evaluateExpression(expression: string, context: ExpressionContext): unknown {
  const text = expression.trim();
  const tree = parse(text);
  const ctx: EvalContext = {
    context,
    fail(what: string): never {
      throw new ExpressionError(`Invalid expression '${text}': ${what}.`);
    },
  };
  const result = evaluate(tree, ctx);
  // a filtered array leaves the evaluator as a plain array
  return Array.isArray(result) && (result as FilteredArray)[FILTERED] ? [...result] : result;
}
