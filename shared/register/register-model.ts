import type { ModelVersion } from '@azure/arm-machinelearning';
import type { Workspace } from '../azureml/workspace';
import type { JobSnapshot } from '../azureml/jobs';
import { listStepNames, readJobMetrics, requireCompletedJob } from '../azureml/job-metrics';
import { noMetricsFix } from '../compare/verdict';
import { containerNextVersion, getModelVersion, listModelVersions, putModelVersion } from '../azureml/models';
import { describeError } from '../task/describe-error';
import { UserError } from '../task/user-error';
import type { TraceabilityContext } from '../task/traceability';
import type { RegisterInputs } from './register-inputs';
import { IMPLICIT_OUTPUTS, SOURCE_KEY_PROPERTY, SOURCE_PROPERTY, sourceKey } from './model-source';
import {
  ensureProfileAsset,
  profileAssetName,
  trainingDataProperties,
  uploadProfile,
  DATA_PROFILE_PROPERTY,
  TrainingDataRecord,
} from './model-profile';
import type { HttpClientOptions } from '../http/agent-http-options';
import {
  buildModelJson,
  CompareHandoff,
  compareHandoffFor,
  compareMetricsFor,
  explicitVersionPlan,
  ModelJson,
  modelTags,
  nextVersion,
  sameUri,
} from './model-record';

export interface RegisterRuntime {
  traceability: TraceabilityContext;
  compare: CompareHandoff;
  log(line: string): void;
  warn(line: string): void;
  abortSignal?: AbortSignal;
  /** The training data and its profile from the validation step (shared/register/model-profile.ts), read before anything is written. */
  trainingData?: TrainingDataRecord;
  /** How storage is reached and secrets masked: needed to upload a profile. */
  http?: (url: string) => HttpClientOptions;
  mask?: (secret: string) => void;
}

export interface RegisterReport {
  modelJson: ModelJson;
  reused: boolean;
  message: string;
  /** The version's properties as registered (or found). */
  properties?: Record<string, string>;
}

/** A concurrent run may take the version we picked; try the next one a few times before giving up. */
const MAX_AUTO_ATTEMPTS = 3;

/**
 * Registers the model version, or finds the one a previous run registered from the same source and
 * reuses it, so a re-run of a failed stage never creates a second version.
 */
export async function registerModel(ws: Workspace, inputs: RegisterInputs, rt: RegisterRuntime): Promise<RegisterReport> {
  if (rt.trainingData?.profile && profileAssetName(inputs.modelName).length > 255) {
    throw new UserError(
      `'modelName' is ${inputs.modelName.length} characters long: the data asset that holds its data profile (<model>-profile) would pass Azure ML's 255; use a shorter model name.`,
    );
  }
  const run: Registration = { ws, inputs, key: sourceKey(inputs.source.uri), metrics: {}, rt };
  const report = await registerVersion(run);
  await attachTrainingData(run, report);
  return report;
}

/**
 * After the version exists: its training data's profile as the data asset its properties name
 * (created, or repaired on a re-run whose first attempt stopped between the two writes). A reused
 * version registered without a profile keeps none: properties cannot change once a version exists.
 */
async function attachTrainingData(run: Registration, report: RegisterReport): Promise<void> {
  const record = run.rt.trainingData;
  if (!record?.profile) return;
  const { name, version } = report.modelJson;
  const named = report.properties?.[DATA_PROFILE_PROPERTY];
  if (!named) {
    run.rt.log(
      `Model ${name} version ${version} was registered without a data profile, and a version's properties cannot change: this run's profile of ${record.trainingData ?? 'the training data'} is not attached (register a new version to attach one).`,
    );
    return;
  }
  await ensureProfileAsset(run.ws, { name, version }, () => profileUri(run), record, run.rt.traceability, run.rt);
}

/** The profile's upload, once per run however many versions are tried (content-addressed: a re-run uploads nothing). */
function profileUri(run: Registration): Promise<string> {
  const { rt } = run;
  if (!run.profileUpload) {
    if (!rt.http || !rt.mask || !rt.trainingData?.profilePath)
      throw new Error("registerModel: uploading a data profile needs the runtime's http and mask");
    run.profileUpload = uploadProfile(run.ws, rt.trainingData.profilePath, {
      http: rt.http,
      mask: rt.mask,
      log: rt.log,
      abortSignal: rt.abortSignal,
    });
  }
  return run.profileUpload;
}

async function registerVersion(run: Registration): Promise<RegisterReport> {
  const { ws, inputs, rt } = run;
  const { abortSignal } = rt;
  if (inputs.jobName) {
    const job = await requireCompletedJob(ws, inputs.jobName, 'a model is registered', abortSignal);
    if (inputs.outputName) requireOutput(job, inputs.outputName);
  }
  const compare = compareHandoffFor(inputs.jobName, rt.compare);
  if (!compare && rt.compare.promote) {
    rt.log(
      `The comparison earlier in this job was for Azure ML job '${rt.compare.jobName ?? 'unknown'}', not for ${inputs.jobName ? `job '${inputs.jobName}'` : inputs.source.uri}; its verdict and metrics are not recorded on this model.`,
    );
  }
  run.metrics = await candidateMetrics(ws, inputs, compare, rt);
  run.compare = compare;
  if (compare?.promote === 'false') {
    rt.warn(
      `The comparison earlier in this job said not to promote (${compare.reason ?? 'no reason given'}); registering anyway because this step ran.`,
    );
  }

  const previous = await findRegistered(ws, inputs.modelName, run.key, inputs.source.uri, abortSignal);
  if (previous && (!inputs.version || inputs.version === previous.name)) return reuse(run, previous);

  if (inputs.version) {
    const existing = await getModelVersion(ws, inputs.modelName, inputs.version, abortSignal);
    const wanted = { uri: inputs.source.uri, modelType: inputs.modelType };
    const plan = explicitVersionPlan(
      inputs.modelName,
      inputs.version,
      existing && { version: inputs.version, modelUri: existing.properties.modelUri, modelType: existing.properties.modelType },
      wanted,
    );
    if (plan === 'reuse') return reuse(run, existing!);
    return create(run, inputs.version);
  }
  return createNextVersion(run);
}

/** Everything one registration carries from step to step. */
interface Registration {
  ws: Workspace;
  inputs: RegisterInputs;
  key: string;
  metrics: Record<string, number>;
  /** The compare step's handoff, only when it compared this same job. */
  compare?: CompareHandoff;
  rt: RegisterRuntime;
  /** The data profile's upload, started at most once. */
  profileUpload?: Promise<string>;
}

/**
 * The next automatic version. The container's nextVersion can lag, and the spec documents no status
 * for "this version exists", so a version is read before it is written (a PUT to an existing version
 * would update its tags, or fail) and, after a failed PUT, read again to tell a lost race from an error.
 * Each retry takes the highest of the container's nextVersion, the listed versions + 1 and the taken one + 1.
 */
async function createNextVersion(run: Registration): Promise<RegisterReport> {
  const { ws, inputs, rt } = run;
  const { abortSignal } = rt;
  let taken = 0;
  let version = '';
  for (let attempt = 1; attempt <= MAX_AUTO_ATTEMPTS; attempt++) {
    version = await pickNextVersion(ws, inputs.modelName, { list: attempt > 1, after: taken }, abortSignal);
    const existing = await getModelVersion(ws, inputs.modelName, version, abortSignal);
    if (!existing) {
      try {
        return await create(run, version);
      } catch (error) {
        // A failed read here must not hide why the PUT failed.
        const now = await getModelVersion(ws, inputs.modelName, version, abortSignal).catch(() => undefined);
        if (!now) throw error;
        if (sameUri(now.properties.modelUri, inputs.source.uri)) return reuse(run, now);
        rt.log(
          `Version ${version} of ${inputs.modelName} was taken by another registration meanwhile (${describeError(error)}); trying the next one.`,
        );
      }
    } else {
      // Same source: a concurrent run of this same registration got there first.
      if (sameUri(existing.properties.modelUri, inputs.source.uri)) return reuse(run, existing);
      rt.log(
        `Version ${version} of ${inputs.modelName} already exists (from ${existing.properties.modelUri ?? 'another source'}), although the model reported it as the next one; trying the next one.`,
      );
    }
    taken = Math.max(taken, /^\d+$/.test(version) ? Number(version) : 0);
  }
  throw new UserError(
    `No free version of model ${inputs.modelName} after ${MAX_AUTO_ATTEMPTS} attempts (last tried ${version}): other registrations keep taking them; re-run the step, or set 'version' explicitly.`,
  );
}

function requireOutput(job: JobSnapshot, outputName: string): void {
  if (IMPLICIT_OUTPUTS.includes(outputName)) return;
  const outputs = [...(job.outputNames ?? [])];
  const jobName = job.name;
  if (!outputs.includes(outputName)) {
    const has = outputs.length > 0 ? `its outputs are ${outputs.sort().join(', ')}` : 'it declares no outputs';
    throw new UserError(
      `'outputName' is '${outputName}', but Azure ML job '${jobName}' has no output of that name; ${has} (and every job has ${IMPLICIT_OUTPUTS.join(' and ')}).`,
    );
  }
}

/**
 * Metrics for the metric.* tags: the compare step's (same job) when it ran, else the job's (or a
 * step's) MLflow run. None at all is worth a warning: a later compare against this version would
 * find nothing to compare, and a pipeline's own run (read without metricsStepName) rarely logs any.
 */
async function candidateMetrics(
  ws: Workspace,
  inputs: RegisterInputs,
  compare: CompareHandoff | undefined,
  rt: RegisterRuntime,
): Promise<Record<string, number>> {
  if (!inputs.jobName) return {};
  const fromCompare = inputs.metricsStepName ? undefined : compareMetricsFor(inputs.jobName, compare ?? {});
  const metrics = fromCompare ?? (await readJobMetrics(ws, inputs.jobName, inputs.metricsStepName, rt.abortSignal)).metrics;
  if (Object.keys(metrics).length === 0) {
    const steps = inputs.metricsStepName ? undefined : await listStepNames(ws, inputs.jobName, rt.abortSignal);
    const run = inputs.metricsStepName
      ? `Step '${inputs.metricsStepName}' of Azure ML job '${inputs.jobName}'`
      : `Azure ML job '${inputs.jobName}'`;
    rt.warn(
      `${run} logged no MLflow metrics, so the model gets no metric.* tags and a later AzureMLCompareModels@1 against it finds none; ${noMetricsFix(steps, 'metricsStepName')}`,
    );
  }
  return metrics;
}

/**
 * A version this task registered from the same source earlier: found by its immutable source-key
 * property, then checked. Archived versions count too (the list shows active ones only by default):
 * a re-run must not register a second version because someone archived the first.
 */
async function findRegistered(
  ws: Workspace,
  name: string,
  key: string,
  uri: string,
  abortSignal?: AbortSignal,
): Promise<ModelVersion | undefined> {
  const candidates = await listModelVersions(
    ws,
    name,
    { properties: `${SOURCE_KEY_PROPERTY}=${key}`, listViewType: 'All' },
    abortSignal,
    20,
  );
  return candidates.find((v) => sameUri(v.properties.modelUri, uri));
}

/**
 * The container's nextVersion; with `list` (a retry), or when the container reports none (older
 * api-versions), also every version including archived ones, whose numbers are taken too.
 */
async function pickNextVersion(
  ws: Workspace,
  name: string,
  options: { list: boolean; after: number },
  abortSignal?: AbortSignal,
): Promise<string> {
  const container = await containerNextVersion(ws, name, abortSignal);
  if (!container.exists && options.after === 0) return '1';
  const reported = container.nextVersion && /^\d+$/.test(container.nextVersion) ? container.nextVersion : undefined;
  if (reported && !options.list) return nextVersion([], reported, options.after);
  const versions = container.exists ? await listModelVersions(ws, name, { listViewType: 'All' }, abortSignal) : [];
  return nextVersion(
    versions.map((v) => v.name ?? ''),
    reported,
    options.after,
  );
}

async function create(run: Registration, version: string): Promise<RegisterReport> {
  const { ws, inputs, key, metrics, rt } = run;
  // The profile's file goes first: a failed upload leaves no version behind that names a profile it lacks.
  if (rt.trainingData?.profile) await profileUri(run);
  const properties = {
    [SOURCE_PROPERTY]: inputs.source.uri,
    [SOURCE_KEY_PROPERTY]: key,
    ...trainingDataProperties(rt.trainingData, inputs.modelName, version),
  };
  const body: ModelVersion = {
    properties: {
      modelType: inputs.modelType,
      modelUri: inputs.source.uri,
      ...(inputs.jobName ? { jobName: inputs.jobName } : {}),
      description: inputs.description,
      tags: modelTags({ traceability: rt.traceability, metrics, compare: run.compare, userTags: inputs.tags }),
      // Properties are immutable once the version exists: the idempotency key cannot be edited away.
      properties,
      isAnonymous: false,
      isArchived: false,
    },
  };
  const created = await putModelVersion(ws, inputs.modelName, version, body, rt.abortSignal);
  const modelJson = json(ws, inputs, created, version, metrics, rt, false);
  return {
    modelJson,
    reused: false,
    properties: (created.properties.properties as Record<string, string> | undefined) ?? properties,
    message: `Registered model ${modelJson.name} version ${modelJson.version} from ${inputs.source.uri}.`,
  };
}

function reuse(run: Registration, existing: ModelVersion): RegisterReport {
  const { ws, inputs, metrics, rt } = run;
  const version = existing.name ?? inputs.version ?? '';
  if (existing.properties.isArchived) {
    rt.warn(
      `Model ${inputs.modelName} version ${version} is archived; it is reused rather than registered again. Restore it in Azure ML studio if it should be listed and deployed.`,
    );
  }
  const by = existing.properties.tags?.['azdo.buildId'];
  const modelJson = json(ws, inputs, existing, version, metrics, rt, true);
  return {
    modelJson,
    reused: true,
    properties: (existing.properties.properties as Record<string, string> | undefined) ?? {},
    message: `Model ${inputs.modelName} version ${version} was already registered from ${inputs.source.uri}${by ? ` (by build ${by})` : ''}; reusing it instead of creating another version.`,
  };
}

function json(
  ws: Workspace,
  inputs: RegisterInputs,
  v: ModelVersion,
  version: string,
  metrics: Record<string, number>,
  rt: RegisterRuntime,
  reused: boolean,
): ModelJson {
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
