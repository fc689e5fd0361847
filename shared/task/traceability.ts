/**
 * Where a run came from: build, repository, commit, pipeline and a link back to the run. Every Azure
 * ML object our tasks create carries these as tags (documented in README "Traceability tags"), so a
 * model in the registry leads back to the exact build and commit that produced it.
 */
export interface TraceabilityContext {
  collectionUri?: string;
  project?: string;
  buildId?: string;
  buildNumber?: string;
  buildUri?: string;
  definitionName?: string;
  definitionId?: string;
  repository?: string;
  repositoryUri?: string;
  branch?: string;
  commit?: string;
  releaseId?: string;
  releaseName?: string;
  releaseUrl?: string;
  /** A browser link to the pipeline run (build results page or release page). */
  runUrl?: string;
}

export type VariableReader = (name: string) => string | undefined;

export function readTraceability(getVariable: VariableReader): TraceabilityContext {
  const v = (name: string) => {
    const value = getVariable(name)?.trim();
    return value ? value : undefined;
  };
  const collectionUri = v('System.CollectionUri') ?? v('System.TeamFoundationCollectionUri');
  const project = v('System.TeamProject');
  const buildId = v('Build.BuildId');
  const releaseUrl = v('Release.ReleaseWebUrl');
  const buildUrl =
    collectionUri && project && buildId
      ? `${collectionUri.replace(/\/?$/, '/')}${encodeURIComponent(project)}/_build/results?buildId=${encodeURIComponent(buildId)}`
      : undefined;
  return {
    collectionUri,
    project,
    buildId,
    buildNumber: v('Build.BuildNumber'),
    buildUri: v('Build.BuildUri'),
    definitionName: v('Build.DefinitionName') ?? v('Release.DefinitionName'),
    definitionId: v('System.DefinitionId'),
    repository: v('Build.Repository.Name'),
    repositoryUri: v('Build.Repository.Uri'),
    branch: v('Build.SourceBranch'),
    commit: v('Build.SourceVersion'),
    releaseId: v('Release.ReleaseId'),
    releaseName: v('Release.ReleaseName'),
    releaseUrl,
    runUrl: releaseUrl ?? buildUrl,
  };
}

/** Tag keys, in the order README documents them. Stable: changing one breaks users' queries. */
const TRACEABILITY_TAGS: ReadonlyArray<[keyof TraceabilityContext, string]> = [
  ['buildId', 'azdo.buildId'],
  ['buildNumber', 'azdo.buildNumber'],
  ['buildUri', 'azdo.buildUri'],
  ['runUrl', 'azdo.runUrl'],
  ['project', 'azdo.project'],
  ['definitionName', 'azdo.pipeline'],
  ['definitionId', 'azdo.pipelineId'],
  ['repository', 'azdo.repository'],
  ['repositoryUri', 'azdo.repositoryUri'],
  ['branch', 'azdo.branch'],
  ['commit', 'azdo.commit'],
  ['releaseId', 'azdo.releaseId'],
  ['releaseName', 'azdo.releaseName'],
];

/** The tag set: only the values known in this run (a manual run has no repository, a build no release). */
export function traceabilityTags(ctx: TraceabilityContext): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [field, tag] of TRACEABILITY_TAGS) {
    const value = ctx[field];
    if (value) tags[tag] = value;
  }
  return tags;
}
