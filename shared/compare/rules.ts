import { UserError } from '../task/user-error';

/**
 * Promotion rules, one per line: `<metric> <op> <expression> [if present]`, all of which must hold.
 * `op` is >=, >, <= or <; the expression is a number, `production`, or `production + n`,
 * `production - n`, `production * n`. `if present` skips the rule when the metric is missing on
 * either side instead of failing. Blank lines and `#` comments are ignored. Pure: parsed and
 * evaluated without I/O, so every case is unit-tested.
 */
type Operator = '>=' | '>' | '<=' | '<';
type Expression = { kind: 'number'; value: number } | { kind: 'production'; op?: '+' | '-' | '*'; operand?: number };

export interface Rule {
  /** 1-based line in the input. */
  line: number;
  /** The rule as written, trimmed, without its comment. */
  text: string;
  metric: string;
  operator: Operator;
  expression: Expression;
  ifPresent: boolean;
}

const METRIC = /[A-Za-z_][A-Za-z0-9_.\-/:]*/y;
const NUMBER = /[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const OPERATOR = /(>=|<=|>|<)/y;
const WORD = /[A-Za-z_]+/y;

class Cursor {
  pos = 0;
  constructor(readonly text: string) {}
  skipSpaces(): void {
    while (this.pos < this.text.length && /[ \t]/.test(this.text[this.pos])) this.pos++;
  }
  match(re: RegExp): string | undefined {
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (!m) return undefined;
    this.pos += m[0].length;
    return m[0];
  }
  atEnd(): boolean {
    return this.pos >= this.text.length;
  }
  /** What the user wrote at the cursor: the next word or symbol run, for error messages. */
  next(): string {
    const rest = this.text.slice(this.pos);
    return (rest.match(/^\S+/) ?? [''])[0];
  }
}

function ruleError(input: string, line: number, column: number, what: string): UserError {
  return new UserError(`'${input}' line ${line}, column ${column}: ${what}`);
}

/** Parses the rules input; every syntax error names the line and column, and what was expected there. */
export function parseRules(text: string, input = 'rules'): Rule[] {
  const rules: Rule[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const hash = raw.indexOf('#');
    const source = hash >= 0 ? raw.slice(0, hash) : raw;
    if (source.trim() === '') return;
    const c = new Cursor(source);
    const col = () => c.pos + 1;
    const fail = (what: string) => ruleError(input, lineNo, col(), what);
    const got = () => (c.atEnd() ? 'the end of the line' : `'${c.next()}'`);

    c.skipSpaces();
    const metric = c.match(METRIC);
    if (!metric) throw fail(`expected a metric name (letters, digits, '_', '.', '-', '/'), got ${got()}`);
    c.skipSpaces();
    const operatorStart = col();
    const operator = c.match(OPERATOR) as Operator | undefined;
    if (!operator) {
      const hint = /^(=>|=<|==|=|!=)/.test(c.next()) ? " (write '>=' or '<=')" : '';
      throw fail(`expected one of >=, >, <=, < after '${metric}', got ${got()}${hint}`);
    }
    if (c.text[c.pos] === '=' || c.text[c.pos] === '>' || c.text[c.pos] === '<') {
      throw ruleError(input, lineNo, operatorStart, `'${operator}${c.text[c.pos]}' is not a comparison: use one of >=, >, <=, <`);
    }
    c.skipSpaces();

    let expression: Expression;
    const number = c.match(NUMBER);
    if (number !== undefined) {
      expression = { kind: 'number', value: Number(number) };
    } else {
      const wordStart = c.pos;
      const word = c.match(WORD);
      if (word?.toLowerCase() !== 'production') {
        c.pos = wordStart;
        throw fail(`expected a number or 'production' after '${operator}', got ${got()}`);
      }
      expression = { kind: 'production' };
      c.skipSpaces();
      const arith = c.text[c.pos];
      if (arith === '+' || arith === '-' || arith === '*') {
        c.pos++;
        c.skipSpaces();
        const operand = c.match(/(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y);
        if (operand === undefined) throw fail(`expected a number after 'production ${arith}', got ${got()}`);
        expression = { kind: 'production', op: arith, operand: Number(operand) };
      } else if (arith === '/') {
        throw fail("'/' is not supported: use 'production * n' (for example production * 0.98)");
      }
    }
    c.skipSpaces();

    let ifPresent = false;
    if (!c.atEnd()) {
      const trailerStart = c.pos;
      const first = c.match(WORD);
      c.skipSpaces();
      const second = first ? c.match(WORD) : undefined;
      if (first?.toLowerCase() === 'if' && second?.toLowerCase() === 'present') {
        ifPresent = true;
        c.skipSpaces();
      } else {
        c.pos = trailerStart;
        throw fail(`unexpected ${got()}: a rule ends after its expression, optionally followed by 'if present'`);
      }
      if (!c.atEnd()) throw fail(`unexpected ${got()} after 'if present'`);
    }
    rules.push({ line: lineNo, text: source.trim().replace(/\s+/g, ' '), metric, operator, expression, ifPresent });
  });
  if (rules.length === 0) {
    throw new UserError(`'${input}' has no rules: give one per line, for example 'accuracy >= production + 0.01' or 'auc >= 0.75'`);
  }
  return rules;
}

export const usesProduction = (rule: Rule) => rule.expression.kind === 'production';

/**
 * The threshold a candidate value is compared with. Rounded to 12 significant digits so that
 * `production + 0.01` with production 0.9 is 0.91, not 0.9100000000000001 (binary floating point
 * would otherwise fail a candidate that meets the rule exactly).
 */
export function threshold(expression: Expression, production: number | undefined): number | undefined {
  let value: number | undefined;
  if (expression.kind === 'number') value = expression.value;
  else if (production === undefined) value = undefined;
  else if (expression.op === '+') value = production + expression.operand!;
  else if (expression.op === '-') value = production - expression.operand!;
  else if (expression.op === '*') value = production * expression.operand!;
  else value = production;
  return value === undefined ? undefined : Number(value.toPrecision(12));
}

function holds(candidate: number, operator: Operator, limit: number): boolean {
  switch (operator) {
    case '>=':
      return candidate >= limit;
    case '>':
      return candidate > limit;
    case '<=':
      return candidate <= limit;
    default:
      return candidate < limit;
  }
}

type OutcomeStatus = 'pass' | 'fail' | 'skipped' | 'missing';

export interface RuleOutcome {
  rule: Rule;
  candidate?: number;
  production?: number;
  threshold?: number;
  /** candidate − production, when both are known. */
  delta?: number;
  status: OutcomeStatus;
  /** Why a rule was skipped, missing or failed in a way the numbers do not show. */
  note?: string;
}

interface MetricSides {
  candidate: Record<string, number>;
  /** undefined: there is no production model; relative rules cannot be evaluated. */
  production: Record<string, number> | undefined;
}

/** Evaluates every rule. A metric missing on a side a rule needs is `missing` (an error) unless the rule says `if present`. */
export function evaluateRules(rules: readonly Rule[], sides: MetricSides): RuleOutcome[] {
  return rules.map((rule): RuleOutcome => {
    const candidate = sides.candidate[rule.metric];
    const production = sides.production?.[rule.metric];
    const base = {
      rule,
      candidate,
      production,
      delta: candidate !== undefined && production !== undefined ? Number((candidate - production).toPrecision(12)) : undefined,
    };
    if (usesProduction(rule) && sides.production === undefined) {
      // With no production model a relative rule cannot be evaluated, but the candidate side still
      // can: a misspelt metric (`acuracy >= production`) must not pass on a model's first release.
      if (candidate === undefined)
        return { ...base, status: rule.ifPresent ? 'skipped' : 'missing', note: `'${rule.metric}' is missing on the candidate` };
      return { ...base, status: 'skipped', note: 'no production model' };
    }
    const missing = [candidate === undefined && 'candidate', usesProduction(rule) && production === undefined && 'production'].filter(
      Boolean,
    ) as string[];
    if (missing.length > 0) {
      const note = `'${rule.metric}' is missing on the ${missing.join(' and ')}`;
      return { ...base, status: rule.ifPresent ? 'skipped' : 'missing', note };
    }
    const limit = threshold(rule.expression, production);
    if (limit === undefined || !Number.isFinite(candidate) || !Number.isFinite(limit)) {
      return { ...base, threshold: limit, status: 'fail', note: 'not a finite number' };
    }
    return { ...base, threshold: limit, status: holds(candidate, rule.operator, limit) ? 'pass' : 'fail' };
  });
}
