import { createHash } from 'node:crypto';
import type { AnonymousComponent, DataInput, DeclaredOutput, PipelineDefinition, Step, StepInput, StepOutput } from './definition';
import { distributionRest, limitsRest, resourcesRest } from './node-settings';
import { effectiveNodeSettings, parallelComponentFields, parallelNodeFields, parallelTaskBody } from './parallel';
import { isYamlScalar, pythonText, pythonType, YamlScalar } from './yaml-file';

/**
 * YAML definition + what was resolved in Azure → the REST bodies `az ml job create` sends. Casing
 * follows azure-ai-ml: the job's own fields camelCase (typed in the spec), node entries and
 * `settings` snake_case (untyped `jobs`/`settings` objects the SDK passes through), `_source` on
 * every node, `componentId` from the component PUT's response.
 */

export interface Resolved {
  workspaceId: string;
  /** Compute name → ARM id (checked to exist). */
  computeId(name: string): string;
  /** Step name → component version ARM id (the response `id`, which the service may have deduplicated). */
  componentIds: Record<string, string>;
  /** Data inputs → URI: keys `inputs.<name>` for the pipeline, `jobs.<step>.inputs.<name>` for steps. */
  dataUris: Record<string, string>;
  /** Step name → its parallel task's resolved code id and environment (a local parallel component's; the node carries the task too). */
  parallelTasks?: Record<string, { codeId?: string; environment: string }>;
}

interface JobMeta {
  displayName: string;
  experimentName: string;
  description?: string;
  tags: Record<string, string>;
  /** Compute used by steps that name none (the task's override, else settings.default_compute, else `compute`). */
  defaultCompute?: string;
}

const MODES: Record<string, { input?: string; output?: string }> = {
  ro_mount: { input: 'ReadOnlyMount' },
  rw_mount: { input: 'ReadWriteMount', output: 'ReadWriteMount' },
  mount: { input: 'ReadOnlyMount', output: 'ReadWriteMount' },
  download: { input: 'Download' },
  upload: { output: 'Upload' },
  direct: { input: 'Direct', output: 'Direct' },
  eval_mount: { input: 'EvalMount' },
  eval_download: { input: 'EvalDownload' },
};

export function restMode(mode: string | undefined, direction: 'input' | 'output'): string | undefined {
  if (mode === undefined) return undefined;
  return MODES[mode]?.[direction] ?? mode;
}

/** How azure-ai-ml writes a literal: Python's str() of the value PyYAML read (True/False, 1.0, 1e-05). */
export function literalText(value: YamlScalar): string {
  return pythonText(value);
}

const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

function dataUri(resolved: Resolved, key: string): string {
  const uri = resolved.dataUris[key];
  if (uri === undefined) throw new Error(`internal: data input ${key} was not resolved`);
  return uri;
}

function pipelineInput(resolved: Resolved, name: string, input: DefinitionInput) {
  if (input.kind === 'literal') return { jobInputType: 'literal', value: literalText(input.value) };
  return defined({ jobInputType: input.type, mode: restMode(input.mode, 'input'), uri: dataUri(resolved, `inputs.${name}`) });
}
type DefinitionInput = PipelineDefinition['inputs'][string];

/** azure-ai-ml's to_rest_data_outputs: uri from `path`, mode in REST casing, description. */
function pipelineOutput(output: DeclaredOutput) {
  return defined({
    jobOutputType: output.type ?? 'uri_folder',
    uri: output.path,
    mode: restMode(output.mode, 'output'),
    description: output.description,
  });
}

function nodeInput(resolved: Resolved, step: string, name: string, input: StepInput) {
  // A bound input's mode rides on the literal, in REST casing (azure-ai-ml's process_sdk_component_job_io).
  if (input.kind === 'binding') return defined({ job_input_type: 'literal', value: input.expression, mode: restMode(input.mode, 'input') });
  if (input.kind === 'literal') return { job_input_type: 'literal', value: literalText(input.value) };
  return nodeDataInput(resolved, `jobs.${step}.inputs.${name}`, input);
}

function nodeDataInput(resolved: Resolved, key: string, input: DataInput) {
  return defined({ job_input_type: input.type, mode: restMode(input.mode, 'input'), uri: dataUri(resolved, key) });
}

function nodeOutput(output: StepOutput) {
  if (output.kind === 'binding') return { type: 'literal', value: output.expression };
  return defined({
    job_output_type: output.type ?? 'uri_folder',
    uri: output.path,
    mode: restMode(output.mode, 'output'),
    description: output.description,
  });
}

function nodeInputs(step: Step, resolved: Resolved) {
  const set = Object.entries(step.inputs);
  return set.length ? Object.fromEntries(set.map(([k, v]) => [k, nodeInput(resolved, step.name, k, v)])) : undefined;
}

function nodeOutputs(step: Step) {
  const set = Object.entries(step.outputs).filter(([, v]) => !(v.kind === 'declared' && v.bare));
  return set.length ? Object.fromEntries(set.map(([k, v]) => [k, nodeOutput(v)])) : undefined;
}

/** One entry of `properties.jobs`. */
export function nodeBody(step: Step, resolved: Resolved): Record<string, unknown> {
  const componentId = resolved.componentIds[step.name];
  if (!componentId) throw new Error(`internal: component of step ${step.name} was not resolved`);
  const source = step.component.kind === 'registered' ? 'REMOTE.WORKSPACE.COMPONENT' : step.component.source;
  if (step.type === 'sweep') return sweepNodeBody(step, resolved, componentId, source);
  if (step.type === 'parallel') return parallelNodeBody(step, resolved, componentId, source);
  // The node takes the step's own resources and distribution, else its component's (azure-ai-ml's Command.__init__).
  const own = step.component.kind === 'anonymous' ? step.component : undefined;
  const distribution = step.distribution ?? own?.distribution;
  const resources = step.resources ?? own?.resources;
  return defined({
    ...step.extra,
    distribution: distribution ? distributionRest(distribution) : undefined,
    limits: step.limits ? limitsRest(step.limits) : undefined,
    resources: resources ? resourcesRest(resources) : undefined,
    name: step.name,
    type: step.type,
    computeId: step.compute ? resolved.computeId(step.compute) : undefined,
    inputs: nodeInputs(step, resolved),
    outputs: nodeOutputs(step),
    _source: source,
    componentId,
  });
}

/**
 * A sweep node as azure-ai-ml's Sweep._to_rest_object writes it (see shared/azureml-pipeline/sweep.ts):
 * the sweep fields, `trial: {componentId}` in place of a node-level componentId, and the common
 * node fields (name, type, computeId, inputs, outputs, _source).
 */
function sweepNodeBody(step: Step, resolved: Resolved, componentId: string, source: string): Record<string, unknown> {
  if (!step.sweep) throw new Error(`internal: sweep step ${step.name} has no sweep settings`);
  const { sampling_algorithm, search_space, objective, limits, early_termination } = step.sweep;
  return defined({
    ...step.extra,
    limits,
    sampling_algorithm,
    objective,
    early_termination,
    search_space,
    resources: step.resources ? resourcesRest(step.resources) : undefined,
    name: step.name,
    type: 'sweep',
    computeId: step.compute ? resolved.computeId(step.compute) : undefined,
    inputs: nodeInputs(step, resolved),
    outputs: nodeOutputs(step),
    _source: source,
    trial: { componentId },
  });
}

/**
 * A parallel node as azure-ai-ml's Parallel._to_rest_object writes it (see shared/azureml-pipeline/parallel.ts):
 * the step's settings, falling back to its local component's where Parallel.__init__ does, the
 * component's task (code and environment resolved), and the common node fields.
 */
function parallelNodeBody(step: Step, resolved: Resolved, componentId: string, source: string): Record<string, unknown> {
  const own = step.component.kind === 'anonymous' ? step.component : undefined;
  const settings = effectiveNodeSettings(step.parallel ?? {}, own?.parallel?.settings);
  const resources = step.resources ?? own?.resources;
  const refs = resolved.parallelTasks?.[step.name];
  if (own?.parallel && !refs) throw new Error(`internal: the task of parallel step ${step.name} was not resolved`);
  const { retry_settings, logging_level, mini_batch_size, partition_keys, ...picked } = parallelNodeFields(settings);
  return defined({
    ...step.extra,
    type: 'parallel',
    resources: resources ? resourcesRest(resources) : undefined,
    ...picked,
    task: own?.parallel && refs ? parallelTaskBody(own.parallel.task, refs) : undefined,
    name: step.name,
    computeId: step.compute ? resolved.computeId(step.compute) : undefined,
    inputs: nodeInputs(step, resolved),
    outputs: nodeOutputs(step),
    _source: source,
    componentId,
    retry_settings,
    logging_level,
    mini_batch_size,
    partition_keys,
  });
}

function settingsBody(def: PipelineDefinition, resolved: Resolved, meta: JobMeta): Record<string, unknown> {
  return defined({
    default_compute: meta.defaultCompute ? resolved.computeId(meta.defaultCompute) : undefined,
    default_datastore: def.settings.defaultDatastore ? `${resolved.workspaceId}/datastores/${def.settings.defaultDatastore}` : undefined,
    continue_on_step_failure: def.settings.continueOnStepFailure,
    _source: 'YAML.JOB',
  });
}

/** `PUT jobs/{name}` body of the pipeline job. */
export function pipelineJobBody(def: PipelineDefinition, resolved: Resolved, meta: JobMeta) {
  const compute = def.compute ?? meta.defaultCompute;
  return {
    properties: defined({
      description: meta.description,
      properties: def.properties,
      tags: meta.tags,
      computeId: compute ? resolved.computeId(compute) : undefined,
      displayName: meta.displayName,
      experimentName: meta.experimentName,
      isArchived: false,
      jobType: 'Pipeline',
      inputs: Object.fromEntries(Object.entries(def.inputs).map(([k, v]) => [k, pipelineInput(resolved, k, v)])),
      jobs: Object.fromEntries(Object.values(def.steps).map((s) => [s.name, nodeBody(s, resolved)])),
      outputs: Object.fromEntries(Object.entries(def.outputs).map(([k, v]) => [k, pipelineOutput(v)])),
      settings: settingsBody(def, resolved, meta),
    }),
  };
}

/** The componentSpec of an anonymous command or parallel component (inline step or local component file). */
export function anonymousComponentSpec(
  component: AnonymousComponent,
  refs: { codeId?: string; environment: string },
): Record<string, unknown> {
  const { description, display_name, tags, is_deterministic, ...rest } = component.extra;
  // The fields azure-ai-ml's component schemas dump first, in their order.
  const head = (type: 'command' | 'parallel') => ({
    name: 'azureml_anonymous',
    version: '1',
    display_name,
    description,
    tags,
    type,
    is_deterministic: is_deterministic ?? true,
    ...rest,
  });
  if (component.parallel) {
    // ParallelComponentSchema's dump: code and environment live in the task, not at the top level.
    return defined({
      ...head('parallel'),
      inputs: Object.keys(component.inputs).length ? componentInputs(component.inputs) : undefined,
      outputs: Object.keys(component.outputs).length ? component.outputs : undefined,
      resources: component.resources,
      task: parallelTaskBody(component.parallel.task, refs),
      ...parallelComponentFields(component.parallel.settings),
      _source: component.source,
    });
  }
  return defined({
    ...head('command'),
    distribution: component.distribution,
    resources: component.resources,
    inputs: Object.keys(component.inputs).length ? componentInputs(component.inputs) : undefined,
    outputs: Object.keys(component.outputs).length ? component.outputs : undefined,
    command: component.command,
    code: refs.codeId ? `azureml:${refs.codeId}` : undefined,
    environment: refs.environment,
    _source: component.source,
  });
}

/** Component input defaults go as Python's str() of the value (azure-ai-ml sends `"default": "10"`, not 10). */
function componentInputs(inputs: Record<string, Record<string, unknown>>): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => [k, isYamlScalar(v.default) ? { ...v, default: pythonText(v.default) } : v]),
  );
}

export function anonymousComponentBody(spec: Record<string, unknown>, tags: Record<string, string>) {
  return {
    properties: defined({
      description: typeof spec.description === 'string' ? spec.description : undefined,
      properties: {},
      tags,
      isAnonymous: true,
      isArchived: false,
      componentSpec: spec,
    }),
  };
}

/** JSON with sorted keys at every level: the same spec always hashes the same. */
function canonicalJson(value: unknown): string {
  // PyFloat and PyTimestamp write themselves (toJSON); integers beyond 2^53 keep every digit.
  if (typeof value === 'bigint') return value.toString();
  if (value && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function')
    return canonicalJson((value as { toJSON(): unknown }).toJSON());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The version of an anonymous asset: a GUID-shaped MD5 of its content without name and version,
 * as azure-ai-ml names anonymous components, so the same interface and code map to the same version.
 */
export function anonymousVersion(spec: Record<string, unknown>): string {
  const { name: _name, version: _version, ...rest } = spec;
  const h = createHash('md5').update(canonicalJson(rest)).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Pipeline component (publish mode): the pipeline's interface and nodes as a `pipeline`-type component spec. */
export function pipelineComponentBody(
  def: PipelineDefinition,
  resolved: Resolved,
  meta: { name: string; version: string; displayName?: string; description?: string; tags: Record<string, string> },
) {
  const inputs = Object.fromEntries(
    Object.entries(def.inputs).map(([k, v]) => {
      if (v.kind === 'literal') return [k, { type: pythonType(v.value), default: literalText(v.value) }];
      return [k, defined({ type: v.type, mode: v.mode })];
    }),
  );
  const outputs = Object.fromEntries(
    Object.entries(def.outputs).map(([k, v]) => [k, defined({ type: v.type ?? 'uri_folder', mode: v.mode })]),
  );
  const spec = defined({
    name: meta.name,
    version: meta.version,
    display_name: meta.displayName,
    description: meta.description,
    tags: meta.tags,
    type: 'pipeline',
    is_deterministic: true,
    inputs: Object.keys(inputs).length ? inputs : undefined,
    outputs: Object.keys(outputs).length ? outputs : undefined,
    jobs: Object.fromEntries(Object.values(def.steps).map((s) => [s.name, nodeBody(s, resolved)])),
    _source: 'YAML.JOB',
  });
  return {
    properties: defined({
      description: meta.description,
      properties: {},
      tags: meta.tags,
      isAnonymous: false,
      isArchived: false,
      componentSpec: spec,
    }),
  };
}
