/**
 * Compile-time processing of one YAML tree, as the service does it: `${{ }}` insertion (a whole
 * scalar keeps the value's type, a sequence is spliced into a sequence, a mapping merged into a
 * mapping), interpolation inside longer strings, `${{ if }}` / `elseif` / `else` and
 * `${{ each }}` as mapping keys and sequence items, and `template:` includes in stages, jobs,
 * steps and variables. `$( )` macros and `$[ ]` runtime expressions are left as text.
 */
import { evaluateExpression, ExpressionError, toDisplayString } from '../evaluation/expressions';
import { PipelineDefinitionError } from './pipeline-errors';
import { RepositoryRoots, resolveTemplatePath } from './template-loader';
import { bindParameters, describeValue, parseDeclarations } from './template-parameters';
import { isMapping, Origin, originOf, readYamlFile, setOrigin } from './yaml-file';

/** Nesting deeper than this is almost always a template including itself. */
const MAX_TEMPLATE_DEPTH = 100;

export interface Scope {
  /** the file being processed (messages, relative paths of items without their own origin) */
  origin: Origin;
  /** named values for expressions: parameters, variables (compile-time), each-loop variables */
  values: Record<string, unknown>;
  /** the include chain, outermost first */
  chain: string[];
  roots: RepositoryRoots;
}

/** Sequence keys whose `- template:` items are includes, and the key the template file must have. */
const INCLUDE_KINDS = new Set(['stages', 'jobs', 'steps', 'variables']);

interface WalkContext {
  /** the mapping key this value sits under */
  parentKey?: string;
  /** inside a template reference's `parameters:`: includes there belong to the callee, which expands them where they land */
  noIncludes?: boolean;
}

type Directive =
  | { kind: 'if' | 'elseif'; condition: string }
  | { kind: 'else' }
  | { kind: 'each'; variable: string; collection: string }
  | { kind: 'insert' };

const FULL_EXPRESSION = /^\s*\$\{\{([\s\S]*)\}\}\s*$/;

function parseDirective(key: string, scope: Scope): Directive | undefined {
  const m = FULL_EXPRESSION.exec(key);
  if (!m || findExpressions(key, scope).length !== 1) return undefined;
  const body = m[1].trim();
  let d: RegExpExecArray | null;
  if ((d = /^(if|elseif)\s+([\s\S]+)$/.exec(body))) return { kind: d[1] as 'if' | 'elseif', condition: d[2] };
  if (body === 'else') return { kind: 'else' };
  if (body === 'insert') return { kind: 'insert' };
  if ((d = /^each\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\s+([\s\S]+)$/.exec(body))) return { kind: 'each', variable: d[1], collection: d[2] };
  if (/^(if|elseif|each)\b/.test(body))
    fail(
      scope,
      `'${key}' is not a valid ${body.split(/\s/)[0]} directive. Fix: write \${{ if <condition> }}, \${{ elseif <condition> }} or \${{ each <name> in <collection> }}`,
    );
  return undefined;
}

function fail(scope: Scope, message: string): never {
  throw new PipelineDefinitionError(`${scope.origin.file}: ${message}.`);
}

function evaluate(text: string, scope: Scope): unknown {
  try {
    return evaluateExpression(text, { values: scope.values });
  } catch (e) {
    if (e instanceof ExpressionError) throw new PipelineDefinitionError(`${scope.origin.file}: ${e.message}`);
    throw e;
  }
}

/** `${{ … }}` spans in a string, skipping `}}` inside quoted expression strings. */
function findExpressions(text: string, scope: Scope): Array<{ start: number; end: number; expression: string }> {
  const spans: Array<{ start: number; end: number; expression: string }> = [];
  let i = text.indexOf('${{');
  while (i >= 0) {
    let j = i + 3;
    let inString = false;
    for (; j < text.length; j++) {
      if (text[j] === "'") inString = !inString;
      else if (!inString && text.startsWith('}}', j)) break;
    }
    if (j >= text.length) fail(scope, `'${text}' has a \${{ without its closing }}`);
    spans.push({ start: i, end: j + 2, expression: text.slice(i + 3, j) });
    i = text.indexOf('${{', j + 2);
  }
  return spans;
}

/** A string: whole-value expressions keep their type, others are interpolated as display strings. */
function walkString(text: string, scope: Scope): unknown {
  const spans = findExpressions(text, scope);
  if (spans.length === 0) return text;
  if (spans.length === 1 && FULL_EXPRESSION.test(text)) return evaluate(spans[0].expression, scope);
  let out = '';
  let last = 0;
  for (const s of spans) {
    out += text.slice(last, s.start) + toDisplayString(evaluate(s.expression, scope));
    last = s.end;
  }
  return out + text.slice(last);
}

export function walkValue(value: unknown, scope: Scope, ctx: WalkContext = {}): unknown {
  if (typeof value === 'string') {
    const result = walkString(value, scope);
    // an inserted structure may still hold includes or directives to process where it lands
    return result !== null && typeof result === 'object' ? walkValue(result, scope, ctx) : result;
  }
  if (Array.isArray(value)) return walkSequence(value, scope, ctx);
  if (isMapping(value)) return walkMapping(value, scope, ctx);
  return value;
}

function scopeFor(value: unknown, scope: Scope): Scope {
  const origin = originOf(value);
  return origin && origin.file !== scope.origin.file ? { ...scope, origin } : scope;
}

/** Tracks an if / elseif / else chain among siblings. */
class IfChain {
  private taken: boolean | undefined;
  /** whether the branch's body is inserted */
  step(d: Directive, scope: Scope, key: string): boolean {
    if (d.kind === 'if') {
      this.taken = toBooleanResult(evaluate(d.condition, scope));
      return this.taken;
    }
    if (this.taken === undefined)
      fail(
        scope,
        `'${key}' has no \${{ if }} right before it. Fix: put it directly after an \${{ if }} or \${{ elseif }} at the same level`,
      );
    if (this.taken) {
      if (d.kind === 'else') this.taken = undefined;
      return false;
    }
    if (d.kind === 'else') {
      this.taken = undefined;
      return true;
    }
    this.taken = toBooleanResult(evaluate((d as { condition: string }).condition, scope));
    return this.taken;
  }
  reset(): void {
    this.taken = undefined;
  }
}

function toBooleanResult(v: unknown): boolean {
  // the service's truthiness ('false' as a string is true)
  return v !== null && v !== undefined && v !== false && v !== 0 && v !== '' && !(typeof v === 'number' && Number.isNaN(v));
}

/** The items of `${{ each x in … }}`: a sequence's items, or a mapping's {key, value} pairs. */
function eachItems(d: { variable: string; collection: string }, scope: Scope): unknown[] {
  const collection = evaluate(d.collection, scope);
  if (collection === null || collection === undefined) return [];
  if (Array.isArray(collection)) return collection;
  if (isMapping(collection)) return Object.entries(collection).map(([key, value]) => ({ key, value }));
  return fail(
    scope,
    `\${{ each ${d.variable} in ${d.collection.trim()} }} needs a sequence or a mapping, got ${describeValue(collection)}`,
  );
}

function withLocal(scope: Scope, name: string, value: unknown): Scope {
  return { ...scope, values: { ...scope.values, [name]: value } };
}

function walkSequence(items: unknown[], outerScope: Scope, ctx: WalkContext): unknown[] {
  const out: unknown[] = [];
  const chain = new IfChain();
  // in a variables: list, each entry is visible to `${{ variables.x }}` in the entries after it
  const accumulate = ctx.parentKey === 'variables' && !ctx.noIncludes;
  let outer = outerScope;
  for (const item of items) {
    if (accumulate) outer = withVariables(outer, out);
    const scope = scopeFor(item, outer);
    const keys = isMapping(item) ? Object.keys(item) : [];
    const directive = keys.length === 1 ? parseDirective(keys[0], scope) : undefined;
    if (directive) {
      const body = (item as Record<string, unknown>)[keys[0]];
      const bodyItems = Array.isArray(body) ? body : body === null || body === undefined ? [] : [body];
      if (directive.kind === 'each') {
        chain.reset();
        for (const element of eachItems(directive, scope)) {
          out.push(...walkSequence(bodyItems, withLocal(scope, directive.variable, element), ctx));
        }
      } else if (directive.kind === 'insert') {
        fail(scope, `\${{ insert }} can only be a mapping key (it merges a mapping), not a sequence item`);
      } else if (chain.step(directive, scope, keys[0])) {
        out.push(...walkSequence(bodyItems, scope, ctx));
      }
      continue;
    }
    chain.reset();
    if (typeof item === 'string' && findExpressions(item, scope).length > 0) {
      const result = walkString(item, scope);
      // a sequence inserted as an item is spliced; anything structured is processed where it lands
      if (Array.isArray(result)) out.push(...walkSequence(result, scope, ctx));
      else if (isMapping(result)) out.push(...walkSequence([result], scope, ctx));
      else out.push(result);
      continue;
    }
    if (isMapping(item) && 'template' in item && !ctx.noIncludes && ctx.parentKey && INCLUDE_KINDS.has(ctx.parentKey)) {
      const reference = walkMapping(item, scope, {});
      out.push(...includeTemplate(ctx.parentKey, reference, scope));
      continue;
    }
    out.push(walkValue(item, scope, { noIncludes: ctx.noIncludes }));
  }
  return out;
}

function mergeInto(out: Record<string, unknown>, extra: unknown, scope: Scope, what: string): void {
  if (extra === null || extra === undefined) return;
  if (!isMapping(extra)) fail(scope, `${what} must give a mapping here, got ${describeValue(extra)}`);
  for (const [k, v] of Object.entries(extra)) {
    if (Object.prototype.hasOwnProperty.call(out, k))
      fail(scope, `'${k}' is defined twice in the same mapping (once through ${what}). Fix: define it once`);
    out[k] = v;
  }
}

function walkMapping(map: Record<string, unknown>, outer: Scope, ctx: WalkContext): Record<string, unknown> {
  const scope0 = scopeFor(map, outer);
  // variables defined in this mapping are visible to `${{ variables.x }}` in later keys
  let scope: Scope = { ...scope0, values: { ...scope0.values, variables: { ...(scope0.values.variables as object) } } };
  const out = setOrigin<Record<string, unknown>>({}, originOf(map) ?? scope.origin);
  const chain = new IfChain();
  const isReference = 'template' in map;
  for (const [rawKey, value] of Object.entries(map)) {
    const directive = parseDirective(rawKey, scope);
    if (directive) {
      if (directive.kind === 'each') {
        chain.reset();
        for (const element of eachItems(directive, scope)) {
          mergeInto(out, walkValue(value, withLocal(scope, directive.variable, element), ctx), scope, rawKey);
        }
      } else if (directive.kind === 'insert') {
        chain.reset();
        mergeInto(out, walkValue(value, scope, ctx), scope, rawKey);
      } else if (chain.step(directive, scope, rawKey)) {
        mergeInto(out, walkValue(value, scope, ctx), scope, rawKey);
      }
      continue;
    }
    chain.reset();
    let key: unknown = walkString(rawKey, scope);
    if (isMapping(key)) {
      // `${{ parameters.obj }}:` with no value merges the mapping, like `${{ insert }}`
      if (value !== null && value !== undefined)
        fail(scope, `'${rawKey}' gives a mapping as a key but also has a value. Fix: leave its value empty to merge the mapping`);
      mergeInto(out, key, scope, rawKey);
      continue;
    }
    if (Array.isArray(key)) fail(scope, `'${rawKey}' gives ${describeValue(key)} where a mapping key is expected`);
    key = toDisplayString(key);
    const k = key as string;
    const noIncludes = ctx.noIncludes || (isReference && k === 'parameters');
    const walked = walkValue(value, scope, { parentKey: k, noIncludes });
    if (Object.prototype.hasOwnProperty.call(out, k)) fail(scope, `'${k}' is defined twice in the same mapping. Fix: define it once`);
    out[k] = walked;
    if (k === 'variables' && !noIncludes) scope = withVariables(scope, walked);
    // in a variables: mapping, each variable is visible to the ones after it
    if (ctx.parentKey === 'variables' && !noIncludes) scope = withVariables(scope, { [k]: walked });
  }
  return out;
}

/** Adds the statically defined variables of a `variables:` value to the compile-time scope. */
function withVariables(scope: Scope, variables: unknown): Scope {
  const next: Record<string, unknown> = { ...(scope.values.variables as object) };
  if (isMapping(variables)) Object.assign(next, variables);
  else if (Array.isArray(variables)) {
    for (const v of variables) if (isMapping(v) && typeof v.name === 'string') next[v.name] = v.value;
  }
  return { ...scope, values: { ...scope.values, variables: next } };
}

/** Loads a template, binds its parameters, and processes its body in its own scope. */
export function loadTemplate(
  reference: Record<string, unknown>,
  scope: Scope,
  allowedKeys: string[],
  /** with its article, for messages: 'a step', 'an extended' */
  what: string,
): { body: Record<string, unknown>; scope: Scope } {
  for (const key of Object.keys(reference)) {
    if (key !== 'template' && key !== 'parameters') {
      fail(
        scope,
        `template: '${String(reference.template)}' has an unknown key '${key}'. Fix: a template reference takes only template: and parameters:`,
      );
    }
  }
  if (typeof reference.template !== 'string' || reference.template === '') {
    fail(scope, `template: must be a file path, got ${describeValue(reference.template)}`);
  }
  if (reference.parameters !== undefined && reference.parameters !== null && !isMapping(reference.parameters)) {
    fail(
      scope,
      `parameters: of template '${reference.template}' must be a mapping of name: value, got ${describeValue(reference.parameters)}`,
    );
  }
  const target = resolveTemplatePath(reference.template as string, originOf(reference) ?? scope.origin, scope.roots);
  if (scope.chain.length >= MAX_TEMPLATE_DEPTH) {
    fail(
      scope,
      `templates are nested more than ${MAX_TEMPLATE_DEPTH} levels deep (${[...scope.chain.slice(-3), target.file].join(' → ')} …). Fix: check for a template that includes itself`,
    );
  }
  const raw = readYamlFile(target.file, target.root, scope.origin.file);
  if (!isMapping(raw))
    throw new PipelineDefinitionError(
      `${target.file}: ${what} template must be a mapping with ${allowedKeys.filter((k) => k !== 'parameters').join('/')}:, got ${describeValue(raw)}.`,
    );
  for (const key of Object.keys(raw)) {
    if (!allowedKeys.includes(key)) {
      throw new PipelineDefinitionError(
        `${target.file}: '${key}:' is not allowed in ${what} template (it is included from ${scope.origin.file}). Fix: ${what} template has only ${allowedKeys.join(', ')}.`,
      );
    }
  }
  const declarations = parseDeclarations(raw.parameters, target.file);
  const parameters = bindParameters(declarations, (reference.parameters ?? undefined) as Record<string, unknown> | undefined, {
    file: target.file,
    passedBy: scope.origin.file,
  });
  const inner: Scope = {
    origin: target,
    values: { parameters, variables: scope.values.variables ?? {} },
    chain: [...scope.chain, target.file],
    roots: scope.roots,
  };
  const { parameters: _declared, ...rest } = raw;
  return { body: walkMapping(rest, inner, {}), scope: inner };
}

function includeTemplate(kind: string, reference: Record<string, unknown>, scope: Scope): unknown[] {
  const { body, scope: inner } = loadTemplate(reference, scope, ['parameters', kind], `a ${kind.replace(/s$/, '')}`);
  const content = body[kind];
  if (content === undefined)
    fail(inner, `the template has no ${kind}: (it is included as a ${kind.replace(/s$/, '')} template from ${scope.origin.file})`);
  if (content === null) return [];
  if (kind === 'variables' && isMapping(content)) {
    return Object.entries(content).map(([name, value]) => setOrigin({ name, value }, inner.origin));
  }
  if (!Array.isArray(content)) fail(inner, `${kind}: must be a sequence, got ${describeValue(content)}`);
  return content;
}
