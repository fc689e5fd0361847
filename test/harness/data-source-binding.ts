/**
 * Evaluates a task.json `dataSourceBindings` entry the way Azure DevOps does when the classic editor
 * fills a picker: `$(input)` macros from the other inputs, the server's mustache dialect
 * (`server-mustache.ts`) over `endpoint.*` (url + the connection's data) and the binding's
 * parameters, the `AzureResourceGroups` data source of the ARM connection type, `jsonpath:` result
 * selectors, `resultTemplate`s producing `{Value, DisplayValue}`, and paging.
 *
 * Paging, as Azure DevOps does it (docs/authoring/endpoints/pagination.md and dataSources.md in
 * microsoft/azure-pipelines-extensions; the editor's DataSourceBindingUtility.recursivelyExecute-
 * ServiceEndpointRequest): each page is one endpointproxy call. For the first, the context is
 * `initialContextTemplate`'s object under the binding's parameters; the server renders the URL,
 * calls it, selects and templates the items, then renders `callbackRequiredTemplate` and
 * `callbackContextTemplate` over the call's context plus `response` (the JSON body), `result`
 * (`{count, value}` of the items selected from this page) and `headers` (the response's, lower
 * case). If the first renders `true`, the editor merges the second's object into the parameters and
 * calls again, concatenating the items. At most `MAX_CALLS` (5) calls, the documented hard limit.
 *
 * Calls go over HTTPS with a bearer token from the caller's `getToken`, trusting the caller's CA.
 * Unsupported (clear error): helpers the server has that `server-mustache.ts` does not, other
 * `dataSourceName`s, non-`jsonpath:` selectors, request verbs/bodies/headers.
 */
import { JSONPath } from 'jsonpath-plus';
import { httpsJson, type HttpAnswer } from '../../devkit/https-json';
import { renderServerTemplate, TemplateSyntaxError, UnsupportedHelperError } from './server-mustache';
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

/** What one endpointproxy call did. */
export interface BindingCall {
  url: string;
  /** items this page added */
  count: number;
  /** what callbackRequiredTemplate rendered (false without one) */
  callbackRequired: boolean;
  /** the parameters callbackContextTemplate gave for the next call */
  callbackContext?: Record<string, string>;
}

export interface BindingEvaluation {
  items: PickerItem[];
  calls: BindingCall[];
  /** true when the last call still asked for another and MAX_CALLS stopped it */
  truncated: boolean;
}

/**
 * The documented hard limit on calls for one paged data source ("we want to enforce a hard limit on
 * the number of calls we will make to the service. For now, we have decided it to be 5." —
 * azure-pipelines-extensions docs/authoring/endpoints/pagination.md).
 */
export const MAX_CALLS = 5;

/**
 * The ARM connection type's `AzureResourceGroups` data source as documented (TFS REST reference,
 * serviceendpointtypes; dataSources.md): one call, no paging templates. The documented URL names
 * `https://management.azure.com/`; `{{{endpoint.url}}}` stands in for it so it runs against the
 * emulator. It does not page, so our tasks bind resource groups inline with the paging Microsoft's
 * AzureResourceManagerTemplateDeploymentV3 and BicepDeployV0 use.
 */
export const BUILT_IN_DATA_SOURCES: Record<string, Pick<DataSourceBinding, 'endpointUrl' | 'resultSelector'>> = {
  AzureResourceGroups: {
    endpointUrl: '{{{endpoint.url}}}subscriptions/{{{endpoint.subscriptionId}}}/resourcegroups?api-version=2016-02-01',
    resultSelector: 'jsonpath:$.value[*].name',
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

/** Render a template in the server's dialect; its unsupported helpers and syntax errors become `UnsupportedBindingError`s naming `what`. */
export function renderTemplate(template: string, context: unknown, what = 'template'): string {
  try {
    return renderServerTemplate(template, context);
  } catch (error) {
    if (error instanceof UnsupportedHelperError || error instanceof TemplateSyntaxError)
      throw new UnsupportedBindingError(`${what}: ${error.message}`);
    throw error;
  }
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

/**
 * Turn selected items into picker entries with `resultTemplate` (`{"Value":…,"DisplayValue":…}`). An
 * item that is not an object is the template's `defaultResultKey` (dataSources.md).
 */
export function applyResultTemplate(items: unknown[], resultTemplate: string | undefined): PickerItem[] {
  return items.map((item, i) => {
    if (!resultTemplate) {
      if (item !== null && typeof item === 'object') {
        throw new Error(`item #${i + 1} is an object and the binding has no resultTemplate: ${JSON.stringify(item).slice(0, 200)}`);
      }
      const s = String(item);
      return { value: s, displayValue: s };
    }
    const ctx = item !== null && typeof item === 'object' ? item : { defaultResultKey: item };
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
  if (b.requestVerb && b.requestVerb.toUpperCase() !== 'GET')
    throw new UnsupportedBindingError(`binding '${target}': requestVerb ${b.requestVerb} is not supported`);
  if (b.requestContent) throw new UnsupportedBindingError(`binding '${target}': requestContent is not supported`);
  if (b.headers && b.headers.length > 0) throw new UnsupportedBindingError(`binding '${target}': custom headers are not supported`);
  if (Boolean(b.callbackRequiredTemplate) !== Boolean(b.callbackContextTemplate)) {
    // The server refuses a callback without a context ("Context can not be null if the callback required is true").
    throw new Error(`binding '${target}': callbackRequiredTemplate and callbackContextTemplate go together`);
  }
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

/** A context template's JSON object, its values as the strings the server keeps them as. */
function parseContext(rendered: string, what: string): Record<string, string> {
  if (!rendered.trim()) return {};
  let o: unknown;
  try {
    o = JSON.parse(rendered);
  } catch {
    o = undefined;
  }
  if (!o || typeof o !== 'object' || Array.isArray(o)) throw new Error(`${what} did not render a JSON object: ${rendered.slice(0, 200)}`);
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

/** The `endpoint` object templates see: the connection's data plus `url`. */
export function endpointContext(endpoint: { url: string; data: Record<string, string> }): Record<string, string> {
  return { ...endpoint.data, url: endpoint.url };
}

/** Every page of the picker, with what each call did. */
export async function evaluateBindingPages(options: EvaluateBindingOptions): Promise<BindingEvaluation> {
  const b = resolveBinding(options.taskJson, options.target);
  const what = `binding '${options.target}'`;
  const endpoint = endpointContext(options.endpoint);
  const system = { utcNow: new Date().toISOString() };
  // What the editor sends as dataSourceDetails.parameters: the binding's parameters, then each call's callback context.
  let parameters: Record<string, string> = {};
  for (const [k, v] of Object.entries(b.parameters ?? {})) parameters[k] = substituteInputs(v, options.inputs, `${what} parameter '${k}'`);
  const endpointUrlTemplate = substituteInputs(b.endpointUrl ?? '', options.inputs, what);

  const origin = new URL(options.endpoint.url).origin;
  const scope = `${origin}/.default`;
  const items: PickerItem[] = [];
  const calls: BindingCall[] = [];
  for (;;) {
    const initial = b.initialContextTemplate
      ? parseContext(
          renderTemplate(
            substituteInputs(b.initialContextTemplate, options.inputs, what),
            { ...parameters, endpoint, system },
            `${what} initialContextTemplate`,
          ),
          `${what} initialContextTemplate`,
        )
      : {};
    const context = { ...initial, ...parameters, endpoint, system };
    const url = renderTemplate(endpointUrlTemplate, context, `${what} endpointUrl`);
    if (!/^https:\/\//i.test(url)) throw new Error(`${what}: refusing to send a bearer token to a non-HTTPS URL: ${url}`);
    const t = await options.getToken(scope);
    const token = typeof t === 'string' ? t : t.token;
    const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
    const answer = options.transport ? await options.transport(url, headers) : await httpsJson(url, { headers, ca: options.ca });
    if (answer.status < 200 || answer.status > 299) {
      throw new Error(`${what}: GET ${url} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
    }
    const selector = b.resultSelector ? renderTemplate(b.resultSelector, context, `${what} resultSelector`) : undefined;
    const selected = selectResults(answer.body, selector);
    const page = applyResultTemplate(selected, b.resultTemplate);
    items.push(...page);
    const call: BindingCall = { url, count: page.length, callbackRequired: false };
    calls.push(call);
    if (!b.callbackRequiredTemplate || !b.callbackContextTemplate) return { items, calls, truncated: false };

    const lowerHeaders = Object.fromEntries(Object.entries(answer.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    const callbackData = { ...context, response: answer.body, result: { count: selected.length, value: selected }, headers: lowerHeaders };
    call.callbackRequired =
      renderTemplate(b.callbackRequiredTemplate, callbackData, `${what} callbackRequiredTemplate`).trim().toLowerCase() === 'true';
    if (!call.callbackRequired) return { items, calls, truncated: false };
    call.callbackContext = parseContext(
      renderTemplate(b.callbackContextTemplate, callbackData, `${what} callbackContextTemplate`),
      `${what} callbackContextTemplate`,
    );
    if (calls.length >= MAX_CALLS) return { items, calls, truncated: true };
    parameters = { ...parameters, ...call.callbackContext };
  }
}

/** The picker's entries (every page, up to MAX_CALLS calls). */
export async function evaluateBinding(options: EvaluateBindingOptions): Promise<PickerItem[]> {
  return (await evaluateBindingPages(options)).items;
}
