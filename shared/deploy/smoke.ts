import { UserError } from '../task/user-error';

/**
 * Smoke-test assertions on a JSON response, one per line:
 *   $.predictions exists            $.predictions is array
 *   $.predictions.length == 2       $.predictions[0] >= 0
 *   $.label == "approved"           $.scores[1] < 0.5
 * Parsed once before any call to Azure (a typo fails in milliseconds), evaluated on each answer.
 */
type Operator = '==' | '!=' | '<' | '<=' | '>' | '>=';
export type Assertion =
  | { text: string; path: PathStep[]; kind: 'exists' }
  | { text: string; path: PathStep[]; kind: 'is'; type: 'array' | 'object' | 'number' | 'string' | 'boolean' | 'null' }
  | { text: string; path: PathStep[]; kind: 'compare'; op: Operator; value: unknown };
type PathStep = { key: string } | { index: number } | { length: true };

const TYPES = ['array', 'object', 'number', 'string', 'boolean', 'null'] as const;

function parsePath(input: string, line: number, text: string, path: string): PathStep[] {
  if (!path.startsWith('$'))
    throw new UserError(`'${input}' line ${line} is '${text}': a path starts with $, for example $.predictions[0]`);
  const steps: PathStep[] = [];
  const re = /\.([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\["([^"]*)"\]/y;
  re.lastIndex = 1;
  while (re.lastIndex < path.length) {
    const start = re.lastIndex;
    const m = re.exec(path);
    if (!m)
      throw new UserError(
        `'${input}' line ${line} is '${text}': cannot read the path at '${path.slice(start)}'; use .name, [index] or ["name"]`,
      );
    if (m[1] !== undefined) steps.push(m[1] === 'length' ? { length: true } : { key: m[1] });
    else if (m[2] !== undefined) steps.push({ index: Number(m[2]) });
    else steps.push({ key: m[3] });
  }
  return steps;
}

export function parseAssertions(input: string, raw: string | undefined): Assertion[] {
  const out: Assertion[] = [];
  (raw ?? '').split(/\r?\n/).forEach((original, i) => {
    const text = original.trim();
    if (text === '' || text.startsWith('#')) return;
    const line = i + 1;
    const exists = /^(\S+)\s+exists$/.exec(text);
    if (exists) return void out.push({ text, path: parsePath(input, line, text, exists[1]), kind: 'exists' });
    const is = /^(\S+)\s+is\s+(\w+)$/.exec(text);
    if (is) {
      const type = is[2] as (typeof TYPES)[number];
      if (!TYPES.includes(type)) throw new UserError(`'${input}' line ${line} is '${text}': 'is' takes one of ${TYPES.join(', ')}`);
      return void out.push({ text, path: parsePath(input, line, text, is[1]), kind: 'is', type });
    }
    const cmp = /^(\S+)\s*(==|!=|<=|>=|<|>)\s*(.+)$/.exec(text);
    if (!cmp)
      throw new UserError(
        `'${input}' line ${line} is '${text}': write '<path> exists', '<path> is <type>' or '<path> <op> <JSON value>' with op ==, !=, <, <=, >, >=`,
      );
    let value: unknown;
    try {
      value = JSON.parse(cmp[3]);
    } catch {
      throw new UserError(`'${input}' line ${line} is '${text}': '${cmp[3]}' is not a JSON value (quote strings: "approved")`);
    }
    const op = cmp[2] as Operator;
    if (['<', '<=', '>', '>='].includes(op) && typeof value !== 'number')
      throw new UserError(`'${input}' line ${line} is '${text}': ${op} compares numbers only`);
    out.push({ text, path: parsePath(input, line, text, cmp[1]), kind: 'compare', op, value });
  });
  return out;
}

const MISSING = Symbol('missing');

function resolve(body: unknown, path: PathStep[]): unknown {
  let cur: unknown = body;
  for (const step of path) {
    if ('length' in step) {
      if (Array.isArray(cur) || typeof cur === 'string') cur = cur.length;
      else if (cur && typeof cur === 'object' && 'length' in cur) cur = (cur as Record<string, unknown>).length;
      else return MISSING;
    } else if ('index' in step) {
      if (!Array.isArray(cur) || step.index >= cur.length) return MISSING;
      cur = cur[step.index];
    } else {
      if (!cur || typeof cur !== 'object' || Array.isArray(cur) || !(step.key in cur)) return MISSING;
      cur = (cur as Record<string, unknown>)[step.key];
    }
  }
  return cur;
}

const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const show = (v: unknown) => (v === MISSING ? 'missing' : (JSON.stringify(v)?.slice(0, 200) ?? String(v)));

/** The failed assertions, each as '<assertion>: got <value>'; empty when all hold. */
export function failedAssertions(assertions: Assertion[], body: unknown): string[] {
  const failures: string[] = [];
  for (const a of assertions) {
    const v = resolve(body, a.path);
    let ok: boolean;
    if (a.kind === 'exists') ok = v !== MISSING;
    else if (a.kind === 'is') ok = v !== MISSING && typeOf(v) === a.type;
    else if (v === MISSING) ok = false;
    else if (a.op === '==') ok = JSON.stringify(v) === JSON.stringify(a.value);
    else if (a.op === '!=') ok = JSON.stringify(v) !== JSON.stringify(a.value);
    else if (typeof v !== 'number') ok = false;
    else
      ok =
        a.op === '<'
          ? v < (a.value as number)
          : a.op === '<='
            ? v <= (a.value as number)
            : a.op === '>'
              ? v > (a.value as number)
              : v >= (a.value as number);
    if (!ok) failures.push(`${a.text}: got ${show(v)}`);
  }
  return failures;
}

/** A payload file's text → JSON, or one line naming the input, the file and what is wrong. */
export function parsePayload(input: string, file: string, text: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new UserError(
      `'${input}' is '${file}', which is not JSON (${(error as Error).message}); the smoke test sends it as the request body`,
    );
  }
}
