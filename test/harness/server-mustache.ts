/**
 * The mustache dialect the Azure DevOps server evaluates data-source templates with (endpointUrl,
 * resultTemplate, initialContextTemplate, callbackContextTemplate, callbackRequiredTemplate), as far
 * as our bindings and Microsoft's own tasks use it. Written from the engine's public C# source
 * (`MustacheTemplateParser`, `MustacheExpressions`, `HandleBarBuiltinHelpers`, `CommonMustacheHelpers`
 * in `GitHub.Services.WebApi`, the runner's copy of Microsoft.VisualStudio.Services.WebApi, MIT):
 *
 * - `{{x}}` is HTML-encoded, `{{{x}}}` raw; `\{{` / `\}}` are literal braces; `{{! …}}` and
 *   `{{!-- … --}}` are comments. A triple-stash may open and close a section: `{{{#x}}}…{{{/x}}}`.
 * - Names are Json.NET `SelectToken` paths (`a.b`, `a[0]`, `a['x-y']`, case-sensitive) looked up in
 *   the **current** context only — unlike mustache.js there is no walk up the context stack; `../x`,
 *   `@root.x`, `this`, `.` reach elsewhere explicitly.
 * - Falsy: missing, null, false, 0, '' and []. `{{#x}}` over an array repeats per item, over an
 *   object enters it, over any other truthy value renders once in the same context; `{{^x}}` inverts.
 * - `{{else}}` inside a section or helper block renders when the block rendered nothing.
 * - A tag with a space is a helper call (`{{#equals a 'b'}}`); an unknown helper is a parse error on
 *   the server, `UnsupportedHelperError` here. Helper arguments: 'quoted' or "quoted" strings,
 *   numbers, true/false/null, else a selector resolved in the current context.
 * - Built-in helpers: `if`, `unless`, `else`, `with`, `each`; common ones: `equals`, `notEquals`,
 *   `contains` (a third argument `true` ignores case). Inline (no `#`) they write `true`/`false`.
 *
 * The service-endpoint helpers Microsoft's tasks use to page ARM lists are not in any public source;
 * their behaviour here is inferred from how those tasks use them (AzureResourceManagerTemplateDeploymentV3,
 * BicepDeployV0, HelmDeployV1, AzureAppServiceSettingsV1, VsTestV2 …):
 * - `{{isTokenPresent response.nextLink}}` → `true` if the selected value is present (not missing,
 *   null or ''), else `false`;
 * - `{{#getTokenValue response.nextLink}}…{{/getTokenValue}}` renders its block with the selected
 *   value as the context (nothing when absent);
 * - `{{extractUrlQueryParameter %24skiptoken}}` writes, from the context (a URL), the value of the
 *   query parameter of that name (`%24skiptoken` and `$skiptoken` both match `%24skiptoken=` and
 *   `$skiptoken=`), as it stands in the URL (still percent-encoded, so it can go back into one);
 * - `{{add skip 1000}}` writes the sum; `{{isEqualNumber result.count 1000}}` writes `true`/`false`.
 *
 * Left out: partials and inline partials, `lookup`, the string/date helpers, `extractResource`,
 * `regex`, `base64`, and the trimming of whitespace around block tags that stand alone on a line
 * (our templates are one line).
 */

export class UnsupportedHelperError extends Error {}
export class TemplateSyntaxError extends Error {}

type Json = unknown;

interface Context {
  value: Json;
  parent?: Context;
}

type Arg = { literal: Json } | { selector: string };

interface TextNode {
  kind: 'text';
  text: string;
}

interface TagNode {
  kind: 'tag';
  /** Selector (or the helper's argument text). */
  expression: string;
  helper?: string;
  block: boolean;
  inverted: boolean;
  encode: boolean;
  comment: boolean;
  /** For `{{else}}`: the block it completes. */
  elseOf?: TagNode;
  children: Node[];
  parent?: TagNode;
}

type Node = TextNode | TagNode;

type Write = (text: string, encode?: boolean) => void;
type Helper = (node: TagNode, ctx: Context, write: Write, render: (children: Node[], ctx: Context) => string) => void;

export function htmlEncode(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

export function isTruthy(value: Json): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value !== '';
  return true;
}

/** How the server writes a value: strings as they are, booleans as .NET prints them, objects as indented JSON. */
function textOf(value: Json): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value, null, 2);
}

/** Json.NET SelectToken for the paths templates use: `a.b`, `a[0]`, `a['x.y']`. Undefined when absent. */
export function selectToken(root: Json, path: string): Json {
  let current: Json = root;
  let i = 0;
  const step = (name: string) => {
    current =
      current !== null && typeof current === 'object' && !Array.isArray(current) && Object.prototype.hasOwnProperty.call(current, name)
        ? (current as Record<string, Json>)[name]
        : undefined;
  };
  while (i < path.length && current !== undefined) {
    const c = path[i];
    if (c === '.') {
      i++;
    } else if (c === '[') {
      const end = path.indexOf(']', i);
      if (end < 0) return undefined;
      const inner = path.slice(i + 1, end).trim();
      i = end + 1;
      const quoted = /^'(.*)'$|^"(.*)"$/.exec(inner);
      if (quoted) step(quoted[1] ?? quoted[2] ?? '');
      else if (/^\d+$/.test(inner)) current = Array.isArray(current) ? current[Number(inner)] : undefined;
      else return undefined;
    } else {
      let j = i;
      while (j < path.length && path[j] !== '.' && path[j] !== '[') j++;
      step(path.slice(i, j));
      i = j;
    }
  }
  return current;
}

function resolve(selector: string, ctx: Context): Json {
  if (!selector) return undefined;
  let context = ctx;
  let path = selector;
  if (path === '@root' || path.startsWith('@root.') || path.startsWith('@root/')) {
    while (context.parent) context = context.parent;
    path = path.slice('@root'.length + 1);
  } else {
    while (path.startsWith('..') && context.parent) {
      context = context.parent;
      path = path.slice(2).replace(/^\/+/, '');
    }
    if (path === '.' || path === 'this') path = '';
    else if (path.startsWith('./')) path = path.slice(2);
    else if (path.startsWith('this/') || path.startsWith('this.')) path = path.slice(5);
  }
  return path ? selectToken(context.value, path) : context.value;
}

function parseArgs(expression: string): Arg[] {
  const args: Arg[] = [];
  let i = 0;
  const constantAt = (word: string) =>
    expression.slice(i, i + word.length).toLowerCase() === word &&
    (i + word.length === expression.length || expression[i + word.length] === ' ');
  while (i < expression.length) {
    const c = expression[i] ?? '';
    if (c === ' ') {
      i++;
    } else if (c === '"' || c === "'") {
      let text = '';
      i++;
      for (;;) {
        if (i >= expression.length) throw new TemplateSyntaxError(`unterminated string literal in '${expression}'`);
        const d = expression[i] ?? '';
        if (d === c) break;
        if (d === '\\') {
          const e = expression[i + 1] ?? '';
          if (e !== '"' && e !== "'" && e !== '\\') throw new TemplateSyntaxError(`invalid escape in '${expression}'`);
          text += e;
          i += 2;
        } else {
          text += d;
          i++;
        }
      }
      i++;
      args.push({ literal: text });
    } else if (/^-?\d+(\.\d+)?(?= |$)/.test(expression.slice(i))) {
      const m = /^-?\d+(\.\d+)?/.exec(expression.slice(i))!;
      args.push({ literal: Number(m[0]) });
      i += m[0].length;
    } else if (constantAt('null')) {
      args.push({ literal: null });
      i += 4;
    } else if (constantAt('true')) {
      args.push({ literal: true });
      i += 4;
    } else if (constantAt('false')) {
      args.push({ literal: false });
      i += 5;
    } else {
      let j = i;
      while (j < expression.length && expression[j] !== ' ') j++;
      args.push({ selector: expression.slice(i, j) });
      i = j;
    }
  }
  return args;
}

const argValue = (node: TagNode, ctx: Context, index: number): Json => {
  const arg = parseArgs(node.expression)[index];
  if (!arg) return undefined;
  return 'literal' in arg ? arg.literal : resolve(arg.selector, ctx);
};
const argText = (node: TagNode, ctx: Context, index: number): string | undefined => {
  const v = argValue(node, ctx, index);
  return v === undefined || v === null ? undefined : typeof v === 'object' ? JSON.stringify(v) : String(v);
};
const rawArg = (node: TagNode, index: number): string | undefined => {
  const arg = parseArgs(node.expression)[index];
  if (!arg) return undefined;
  return 'selector' in arg ? arg.selector : arg.literal === null ? undefined : String(arg.literal);
};

/** Helper answering a condition: a block renders its children when true, an inline tag writes true/false. */
const condition =
  (test: (node: TagNode, ctx: Context) => boolean): Helper =>
  (node, ctx, write, render) => {
    const yes = test(node, ctx);
    if (node.block) {
      if (yes) write(render(node.children, ctx));
    } else write(yes ? 'true' : 'false');
  };

const sameText = (node: TagNode, ctx: Context) => {
  const a = argText(node, ctx, 0);
  const b = argText(node, ctx, 1);
  const ignoreCase = argValue(node, ctx, 2) === true;
  return ignoreCase ? a?.toLowerCase() === b?.toLowerCase() : a === b;
};

const present = (value: Json) => value !== undefined && value !== null && value !== '';

/** The value of query parameter `name` in `url`, as written there. */
export function urlQueryParameter(url: string, name: string): string | undefined {
  const q = url.indexOf('?');
  if (q < 0) return undefined;
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      return s;
    }
  };
  const wanted = decode(name);
  for (const pair of url
    .slice(q + 1)
    .split('#')[0]!
    .split('&')) {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    if (key === name || decode(key) === wanted) return eq < 0 ? '' : pair.slice(eq + 1);
  }
  return undefined;
}

export const HELPERS: Record<string, Helper> = {
  if: condition((node, ctx) => isTruthy(resolve(node.expression, ctx))),
  unless: condition((node, ctx) => !isTruthy(resolve(node.expression, ctx))),
  else: condition((node, ctx) => !isTruthy(resolve(node.expression, ctx))),
  with: (node, ctx, write, render) => {
    const value = resolve(node.expression, ctx);
    if (isTruthy(value)) write(render(node.children, { value, parent: ctx }));
  },
  each: (node, ctx, write, render) => {
    const value = resolve(node.expression, ctx);
    if (Array.isArray(value)) for (const item of value) write(render(node.children, { value: item, parent: ctx }));
    else if (value && typeof value === 'object')
      for (const item of Object.values(value)) write(render(node.children, { value: item, parent: ctx }));
  },
  equals: condition(sameText),
  notEquals: condition((node, ctx) => !sameText(node, ctx)),
  contains: condition((node, ctx) => {
    const a = argText(node, ctx, 0) ?? '';
    const b = argText(node, ctx, 1) ?? '';
    return argValue(node, ctx, 2) === true ? a.toLowerCase().includes(b.toLowerCase()) : a.includes(b);
  }),
  // Service-endpoint helpers (behaviour inferred, see the header).
  isTokenPresent: condition((node, ctx) => present(resolve(node.expression, ctx))),
  getTokenValue: (node, ctx, write, render) => {
    const value = resolve(node.expression, ctx);
    if (!present(value)) return;
    if (node.block) write(render(node.children, { value, parent: ctx }));
    else write(textOf(value), node.encode);
  },
  extractUrlQueryParameter: (node, ctx, write) => {
    const name = rawArg(node, 0);
    const value = typeof ctx.value === 'string' && name ? urlQueryParameter(ctx.value, name) : undefined;
    if (value !== undefined) write(value, node.encode);
  },
  add: (node, ctx, write) => write(String(Number(argValue(node, ctx, 0) ?? 0) + Number(argValue(node, ctx, 1) ?? 0)), node.encode),
  isEqualNumber: condition((node, ctx) => {
    const a = Number(argValue(node, ctx, 0));
    const b = Number(argValue(node, ctx, 1));
    return !Number.isNaN(a) && a === b;
  }),
};

const helperNamed = (name: string) => Object.keys(HELPERS).find((h) => h.toLowerCase() === name.toLowerCase());

export function parseTemplate(template: string): Node[] {
  const root: TagNode = { kind: 'tag', expression: '', block: true, inverted: false, encode: false, comment: false, children: [] };
  let current = root;
  let text = '';
  const flush = () => {
    if (text) current.children.push({ kind: 'text', text });
    text = '';
  };
  let i = 0;
  while (i < template.length) {
    if (template.startsWith('\\{{', i)) {
      text += '{{';
      i += 3;
      continue;
    }
    if (template.startsWith('\\}}', i)) {
      text += '}}';
      i += 3;
      continue;
    }
    if (!template.startsWith('{{', i)) {
      text += template[i];
      i++;
      continue;
    }
    flush();
    const raw = template[i + 2] === '{';
    const start = i + (raw ? 3 : 2);
    let end: number;
    if (template.startsWith('!--', start)) {
      end = template.indexOf('--}}', start);
      if (end < 0) throw new TemplateSyntaxError(`unterminated comment in '${template}'`);
      i = end + 4 + (raw && template[end + 4] === '}' ? 1 : 0);
      continue;
    }
    end = template.indexOf('}}', start);
    if (end < 0) throw new TemplateSyntaxError(`missing closing braces in '${template}'`);
    const expression = template.slice(start, end);
    if (expression.includes('{{')) throw new TemplateSyntaxError(`'{{' inside a tag in '${template}'`);
    if (raw) {
      if (template[end + 2] !== '}') throw new TemplateSyntaxError(`'{{{${expression}' must close with three braces`);
      i = end + 3;
    } else i = end + 2;

    if (expression.startsWith('/')) {
      const name = expression.slice(1).trim();
      if (current === root) throw new TemplateSyntaxError(`'{{${expression}}}' closes nothing in '${template}'`);
      const matches =
        name.toLowerCase() === current.expression.toLowerCase() ||
        (current.helper !== undefined && name.toLowerCase() === current.helper.toLowerCase());
      if (!matches)
        throw new TemplateSyntaxError(
          `'{{${expression}}}' does not close '${current.helper ? `${current.helper} ` : ''}${current.expression}'`,
        );
      current = current.parent ?? root;
      continue;
    }
    if (expression.trim().startsWith('!')) continue;
    let block = false;
    let inverted = false;
    let elseOf: TagNode | undefined;
    let body = expression;
    if (body.startsWith('#')) {
      block = true;
      body = body.slice(1);
    } else if (body.startsWith('^')) {
      block = true;
      inverted = true;
      body = body.slice(1);
    } else if (body.trim().toLowerCase() === 'else' && current !== root) {
      elseOf = current;
      block = true;
      inverted = !current.inverted;
      body = current.helper ? `${current.helper} ${current.expression}` : current.expression;
      current = current.parent ?? root;
    }
    body = body.trim();
    const node: TagNode = {
      kind: 'tag',
      expression: body,
      block,
      inverted,
      encode: elseOf ? elseOf.encode : !raw,
      comment: false,
      children: [],
      parent: current,
      elseOf,
    };
    const space = body.indexOf(' ');
    if (space >= 0) {
      const name = body.slice(0, space);
      const known = helperNamed(name);
      if (!known) throw new UnsupportedHelperError(`mustache helper '${name}' is not supported here (tag '${expression.trim()}')`);
      node.helper = known;
      node.expression = body.slice(space + 1).trim();
    } else if (!body.startsWith('.') && !body.startsWith('this')) {
      const known = helperNamed(body);
      if (known) {
        node.helper = known;
        node.expression = '';
      }
    }
    current.children.push(node);
    if (block) current = node;
  }
  flush();
  if (current !== root)
    throw new TemplateSyntaxError(
      `'{{#${current.helper ? `${current.helper} ` : ''}${current.expression}}}' is never closed in '${template}'`,
    );
  return root.children;
}

function renderNodes(nodes: Node[], ctx: Context): string {
  let out = '';
  const wrote = new Map<TagNode, boolean>();
  for (const node of nodes) {
    if (node.kind === 'text') {
      out += node.text;
      continue;
    }
    const before = out.length;
    const write: Write = (text, encode = false) => (out += encode ? htmlEncode(text) : text);
    if (node.elseOf) {
      // {{else}}: renders when the block it completes wrote nothing.
      if (!wrote.get(node.elseOf)) out += renderNodes(node.children, ctx);
    } else if (node.helper) {
      HELPERS[node.helper]!(node, ctx, write, renderNodes);
    } else {
      const value = resolve(node.expression, ctx);
      const truthy = isTruthy(value);
      if (node.inverted) {
        if (!truthy) out += renderNodes(node.children, ctx);
      } else if (!node.block) {
        if (value !== undefined && value !== null) write(textOf(value), node.encode);
      } else if (truthy) {
        if (Array.isArray(value)) for (const item of value) out += renderNodes(node.children, { value: item, parent: ctx });
        else if (typeof value === 'object') out += renderNodes(node.children, { value, parent: ctx });
        else out += renderNodes(node.children, ctx);
      }
    }
    wrote.set(node, out.length > before);
  }
  return out;
}

/** Renders `template` over `data` as the server does (see the header for the dialect). */
export function renderServerTemplate(template: string, data: Json): string {
  return renderNodes(parseTemplate(template), { value: data });
}
