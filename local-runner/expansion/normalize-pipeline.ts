/**
 * The expanded YAML tree (no `${{ }}` left) → the compiled model, with the service's defaults made
 * explicit: implicit `__default` stage and `Job` job, stage dependsOn = previous stage, condition
 * `succeeded()`. Constructs the local runner cannot run faithfully are refused by name.
 */
import type { DeploymentJob, Job, Pipeline, PipelineResource, RegularJob, RepositoryResource, Stage } from '../pipeline-model';
import { describeValue } from './template-parameters';
import { isMapping } from './yaml-file';
import { normalizeSteps } from './normalize-steps';
import {
  bool,
  checkKeys,
  condition,
  dependsOn,
  identifier,
  optionalNumber,
  optionalText,
  Place,
  placeOf,
  refuse,
  refuseUnsupported,
  text,
  variables,
} from './normalize-values';

const NOT_LOCAL = 'run this pipeline on Azure DevOps, or remove it for local runs';

export function normalizePipeline(root: Record<string, unknown>, file: string, parameters: Record<string, unknown>): Pipeline {
  const place: Place = { file, path: '' };
  checkKeys(
    root,
    place,
    'pipeline',
    [
      'name',
      'trigger',
      'pr',
      'schedules',
      'resources',
      'variables',
      'stages',
      'jobs',
      'steps',
      'pool',
      'workspace',
      'appendCommitMessageToRunName',
    ],
    {
      lockBehavior: NOT_LOCAL,
      container: 'run the steps on the local machine (remove container:)',
      services: NOT_LOCAL,
      strategy: NOT_LOCAL,
    },
  );
  const resources = normalizeResources(root.resources, place);
  const aliases = resources.repositories.map((r) => r.alias);
  const bodies = ['stages', 'jobs', 'steps'].filter((k) => root[k] !== undefined);
  if (bodies.length > 1)
    refuse(place, `a pipeline has one of stages:, jobs: or steps:, this one has ${bodies.join(' and ')}. Fix: keep one`);
  if (bodies.length === 0) refuse(place, 'the pipeline has no stages:, jobs: or steps:. Fix: add the work to run');

  let stages: Stage[];
  if (root.stages !== undefined) stages = normalizeStages(root.stages, place, aliases);
  else {
    const jobs = root.jobs !== undefined ? normalizeJobs(root.jobs, place, aliases) : [implicitJob(root, place, aliases)];
    stages = [{ name: '__default', displayName: '__default', dependsOn: [], condition: 'succeeded()', variables: [], jobs }];
  }
  const pipeline: Pipeline = {
    variables: variables(root.variables, placeOf(root.variables, place, '')),
    stages,
    resources,
    schedules:
      root.schedules === undefined || root.schedules === null
        ? []
        : Array.isArray(root.schedules)
          ? root.schedules
          : refuse(place, `schedules: must be a sequence, got ${describeValue(root.schedules)}`),
    parameters,
  };
  const name = optionalText(root.name, place, 'name');
  if (name !== undefined) pipeline.name = name;
  return pipeline;
}

function implicitJob(root: Record<string, unknown>, place: Place, aliases: string[]): RegularJob {
  const job: RegularJob = {
    kind: 'job',
    name: 'Job',
    displayName: 'Job',
    dependsOn: [],
    condition: 'succeeded()',
    variables: [],
    continueOnError: false,
    steps: normalizeSteps(root.steps, placeOf(root.steps, place, "job 'Job'"), aliases),
  };
  if (root.pool !== undefined) job.pool = root.pool;
  return job;
}

function sequence(value: unknown, place: Place, key: string): unknown[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) return refuse(place, `${key}: must be a sequence, got ${describeValue(value)}`);
  return value;
}

function checkUnique(names: string[], place: Place, what: string): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n.toLowerCase())) refuse(place, `${what} '${n}' is defined twice. Fix: give each ${what} its own name`);
    seen.add(n.toLowerCase());
  }
}

function normalizeStages(value: unknown, parent: Place, aliases: string[]): Stage[] {
  const stages = sequence(value, parent, 'stages').map((raw, i, all): Stage => {
    const place = placeOf(raw, parent, `stage ${i + 1}`);
    if (!isMapping(raw) || !('stage' in raw)) return refuse(place, `expected '- stage: <name>', got ${describeValue(raw)}`);
    const name = raw.stage === null || raw.stage === '' ? (i === 0 ? 'Stage' : `Stage${i + 1}`) : identifier(raw.stage, place, 'stage');
    const here = placeOf(raw, parent, `stage '${name}'`);
    checkKeys(
      raw,
      here,
      'stage',
      ['stage', 'displayName', 'dependsOn', 'condition', 'variables', 'jobs', 'pool', 'templateContext', 'isSkippable'],
      {
        lockBehavior: NOT_LOCAL,
        trigger: 'remove it for local runs (stages run in order; a manual stage trigger needs the service)',
      },
    );
    const previous = i > 0 && isMapping(all[i - 1]) ? (all[i - 1] as Record<string, unknown>).stage : undefined;
    const prevName =
      i === 0
        ? undefined
        : previous === null || previous === '' || previous === undefined
          ? i - 1 === 0
            ? 'Stage'
            : `Stage${i}`
          : String(previous);
    return {
      name,
      displayName: optionalText(raw.displayName, here, 'displayName') ?? name,
      // the service's default: each stage depends on the one before it
      dependsOn: dependsOn(raw.dependsOn, here) ?? (prevName ? [prevName] : []),
      condition: condition(raw.condition, here),
      variables: variables(raw.variables, here),
      jobs: normalizeJobs(raw.jobs, here, aliases),
    };
  });
  checkUnique(
    stages.map((s) => s.name),
    parent,
    'stage',
  );
  checkDependencies(stages, parent, 'stage');
  return stages;
}

function checkDependencies(items: Array<{ name: string; dependsOn: string[] }>, place: Place, what: string): void {
  const names = new Set(items.map((i) => i.name.toLowerCase()));
  for (const item of items) {
    for (const d of item.dependsOn) {
      if (!names.has(d.toLowerCase()))
        refuse(
          place,
          `${what} '${item.name}' depends on '${d}', which is not a ${what} here. Fix: use one of ${items.map((i) => i.name).join(', ')}`,
        );
    }
  }
}

const JOB_COMMON = [
  'displayName',
  'dependsOn',
  'condition',
  'continueOnError',
  'timeoutInMinutes',
  'cancelTimeoutInMinutes',
  'variables',
  'pool',
  'workspace',
  'templateContext',
  'uses',
];
const JOB_UNSUPPORTED = {
  container: 'run the steps on the local machine (remove container:)',
  services: NOT_LOCAL,
};

function normalizeJobs(value: unknown, parent: Place, aliases: string[]): Job[] {
  const jobs = sequence(value, parent, 'jobs').map((raw, i): Job => {
    const place = placeOf(raw, parent, `job ${i + 1}`);
    if (!isMapping(raw) || !('job' in raw || 'deployment' in raw))
      return refuse(place, `expected '- job: <name>' or '- deployment: <name>', got ${describeValue(raw)}`);
    const key = 'job' in raw ? 'job' : 'deployment';
    const name = raw[key] === null || raw[key] === '' ? (i === 0 ? 'Job' : `Job${i + 1}`) : identifier(raw[key], place, key);
    const here = placeOf(raw, parent, `${key} '${name}'`);
    const base = {
      name,
      displayName: optionalText(raw.displayName, here, 'displayName') ?? name,
      dependsOn: dependsOn(raw.dependsOn, here) ?? [],
      condition: condition(raw.condition, here),
      variables: variables(raw.variables, here),
      continueOnError: bool(raw.continueOnError, here, 'continueOnError', false),
    };
    const timeout = optionalNumber(raw.timeoutInMinutes, here, 'timeoutInMinutes');
    optionalNumber(raw.cancelTimeoutInMinutes, here, 'cancelTimeoutInMinutes');
    let job: Job;
    if (key === 'job') {
      if (raw.strategy !== undefined) {
        const kind = isMapping(raw.strategy) ? Object.keys(raw.strategy).join('/') : String(raw.strategy);
        refuseUnsupported(
          here,
          `'strategy: ${kind}' on a job`,
          'run one configuration locally (remove strategy: and set its variables directly)',
        );
      }
      checkKeys(raw, here, 'job', ['job', 'steps', ...JOB_COMMON], JOB_UNSUPPORTED);
      job = { kind: 'job', ...base, steps: normalizeSteps(raw.steps, here, aliases) };
    } else {
      checkKeys(raw, here, 'deployment job', ['deployment', 'environment', 'strategy', ...JOB_COMMON], JOB_UNSUPPORTED);
      job = { kind: 'deployment', ...base, environment: environment(raw.environment, here), hooks: hooks(raw.strategy, here, aliases) };
    }
    if (timeout !== undefined) job.timeoutInMinutes = timeout;
    if (raw.pool !== undefined) job.pool = raw.pool;
    return job;
  });
  checkUnique(
    jobs.map((j) => j.name),
    parent,
    'job',
  );
  checkDependencies(jobs, parent, 'job');
  return jobs;
}

function environment(value: unknown, place: Place): string {
  if (value === undefined || value === null || value === '')
    return refuse(place, 'a deployment job needs environment:. Fix: add environment: <name>');
  if (isMapping(value)) {
    checkKeys(value, place, 'environment', ['name'], {
      resourceName: 'target the environment by name only',
      resourceType: 'target the environment by name only',
      tags: 'target the environment by name only',
    });
    return text(value.name, place, 'environment.name');
  }
  return text(value, place, 'environment');
}

function hooks(value: unknown, place: Place, aliases: string[]): DeploymentJob['hooks'] {
  if (!isMapping(value)) return refuse(place, `a deployment job needs strategy: runOnce: deploy: steps:, got ${describeValue(value)}`);
  for (const strategy of ['rolling', 'canary']) {
    if (strategy in value) refuseUnsupported(place, `the '${strategy}' deployment strategy`, 'use strategy: runOnce for local runs');
  }
  checkKeys(value, place, 'deployment strategy', ['runOnce']);
  const runOnce = value.runOnce;
  const where = { ...place, path: `${place.path}, strategy.runOnce` };
  if (!isMapping(runOnce)) return refuse(where, `runOnce: must be a mapping with deploy: steps:, got ${describeValue(runOnce)}`);
  checkKeys(runOnce, where, 'runOnce strategy', ['preDeploy', 'deploy', 'routeTraffic', 'postRouteTraffic', 'on']);
  const hook = (raw: unknown, name: string): ReturnType<typeof normalizeSteps> | undefined => {
    if (raw === undefined) return undefined;
    const at = { ...where, path: `${where.path}.${name}` };
    if (!isMapping(raw)) return refuse(at, `expected a mapping with steps:, got ${describeValue(raw)}`);
    checkKeys(raw, at, `${name} hook`, ['steps', 'pool']);
    return normalizeSteps(raw.steps, at, aliases);
  };
  const deploy = hook(runOnce.deploy, 'deploy');
  if (!deploy) return refuse(where, 'runOnce needs a deploy: hook with steps:');
  const result: DeploymentJob['hooks'] = { deploy };
  const preDeploy = hook(runOnce.preDeploy, 'preDeploy');
  const routeTraffic = hook(runOnce.routeTraffic, 'routeTraffic');
  const postRouteTraffic = hook(runOnce.postRouteTraffic, 'postRouteTraffic');
  if (preDeploy) result.preDeploy = preDeploy;
  if (routeTraffic) result.routeTraffic = routeTraffic;
  if (postRouteTraffic) result.postRouteTraffic = postRouteTraffic;
  if (runOnce.on !== undefined) {
    if (!isMapping(runOnce.on))
      return refuse(where, `on: must be a mapping with failure: and/or success:, got ${describeValue(runOnce.on)}`);
    checkKeys(runOnce.on, where, 'on: hook', ['failure', 'success']);
    const onFailure = hook(runOnce.on.failure, 'on.failure');
    const onSuccess = hook(runOnce.on.success, 'on.success');
    if (onFailure) result.onFailure = onFailure;
    if (onSuccess) result.onSuccess = onSuccess;
  }
  return result;
}

function normalizeResources(value: unknown, parent: Place): Pipeline['resources'] {
  const result: Pipeline['resources'] = { pipelines: [], repositories: [] };
  if (value === undefined || value === null) return result;
  const place = { ...parent, path: 'resources' };
  if (!isMapping(value)) return refuse(place, `expected a mapping with pipelines: and/or repositories:, got ${describeValue(value)}`);
  const other = 'run this pipeline on Azure DevOps (the local runner knows pipeline and repository resources)';
  checkKeys(value, place, 'resources', ['pipelines', 'repositories'], {
    containers: other,
    builds: other,
    packages: other,
    webhooks: other,
  });
  result.pipelines = sequence(value.pipelines, place, 'pipelines').map((raw, i) =>
    pipelineResource(raw, placeOf(raw, place, `pipelines[${i}]`)),
  );
  result.repositories = sequence(value.repositories, place, 'repositories').map((raw, i) =>
    repositoryResource(raw, placeOf(raw, place, `repositories[${i}]`)),
  );
  return result;
}

function pipelineResource(raw: unknown, place: Place): PipelineResource {
  if (!isMapping(raw)) return refuse(place, `expected '- pipeline: <alias>' with source:, got ${describeValue(raw)}`);
  const alias = identifier(raw.pipeline, place, 'pipeline');
  const here = { ...place, path: `resources.pipelines '${alias}'` };
  checkKeys(raw, here, 'pipeline resource', ['pipeline', 'source', 'project', 'version', 'branch', 'tags', 'trigger']);
  const resource: PipelineResource = {
    alias,
    source: text(raw.source, here, 'source'),
    tags: stringList(raw.tags, here, 'tags'),
    ...trigger(raw.trigger, here),
  };
  if (resource.source === '') refuse(here, 'source: (the source pipeline name) is required');
  for (const key of ['project', 'version', 'branch'] as const) {
    const value = optionalText(raw[key], here, key);
    if (value !== undefined) resource[key] = value;
  }
  return resource;
}

/** A sequence of non-empty strings (the schema's sequenceOfNonEmptyString). */
function stringList(value: unknown, place: Place, key: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return refuse(place, `${key}: must be a list of strings, got ${describeValue(value)}`);
  return value.map((t, i) => {
    const item = text(t, place, `${key}[${i}]`);
    if (item === '') refuse(place, `${key}[${i}] is empty`);
    return item;
  });
}

/**
 * The schema's pipelineResourceTrigger: `none` | `true` | { enabled, branches, stages, tags }.
 * No `trigger:` at all means runs of the source do not trigger this pipeline.
 */
function trigger(value: unknown, place: Place): Pick<PipelineResource, 'triggerEnabled' | 'triggerTags' | 'triggerBranches'> {
  if (value === undefined || value === null || value === 'none') return { triggerEnabled: false, triggerTags: [] };
  if (value === true || value === 'true') return { triggerEnabled: true, triggerTags: [] };
  if (!isMapping(value))
    return refuse(place, `trigger: must be none, true, or a mapping with enabled:, branches: and tags:, got ${describeValue(value)}`);
  checkKeys(value, place, 'pipeline resource trigger', ['enabled', 'branches', 'tags'], {
    stages: 'remove trigger.stages (the local runner uses a completed run of the source pipeline)',
  });
  if (isMapping(value.tags)) {
    refuse(
      place,
      `trigger.tags of a pipeline resource is a list of tags that must all be on the run, not { include: [...] } (that form is for repository triggers). Fix: write tags: [${(Array.isArray(value.tags.include) ? value.tags.include : []).map(String).join(', ')}]`,
    );
  }
  const result: ReturnType<typeof trigger> = {
    triggerEnabled: bool(value.enabled, place, 'trigger.enabled', true),
    triggerTags: stringList(value.tags, place, 'trigger.tags'),
  };
  const branches = value.branches;
  if (branches !== undefined && branches !== null) {
    if (Array.isArray(branches)) result.triggerBranches = { include: stringList(branches, place, 'trigger.branches'), exclude: [] };
    else if (isMapping(branches)) {
      checkKeys(branches, place, 'trigger.branches', ['include', 'exclude']);
      result.triggerBranches = {
        include: stringList(branches.include, place, 'trigger.branches.include'),
        exclude: stringList(branches.exclude, place, 'trigger.branches.exclude'),
      };
    } else
      refuse(place, `trigger.branches must be a list of branches or { include: [...], exclude: [...] }, got ${describeValue(branches)}`);
  }
  return result;
}

function repositoryResource(raw: unknown, place: Place): RepositoryResource {
  if (!isMapping(raw)) return refuse(place, `expected '- repository: <alias>' with type: and name:, got ${describeValue(raw)}`);
  const alias = identifier(raw.repository, place, 'repository');
  const here = { ...place, path: `resources.repositories '${alias}'` };
  checkKeys(raw, here, 'repository resource', ['repository', 'type', 'name', 'ref', 'endpoint', 'trigger']);
  const resource: RepositoryResource = { alias, type: optionalText(raw.type, here, 'type') ?? 'git', name: text(raw.name, here, 'name') };
  if (resource.name === '') refuse(here, 'name: (the repository name) is required');
  const ref = optionalText(raw.ref, here, 'ref');
  if (ref !== undefined) resource.ref = ref;
  return resource;
}
