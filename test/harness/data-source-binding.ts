/**
 * Evaluates a task.json `dataSourceBindings` entry the way the Azure DevOps server does when the
 * classic editor fills a picker: `$(input)` macros from the other inputs, mustache templates over
 * `endpoint.*` (url + the connection's data), the built-in `AzureResourceGroups` data source,
 * `jsonpath:` result selectors, mustache `resultTemplate`s producing `{Value, DisplayValue}`, and
 * paging through `initialContextTemplate` / `callbackContextTemplate` / `callbackRequiredTemplate`
 * (at most 5 calls, the server's documented limit). Calls go over HTTPS with a bearer token from
 * the caller's `getToken`, trusting the caller's CA.
 *
 * Unsupported (clear error): server-side mustache helpers (`{{#equals a b}}`, `{{#extractResource x}}`,
 * `{{else}}`, …), partials, other `dataSourceName`s, non-`jsonpath:` selectors, request verbs/bodies.
 */
import { JSONPath } from 'jsonpath-plus';
import Mustache from 'mustache';
import { httpsJson, type HttpAnswer } from '../../devkit/https-json';
export type { HttpAnswer };

export interface DataSourceBinding {
  target: string;
  endpointId?: string;
  dataSourceName?: string;
  endpointUrl?: string;
  resultSelector?: string;
  resultTemplate?: string;
  parameters?: Record<string, string>;
  initialContextTemplate?: string;
  callbackContextTemplate?: string;
  callbackRequiredTemplate?: string;
  requestVerb?: string;
  requestContent?: string;
  headers?: unknown[];
}

export interface PickerItem {
  value: string;
  displayValue: string;
}


export interface EvaluateBindingOptions {
  taskJson: { dataSourceBindings?: DataSourceBinding[] };
  target: string;
  /** the other inputs' current values, by input name */
  inputs: Record<string, string>;
  endpoint: { url: string; data: Record<string, string> };
  /** a bearer token for the endpoint (the server uses the connection's identity); gets `<endpoint origin>/.default` */
  getToken: (scope: string) => Promise<string | { token: string }>;
  /** PEM of the CA to trust (the emulator's) */
  ca?: string | Buffer;
  /** replace the HTTPS call (unit tests) */
  transport?: (url: string, headers: Record<string, string>) => Promise<HttpAnswer>;
}

/** The server's limit on calls for one paged data source. */
export const MAX_CALLS = 5;

/** Built-in data sources of the Azure Resource Manager connection type that we support. */
export const BUILT_IN_DATA_SOURCES: Record<string, Required<Pick<DataSourceBinding, 'endpointUrl' | 'resultSelector' | 'callbackContextTemplate' | 'callbackRequiredTemplate'>>> = {
  AzureResourceGroups: {
    endpointUrl:
      '{{#nextLink}}{{{nextLink}}}{{/nextLink}}{{^nextLink}}{{{endpoint.url}}}subscriptions/{{{endpoint.subscriptionId}}}/resourcegroups?api-version=2021-04-01{{/nextLink}}',
    resultSelector: 'jsonpath:$.value[*].name',
    callbackContextTemplate: '{"nextLink":"{{{nextLink}}}"}',
    callbackRequiredTemplate: '{{#nextLink}}true{{/nextLink}}',
  },
};

export class UnsupportedBindingError extends Error {}

/** Replace `$(name)` with the input's value; every referenced input must be set. */
export function substituteInputs(template: string, inputs: Record<string, string>, what = 'binding'): string {
  return template.replace(/\$\(([^)]+)\)/g, (_m, name: string) => {
    const key = Object.prototype.hasOwnProperty.call(inputs, name)
      ? name
      : Object.keys(inputs).find((k) => k.toLowerCase() === name.toLowerCase());
    const v = key !== undefined ? inputs[key] : undefined;
    if (v === undefined || v === '') throw new Error(`${what} needs input '${name}', which is empty`);
    return v;
  });
}

/** Reject server-only mustache constructs mustache.js would silently render as empty. */
function checkTemplate(template: string, what: string): string {
  // the server accepts triple-stash section tags: {{{#x}}}…{{{/x}}}
  const t = template.replace(/\{\{\{([#^/])([^}]*)\}\}\}/g, '{{$1$2}}');
  const tagRe = /\{\{(\{?)([#^/>!&]?)\s*([^}]*?)\s*\}?\}\}/g;
  let m: RegExpExecArray | null;
  while ((m = tagRe.exec(t))) {
    const [tag, , sigil, name] = m as unknown as [string, string, string, string];
    if (sigil === '>') throw new UnsupportedBindingError(`${what}: partials are not supported: ${tag}`);
    if (sigil === '!') continue;
    if (name === 'else') throw new UnsupportedBindingError(`${what}: server-side helper {{else}} is not supported`);
    if (/\s/.test(name)) throw new UnsupportedBindingError(`${what}: server-side mustache helper not supported: ${tag}`);
  }
  return t;
}

/** Render a mustache template the way the server does: `{{{x}}}` raw, `{{x}}` HTML-escaped, dotted names. */
export function renderTemplate(template: string, context: Record<string, unknown>, what = 'template'): string {
  return Mustache.render(checkTemplate(template, what), context);
}

/** `jsonpath:<expr>` over the response; without a selector the response must be an array. */
export function selectResults(body: unknown, resultSelector: string | undefined): unknown[] {
  if (!resultSelector) {
    if (Array.isArray(body)) return body;
    throw new Error('binding has no resultSelector and the response is not an array');
  }
  const m = /^jsonpath:(.*)$/is.exec(resultSelector.trim());
  if (!m || !m[1]) throw new UnsupportedBindingError(`resultSelector '${resultSelector}' is not supported (only jsonpath:)`);
  const found = JSONPath({ path: m[1].trim(), json: body as object, wrap: true }) as unknown[];
  return found ?? [];
}

function pickCI(o: Record<string, unknown>, key: string): unknown {
  const k = Object.keys(o).find((x) => x.toLowerCase() === key.toLowerCase());
  return k === undefined ? undefined : o[k];
}

/** Turn selected items into picker entries with `resultTemplate` (`{"Value":…,"DisplayValue":…}`). */
export function applyResultTemplate(items: unknown[], resultTemplate: string | undefined): PickerItem[] {
  return items.map((item, i) => {
    if (!resultTemplate) {
      if (item !== null && typeof item === 'object') {
        throw new Error(`item #${i + 1} is an object and the binding has no resultTemplate: ${JSON.stringify(item).slice(0, 200)}`);
      }
      const s = String(item);
      return { value: s, displayValue: s };
    }
    const ctx = item !== null && typeof item === 'object' ? (item as Record<string, unknown>) : { value: item };
    const rendered = renderTemplate(resultTemplate, ctx, 'resultTemplate');
    let parsed: unknown;
    try {
      parsed = JSON.parse(rendered);
    } catch {
      throw new Error(`resultTemplate did not render JSON for item #${i + 1}: ${rendered.slice(0, 200)}`);
    }
    const o = (parsed ?? {}) as Record<string, unknown>;
    const value = pickCI(o, 'Value');
    const display = pickCI(o, 'DisplayValue');
    if (value === undefined) throw new Error(`resultTemplate rendered no "Value" for item #${i + 1}: ${rendered.slice(0, 200)}`);
    return { value: String(value), displayValue: String(display ?? value) };
  });
}

/** The binding for `target`, with a built-in data source expanded. */
export function resolveBinding(taskJson: { dataSourceBindings?: DataSourceBinding[] }, target: string): DataSourceBinding {
  const b = (taskJson.dataSourceBindings ?? []).find((x) => x.target === target);
  if (!b) throw new Error(`task.json has no dataSourceBinding with target '${target}'`);
  if (b.requestVerb && b.requestVerb.toUpperCase() !== 'GET') throw new UnsupportedBindingError(`binding '${target}': requestVerb ${b.requestVerb} is not supported`);
  if (b.requestContent) throw new UnsupportedBindingError(`binding '${target}': requestContent is not supported`);
  if (b.headers && b.headers.length > 0) throw new UnsupportedBindingError(`binding '${target}': custom headers are not supported`);
  if (b.dataSourceName) {
    const builtIn = BUILT_IN_DATA_SOURCES[b.dataSourceName];
    if (!builtIn) {
      throw new UnsupportedBindingError(
        `binding '${target}': dataSourceName '${b.dataSourceName}' is not supported (known: ${Object.keys(BUILT_IN_DATA_SOURCES).join(', ')})`,
      );
    }
    if (b.endpointUrl) throw new Error(`binding '${target}': both dataSourceName and endpointUrl are set`);
    return { ...builtIn, ...b, endpointUrl: builtIn.endpointUrl };
  }
  if (!b.endpointUrl) throw new Error(`binding '${target}': neither endpointUrl nor dataSourceName`);
  return b;
}

function parseContext(rendered: string, what: string): Record<string, unknown> {
  if (!rendered.trim()) return {};
  try {
    const o = JSON.parse(rendered);
    if (o && typeof o === 'object' && !Array.isArray(o)) return o as Record<string, unknown>;
  } catch {
    /* fall through */
  }
  throw new Error(`${what} did not render a JSON object: ${rendered.slice(0, 200)}`);
}

/** The `endpoint` object templates see: the connection's data plus `url`. */
export function endpointContext(endpoint: { url: string; data: Record<string, string> }): Record<string, string> {
  return { ...endpoint.data, url: endpoint.url };
}

export async function evaluateBinding(options: EvaluateBindingOptions): Promise<PickerItem[]> {
  const b = resolveBinding(options.taskJson, options.target);
  const what = `binding '${options.target}'`;
  const endpoint = endpointContext(options.endpoint);
  const parameters: Record<string, string> = {};
  for (const [k, v] of Object.entries(b.parameters ?? {})) parameters[k] = substituteInputs(v, options.inputs, `${what} parameter '${k}'`);
  const endpointUrlTemplate = substituteInputs(b.endpointUrl ?? '', options.inputs, what);
  const baseContext = { ...parameters, endpoint, system: { utcNow: new Date().toISOString() } };

  let callContext: Record<string, unknown> = b.initialContextTemplate
    ? parseContext(renderTemplate(substituteInputs(b.initialContextTemplate, options.inputs, what), baseContext, 'initialContextTemplate'), 'initialContextTemplate')
    : {};

  const origin = new URL(options.endpoint.url).origin;
  const scope = `${origin}/.default`;
  const results: PickerItem[] = [];
  for (let call = 1; ; call++) {
    const url = renderTemplate(endpointUrlTemplate, { ...baseContext, ...callContext }, `${what} endpointUrl`);
    if (!/^https:\/\//i.test(url)) throw new Error(`${what}: refusing to send a bearer token to a non-HTTPS URL: ${url}`);
    const t = await options.getToken(scope);
    const token = typeof t === 'string' ? t : t.token;
    const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
    const answer = options.transport ? await options.transport(url, headers) : await httpsJson(url, { headers, ca: options.ca });
    if (answer.status < 200 || answer.status > 299) {
      throw new Error(`${what}: GET ${url} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
    }
    results.push(...applyResultTemplate(selectResults(answer.body, b.resultSelector), b.resultTemplate));

    if (!b.callbackRequiredTemplate || !b.callbackContextTemplate) break;
    const responseContext = {
      ...(answer.body && typeof answer.body === 'object' && !Array.isArray(answer.body) ? (answer.body as Record<string, unknown>) : {}),
      headers: answer.headers,
    };
    const again = renderTemplate(b.callbackRequiredTemplate, responseContext, 'callbackRequiredTemplate').trim().toLowerCase() === 'true';
    if (!again) break;
    if (call >= MAX_CALLS) break; // the server stops after 5 calls
    callContext = parseContext(renderTemplate(b.callbackContextTemplate, responseContext, 'callbackContextTemplate'), 'callbackContextTemplate');
  }
  return results;
}
