import * as path from 'node:path';
import { UserError } from '../task/user-error';
import { BindingScope, checkBinding, hasBinding, parseBindings } from './bindings';
import {
  AnonymousComponent,
  DATA_TYPES,
  DataInput,
  DataSource,
  DataType,
  DeclaredOutput,
  EnvironmentRef,
  PipelineDefinition,
  PipelineInput,
  RegisteredComponent,
  Step,
  StepInput,
  StepOutput,
} from './definition';
import { readDistribution, readLimits, readResources } from './node-settings';
import { boundName, effectiveNodeSettings, readParallelSettings, readParallelTask, requireMiniBatchSize } from './parallel';
import { readSweep } from './sweep';
import { isYamlScalar, jsonSafe, parseYamlText, pythonText, pythonType, PyTimestamp, YamlScalar } from './yaml-file';

/** The file system as the reader sees it; injected so the reader stays a pure function in tests. */
export interface SourceFiles {
  kind(absolute: string): 'file' | 'dir' | undefined;
  readText(absolute: string): string;
  /** The path as the user knows it: relative to the repository, '/'-separated. */
  display(absolute: string): string;
}

const SUPPORTED_STEP_TYPES = ['command', 'sweep', 'parallel'] as const;
/** Step types `az ml` accepts that this task does not submit yet (named in the error, so users know it is not a typo). */
const KNOWN_UNSUPPORTED = ['spark', 'pipeline', 'automl', 'data_transfer', 'import', 'flow'];

/** Node fields `az ml` sends on the pipeline node (snake_case), not on the component. */
const NODE_FIELDS = ['display_name', 'environment_variables', 'tags', 'properties', 'identity', 'services', 'queue_settings'];
/** Component fields besides the interface, passed through to the anonymous component (`$schema` too, as azure-ai-ml dumps it). */
const COMPONENT_FIELDS = ['$schema', 'description', 'display_name', 'tags', 'is_deterministic'];

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj =>
  !!v && typeof v === 'object' && !Array.isArray(v) && !isYamlScalar(v) && !(v instanceof PyTimestamp);

const yamlModes = ['ro_mount', 'rw_mount', 'mount', 'download', 'upload', 'direct', 'eval_mount', 'eval_download'];

export function readPipeline(absoluteFile: string, files: SourceFiles): PipelineDefinition {
  const file = files.display(absoluteFile);
  if (files.kind(absoluteFile) !== 'file')
    throw new UserError(`Pipeline file ${file} does not exist; check the 'pipelineFile' input (a path relative to the repository).`);
  const doc = parseYamlText(files.readText(absoluteFile), file);
  if (!isObject(doc)) throw new UserError(`${file} is not a pipeline job: expected a YAML mapping with 'type: pipeline' and 'jobs'.`);
  if (doc.type !== undefined && doc.type !== 'pipeline') {
    throw new UserError(`${file} has 'type: ${String(doc.type)}'; AzureMLPublishPipeline@1 submits pipeline jobs ('type: pipeline').`);
  }
  if (!isObject(doc.jobs) || Object.keys(doc.jobs).length === 0)
    throw new UserError(`${file} has no 'jobs': a pipeline needs at least one step.`);
  const dir = path.dirname(absoluteFile);
  const ctx = { file, dir, files };

  const inputs: Record<string, PipelineInput> = {};
  for (const [name, raw] of Object.entries(asMap(doc.inputs, `'inputs' of ${file}`))) {
    const input = readInput(raw, `Pipeline input '${name}'`, ctx, false);
    if (input.kind === 'binding')
      throw new UserError(`Pipeline input '${name}' in ${file} is a binding (${input.expression}); pipeline inputs must be values.`);
    inputs[name] = input;
  }
  const outputs: Record<string, DeclaredOutput> = {};
  for (const [name, raw] of Object.entries(asMap(doc.outputs, `'outputs' of ${file}`))) {
    outputs[name] = readDeclaredOutput(raw, `Pipeline output '${name}'`, file);
  }
  const settings = asMap(doc.settings, `'settings' of ${file}`);

  const steps: Record<string, Step> = {};
  for (const [name, raw] of Object.entries(doc.jobs)) steps[name] = readStep(name, raw, ctx);

  const scope: BindingScope = {
    file,
    pipelineInputs: Object.keys(inputs),
    pipelineOutputs: Object.keys(outputs),
    steps: new Map(Object.values(steps).map((s) => [s.name, stepOutputNames(s)])),
  };
  for (const step of Object.values(steps)) {
    for (const [key, input] of Object.entries(step.inputs)) {
      if (input.kind !== 'binding') continue;
      checkBinding(input.expression, `Step '${step.name}' input '${key}'`, scope);
      if (input.expression.includes(`parent.jobs.${step.name}.`))
        throw new UserError(`Step '${step.name}' input '${key}' in ${file} binds to its own output (${input.expression}).`);
    }
    for (const [key, output] of Object.entries(step.outputs)) {
      if (output.kind === 'binding') checkBinding(output.expression, `Step '${step.name}' output '${key}'`, scope);
    }
  }

  // Typed after every step is read: a binding may point at a step written further down.
  for (const step of Object.values(steps)) {
    // A sweep's trial declares its own interface, like a component file; an inline parallel step's is derived like a command's (ParallelJob._to_component).
    const c = step.component;
    if (c.kind === 'anonymous' && (step.type === 'command' ? c.source === 'YAML.JOB' : inlineParallelSteps.has(c)))
      Object.assign(c, inlineInterface(step, { inputs, outputs, steps }));
  }

  return {
    file,
    name: optionalString(doc.name),
    displayName: optionalString(doc.display_name),
    experimentName: optionalString(doc.experiment_name),
    description: optionalString(doc.description),
    tags: stringMap(doc.tags),
    properties: stringMap(doc.properties),
    compute: computeName(doc.compute),
    settings: {
      defaultCompute: computeName(settings.default_compute),
      defaultDatastore: typeof settings.default_datastore === 'string' ? settings.default_datastore.replace(/^azureml:/, '') : undefined,
      continueOnStepFailure: typeof settings.continue_on_step_failure === 'boolean' ? settings.continue_on_step_failure : undefined,
    },
    inputs,
    outputs,
    steps,
  };
}

interface Ctx {
  file: string;
  dir: string;
  files: SourceFiles;
}

function asMap(value: unknown, what: string): Obj {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw new UserError(`${what} must be a mapping.`);
  return value;
}

const optionalString = (v: unknown) =>
  typeof v === 'string' ? (v.trim() !== '' ? v : undefined) : isYamlScalar(v) || v instanceof PyTimestamp ? pythonText(v) : undefined;

/** Tags and properties are strings in Azure ML: other YAML values become Python's str() of them, as azure-ai-ml sends them. */
function stringMap(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      typeof v === 'string' ? v : isYamlScalar(v) || v instanceof PyTimestamp || v === null ? pythonText(v) : JSON.stringify(v),
    ]),
  );
}

/** A literal's value; a YAML timestamp is refused: azure-ai-ml's input schemas take only str, int, float and bool. */
function literalValue(value: unknown, where: string, file: string): YamlScalar | undefined {
  if (value instanceof PyTimestamp) {
    throw new UserError(
      `${where} in ${file} is '${value.source}', which az ml reads as a YAML timestamp and does not accept as an input value; quote it ('${value.source}') to pass the text.`,
    );
  }
  return isYamlScalar(value) ? value : undefined;
}

/** `azureml:cpu-cluster` or `cpu-cluster` → `cpu-cluster`. */
function computeName(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  return value.trim().replace(/^azureml:/, '');
}

/** `azureml:name:version` or `azureml:name@latest` (the `azureml:` prefix optional for components). */
export function parseAssetReference(text: string): { name: string; version?: string; label?: 'latest' } | undefined {
  const body = text.replace(/^azureml:/, '');
  if (body.startsWith('/') || body.startsWith('azureml:') || text.startsWith('azureml://')) return undefined;
  const at = /^([A-Za-z0-9_.-]+)@latest$/.exec(body);
  if (at) return { name: at[1], label: 'latest' };
  const colon = /^([A-Za-z0-9_.-]+):([A-Za-z0-9_.-]+)$/.exec(body);
  if (colon) return { name: colon[1], version: colon[2] };
  return undefined;
}

function localPath(ctx: Ctx, raw: string): { absolute: string; display: string } {
  const absolute = path.resolve(ctx.dir, raw.replace(/^file:/, ''));
  return { absolute, display: ctx.files.display(absolute) };
}

function readDataSource(raw: string, type: DataType, where: string, ctx: Ctx): DataSource {
  if (raw.startsWith('azureml:') && !raw.startsWith('azureml://')) {
    const ref = parseAssetReference(raw);
    if (!ref)
      throw new UserError(
        `${where} in ${ctx.file} has path '${raw}'; a data asset is written azureml:<name>:<version> or azureml:<name>@latest.`,
      );
    return { kind: 'asset', ...ref, text: raw };
  }
  if (/^(azureml|https?|wasbs?|abfss?|adl):\/\//i.test(raw)) return { kind: 'uri', uri: raw };
  const local = localPath(ctx, raw);
  const kind = ctx.files.kind(local.absolute);
  if (!kind) throw new UserError(`${where} in ${ctx.file} points at local path '${raw}', which does not exist: ${local.display}`);
  if (type === 'uri_file' && kind !== 'file')
    throw new UserError(`${where} in ${ctx.file} is a uri_file but ${local.display} is a folder.`);
  return { kind: 'local', ...local, isFolder: kind === 'dir' };
}

function readInput(raw: unknown, where: string, ctx: Ctx, allowBinding: boolean): StepInput {
  if (typeof raw === 'string' && hasBinding(raw)) {
    if (!allowBinding) throw new UserError(`${where} in ${ctx.file} is a binding (${raw}); pipeline inputs must be values.`);
    return { kind: 'binding', expression: raw };
  }
  const literal = literalValue(raw, where, ctx.file);
  if (literal !== undefined) return { kind: 'literal', value: literal };
  if (!isObject(raw)) throw new UserError(`${where} in ${ctx.file} has no value.`);
  const type = raw.type === undefined ? undefined : String(raw.type);
  const bound = [raw.path, raw.value].find((v): v is string => typeof v === 'string' && hasBinding(v));
  if (bound !== undefined) {
    // `{path: \${{…}}, mode: download}`: az ml accepts a binding in the mapping form, which is how a bound input gets a mode.
    if (!allowBinding) throw new UserError(`${where} in ${ctx.file} is a binding (${bound}); pipeline inputs must be values.`);
    const mode = raw.mode === undefined ? undefined : String(raw.mode);
    if (mode !== undefined && !yamlModes.includes(mode))
      throw new UserError(`${where} in ${ctx.file} has mode '${mode}'; supported modes: ${yamlModes.join(', ')}.`);
    return { kind: 'binding', expression: bound.trim(), type, mode };
  }
  if (type === undefined || ['integer', 'number', 'string', 'boolean'].includes(type)) {
    const value = literalValue(raw.value ?? raw.default, where, ctx.file);
    if (value === undefined) {
      throw new UserError(
        `${where} in ${ctx.file} has no 'value' (or its 'type' is missing: use one of ${[...DATA_TYPES].join(', ')} with a 'path').`,
      );
    }
    return { kind: 'literal', value };
  }
  if (!(DATA_TYPES as readonly string[]).includes(type)) {
    throw new UserError(
      `${where} in ${ctx.file} has type '${type}'; supported input types: integer, number, string, boolean, ${DATA_TYPES.join(', ')}.`,
    );
  }
  const mode = raw.mode === undefined ? undefined : String(raw.mode);
  if (mode !== undefined && !yamlModes.includes(mode))
    throw new UserError(`${where} in ${ctx.file} has mode '${mode}'; supported modes: ${yamlModes.join(', ')}.`);
  if (typeof raw.path !== 'string' || raw.path.trim() === '') throw new UserError(`${where} in ${ctx.file} is a ${type} without a 'path'.`);
  const input: DataInput = {
    kind: 'data',
    type: type as DataType,
    mode,
    source: readDataSource(raw.path.trim(), type as DataType, where, ctx),
  };
  return input;
}

function readDeclaredOutput(raw: unknown, where: string, file: string): DeclaredOutput {
  if (raw === null || raw === undefined) return { kind: 'declared' };
  if (!isObject(raw))
    throw new UserError(`${where} in ${file} must be a mapping (type, mode, path) or a \${{parent.outputs.<name>}} binding.`);
  const mode = raw.mode === undefined ? undefined : String(raw.mode);
  if (mode !== undefined && !yamlModes.includes(mode))
    throw new UserError(`${where} in ${file} has mode '${mode}'; supported modes: ${yamlModes.join(', ')}.`);
  for (const field of ['name', 'version']) {
    // azure-ai-ml sends these as asset_name/asset_version, which api-version 2022-10-01 (this task's) does not have: the service would drop them silently.
    if (raw[field] !== undefined && raw[field] !== null) {
      throw new UserError(
        `${where} in ${file} sets '${field}', which registers the output as a named data asset; AzureMLPublishPipeline@1 speaks api-version 2022-10-01, which cannot do that yet (remove it and register the output afterwards).`,
      );
    }
  }
  let path: string | undefined;
  if (raw.path !== undefined && raw.path !== null) {
    path = typeof raw.path === 'string' ? raw.path.trim() : '';
    if (!/^(azureml|https?|wasbs?|abfss?|adl):\/\//i.test(path)) {
      throw new UserError(
        `${where} in ${file} has path '${String(raw.path)}'; an output path is a datastore URI such as azureml://datastores/<name>/paths/<folder>/.`,
      );
    }
  }
  const description = typeof raw.description === 'string' ? raw.description : undefined;
  return { kind: 'declared', type: raw.type === undefined ? undefined : String(raw.type), mode, path, description };
}

function readStepOutput(raw: unknown, where: string, file: string): StepOutput {
  // `model_output:` with nothing after it still declares the output (azureml-examples' nyc-taxi pipeline binds to one).
  if (raw === null || raw === undefined) return { kind: 'declared', bare: true };
  if (typeof raw === 'string') {
    if (!hasBinding(raw))
      throw new UserError(`${where} in ${file} is '${raw}'; an output is a mapping (type, mode) or a \${{parent.outputs.<name>}} binding.`);
    return { kind: 'binding', expression: raw };
  }
  return readDeclaredOutput(raw, where, file);
}

function stepType(name: string, raw: Obj, file: string): Step['type'] {
  const type =
    raw.type === undefined ? (raw.command !== undefined || raw.component !== undefined ? 'command' : undefined) : String(raw.type);
  if (type === 'command' || type === 'sweep' || type === 'parallel') return type;
  const supported = `supported step types: ${SUPPORTED_STEP_TYPES.join(', ')}`;
  if (type === undefined) throw new UserError(`Step '${name}' in ${file} has no 'type'; ${supported}.`);
  const known = KNOWN_UNSUPPORTED.includes(type) ? ' yet' : '';
  throw new UserError(
    `Step '${name}' in ${file} is a '${type}' step, which AzureMLPublishPipeline@1 does not support${known}; ${supported}.`,
  );
}

function readStep(name: string, raw: unknown, ctx: Ctx): Step {
  if (!isObject(raw)) throw new UserError(`Step '${name}' in ${ctx.file} must be a mapping.`);
  const type = stepType(name, raw, ctx.file);
  const where = `Step '${name}'`;
  let component: AnonymousComponent | RegisteredComponent;
  if (type === 'sweep') {
    component = readTrial(name, raw, ctx);
  } else if (raw.component !== undefined) {
    if (type === 'parallel' && raw.task !== undefined && raw.task !== null) {
      // The node would carry a task whose code and environment azure-ai-ml resolves only through the component.
      throw new UserError(`${where} in ${ctx.file} has both 'component' and 'task'; set the task in the parallel component.`);
    }
    component = readComponentReference(name, raw.component, ctx, type);
  } else if (type === 'parallel') {
    component = inlineParallelComponent(name, raw, ctx);
  } else {
    if (typeof raw.command !== 'string') throw new UserError(`${where} in ${ctx.file} has neither 'command' nor 'component'.`);
    component = inlineCommandComponent(name, raw, ctx);
  }
  const inputs: Record<string, StepInput> = {};
  for (const [key, value] of Object.entries(asMap(raw.inputs, `'inputs' of step '${name}' in ${ctx.file}`))) {
    inputs[key] = readInput(value, `${where} input '${key}'`, ctx, true);
  }
  const outputs: Record<string, StepOutput> = {};
  for (const [key, value] of Object.entries(asMap(raw.outputs, `'outputs' of step '${name}' in ${ctx.file}`))) {
    outputs[key] = readStepOutput(value, `${where} output '${key}'`, ctx.file);
  }
  // An inline command's interface is its step's own inputs and outputs, typed once every step is read (inlineInterfaces).
  if (component.kind === 'anonymous' && (component.source === 'YAML.COMPONENT' || type === 'sweep')) {
    const which = component.source === 'YAML.COMPONENT' ? `component ${component.file}` : 'its inline trial';
    for (const key of Object.keys(inputs)) {
      if (!(key in component.inputs)) {
        throw new UserError(
          `${where} in ${ctx.file} sets input '${key}', which ${which} does not declare; its inputs: ${Object.keys(component.inputs).join(', ') || 'none'}.`,
        );
      }
    }
  }
  const extra: Record<string, unknown> = {};
  for (const field of NODE_FIELDS) if (raw[field] !== undefined && raw[field] !== null) extra[field] = jsonSafe(raw[field]);
  if (extra.tags !== undefined) extra.tags = stringMap(extra.tags);
  const resources = readResources(raw.resources, `${where} in ${ctx.file}`);
  if (type === 'sweep') {
    // A sweep node has no distribution of its own (ParameterizedSweepSchema); its trial component may.
    if (raw.distribution !== undefined && raw.distribution !== null)
      throw new UserError(`${where} in ${ctx.file} is a sweep with 'distribution'; set it in the trial component instead.`);
    const sweep = readSweep(raw, `${where} in ${ctx.file}`);
    return { name, type, component, compute: computeName(raw.compute), inputs, outputs, extra, resources, sweep };
  }
  if (type === 'parallel') return parallelStep(name, raw, ctx, { component, inputs, outputs, extra, resources });
  const distribution = readDistribution(raw.distribution, `${where} in ${ctx.file}`);
  const limits = readLimits(raw.limits, `${where} in ${ctx.file}`);
  if (component.kind === 'anonymous' && component.source === 'YAML.JOB') {
    // CommandJob._to_component: an inline step's resources, distribution and tags belong to its anonymous component too.
    Object.assign(component, { distribution, resources });
    if (extra.tags !== undefined) component.extra.tags = extra.tags;
  }
  return { name, type, component, compute: computeName(raw.compute), inputs, outputs, extra, distribution, resources, limits };
}

/** An inline command's outputs are its step's; a component file's are declared in it; a registered one's are known only once fetched. */
function stepOutputNames(s: Step): string[] | undefined {
  if (s.component.kind !== 'anonymous') return undefined;
  const derived = s.type === 'command' ? s.component.source === 'YAML.JOB' : inlineParallelSteps.has(s.component);
  return Object.keys(derived ? s.outputs : s.component.outputs);
}

function compact(o: Obj): Obj {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/**
 * Type and mode of what a binding points at, as azure-ai-ml's `_find_source_input_output_type` finds
 * them: a pipeline input's own type (a literal's Python type, a data input's type and mode), a
 * pipeline output's type (default uri_folder) and mode, or the source step's declared output type
 * (default uri_folder; never its mode, which belongs to the producer). Anything else is a string.
 */
function bindingSource(
  expression: string,
  def: Pick<PipelineDefinition, 'inputs' | 'outputs' | 'steps'>,
  seen: string[] = [],
): { type: string; mode?: string } {
  const whole = parseBindings(expression);
  if (whole.length !== 1 || expression.trim() !== whole[0].text) return { type: 'string' };
  const b = whole[0];
  if (b.kind === 'pipelineInput') {
    const input = def.inputs[b.name];
    if (!input) return { type: 'string' };
    return input.kind === 'literal' ? { type: pythonType(input.value) } : compactIo({ type: input.type, mode: input.mode });
  }
  if (b.kind === 'pipelineOutput') {
    const output = def.outputs[b.name];
    return compactIo({ type: output?.type ?? 'uri_folder', mode: output?.mode });
  }
  if (b.kind === 'stepOutput') {
    const step = def.steps[b.step];
    const own = step?.outputs[b.output];
    if (own?.kind === 'binding' && !seen.includes(own.expression))
      return { type: bindingSource(own.expression, def, [...seen, own.expression]).type };
    if (own?.kind === 'declared' && own.type) return { type: own.type };
    const declared = step?.component.kind === 'anonymous' ? step.component.outputs[b.output]?.type : undefined;
    return { type: typeof declared === 'string' ? declared : 'uri_folder' };
  }
  return { type: 'string' };
}

const compactIo = (o: { type: string; mode?: string }) => (o.mode === undefined ? { type: o.type } : o);

/** The component interface of an inline command step, typed as azure-ai-ml translates a CommandJob to a component. */
function inlineInterface(step: Step, def: Pick<PipelineDefinition, 'inputs' | 'outputs' | 'steps'>): { inputs: Obj; outputs: Obj } {
  const inputs = Object.fromEntries(
    Object.entries(step.inputs).map(([k, v]): [string, Obj] => {
      if (v.kind === 'data') return [k, compact({ type: v.type, mode: v.mode })];
      // A literal becomes a typed input whose default is the value itself.
      if (v.kind === 'literal') return [k, { type: pythonType(v.value), default: v.value }];
      // The mapping form may say its own type and mode; what it leaves out comes from the binding's source.
      const source = bindingSource(v.expression, def);
      return [k, compact({ type: v.type ?? source.type, mode: v.mode ?? source.mode })];
    }),
  );
  const outputs = Object.fromEntries(
    Object.entries(step.outputs).map(([k, v]): [string, Obj] => [
      k,
      v.kind === 'declared' ? compact({ type: v.type ?? 'uri_folder', mode: v.mode }) : bindingSource(v.expression, def),
    ]),
  );
  return { inputs, outputs };
}

/** A sweep's `trial`: a command component, inline or in a local file (SweepSchema.trial in azure-ai-ml). */
function readTrial(step: string, raw: Obj, ctx: Ctx): AnonymousComponent {
  const where = `Step '${step}' in ${ctx.file}`;
  for (const field of ['component', 'command']) {
    if (raw[field] !== undefined)
      throw new UserError(
        `${where} is a sweep with '${field}'; a sweep step runs its 'trial' (a command component file or an inline command component).`,
      );
  }
  const trial = raw.trial;
  if (trial === undefined || trial === null)
    throw new UserError(
      `${where} is a sweep without 'trial': give a command component file (trial: ./train.yml) or an inline command component.`,
    );
  if (typeof trial === 'string' && trial.trim().startsWith('azureml:')) {
    throw new UserError(
      `${where} has trial '${trial.trim()}'; AzureMLPublishPipeline@1 takes a sweep's trial from a local component file or an inline command component, not a registered component yet.`,
    );
  }
  if (isObject(trial) && trial.type !== undefined && trial.type !== 'command') {
    throw new UserError(`${where} has a '${String(trial.type)}' trial; a sweep's trial is a command component.`);
  }
  const component = readComponentReference(step, trial, ctx);
  if (component.kind !== 'anonymous') throw new Error('internal: a sweep trial resolved to a registered component');
  return component;
}

function readComponentReference(
  step: string,
  raw: unknown,
  ctx: Ctx,
  stepType: 'command' | 'parallel' = 'command',
): AnonymousComponent | RegisteredComponent {
  if (isObject(raw)) {
    const type = raw.type === undefined ? stepType : String(raw.type);
    if (type !== stepType)
      throw new UserError(
        `Step '${step}' in ${ctx.file} is a ${stepType} step with an inline '${type}' component; the component's type must be ${stepType}.`,
      );
    return stepType === 'parallel' ? parallelComponentFromYaml(step, raw, ctx, undefined) : componentFromYaml(step, raw, ctx, undefined);
  }
  if (typeof raw !== 'string' || raw.trim() === '') throw new UserError(`Step '${step}' in ${ctx.file} has an empty 'component'.`);
  const text = raw.trim();
  if (text.startsWith('azureml:')) {
    const ref = parseAssetReference(text);
    if (!ref)
      throw new UserError(
        `Step '${step}' in ${ctx.file} names component '${text}'; a registered component is written azureml:<name>:<version> or azureml:<name>@latest.`,
      );
    return { kind: 'registered', ...ref, text };
  }
  const local = localPath(ctx, text);
  if (ctx.files.kind(local.absolute) !== 'file')
    throw new UserError(`Component file '${text}' of step '${step}' (${ctx.file}) does not exist: ${local.display}`);
  const doc = parseYamlText(ctx.files.readText(local.absolute), local.display);
  if (!isObject(doc)) throw new UserError(`Component file ${local.display} of step '${step}' is not a YAML mapping.`);
  const type = doc.type === undefined ? 'command' : String(doc.type);
  if (type !== 'command' && type !== 'parallel') {
    throw new UserError(
      `Component file ${local.display} of step '${step}' is a '${type}' component, which AzureMLPublishPipeline@1 does not support yet; supported step types: ${SUPPORTED_STEP_TYPES.join(', ')}.`,
    );
  }
  if (type !== stepType) {
    // A command node over a parallel component (or the reverse) is not what the file's author meant; az ml would build a node of the component's kind.
    throw new UserError(
      `Component file ${local.display} of step '${step}' is a '${type}' component, but the step is a ${stepType} step; write 'type: ${type}' on the step.`,
    );
  }
  const fileCtx = { file: local.display, dir: path.dirname(local.absolute), files: ctx.files };
  return type === 'parallel'
    ? parallelComponentFromYaml(step, doc, fileCtx, local.display)
    : componentFromYaml(step, doc, fileCtx, local.display);
}

function componentFromYaml(step: string, doc: Obj, ctx: Ctx, file: string | undefined): AnonymousComponent {
  const where = file ? `Component ${file} (step '${step}')` : `Step '${step}' in ${ctx.file}`;
  if (typeof doc.command !== 'string' || doc.command.trim() === '') throw new UserError(`${where} has no 'command'.`);
  const { inputs, outputs, extra } = componentInterface(doc, where, ctx);
  return {
    kind: 'anonymous',
    source: file ? 'YAML.COMPONENT' : 'YAML.JOB',
    file: file ?? ctx.file,
    command: doc.command,
    code: readCode(step, doc.code, ctx),
    environment: readEnvironment(step, doc.environment, ctx),
    inputs,
    outputs,
    extra,
    distribution: readDistribution(doc.distribution, where),
    resources: readResources(doc.resources, where),
  };
}

/** A parallel component, inline under `component:` or in a local file (ParallelComponentSchema); its code and environment are its task's. */
function parallelComponentFromYaml(step: string, doc: Obj, ctx: Ctx, file: string | undefined): AnonymousComponent {
  const where = file ? `Component ${file} (step '${step}')` : `Step '${step}' in ${ctx.file}`;
  if (doc.command !== undefined)
    throw new UserError(
      `${where} is a parallel component with 'command'; a parallel component runs its 'task' (run_function with entry_script).`,
    );
  const { inputs, outputs, extra } = componentInterface(doc, where, ctx);
  const task = readParallelTask(doc.task, where, 'component');
  const raw = doc.task as Obj;
  const settings = readParallelSettings(doc, where);
  checkParallelNames(settings.input_data, task.append_row_to, Object.keys(inputs), Object.keys(outputs), where);
  return {
    kind: 'anonymous',
    source: file ? 'YAML.COMPONENT' : 'YAML.JOB',
    file: file ?? ctx.file,
    code: readCode(step, raw.code, ctx),
    environment: readEnvironment(step, raw.environment, ctx),
    inputs,
    outputs,
    extra,
    resources: readResources(doc.resources, where),
    parallel: { task, settings },
  };
}

/** Components of inline parallel steps, whose interface is derived from the step (not those written under `component:`, which declare theirs). */
const inlineParallelSteps = new WeakSet<AnonymousComponent>();

/** An inline parallel step (ParallelJob in azure-ai-ml): its task, code and environment; the interface and settings are the step's. */
function inlineParallelComponent(step: string, raw: Obj, ctx: Ctx): AnonymousComponent {
  const task = readParallelTask(raw.task, `Step '${step}' in ${ctx.file}`);
  const t = raw.task as Obj;
  const component: AnonymousComponent = {
    kind: 'anonymous',
    source: 'YAML.JOB',
    file: ctx.file,
    code: readCode(step, t.code, ctx),
    environment: readEnvironment(step, t.environment, ctx),
    inputs: {},
    outputs: {},
    extra: {},
    parallel: { task, settings: {} },
  };
  inlineParallelSteps.add(component);
  return component;
}

/** `input_data` must name an input and `append_row_to` an output of the step (or component): otherwise the service has nothing to split or append to. */
function checkParallelNames(
  inputData: string | undefined,
  appendRowTo: string | undefined,
  inputs: string[],
  outputs: string[],
  where: string,
): void {
  const list = (xs: string[]) => xs.join(', ') || 'none';
  if (inputData !== undefined && !inputs.includes(boundName(inputData)))
    throw new UserError(`${where} has 'input_data: ${inputData}', but no input '${boundName(inputData)}'; its inputs: ${list(inputs)}.`);
  if (appendRowTo !== undefined && !outputs.includes(boundName(appendRowTo)))
    throw new UserError(
      `${where} has 'task.append_row_to: ${appendRowTo}', but no output '${boundName(appendRowTo)}'; its outputs: ${list(outputs)}.`,
    );
}

/** A parallel step: its own settings (node form), with what its anonymous component carries checked now (a registered one is checked once fetched). */
function parallelStep(
  name: string,
  raw: Obj,
  ctx: Ctx,
  read: {
    component: AnonymousComponent | RegisteredComponent;
    inputs: Record<string, StepInput>;
    outputs: Record<string, StepOutput>;
    extra: Obj;
    resources: Step['resources'];
  },
): Step {
  const where = `Step '${name}' in ${ctx.file}`;
  for (const field of ['distribution', 'limits', 'command', 'trial']) {
    if (raw[field] !== undefined && raw[field] !== null)
      throw new UserError(
        `${where} is a parallel step with '${field}', which a parallel step does not take (it runs its 'task' over mini-batches of 'input_data').`,
      );
  }
  const own = readParallelSettings(raw, where);
  const { component } = read;
  if (component.kind === 'anonymous' && component.parallel) {
    const inline = inlineParallelSteps.has(component);
    if (inline) {
      // ParallelJob._to_component: the step's settings and resources are its anonymous component's too.
      component.parallel.settings = own;
      component.resources = read.resources;
    }
    const effective = effectiveNodeSettings(own, component.parallel.settings);
    requireMiniBatchSize(effective, where);
    if (effective.input_data === undefined)
      throw new UserError(
        `${where} is a parallel step without 'input_data': name the input to split into mini-batches as \${{inputs.<name>}}.`,
      );
    const inputs = Object.keys(inline ? read.inputs : component.inputs);
    const outputs = Object.keys(inline ? read.outputs : component.outputs);
    checkParallelNames(effective.input_data, component.parallel.task.append_row_to, inputs, outputs, where);
  }
  return {
    name,
    type: 'parallel',
    component,
    compute: computeName(raw.compute),
    inputs: read.inputs,
    outputs: read.outputs,
    extra: read.extra,
    resources: read.resources,
    parallel: own,
  };
}

/** A component's declared interface and pass-through fields (description, display_name, tags, …). */
function componentInterface(doc: Obj, where: string, ctx: Ctx): { inputs: Record<string, Obj>; outputs: Record<string, Obj>; extra: Obj } {
  if (doc.additional_includes !== undefined && doc.additional_includes !== null) {
    // az ml copies these files into the code snapshot; passing the list through would run the step without them.
    throw new UserError(
      `${where} uses 'additional_includes', which AzureMLPublishPipeline@1 does not support yet; copy the files into the 'code' folder instead.`,
    );
  }
  const inputs = Object.fromEntries(
    Object.entries(asMap(doc.inputs, `'inputs' of ${where}`)).map(([k, v]) => {
      const input = isObject(v) ? v : { type: 'string', default: v };
      const fallback =
        input.default === undefined || input.default === null
          ? undefined
          : literalValue(input.default, `${where} input '${k}' default`, ctx.file);
      // The default stays typed here (rest-body writes it as text); the rest of the declaration is sent as written.
      return [k, { ...(jsonSafe(input) as Obj), ...(fallback === undefined ? {} : { default: fallback }) }];
    }),
  );
  const outputs = Object.fromEntries(
    Object.entries(asMap(doc.outputs, `'outputs' of ${where}`)).map(([k, v]) => [k, isObject(v) ? v : { type: 'uri_folder' }]),
  );
  const extra: Record<string, unknown> = {};
  for (const field of COMPONENT_FIELDS) if (doc[field] !== undefined && doc[field] !== null) extra[field] = jsonSafe(doc[field]);
  if (extra.tags !== undefined) extra.tags = stringMap(extra.tags);
  return { inputs, outputs, extra };
}

function inlineCommandComponent(step: string, raw: Obj, ctx: Ctx): AnonymousComponent {
  const extra: Record<string, unknown> = {};
  if (typeof raw.description === 'string') extra.description = raw.description;
  return {
    kind: 'anonymous',
    source: 'YAML.JOB',
    file: ctx.file,
    command: String(raw.command),
    code: readCode(step, raw.code, ctx),
    environment: readEnvironment(step, raw.environment, ctx),
    inputs: {},
    outputs: {},
    extra,
  };
}

function readCode(step: string, raw: unknown, ctx: Ctx): { absolute: string; display: string } | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'string' || raw.trim() === '') throw new UserError(`Step '${step}' in ${ctx.file} has an empty 'code'.`);
  if (raw.startsWith('azureml:'))
    throw new UserError(
      `Step '${step}' in ${ctx.file} uses registered code '${raw}', which AzureMLPublishPipeline@1 does not support yet; give a local folder.`,
    );
  const local = localPath(ctx, raw.trim());
  if (ctx.files.kind(local.absolute) === undefined)
    throw new UserError(`Code folder '${raw}' of step '${step}' (${ctx.file}) does not exist: ${local.display}`);
  return local;
}

function readEnvironment(step: string, raw: unknown, ctx: Ctx): EnvironmentRef {
  if (typeof raw === 'string') {
    const text = raw.trim();
    if (text.startsWith('azureml://') || text.startsWith('azureml:/subscriptions/')) return { kind: 'registry', uri: text };
    const ref = parseAssetReference(text);
    if (!text.startsWith('azureml:') || !ref) {
      throw new UserError(
        `Step '${step}' in ${ctx.file} names environment '${text}'; write azureml:<name>:<version>, azureml:<name>@latest, an azureml://registries/… URI, or an inline environment (image + conda_file, or build).`,
      );
    }
    return { kind: 'registered', ...ref, text };
  }
  if (!isObject(raw)) throw new UserError(`Step '${step}' in ${ctx.file} has no 'environment'.`);
  const env: EnvironmentRef = { kind: 'inline', description: typeof raw.description === 'string' ? raw.description : undefined };
  if (typeof raw.image === 'string') env.image = raw.image;
  if (raw.conda_file !== undefined) {
    if (typeof raw.conda_file !== 'string') throw new UserError(`Step '${step}' in ${ctx.file}: 'environment.conda_file' must be a path.`);
    const local = localPath(ctx, raw.conda_file);
    if (ctx.files.kind(local.absolute) !== 'file')
      throw new UserError(`Conda file '${raw.conda_file}' of step '${step}' (${ctx.file}) does not exist: ${local.display}`);
    env.condaFile = local;
  }
  if (raw.build !== undefined) {
    const build = isObject(raw.build) ? raw.build : {};
    if (typeof build.path !== 'string')
      throw new UserError(`Step '${step}' in ${ctx.file}: 'environment.build.path' must name the Docker build context folder.`);
    const local = localPath(ctx, build.path);
    if (ctx.files.kind(local.absolute) !== 'dir')
      throw new UserError(`Docker build context '${build.path}' of step '${step}' (${ctx.file}) does not exist: ${local.display}`);
    env.build = { ...local, ...(typeof build.dockerfile_path === 'string' ? { dockerfile: build.dockerfile_path } : {}) };
  }
  if (!env.image && !env.build)
    throw new UserError(`Step '${step}' in ${ctx.file}: an inline environment needs 'image' (with an optional 'conda_file') or 'build'.`);
  return env;
}
