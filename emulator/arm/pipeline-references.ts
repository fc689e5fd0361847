import type { Cloud } from '../cloud';
import type { EmulatorResponse } from '../http/types';
import type { AssetKind, AssetStore } from './asset-store';
import type { ComputeStore } from './compute-routes';
import { armError } from './errors';
import { parallelRequiredError, pipelineNodeError } from './job-body';

/**
 * What Azure ML checks when a pipeline job or component is created: node fields in REST form, and
 * every component, compute and data asset a node names must exist in the workspace. Answers in the service's kind of words.
 */
export function pipelineReferenceError(
  cloud: Cloud,
  assets: AssetStore,
  computes: ComputeStore,
  properties: Record<string, unknown>,
): EmulatorResponse | undefined {
  const computeError = (id: unknown, where: string) => {
    if (typeof id !== 'string' || id === '') return undefined;
    const name = /\/computes\/([^/]+)$/i.exec(id)?.[1] ?? id.replace(/^azureml:/, '');
    if (computes.get(name)) return undefined;
    return armError(400, 'UserError', `Compute ${name} not found in workspace ${cloud.workspaceName} (${where}).`);
  };
  const assetError = (kind: AssetKind, ref: unknown, where: string) => {
    if (typeof ref !== 'string') return undefined;
    const m = new RegExp(`/${kind}/([^/]+)/versions/([^/]+)$`, 'i').exec(ref);
    if (!m || assets.get(kind, m[1], m[2])) return undefined;
    const what = kind === 'components' ? 'Component' : 'Data';
    return armError(404, 'UserError', `${what} container=${m[1]}, version=${m[2]} not found (${where}).`);
  };
  // Node shapes first: the service validates the request before it looks anything up.
  const shape = pipelineNodeError(properties.jobs);
  if (shape) return armError(400, 'UserError', shape);
  const first = computeError(properties.computeId, 'computeId');
  if (first) return first;
  const settings = (properties.settings ?? {}) as Record<string, unknown>;
  const fromSettings = computeError(settings.default_compute, 'settings.default_compute');
  if (fromSettings) return fromSettings;
  const inputs = (properties.inputs ?? {}) as Record<string, { uri?: unknown; jobInputType?: unknown }>;
  for (const [k, v] of Object.entries(inputs)) {
    const e = assetError('data', v?.uri, `inputs.${k}`);
    if (e) return e;
  }
  for (const [name, node] of Object.entries((properties.jobs ?? {}) as Record<string, Record<string, unknown>>)) {
    const e =
      computeError(node.computeId, `jobs.${name}.computeId`) ??
      assetError('components', node.componentId, `jobs.${name}.componentId`) ??
      // A sweep names its component in trial.componentId.
      assetError('components', (node.trial as { componentId?: unknown } | undefined)?.componentId, `jobs.${name}.trial.componentId`) ??
      Object.entries((node.inputs ?? {}) as Record<string, { uri?: unknown }>)
        .map(([k, v]) => assetError('data', v?.uri, `jobs.${name}.inputs.${k}`))
        .find(Boolean) ??
      parallelError(assets, name, node) ??
      bindingTypeError(assets, name, node, inputs);
    if (e) return e;
  }
  return undefined;
}

/** A parallel node may leave mini_batch_size and task to its component; the service checks them together. */
function parallelError(assets: AssetStore, name: string, node: Record<string, unknown>): EmulatorResponse | undefined {
  if (node.type !== 'parallel' || typeof node.componentId !== 'string') return undefined;
  const m = /\/components\/([^/]+)\/versions\/([^/]+)$/i.exec(node.componentId);
  const spec = m ? (assets.get('components', m[1], m[2])?.properties.componentSpec as Record<string, unknown> | undefined) : undefined;
  const message = parallelRequiredError(name, node, spec);
  return message ? armError(400, 'UserError', message) : undefined;
}

const PRIMITIVE = ['string', 'integer', 'number', 'boolean'];

/**
 * The service resolves every `${{parent…}}` binding of a node against the component's declared
 * input: data bound to a primitive input (or a primitive bound to a data input) is rejected.
 */
function bindingTypeError(
  assets: AssetStore,
  node: string,
  body: Record<string, unknown>,
  pipelineInputs: Record<string, { jobInputType?: unknown }>,
): EmulatorResponse | undefined {
  const componentId = body.componentId ?? (body.trial as { componentId?: unknown } | undefined)?.componentId;
  const m = typeof componentId === 'string' ? /\/components\/([^/]+)\/versions\/([^/]+)$/i.exec(componentId) : null;
  const component = m ? assets.get('components', m[1], m[2]) : undefined;
  const declared = ((component?.properties.componentSpec as Record<string, unknown> | undefined)?.inputs ?? {}) as Record<
    string,
    { type?: unknown }
  >;
  for (const [key, input] of Object.entries((body.inputs ?? {}) as Record<string, { job_input_type?: unknown; value?: unknown }>)) {
    const type = declared[key]?.type;
    if (input?.job_input_type !== 'literal' || typeof input.value !== 'string' || typeof type !== 'string') continue;
    const b = /^\$\{\{\s*parent\.(inputs\.([^.\s}]+)|jobs\.[^.\s}]+\.outputs\.[^.\s}]+)\s*\}\}$/.exec(input.value);
    if (!b) continue;
    const sourceType = b[2] !== undefined ? String(pipelineInputs[b[2]]?.jobInputType ?? '') : 'uri_folder';
    if (!sourceType) continue;
    const sourceIsData = sourceType !== 'literal';
    if (sourceIsData === PRIMITIVE.includes(type.toLowerCase())) {
      return armError(
        400,
        'UserError',
        `Input '${key}' of node '${node}' is declared as '${type}' by its component but is bound to ${input.value}, which is ${sourceIsData ? `a ${sourceType}` : 'a literal value'}.`,
      );
    }
  }
  return undefined;
}
