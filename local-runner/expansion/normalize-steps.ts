/** Steps → the model: script/bash, task, publish, download, checkout; every other step type is refused. */
import type { Step, StepBody } from '../pipeline-model';
import { describeValue } from './template-parameters';
import { isMapping } from './yaml-file';
import {
  bool,
  checkKeys,
  condition,
  identifier,
  optionalNumber,
  optionalText,
  Place,
  placeOf,
  refuse,
  refuseUnsupported,
  stringMap,
  text,
} from './normalize-values';

const COMMON_KEYS = ['displayName', 'name', 'condition', 'continueOnError', 'enabled', 'env', 'timeoutInMinutes'];
const COMMON_UNSUPPORTED: Record<string, string> = {
  retryCountOnTaskFailure: 'remove it for local runs (a failed step fails the job)',
  target: 'remove it (steps run on the local machine, not in a container or on the host explicitly)',
};

const UNSUPPORTED_STEPS: Record<string, string> = {
  powershell: 'use script: or bash: (the local runner runs steps with bash)',
  pwsh: 'use script: or bash: (the local runner runs steps with bash)',
  downloadBuild: 'use download: with a pipeline resource',
  getPackage: 'fetch the package in a script step',
  reviewApp: 'run this pipeline on Azure DevOps',
  restoreCache: 'run this pipeline on Azure DevOps',
  saveCache: 'run this pipeline on Azure DevOps',
};

export function normalizeSteps(value: unknown, parent: Place, repositories: string[]): Step[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return refuse(parent, `steps: must be a sequence of steps, got ${describeValue(value)}`);
  return value.map((raw, i) => normalizeStep(raw, placeOf(raw, parent, `step ${i + 1}`), repositories));
}

function normalizeStep(raw: unknown, place: Place, repositories: string[]): Step {
  if (!isMapping(raw)) return refuse(place, `a step must be a mapping such as 'script: …' or 'task: …', got ${describeValue(raw)}`);
  for (const [key, fix] of Object.entries(UNSUPPORTED_STEPS)) {
    if (key in raw) refuseUnsupported(place, `a '${key}:' step`, fix);
  }
  let body: StepBody;
  let defaultName: string;
  let extraKeys: string[];
  if ('script' in raw || 'bash' in raw) {
    const keyword = 'script' in raw ? 'script' : 'bash';
    extraKeys = [keyword, 'workingDirectory', 'failOnStderr', ...(keyword === 'bash' ? ['noProfile', 'noRc'] : [])];
    body = { kind: 'script', keyword, script: text(raw[keyword], place, keyword) };
    const workingDirectory = optionalText(raw.workingDirectory, place, 'workingDirectory');
    if (workingDirectory !== undefined) body.workingDirectory = workingDirectory;
    if (raw.failOnStderr !== undefined) body.failOnStderr = bool(raw.failOnStderr, place, 'failOnStderr', false);
    defaultName = keyword === 'script' ? 'CmdLine' : 'Bash';
  } else if ('task' in raw) {
    extraKeys = ['task', 'inputs'];
    const task = text(raw.task, place, 'task');
    if (!/^[A-Za-z0-9_.-]+@\d+$/.test(task)) refuse(place, `task: '${task}' must be Name@Major, e.g. AzureMLWaitForRun@1`);
    // inputs are strings for the task: YAML true → 'true', 3 → '3'
    body = { kind: 'task', task, inputs: stringMap(raw.inputs, place, 'inputs') };
    defaultName = task.split('@')[0];
  } else if ('publish' in raw) {
    extraKeys = ['publish', 'artifact'];
    body = {
      kind: 'publish',
      path: text(raw.publish, place, 'publish'),
      artifact: optionalText(raw.artifact, place, 'artifact') ?? 'drop',
    };
    defaultName = 'PublishPipelineArtifact';
  } else if ('download' in raw) {
    extraKeys = ['download', 'artifact', 'patterns', 'path'];
    const step: StepBody = { kind: 'download', source: text(raw.download, place, 'download') };
    const artifact = optionalText(raw.artifact, place, 'artifact');
    const patterns = optionalText(raw.patterns, place, 'patterns');
    const path = optionalText(raw.path, place, 'path');
    if (artifact !== undefined) step.artifact = artifact;
    if (patterns !== undefined) step.patterns = patterns;
    if (path !== undefined) step.path = path;
    body = step;
    defaultName = 'DownloadPipelineArtifact';
  } else if ('checkout' in raw) {
    // the repository folder is used in place, so fetch options do not change anything locally
    extraKeys = ['checkout', 'clean', 'fetchDepth', 'fetchTags', 'lfs', 'submodules', 'persistCredentials'];
    const repository = text(raw.checkout, place, 'checkout');
    if (repository !== 'self' && repository !== 'none' && !repositories.includes(repository)) {
      refuse(
        place,
        `checkout: '${repository}' is not a repository alias (known: self, none${repositories.map((r) => `, ${r}`).join('')}). Fix: declare it under resources.repositories`,
      );
    }
    if ('path' in raw) refuseUnsupported(place, "'path:' on a checkout step", 'remove it (the repository folder is used in place)');
    body = { kind: 'checkout', repository };
    defaultName = `Checkout ${repository}`;
  } else if ('template' in raw) {
    return refuse(
      place,
      `template: '${String(raw.template)}' was not expanded here. Fix: template includes work as items of steps:, jobs:, stages: and variables:`,
    );
  } else {
    return refuse(
      place,
      `unknown step type (keys: ${Object.keys(raw).join(', ')}). Fix: use script:, bash:, task:, publish:, download: or checkout:`,
    );
  }
  checkKeys(
    raw,
    place,
    `${body.kind === 'script' ? (body as { keyword: string }).keyword : body.kind} step`,
    [...extraKeys, ...COMMON_KEYS],
    COMMON_UNSUPPORTED,
  );
  const step: Step = {
    ...body,
    displayName: optionalText(raw.displayName, place, 'displayName') ?? defaultName,
    condition: condition(raw.condition, place),
    env: stringMap(raw.env, place, 'env'),
    continueOnError: bool(raw.continueOnError, place, 'continueOnError', false),
    enabled: bool(raw.enabled, place, 'enabled', true),
  };
  if (raw.name !== undefined && raw.name !== null) step.name = identifier(raw.name, place, 'name');
  const timeout = optionalNumber(raw.timeoutInMinutes, place, 'timeoutInMinutes');
  if (timeout !== undefined) step.timeoutInMinutes = timeout;
  return step;
}
