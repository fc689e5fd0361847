/**
 * The contract between template expansion (`expand-pipeline.ts`: YAML + parameters → this model,
 * with every `${{ }}` resolved) and execution (`run-pipeline.ts`: runs it). Runtime expressions
 * (`$[ ]`, conditions) and `$(macros)` are still text here: they are evaluated while running.
 *
 * The shape is the one Azure DevOps compiles a YAML pipeline into: always stages → jobs → steps
 * (a pipeline with only `jobs:` or `steps:` gets one implicit stage named `__default`, and
 * `steps:` one implicit job named `Job`), with the defaults the service applies made explicit.
 */

export type VariableEntry = { name: string; value: string; readonly?: boolean };

/** `script` and `bash` are both run with bash (Linux agent semantics). */
export interface ScriptStep {
  kind: 'script';
  script: string;
  /** the original key: `script` or `bash` */
  keyword: 'script' | 'bash';
  workingDirectory?: string;
  failOnStderr?: boolean;
}

export interface TaskStep {
  kind: 'task';
  /** `Name@Major` as written, e.g. `AzureMLPublishPipeline@1`, `PublishPipelineArtifact@1` */
  task: string;
  inputs: Record<string, string>;
}

/** `publish:` shortcut (= PublishPipelineArtifact@1). */
interface PublishStep {
  kind: 'publish';
  path: string;
  artifact: string;
}

/** `download:` shortcut (= DownloadPipelineArtifact@2): `current`, a pipeline resource alias, or `none`. */
interface DownloadStep {
  kind: 'download';
  source: string;
  artifact?: string;
  patterns?: string;
  /** `path:` where the files go, as written (default: the agent's `$(Pipeline.Workspace)/<source>/<artifact>`) */
  path?: string;
}

/** `checkout: self` (the repository folder is used in place) or `checkout: none`. */
interface CheckoutStep {
  kind: 'checkout';
  repository: string;
}

export type StepBody = ScriptStep | TaskStep | PublishStep | DownloadStep | CheckoutStep;

export type Step = StepBody & {
  /** `name:`; the step's output variables are `<name>.<var>` */
  name?: string;
  displayName: string;
  /** runtime condition text; default `succeeded()` */
  condition: string;
  env: Record<string, string>;
  continueOnError: boolean;
  enabled: boolean;
  timeoutInMinutes?: number;
};

interface JobBase {
  /** the job's identifier (`job:` or `deployment:` value) */
  name: string;
  displayName: string;
  dependsOn: string[];
  condition: string;
  variables: VariableEntry[];
  continueOnError: boolean;
  timeoutInMinutes?: number;
  /** pool as written (not used locally, shown in the log) */
  pool?: unknown;
}

export interface RegularJob extends JobBase {
  kind: 'job';
  steps: Step[];
}

/** A deployment job with the `runOnce` strategy (the only one the local runner supports). */
export interface DeploymentJob extends JobBase {
  kind: 'deployment';
  /** environment name (`environment:` string or `environment.name`) */
  environment: string;
  /** lifecycle hooks in the order the agent runs them; each absent hook is omitted */
  hooks: {
    preDeploy?: Step[];
    deploy: Step[];
    routeTraffic?: Step[];
    postRouteTraffic?: Step[];
    onFailure?: Step[];
    onSuccess?: Step[];
  };
}

export type Job = RegularJob | DeploymentJob;

export interface Stage {
  name: string;
  displayName: string;
  /** explicit, or the previous stage (the service's default); [] for the first */
  dependsOn: string[];
  condition: string;
  variables: VariableEntry[];
  jobs: Job[];
}

/**
 * `resources.pipelines[]` (service schema `pipelineResource`). Locally the run given for the alias
 * stands for both the run that triggered this pipeline and the run a manual or scheduled run picks.
 */
export interface PipelineResource {
  /** the alias (`pipeline:`) */
  alias: string;
  /** the source pipeline's name (`source:`) */
  source: string;
  /** `project:` (recorded; locally the given run is used) */
  project?: string;
  /** `version:` run number to pick (recorded; locally the given run is used) */
  version?: string;
  /** resource-level `branch:`: the branch a manual/scheduled run picks the run from (`main` = `refs/heads/main`) */
  branch?: string;
  /** resource-level `tags:`: tags the picked run must have (all of them) */
  tags: string[];
  /** false for `trigger: none`, `trigger.enabled: false` or no `trigger:` (runs of the source never trigger this pipeline) */
  triggerEnabled: boolean;
  /** `trigger.tags` (all must be on the run); empty = any run */
  triggerTags: string[];
  /** `trigger.branches` as include/exclude (a bare list is the include list); absent = any branch */
  triggerBranches?: { include: string[]; exclude: string[] };
}

export interface RepositoryResource {
  alias: string;
  type: string;
  name: string;
  ref?: string;
}

export interface Pipeline {
  /** `name:` (run number format) if given */
  name?: string;
  variables: VariableEntry[];
  stages: Stage[];
  resources: { pipelines: PipelineResource[]; repositories: RepositoryResource[] };
  /** `schedules:` as written (shown, not run) */
  schedules: unknown[];
  /** the final parameter values after defaults and type checks */
  parameters: Record<string, unknown>;
}
