import { UserError } from '../task/user-error';
import { traceabilityTags, TraceabilityContext } from '../task/traceability';
import { METRIC_TAG_PREFIX } from '../compare/production';
import { takesBuildCommands } from '../task/job-kind';
import { HANDOFF_VARIABLES } from '../task/handoff-variables';

/**
 * Pure pieces of a registration: the tags a version carries, which version to write, and the
 * model.json a release pipeline reads to deploy exactly that version.
 */

export interface CompareHandoff {
  jobName?: string;
  promote?: string;
  reason?: string;
  forced?: string;
  productionModel?: string;
  candidateMetrics?: string;
}

/** Azure ML keeps tag values as strings; long reasons are cut so a tag never fails the registration. */
const MAX_TAG_VALUE = 1000;
const clip = (v: string) => (v.length > MAX_TAG_VALUE ? `${v.slice(0, MAX_TAG_VALUE - 1)}…` : v);

export function modelTags(options: {
  traceability: TraceabilityContext;
  metrics: Record<string, number>;
  compare?: CompareHandoff;
  userTags: Record<string, string>;
}): Record<string, string> {
  const tags: Record<string, string> = { ...options.userTags, ...traceabilityTags(options.traceability) };
  for (const [name, value] of Object.entries(options.metrics)) {
    if (Number.isFinite(value)) tags[`${METRIC_TAG_PREFIX}${name}`] = String(value);
  }
  const c = options.compare;
  if (c?.promote) {
    tags['compare.promote'] = c.promote;
    if (c.reason) tags['compare.reason'] = clip(c.reason);
    if (c.productionModel) tags['compare.productionModel'] = c.productionModel;
    // The audit trail of an overridden gate: who forced it is in azdo.*, why is here.
    if (c.forced) tags['compare.forced'] = clip(c.forced);
  }
  return tags;
}

/**
 * The compare step's handoff when it compared the job this step registers from; else undefined. A
 * verdict on job A must never be stamped on a model from job B (or from a datastore URI).
 */
export function compareHandoffFor(jobName: string | undefined, compare: CompareHandoff): CompareHandoff | undefined {
  if (!jobName || !compare.jobName || compare.jobName.toLowerCase() !== jobName.toLowerCase()) return undefined;
  return compare;
}

/** The candidate metrics the compare step read, when it compared this same job; else undefined. */
export function compareMetricsFor(jobName: string | undefined, compare: CompareHandoff): Record<string, number> | undefined {
  if (!jobName || compare.jobName !== jobName || !compare.candidateMetrics) return undefined;
  try {
    const parsed = JSON.parse(compare.candidateMetrics) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    const metrics: Record<string, number> = {};
    for (const [k, v] of Object.entries(parsed)) if (typeof v === 'number') metrics[k] = v;
    return metrics;
  } catch {
    return undefined;
  }
}

/**
 * The next automatic version: the highest of the container's `nextVersion`, the highest listed
 * whole-number version + 1 (non-numeric versions do not count), and `after` + 1 (a version found
 * taken). Trust whichever is higher: a container's nextVersion can lag a version created a moment ago.
 */
export function nextVersion(existing: readonly string[], containerNext?: string, after = 0): string {
  const numeric = existing.filter((v) => /^\d+$/.test(v)).map(Number);
  const fromList = numeric.length > 0 ? Math.max(...numeric) + 1 : 1;
  const fromContainer = containerNext && /^\d+$/.test(containerNext) ? Number(containerNext) : 0;
  return String(Math.max(fromList, fromContainer, after + 1));
}

/**
 * Where model.json and the build tag can go. The agent refuses artifact.upload outside the Build host
 * type (UploadArtifactCommandNotSupported) and build tags need a build; YAML pipelines, deployment
 * jobs included, are Build. Without System.HostType (a local run, never an agent) behave as a build.
 */
export function buildPublishing(hostType: string | undefined): { publish: boolean; why?: string } {
  const type = (hostType ?? '').trim();
  if (takesBuildCommands(type)) return { publish: true };
  return {
    publish: false,
    why:
      `Not uploading model.json or adding the build tag: this runs with System.HostType '${type}', and the agent takes artifact uploads and build tags only in build ` +
      `(YAML) pipelines. Later steps get the version from the 'modelVersion' output and the ${HANDOFF_VARIABLES.modelVersion} variable.`,
  };
}

interface ExistingVersion {
  version: string;
  modelUri?: string;
  modelType?: string;
}

/**
 * What to do with an explicit version: create it, reuse it (same source and type: a re-run), or
 * refuse (the version exists with other content — overwriting a registered model is never right).
 */
export function explicitVersionPlan(
  modelName: string,
  version: string,
  existing: ExistingVersion | undefined,
  wanted: { uri: string; modelType: string },
): 'create' | 'reuse' {
  if (!existing) return 'create';
  if (sameUri(existing.modelUri, wanted.uri) && (existing.modelType ?? '').toLowerCase() === wanted.modelType.toLowerCase()) return 'reuse';
  throw new UserError(
    `'version' is '${version}', but model ${modelName} version ${version} already exists with other content ` +
      `(${existing.modelUri ?? 'unknown source'}, ${existing.modelType ?? 'unknown type'}) than this registration (${wanted.uri}, ${wanted.modelType}); ` +
      "choose another version or set 'version' to auto.",
  );
}

export function sameUri(a: string | undefined, b: string | undefined): boolean {
  const norm = (u: string | undefined) => (u ?? '').trim().replace(/\/+$/, '').toLowerCase();
  return norm(a) === norm(b);
}

export interface ModelJson {
  name: string;
  version: string;
  /** `azureml:<name>:<version>`: what a deployment YAML or AzureMLDeployModel@1 takes. */
  id: string;
  /** The version's ARM resource id. */
  assetId: string;
  modelType: string;
  modelUri: string;
  jobName: string | null;
  buildId: string | null;
  buildNumber: string | null;
  runUrl: string | null;
  commit: string | null;
  metrics: Record<string, number>;
  /** true when this run found the version already registered from the same source and reused it. */
  reused: boolean;
}

export function buildModelJson(m: {
  name: string;
  version: string;
  assetId: string;
  modelType: string;
  modelUri: string;
  jobName?: string;
  traceability: TraceabilityContext;
  metrics: Record<string, number>;
  reused: boolean;
}): ModelJson {
  return {
    name: m.name,
    version: m.version,
    id: `azureml:${m.name}:${m.version}`,
    assetId: m.assetId,
    modelType: m.modelType,
    modelUri: m.modelUri,
    jobName: m.jobName ?? null,
    buildId: m.traceability.buildId ?? null,
    buildNumber: m.traceability.buildNumber ?? null,
    runUrl: m.traceability.runUrl ?? null,
    commit: m.traceability.commit ?? null,
    metrics: m.metrics,
    reused: m.reused,
  };
}
