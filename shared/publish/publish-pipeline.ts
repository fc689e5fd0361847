import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HttpClientOptions } from '../http/agent-http-options';
import {
  datastoreExists,
  getAssetVersion,
  getLatestVersion,
  listComputeNames,
  nextComponentVersion,
  putAssetVersion,
} from '../azureml/assets';
import { isConflict } from '../azureml/not-found';
import { DefaultDatastore, openDefaultDatastore, uploadSnapshot } from '../azureml/datastore-upload';
import { sendJson, Workspace } from '../azureml/workspace';
import type { DataInput, DataSource, EnvironmentRef, PipelineDefinition, Step } from '../azureml-pipeline/definition';
import { BindingScope, checkBinding, parseBindings } from '../azureml-pipeline/bindings';
import { anonymousCodeVersion, FolderSnapshot, snapshotFile, snapshotFolder } from '../azureml-pipeline/folder-hash';
import { applyInputOverrides, parseKeyValueLines, parseTags } from '../azureml-pipeline/overrides';
import { parseAssetReference, readPipeline, SourceFiles } from '../azureml-pipeline/read-pipeline';
import { requireMiniBatchSize } from '../azureml-pipeline/parallel';
import { ANONYMOUS_ENV_NAME, anonymousEnvironmentVersion, translatedCondaFile } from '../azureml-pipeline/anonymous-environment';
import {
  anonymousComponentBody,
  anonymousComponentSpec,
  anonymousVersion,
  pipelineComponentBody,
  pipelineJobBody,
  Resolved,
} from '../azureml-pipeline/rest-body';
import { readTraceability, traceabilityTags, VariableReader } from '../task/traceability';
import { UserError } from '../task/user-error';
import { defaultComponentName, experimentNameFrom, PublishInputs } from './publish-inputs';

interface PublishRuntime {
  abortSignal: AbortSignal;
  log(line: string): void;
  /** The repository root: paths are resolved and shown relative to it. */
  repoRoot: string;
  variables: VariableReader;
  mask(secret: string): void;
  http(url: string): HttpClientOptions;
}

/** Everything decided from the YAML and the inputs, before any call to Azure. */
interface PreparedPublish {
  inputs: PublishInputs;
  definition: PipelineDefinition;
  experimentName: string;
  displayName: string;
  description?: string;
  jobTags: Record<string, string>;
  assetTags: Record<string, string>;
  defaultCompute?: string;
}

interface PublishReport {
  jobName?: string;
  studioUrl?: string;
  pipelineComponentId?: string;
  uploadedBytes: number;
  message: string;
}

function agentFiles(repoRoot: string): SourceFiles {
  return {
    kind(absolute) {
      try {
        const s = fs.statSync(absolute);
        return s.isFile() ? 'file' : s.isDirectory() ? 'dir' : undefined;
      } catch {
        return undefined;
      }
    },
    readText: (absolute) => fs.readFileSync(absolute, 'utf8'),
    display(absolute) {
      const rel = path.relative(repoRoot, absolute);
      return (rel.startsWith('..') || path.isAbsolute(rel) ? absolute : rel || '.').split(path.sep).join('/');
    },
  };
}

/** Reads and validates the YAML and the task inputs; touches only the local disk. */
export function preparePublish(inputs: PublishInputs, rt: Pick<PublishRuntime, 'repoRoot' | 'variables'>): PreparedPublish {
  const files = agentFiles(rt.repoRoot);
  const pipelineFile = path.resolve(rt.repoRoot, inputs.pipelineFile);
  let definition = readPipeline(pipelineFile, files);
  const overrides = parseKeyValueLines('inputOverrides', inputs.inputOverrides);
  definition = applyInputOverrides(definition, overrides, (raw, input, where) =>
    overrideSource(raw, input, where, path.dirname(pipelineFile), files),
  );
  const extraTags = parseTags(inputs.tags);
  const trace = readTraceability(rt.variables);
  const traceTags = traceabilityTags(trace);
  const experimentName =
    inputs.experimentName ?? definition.experimentName ?? experimentNameFrom(trace.repository ?? path.basename(rt.repoRoot));
  const baseName = definition.displayName ?? definition.name ?? path.basename(pipelineFile).replace(/\.ya?ml$/i, '');
  const displayName = inputs.displayName ?? (trace.buildNumber ? `${baseName} (build ${trace.buildNumber})` : baseName);
  const link = trace.runUrl ? `Submitted by Azure Pipelines: ${trace.runUrl}` : undefined;
  const description = [definition.description, link].filter(Boolean).join('\n\n') || undefined;
  if (inputs.defaultCompute) {
    // The override replaces both of the YAML's pipeline-level computes (a stale `compute:` must not be checked or sent).
    definition = {
      ...definition,
      compute: inputs.defaultCompute,
      settings: { ...definition.settings, defaultCompute: inputs.defaultCompute },
    };
  }
  const defaultCompute = requireComputes(definition);
  return {
    inputs,
    definition,
    experimentName,
    displayName,
    description,
    jobTags: { ...definition.tags, ...traceTags, ...extraTags },
    assetTags: { ...traceTags, ...extraTags },
    defaultCompute,
  };
}

/** The compute of steps that name none; throws for a step that would have none at all. */
export function requireComputes(definition: PipelineDefinition): string | undefined {
  const defaultCompute = definition.settings.defaultCompute ?? definition.compute;
  for (const step of Object.values(definition.steps)) {
    if (!step.compute && !defaultCompute) {
      throw new UserError(
        `Step '${step.name}' in ${definition.file} has no compute: set 'compute' on the step, 'settings.default_compute' in the YAML, or the task's 'defaultCompute' input.`,
      );
    }
  }
  return defaultCompute;
}

function overrideSource(raw: string, input: DataInput, where: string, dir: string, files: SourceFiles): DataSource {
  if (raw.startsWith('azureml:') && !raw.startsWith('azureml://')) {
    const ref = parseAssetReference(raw);
    if (!ref) throw new UserError(`${where} is '${raw}'; a data asset is written azureml:<name>:<version> or azureml:<name>@latest.`);
    return { kind: 'asset', ...ref, text: raw };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) return { kind: 'uri', uri: raw };
  const absolute = path.resolve(dir, raw);
  const kind = files.kind(absolute);
  if (!kind) throw new UserError(`${where} points at local path '${raw}', which does not exist: ${files.display(absolute)}`);
  if (input.type === 'uri_file' && kind !== 'file')
    throw new UserError(`${where} is a uri_file input but ${files.display(absolute)} is a folder.`);
  return { kind: 'local', absolute, display: files.display(absolute), isFolder: kind === 'dir' };
}

const isModelType = (type: string) => type === 'mlflow_model' || type === 'custom_model';

const list = (xs: string[]) => (xs.length ? xs.join(', ') : 'none');

interface Plan {
  components: Map<string, string>;
  environments: Map<string, string>;
  data: Map<string, string>;
  computes: string[];
}

/** All reads and checks: any error here leaves nothing created in Azure. */
async function planReads(ws: Workspace, prep: PreparedPublish, rt: PublishRuntime): Promise<Plan> {
  const def = prep.definition;
  const { abortSignal } = rt;
  const plan: Plan = { components: new Map(), environments: new Map(), data: new Map(), computes: [] };

  const named = new Set<string>();
  for (const s of Object.values(def.steps)) if (s.compute) named.add(s.compute);
  if (def.compute) named.add(def.compute);
  if (prep.defaultCompute) named.add(prep.defaultCompute);
  if (named.size) {
    plan.computes = await listComputeNames(ws, abortSignal);
    for (const c of named) {
      if (!plan.computes.some((x) => x.toLowerCase() === c.toLowerCase())) {
        const users = Object.values(def.steps)
          .filter((s) => s.compute === c)
          .map((s) => `step '${s.name}'`);
        const who = users.length ? users.join(', ') : prep.inputs.defaultCompute === c ? "the 'defaultCompute' input" : def.file;
        throw new UserError(`Compute '${c}' (${who}) does not exist in workspace '${ws.name}'; computes: ${list(plan.computes)}.`);
      }
    }
  }

  const resolveAsset = async (
    kind: 'components' | 'environments' | 'data' | 'models',
    ref: { name: string; version?: string; label?: 'latest'; text: string },
    who: string,
  ) => {
    const what = { components: 'Component', environments: 'Environment', data: 'Data asset', models: 'Model' }[kind];
    if (ref.label === 'latest') {
      const latest = await getLatestVersion(ws, kind, ref.name, abortSignal);
      if (!latest) throw new UserError(`${what} '${ref.name}' (${ref.text}, ${who}) has no versions in workspace '${ws.name}'.`);
      return latest;
    }
    const found = await getAssetVersion(ws, kind, ref.name, ref.version!, abortSignal);
    if (!found)
      throw new UserError(`${what} '${ref.name}' version '${ref.version}' (${ref.text}, ${who}) does not exist in workspace '${ws.name}'.`);
    return found;
  };

  const dataInputs: Array<[string, DataInput, string]> = [
    ...Object.entries(def.inputs)
      .filter((e): e is [string, DataInput] => e[1].kind === 'data')
      .map(([k, v]): [string, DataInput, string] => [`inputs.${k}`, v, `pipeline input '${k}'`]),
    ...Object.values(def.steps).flatMap((s) =>
      Object.entries(s.inputs)
        .filter((e): e is [string, DataInput] => e[1].kind === 'data')
        .map(([k, v]): [string, DataInput, string] => [`jobs.${s.name}.inputs.${k}`, v, `step '${s.name}' input '${k}'`]),
    ),
  ];
  for (const [key, input, who] of dataInputs) {
    // azureml:<name>:<version> names a model for model-typed inputs (azure-ai-ml resolves them as AzureMLResourceType.MODEL).
    if (input.source.kind === 'asset')
      plan.data.set(key, (await resolveAsset(isModelType(input.type) ? 'models' : 'data', input.source, who)).id);
  }
  for (const step of Object.values(def.steps)) {
    const c = step.component;
    if (c.kind === 'registered') {
      const found = await resolveAsset('components', c, `step '${step.name}'`);
      plan.components.set(step.name, found.id);
      checkRegisteredInterface(def, step, c.text, found.properties.componentSpec);
      checkRegisteredKind(def, step, c.text, found.properties.componentSpec);
    } else if (c.environment.kind === 'registered') {
      const env = c.environment;
      if (!plan.environments.has(env.text)) {
        const { id } = await resolveAsset('environments', env, `step '${step.name}'`);
        // A pinned version is sent as written (as az ml does); @latest is sent as the version it resolved to.
        plan.environments.set(env.text, env.label === 'latest' ? `azureml:${id}` : env.text);
      }
    }
  }
  // Datastores named by settings.default_datastore or an azureml://datastores/<name>/… input: otherwise only the service notices, after uploads.
  for (const [name, who] of datastoreReferences(def)) {
    if (!(await datastoreExists(ws, name, abortSignal)))
      throw new UserError(`Datastore '${name}' (${who}) does not exist in workspace '${ws.name}'.`);
  }
  return plan;
}

/** Every datastore the pipeline names, with the first place that names it. */
function datastoreReferences(def: PipelineDefinition): Map<string, string> {
  const out = new Map<string, string>();
  if (def.settings.defaultDatastore) out.set(def.settings.defaultDatastore, `settings.default_datastore in ${def.file}`);
  const add = (input: { kind: string; source?: DataSource }, who: string) => {
    const uri = input.kind === 'data' && input.source?.kind === 'uri' ? input.source.uri : undefined;
    const name = uri ? /^azureml:\/\/datastores\/([^/]+)\//i.exec(uri)?.[1] : undefined;
    if (name && !out.has(name)) out.set(name, who);
  };
  for (const [k, v] of Object.entries(def.inputs)) add(v, `pipeline input '${k}'`);
  for (const s of Object.values(def.steps)) for (const [k, v] of Object.entries(s.inputs)) add(v, `step '${s.name}' input '${k}'`);
  // Output paths name datastores too; the service would only refuse them after the uploads.
  const addOutput = (o: { kind: string; path?: string }, who: string) => {
    if (o.kind === 'declared' && o.path) add({ kind: 'data', source: { kind: 'uri', uri: o.path } }, who);
  };
  for (const [k, v] of Object.entries(def.outputs)) addOutput(v, `pipeline output '${k}'`);
  for (const s of Object.values(def.steps)) for (const [k, v] of Object.entries(s.outputs)) addOutput(v, `step '${s.name}' output '${k}'`);
  return out;
}

/**
 * A registered component's interface is known only once fetched: the step's inputs must be ones it
 * declares, and bindings to its outputs must name outputs it has (the YAML reader could not check these).
 */
function checkRegisteredInterface(def: PipelineDefinition, step: Step, text: string, componentSpec: unknown): void {
  const spec = (componentSpec ?? {}) as { inputs?: Record<string, unknown>; outputs?: Record<string, unknown> };
  const declaredInputs = Object.keys(spec.inputs ?? {});
  for (const key of Object.keys(step.inputs)) {
    if (!declaredInputs.includes(key)) {
      throw new UserError(
        `Step '${step.name}' in ${def.file} sets input '${key}', which component ${text} does not declare; its inputs: ${list(declaredInputs)}.`,
      );
    }
  }
  const outputs = Object.keys(spec.outputs ?? {});
  const scope = {
    file: def.file,
    pipelineInputs: Object.keys(def.inputs),
    pipelineOutputs: Object.keys(def.outputs),
    steps: new Map([[step.name, outputs]]),
  };
  for (const other of Object.values(def.steps)) {
    for (const [key, input] of Object.entries(other.inputs)) {
      if (input.kind === 'binding' && input.expression.includes(`parent.jobs.${step.name}.`))
        checkBindingTo(input.expression, `Step '${other.name}' input '${key}'`, scope);
    }
  }
  for (const key of Object.keys(step.outputs)) {
    if (!outputs.includes(key))
      throw new UserError(
        `Step '${step.name}' in ${def.file} sets output '${key}', which component ${text} does not declare; its outputs: ${list(outputs)}.`,
      );
  }
}

/**
 * A registered component's kind must match the step's, and a parallel step over one must still say
 * how to split its input: the node's mini_batch_size (or partition_keys), else the component's.
 */
function checkRegisteredKind(def: PipelineDefinition, step: Step, text: string, componentSpec: unknown): void {
  const spec = (componentSpec ?? {}) as { type?: unknown; mini_batch_size?: unknown; partition_keys?: unknown };
  const kind = typeof spec.type === 'string' ? spec.type : 'command';
  const expected = step.type === 'parallel' ? 'parallel' : 'command';
  // Only the parallel pairing is checked here: other kinds behave as before.
  if ((expected === 'parallel' || kind === 'parallel') && kind !== expected)
    throw new UserError(`Step '${step.name}' in ${def.file} is a ${step.type} step, but component ${text} is a '${kind}' component.`);
  if (step.type === 'parallel' && spec.mini_batch_size === undefined && spec.partition_keys === undefined) {
    requireMiniBatchSize(step.parallel ?? {}, `Step '${step.name}' in ${def.file} (component ${text})`);
  }
}

/** checkBinding limited to references to the steps in scope (the others were checked when the YAML was read). */
function checkBindingTo(expression: string, where: string, scope: BindingScope): void {
  const relevant = parseBindings(expression).filter((b) => b.kind === 'stepOutput' && scope.steps.has(b.step));
  for (const b of relevant) checkBinding(b.text, where, scope);
}

function needsDatastore(def: PipelineDefinition): boolean {
  const local = (i: { kind: string; source?: DataSource }) => i.kind === 'data' && i.source?.kind === 'local';
  return (
    Object.values(def.inputs).some(local) ||
    Object.values(def.steps).some(
      (s) =>
        Object.values(s.inputs).some(local) ||
        (s.component.kind === 'anonymous' &&
          (s.component.code || (s.component.environment.kind === 'inline' && s.component.environment.build))),
    )
  );
}

/** Reads, checks, then writes: uploads, code versions, environments, components, and the job or pipeline component. */
export async function publishPipeline(ws: Workspace, prep: PreparedPublish, rt: PublishRuntime): Promise<PublishReport> {
  const def = prep.definition;
  const { abortSignal } = rt;
  const plan = await planReads(ws, prep, rt);
  const store: DefaultDatastore | undefined = needsDatastore(def)
    ? await openDefaultDatastore(ws, rt.http, rt.mask, abortSignal)
    : undefined;

  // Hash every folder before the first write: a folder that cannot be read fails here, not half-way.
  const snapshots = new Map<string, FolderSnapshot>();
  const snap = (absolute: string, isFolder: boolean) => {
    let s = snapshots.get(absolute);
    if (!s) snapshots.set(absolute, (s = isFolder ? snapshotFolder(absolute) : snapshotFile(absolute)));
    return s;
  };
  for (const step of Object.values(def.steps))
    if (step.component.kind === 'anonymous' && step.component.code)
      snap(step.component.code.absolute, fs.statSync(step.component.code.absolute).isDirectory());

  // ---- writes from here on; each is content-addressed or idempotent, so a retry duplicates nothing.
  let uploadedBytes = 0;
  const uploads = new Map<string, Promise<{ blobPath: string; name: string; version: string; existing: boolean }>>();
  const upload = (absolute: string, isFolder: boolean) => {
    let u = uploads.get(absolute);
    if (!u) {
      u = uploadSnapshot(store!, snap(absolute, isFolder), { name: path.basename(absolute), log: rt.log, abortSignal }).then((r) => {
        uploadedBytes += r.uploadedBytes;
        return { blobPath: r.blobPath, name: r.name, version: r.version, existing: !!r.existing };
      });
      uploads.set(absolute, u);
    }
    return u;
  };

  const dataUris: Record<string, string> = {};
  const resolveData = async (key: string, input: DataInput) => {
    const s = input.source;
    if (s.kind === 'uri') dataUris[key] = s.uri;
    else if (s.kind === 'asset') dataUris[key] = plan.data.get(key)!;
    else {
      // azure-ai-ml ends an uploaded uri_folder with '/' (a folder URI); mltable and uri_file name the path itself.
      const slash = input.type === 'uri_folder' ? '/' : '';
      dataUris[key] = `azureml://datastores/${store!.name}/paths/${(await upload(s.absolute, s.isFolder)).blobPath}${slash}`;
    }
  };
  for (const [k, v] of Object.entries(def.inputs)) if (v.kind === 'data') await resolveData(`inputs.${k}`, v);
  for (const step of Object.values(def.steps))
    for (const [k, v] of Object.entries(step.inputs)) if (v.kind === 'data') await resolveData(`jobs.${step.name}.inputs.${k}`, v);

  const codeIds = new Map<string, string>();
  const codeId = async (absolute: string) => {
    const known = codeIds.get(absolute);
    if (known) return known;
    const snapshot = snap(absolute, fs.statSync(absolute).isDirectory());
    const up = await upload(absolute, fs.statSync(absolute).isDirectory());
    let id: string | undefined;
    if (up.existing) id = (await getAssetVersion(ws, 'codes', up.name, up.version, abortSignal))?.id;
    if (!id) {
      const codeUri = `${store!.serviceUrl}/${store!.containerName}/${up.blobPath}`;
      const body = anonymousCodeVersion(codeUri, snapshot, prep.assetTags);
      id = (await putAssetVersion(ws, 'codes', up.name, up.version, body, abortSignal)).id;
      rt.log(`Registered code ${path.basename(absolute)} as ${up.name}:${up.version}.`);
    } else {
      rt.log(`Code ${path.basename(absolute)} is unchanged: reusing ${up.name}:${up.version}, nothing uploaded.`);
    }
    codeIds.set(absolute, id);
    return id;
  };

  const inlineEnvironments = new Map<string, string>();
  const environmentOf = async (env: EnvironmentRef): Promise<string> => {
    if (env.kind === 'registry') return env.uri;
    if (env.kind === 'registered') return plan.environments.get(env.text)!;
    const properties: Record<string, unknown> = { isAnonymous: true, tags: prep.assetTags, osType: 'Linux' };
    // Named and versioned as azure-ai-ml does (its conda dump, its hash), so an environment az ml
    // registered is the one we find, and ours is the one az ml finds.
    let version: string;
    if (env.build) {
      const up = await upload(env.build.absolute, true);
      properties.build = {
        contextUri: `${store!.serviceUrl}/${store!.containerName}/${up.blobPath}/`,
        ...(env.build.dockerfile ? { dockerfilePath: env.build.dockerfile } : {}),
      };
      // LocalUpload/<object hash>/<folder>: the hash azure-ai-ml keeps as the environment's _upload_hash.
      version = anonymousEnvironmentVersion({ uploadHash: up.blobPath.split('/')[1]!, dockerfilePath: env.build.dockerfile });
    } else {
      properties.image = env.image;
      // An empty conda file (or {} / []) is no conda file to azure-ai-ml (`if self.conda_file:`): neither sent nor hashed.
      const condaText = env.condaFile
        ? translatedCondaFile(fs.readFileSync(env.condaFile.absolute, 'utf8'), env.condaFile.display)
        : undefined;
      if (condaText) properties.condaFile = condaText;
      version = anonymousEnvironmentVersion({ image: env.image!, condaText });
    }
    if (env.description) properties.description = env.description;
    let id = inlineEnvironments.get(version);
    if (!id) {
      id = (await putAssetVersion(ws, 'environments', ANONYMOUS_ENV_NAME, version, { properties }, abortSignal)).id;
      inlineEnvironments.set(version, id);
    }
    return `azureml:${id}`;
  };

  const componentIds: Record<string, string> = {};
  const parallelTasks: Record<string, { codeId?: string; environment: string }> = {};
  const seenSpecs = new Map<string, string>();
  for (const step of Object.values(def.steps) as Step[]) {
    const c = step.component;
    if (c.kind === 'registered') {
      componentIds[step.name] = plan.components.get(step.name)!;
      continue;
    }
    const refs = { codeId: c.code ? await codeId(c.code.absolute) : undefined, environment: await environmentOf(c.environment) };
    // A parallel node carries its component's task too, with the same resolved code and environment.
    if (c.parallel) parallelTasks[step.name] = refs;
    const spec = anonymousComponentSpec(c, refs);
    const version = anonymousVersion(spec);
    let id = seenSpecs.get(version);
    if (!id) {
      id = (
        await putAssetVersion(ws, 'components', 'azureml_anonymous', version, anonymousComponentBody(spec, prep.assetTags), abortSignal)
      ).id;
      seenSpecs.set(version, id);
    }
    componentIds[step.name] = id;
  }

  const resolved: Resolved = {
    workspaceId: ws.id,
    computeId: (name) => `${ws.id}/computes/${name}`,
    componentIds,
    dataUris,
    parallelTasks,
  };
  const report: PublishReport = { uploadedBytes: 0, message: '' };
  const parts: string[] = [];

  // Submit before publishing: in 'both' mode a rejected job then leaves no pipeline component version that a retry would duplicate.
  if (prep.inputs.mode !== 'publish') {
    const jobName = jobNameFor(rt.variables('Build.BuildId'));
    const body = pipelineJobBody(def, resolved, {
      displayName: prep.displayName,
      experimentName: prep.experimentName,
      description: prep.description,
      tags: prep.jobTags,
      defaultCompute: prep.defaultCompute,
    });
    const job = await putJob(ws, jobName, body, abortSignal);
    report.jobName = job.name ?? jobName;
    report.studioUrl = job.properties?.services?.Studio?.endpoint ?? undefined;
    parts.push(`submitted pipeline job ${report.jobName} to experiment ${prep.experimentName}`);
    if (report.studioUrl) rt.log(`Azure ML studio: ${report.studioUrl}`);
  }
  if (prep.inputs.mode !== 'submit') {
    const name = prep.inputs.componentName ?? defaultComponentName(def.name ?? prep.experimentName);
    const created = await publishComponent(
      ws,
      name,
      (version) =>
        pipelineComponentBody(def, resolved, {
          name,
          version,
          displayName: def.displayName ?? def.name,
          description: prep.description,
          tags: prep.assetTags,
        }),
      abortSignal,
    );
    report.pipelineComponentId = created.id;
    parts.push(`published pipeline component ${name}:${created.version}`);
    rt.log(`Published pipeline component ${name} version ${created.version}: ${created.id}`);
  }
  report.uploadedBytes = uploadedBytes;
  report.message = `${parts.join('; ')} (${Object.keys(def.steps).length} steps, ${uploadedBytes} bytes uploaded).`;
  report.message = report.message[0].toUpperCase() + report.message.slice(1);
  return report;
}

/**
 * A new version numbered as azure-ai-ml numbers it: the container's nextVersion, taken again when a
 * concurrent publish took that number first (the service answers 409 for an existing version).
 */
async function publishComponent(
  ws: Workspace,
  name: string,
  body: (version: string) => { properties: Record<string, unknown> },
  abortSignal: AbortSignal,
) {
  for (let attempt = 1; ; attempt++) {
    const version = await nextComponentVersion(ws, name, abortSignal);
    try {
      return await putAssetVersion(ws, 'components', name, version, body(version), abortSignal);
    } catch (error) {
      if (!isConflict(error) || attempt >= MAX_VERSION_ATTEMPTS) throw error;
    }
  }
}
const MAX_VERSION_ATTEMPTS = 3;

/**
 * PUT jobs/{name} through the client's own pipeline (auth, proxy, retries) but not its serializer:
 * @azure/arm-machinelearning 2.1.1 registers data inputs and outputs under `AssetJobInput.<type>` /
 * `AssetJobOutput.<type>` while `JobInput`/`JobOutput` look up `JobInput.<type>`, so `jobs.createOrUpdate`
 * silently drops every data input's `uri` and `mode` and every output's `mode`.
 */
async function putJob(ws: Workspace, name: string, body: unknown, abortSignal: AbortSignal) {
  const url = `${ws.armUrl}${ws.id}/jobs/${encodeURIComponent(name)}?api-version=${ws.client.apiVersion}`;
  const res = await sendJson<{ name?: string; properties?: { services?: Record<string, { endpoint?: string | null }> } }>(ws, url, {
    method: 'PUT',
    body,
    abortSignal,
  });
  if (res.status >= 400) throw restError(res.status, res.body);
  return res.body ?? {};
}

/** The shape SDK errors have, so describeError prints the service's code, message and request id. */
function restError(status: number, body: unknown): Error {
  const e = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  return Object.assign(new Error(e?.message ?? `HTTP ${status}`), { name: 'RestError', statusCode: status, code: e?.code });
}

/** Job names are unique per workspace; the build id makes them findable, the random part makes retries distinct. */
function jobNameFor(buildId: string | undefined): string {
  const id = (buildId ?? '').replace(/[^A-Za-z0-9]/g, '');
  return `azdo_${id ? `${id}_` : ''}${randomBytes(5).toString('hex')}`;
}
