import type { ModelVersion } from '@azure/arm-machinelearning';
import type { Workspace } from '../azureml/workspace';
import type { JobSnapshot } from '../azureml/jobs';
import { readJobMetrics, requireCompletedJob } from '../azureml/job-metrics';
import { containerNextVersion, getModelVersion, listModelVersions, putModelVersion } from '../azureml/models';
import { describeError } from '../task/describe-error';
import { UserError } from '../task/user-error';
import type { TraceabilityContext } from '../task/traceability';
import type { RegisterInputs } from './register-inputs';
import { IMPLICIT_OUTPUTS, SOURCE_KEY_PROPERTY, SOURCE_PROPERTY, sourceKey } from './model-source';
import { buildModelJson, CompareHandoff, compareMetricsFor, explicitVersionPlan, ModelJson, modelTags, nextVersion, sameUri } from './model-record';

export interface RegisterRuntime {
  traceability: TraceabilityContext;
  compare: CompareHandoff;
  log(line: string): void;
  warn(line: string): void;
  abortSignal?: AbortSignal;
}

export interface RegisterReport {
  modelJson: ModelJson;
  reused: boolean;
  message: string;
}

/** A concurrent run may take the version we picked; try the next one a few times before giving up. */
const MAX_AUTO_ATTEMPTS = 3;

/**
 * Registers the model version, or finds the one a previous run registered from the same source and
 * reuses it, so a re-run of a failed stage never creates a second version.
 */
export async function registerModel(ws: Workspace, inputs: RegisterInputs, rt: RegisterRuntime): Promise<RegisterReport> {
  const signal = rt.abortSignal;
  if (inputs.jobName) {
    const job = await requireCompletedJob(ws, inputs.jobName, 'a model is registered', signal);
    if (inputs.outputName) requireOutput(job, inputs.outputName);
  }
  const metrics = await candidateMetrics(ws, inputs, rt);
  if (rt.compare.promote === 'false') {
    rt.warn(`The comparison earlier in this job said not to promote (${rt.compare.reason ?? 'no reason given'}); registering anyway because this step ran.`);
  }

  const key = sourceKey(inputs.source.uri);
  const wanted = { uri: inputs.source.uri, modelType: inputs.modelType };
  const previous = await findRegistered(ws, inputs.modelName, key, inputs.source.uri, signal);
  if (previous && (!inputs.version || inputs.version === previous.name)) return reuse(ws, inputs, previous, metrics, rt);

  if (inputs.version) {
    const existing = await getModelVersion(ws, inputs.modelName, inputs.version, signal);
    const plan = explicitVersionPlan(inputs.modelName, inputs.version, existing && { version: inputs.version, modelUri: existing.properties.modelUri, modelType: existing.properties.modelType }, wanted);
    if (plan === 'reuse') return reuse(ws, inputs, existing!, metrics, rt);
    return create(ws, inputs, inputs.version, key, metrics, rt);
  }

  for (let attempt = 1; ; attempt++) {
    const version = await pickNextVersion(ws, inputs.modelName, signal);
    try {
      return await create(ws, inputs, version, key, metrics, rt);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 409 || attempt >= MAX_AUTO_ATTEMPTS) throw error;
      rt.log(`Version ${version} of ${inputs.modelName} was taken meanwhile (${describeError(error)}); trying the next one.`);
    }
  }
}

function requireOutput(job: JobSnapshot, outputName: string): void {
  if (IMPLICIT_OUTPUTS.includes(outputName)) return;
  const outputs = [...(job.outputNames ?? [])];
  const jobName = job.name;
  if (!outputs.includes(outputName)) {
    const has = outputs.length > 0 ? `its outputs are ${outputs.sort().join(', ')}` : 'it declares no outputs';
    throw new UserError(`'outputName' is '${outputName}', but Azure ML job '${jobName}' has no output of that name; ${has} (and every job has ${IMPLICIT_OUTPUTS.join(' and ')}).`);
  }
}

/** Metrics for the metric.* tags: the compare step's (same job) when it ran, else the job's (or a step's) MLflow run. */
async function candidateMetrics(ws: Workspace, inputs: RegisterInputs, rt: RegisterRuntime): Promise<Record<string, number>> {
  const fromCompare = inputs.metricsStepName ? undefined : compareMetricsFor(inputs.jobName, rt.compare);
  if (fromCompare) return fromCompare;
  if (!inputs.jobName) return {};
  const read = await readJobMetrics(ws, inputs.jobName, inputs.metricsStepName, rt.abortSignal);
  return read.metrics;
}

/** A version this task registered from the same source earlier: found by its immutable source-key property, then checked. */
async function findRegistered(ws: Workspace, name: string, key: string, uri: string, signal?: AbortSignal): Promise<ModelVersion | undefined> {
  const candidates = await listModelVersions(ws, name, { properties: `${SOURCE_KEY_PROPERTY}=${key}` }, signal, 20);
  return candidates.find((v) => sameUri(v.properties.modelUri, uri));
}

async function pickNextVersion(ws: Workspace, name: string, signal?: AbortSignal): Promise<string> {
  const container = await containerNextVersion(ws, name, signal);
  if (!container.exists) return '1';
  if (container.nextVersion && /^\d+$/.test(container.nextVersion)) return container.nextVersion;
  // Older api-versions leave nextVersion empty: count ourselves.
  const versions = await listModelVersions(ws, name, {}, signal);
  return nextVersion(versions.map((v) => v.name ?? ''));
}

async function create(ws: Workspace, inputs: RegisterInputs, version: string, key: string, metrics: Record<string, number>, rt: RegisterRuntime): Promise<RegisterReport> {
  const body: ModelVersion = {
    properties: {
      modelType: inputs.modelType,
      modelUri: inputs.source.uri,
      ...(inputs.jobName ? { jobName: inputs.jobName } : {}),
      description: inputs.description,
      tags: modelTags({ traceability: rt.traceability, metrics, compare: rt.compare, userTags: inputs.tags }),
      // Properties are immutable once the version exists: the idempotency key cannot be edited away.
      properties: { [SOURCE_PROPERTY]: inputs.source.uri, [SOURCE_KEY_PROPERTY]: key },
      isAnonymous: false,
      isArchived: false,
    },
  };
  const created = await putModelVersion(ws, inputs.modelName, version, body, rt.abortSignal);
  const modelJson = json(ws, inputs, created, version, metrics, rt, false);
  return { modelJson, reused: false, message: `Registered model ${modelJson.name} version ${modelJson.version} from ${inputs.source.uri}.` };
}

function reuse(ws: Workspace, inputs: RegisterInputs, existing: ModelVersion, metrics: Record<string, number>, rt: RegisterRuntime): RegisterReport {
  const version = existing.name ?? inputs.version ?? '';
  const by = existing.properties.tags?.['azdo.buildId'];
  const modelJson = json(ws, inputs, existing, version, metrics, rt, true);
  return {
    modelJson,
    reused: true,
    message: `Model ${inputs.modelName} version ${version} was already registered from ${inputs.source.uri}${by ? ` (by build ${by})` : ''}; reusing it instead of creating another version.`,
  };
}

function json(ws: Workspace, inputs: RegisterInputs, v: ModelVersion, version: string, metrics: Record<string, number>, rt: RegisterRuntime, reused: boolean): ModelJson {
  return buildModelJson({
    name: inputs.modelName,
    version,
    assetId: v.id ?? `${ws.id}/models/${inputs.modelName}/versions/${version}`,
    modelType: v.properties.modelType ?? inputs.modelType,
    modelUri: v.properties.modelUri ?? inputs.source.uri,
    jobName: v.properties.jobName ?? inputs.jobName,
    traceability: rt.traceability,
    metrics,
    reused,
  });
}
