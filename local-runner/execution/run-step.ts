/**
 * Runs one step as the agent does: macros expanded in its inputs, script, env, workingDirectory;
 * our tasks as `node <bundle>` with the agent's environment; `script`/`bash` with bash; the
 * built-in artifact tasks in-process; the output read line by line, logging commands processed as
 * they arrive (so a secret registered on one line is masked on the next) and other lines echoed
 * through the secret masker.
 */
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { buildTaskEnv, runProcess, type AgentDirs } from './agent-process';
import { artifactUploadRefusal, filePathRoot, prepareTaskInputs } from './agent-inputs';
import { ArtifactStore, copyInto, splitPatterns } from './artifacts';
import { describePlace, LocalRunError, type Place } from './errors';
import type { Step, TaskStep } from '../pipeline-model';
import { notSetMessage } from '../evaluation/references';
import type { PipelineRunResult, RunResult } from './run-types';
import { SecretMasker } from './secret-masker';
import { describeInputs, findTask, resolveTaskInputs, type TaskDefinition } from './task-catalog';
import { expandMacros, type VariableStore } from '../evaluation/variables';
import { extractCommands, parseVsoLine, vsoBool, type VsoCommand } from './vso';

export interface ServiceConnection {
  id: string;
  env: Record<string, string>;
  secrets?: string[];
}

/** What a step sees of its job and run. */
export interface JobRuntime {
  place: { stage: string; job: string };
  vars: VariableStore;
  masker: SecretMasker;
  /** writes one line through the masker */
  log: (line: string) => void;
  dirs: AgentDirs & { sourcesDir: string; pipelineWorkspace: string };
  catalog: TaskDefinition[];
  serviceConnections: Record<string, ServiceConnection>;
  artifacts: ArtifactStore;
  resources: Record<string, PipelineRunResult>;
  buildTags: string[];
  /** `task.prependpath` folders, newest first, for later steps of the job */
  prependPath: string[];
  /** step name (lower-case) → variable → value: output variables set so far in this job */
  stepOutputs: Map<string, Record<string, string>>;
  /** step name (lower-case) → result, for the steps of this job that finished */
  stepResults: Map<string, RunResult | 'Skipped'>;
  /** step name (lower-case) → where that step is, for every named step of the pipeline */
  stepOwners: Map<string, Array<{ stage: string; job: string }>>;
  /** called when a step sets an output variable */
  onOutput: (step: string, variable: string, value: string) => void;
  abortSignal: AbortSignal;
  /** the waits of the cancellation escalation (default the agent's 7.5 s + 2.5 s) */
  escalationMs?: { sigintToSigterm?: number; sigtermToKill?: number };
}

interface StepOutcome {
  result: RunResult;
  message?: string;
}

const BUILTIN_TASKS = ['PublishPipelineArtifact@1', 'DownloadPipelineArtifact@2'];

export function stepLabel(step: Step): string {
  return step.name ?? step.displayName;
}

/**
 * `$(a.b)` where `a` is a named step: an output variable reference. Unknown ones are refused
 * here, with what would have to set them; any other unknown macro stays as written (the agent's way).
 */
export function macroChecker(rt: JobRuntime, place: Place, what: string): (name: string) => void {
  return (name: string) => {
    const dot = name.indexOf('.');
    if (dot <= 0) return;
    const stepName = name.slice(0, dot);
    const variable = name.slice(dot + 1);
    const owners = rt.stepOwners.get(stepName.toLowerCase());
    if (!owners) return;
    const where = `${describePlace(place)}, ${what}`;
    const here = owners.find((o) => o.stage === rt.place.stage && o.job === rt.place.job);
    if (!here) {
      const o = owners[0]!;
      throw new LocalRunError(
        `${where}: $(${name}) reads output variable '${variable}' of step '${stepName}', which is in job '${o.job}' of stage '${o.stage}'; ` +
          `$(step.var) only sees steps of the same job. Map it into a variable of job '${rt.place.job}': ` +
          (o.stage === rt.place.stage
            ? `$[ dependencies.${o.job}.outputs['${stepName}.${variable}'] ]`
            : `$[ stageDependencies.${o.stage}.${o.job}.outputs['${stepName}.${variable}'] ]`) +
          ` (and list it in dependsOn).`,
      );
    }
    const result = rt.stepResults.get(stepName.toLowerCase());
    if (result === undefined) {
      throw new LocalRunError(
        `${where}: $(${name}) reads output variable '${variable}' of step '${stepName}', which has not run yet at this point: move step '${stepName}' before this one.`,
      );
    }
    // a step that failed or was skipped may legitimately not have set it: left as written, like the agent
    if (result !== 'Succeeded' && result !== 'SucceededWithIssues') return;
    const set = Object.keys(rt.stepOutputs.get(stepName.toLowerCase()) ?? {});
    throw new LocalRunError(notSetMessage(where, `$(${name})`, { job: rt.place.job, step: stepName, variable, set }));
  };
}

function expand(rt: JobRuntime, place: Place, what: string, text: string): string {
  return expandMacros(text, rt.vars, macroChecker(rt, place, what));
}

/** Merges results the agent's way: worst wins. */
function merge(a: RunResult, b: RunResult): RunResult {
  const rank: Record<RunResult, number> = { Succeeded: 0, SucceededWithIssues: 1, Failed: 2, Canceled: 3 };
  return rank[b] > rank[a] ? b : a;
}

/** Applies one logging command; returns a task.complete result if it was one. */
function applyCommand(rt: JobRuntime, step: Step, cmd: VsoCommand, cwd: string): RunResult | undefined {
  const p = cmd.properties;
  switch (cmd.name) {
    case 'task.setvariable': {
      const name = p['variable'];
      if (!name) return undefined;
      const secret = vsoBool(p['issecret']);
      if (secret) rt.masker.add(cmd.data);
      if (vsoBool(p['isoutput'])) {
        if (!step.name) {
          rt.log(
            `##[warning]output variable '${name}' set by a step without a name: give the step a name: to read it as $(<name>.${name})`,
          );
          return undefined;
        }
        rt.vars.set(`${step.name}.${name}`, cmd.data, { secret });
        const outs = rt.stepOutputs.get(step.name.toLowerCase()) ?? {};
        outs[name] = cmd.data;
        rt.stepOutputs.set(step.name.toLowerCase(), outs);
        rt.onOutput(step.name, name, cmd.data);
      } else {
        const existing = rt.vars.get(name);
        if (existing?.readonly) {
          rt.log(`##[warning]variable '${name}' is read-only and was not changed`);
          return undefined;
        }
        rt.vars.set(name, cmd.data, { secret, readonly: vsoBool(p['isreadonly']) });
      }
      return undefined;
    }
    case 'task.setsecret':
      rt.masker.add(cmd.data);
      return undefined;
    case 'task.complete': {
      const x = extractCommands([cmd]);
      if (!x.result) {
        rt.log(
          `##[error]unable to process command '${cmd.line}': result must be one of Succeeded, SucceededWithIssues, Failed, Canceled, Skipped`,
        );
        return undefined;
      }
      // The agent keeps the message as the step's result message (timeline), not as a log line; task-lib
      // logs a failure's message itself as an error issue.
      const r = x.result.result.toLowerCase();
      return r === 'succeededwithissues' ? 'SucceededWithIssues' : r === 'failed' ? 'Failed' : r === 'canceled' ? 'Canceled' : 'Succeeded';
    }
    case 'task.logissue':
    case 'task.issue': {
      const type = (p['type'] ?? '').toLowerCase();
      rt.log(`##[${type === 'error' ? 'error' : 'warning'}]${cmd.data}`);
      return undefined;
    }
    case 'task.debug':
      if (vsoBool(rt.vars.get('System.Debug')?.value)) rt.log(`##[debug]${cmd.data}`);
      return undefined;
    case 'artifact.upload': {
      const refused = artifactUploadRefusal(rt.vars.get('System.HostType')?.value);
      if (refused) {
        rt.log(`##[error]${refused}`);
        return 'Failed';
      }
      const name = p['artifactname'] || 'drop';
      const source = path.resolve(cwd, cmd.data);
      try {
        rt.artifacts.upload(name, source, p['containerfolder']);
        rt.log(`Uploaded '${cmd.data}' to artifact '${name}'`);
      } catch (e) {
        rt.log(`##[error]${(e as Error).message}`);
        return 'Failed';
      }
      return undefined;
    }
    case 'build.addbuildtag':
      if (cmd.data && !rt.buildTags.includes(cmd.data)) rt.buildTags.push(cmd.data);
      rt.log(`Build tag added: ${cmd.data}`);
      return undefined;
    case 'task.uploadsummary':
    case 'task.addattachment':
      rt.log(`Summary (a tab on Azure DevOps): ${path.resolve(cwd, cmd.data)}`);
      return undefined;
    case 'task.prependpath':
      rt.prependPath.unshift(cmd.data);
      return undefined;
    default:
      // task.setprogress and the like have no local effect
      return undefined;
  }
}

function envWithPath(rt: JobRuntime, env: Record<string, string>): Record<string, string> {
  if (rt.prependPath.length > 0) env['PATH'] = [...rt.prependPath, env['PATH'] ?? ''].join(path.delimiter);
  return env;
}

async function runChild(
  rt: JobRuntime,
  step: Step,
  file: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
  failOnStderr = false,
): Promise<StepOutcome> {
  let completed: RunResult | undefined;
  let stderrSeen = false;
  const timeout = new AbortController();
  const timer = step.timeoutInMinutes ? setTimeout(() => timeout.abort(), step.timeoutInMinutes * 60_000) : undefined;
  // a step that runs after the cancel (always()) is not canceled itself
  const cancelable = !rt.abortSignal.aborted;
  const abortSignal = cancelable ? AbortSignal.any([rt.abortSignal, timeout.signal]) : timeout.signal;
  const outcome = await runProcess({
    file,
    args,
    cwd,
    env,
    abortSignal,
    firstSignal: 'SIGINT',
    escalationMs: rt.escalationMs,
    onLine: (line, stream) => {
      const cmd = parseVsoLine(line);
      if (cmd) {
        const r = applyCommand(rt, step, cmd, cwd);
        if (r) completed = completed ? merge(completed, r) : r;
        return;
      }
      if (stream === 'stderr' && line.trim()) stderrSeen = true;
      rt.log(line);
    },
  });
  if (timer) clearTimeout(timer);
  if (cancelable && rt.abortSignal.aborted) return { result: 'Canceled', message: 'the run was canceled' };
  if (timeout.signal.aborted)
    return { result: 'Failed', message: `the step did not finish within ${step.timeoutInMinutes} minutes and was canceled` };
  let result: RunResult = completed ?? 'Succeeded';
  let message: string | undefined;
  if (outcome.exitCode !== 0) {
    result = 'Failed';
    message = outcome.signal ? `the process was ended by ${outcome.signal}` : `the process exited with code ${outcome.exitCode}`;
  } else if (failOnStderr && stderrSeen) {
    result = 'Failed';
    message = 'the script wrote to stderr (failOnStderr)';
  }
  return { result, message };
}

async function runScript(rt: JobRuntime, step: Step & { kind: 'script' }, place: Place): Promise<StepOutcome> {
  const script = expand(rt, place, 'script', step.script);
  const cwd = step.workingDirectory
    ? path.resolve(rt.dirs.sourcesDir, expand(rt, place, 'workingDirectory', step.workingDirectory))
    : rt.dirs.sourcesDir;
  if (!fs.existsSync(cwd)) return { result: 'Failed', message: `workingDirectory not found: ${cwd}` };
  const file = path.join(rt.dirs.temp, `${randomUUID()}.sh`);
  fs.writeFileSync(file, script);
  const stepEnv = Object.fromEntries(Object.entries(step.env).map(([k, v]) => [k, expand(rt, place, `env ${k}`, v)]));
  // scripts see public variables only: the agent never maps secrets into a script's environment
  const env = envWithPath(rt, buildTaskEnv({ inputs: {}, variables: rt.vars.publicValues(), env: stepEnv }, rt.dirs));
  // as the agent's CmdLine@2 / Bash@3 on Linux: `bash --noprofile --norc <file>`, no -e and no pipefail,
  // so only the script's last command decides the exit code (the script can `set -e` itself)
  rt.log('Generating script.');
  if (!script.includes('\n') && !script.toUpperCase().includes('##VSO[')) {
    rt.log('Script contents:');
    rt.log(script);
  }
  rt.log('========================== Starting Command Output ===========================');
  rt.log(`[command]bash --noprofile --norc ${file}`);
  try {
    return await runChild(rt, step, 'bash', ['--noprofile', '--norc', file], cwd, env, step.failOnStderr);
  } finally {
    fs.rmSync(file, { force: true });
  }
}

function connectionFor(rt: JobRuntime, value: string, place: Place, input: string): ServiceConnection {
  const names = Object.keys(rt.serviceConnections);
  const exact =
    rt.serviceConnections[value] ?? names.filter((n) => n.toLowerCase() === value.toLowerCase()).map((n) => rt.serviceConnections[n]!)[0];
  if (exact) return exact;
  throw new LocalRunError(
    `${describePlace(place)}, input '${input}': service connection '${value}' is unknown to the local runner; ` +
      (names.length
        ? `known connections: ${names.join(', ')}.`
        : 'no service connections were given (pass serviceConnections to runPipeline).'),
  );
}

async function runOurTask(rt: JobRuntime, step: Step & TaskStep, def: TaskDefinition, place: Place): Promise<StepOutcome> {
  const resolved = resolveTaskInputs(def, step.inputs);
  if (!resolved.ok) {
    throw new LocalRunError(
      `${describePlace(place)}: ${step.task} has no input ${resolved.unknown.map((u) => `'${u}'`).join(', ')}; its inputs: ${describeInputs(def)}.`,
    );
  }
  const variable = (name: string) => rt.vars.get(name)?.value;
  // defaults, trimming, macros and filePath rooting exactly as the agent does them
  const inputs = prepareTaskInputs(def.inputs, resolved.inputs, {
    expand: (text, name) => expand(rt, place, `input '${name}'`, text),
    root: filePathRoot(variable),
  });
  const connEnv: Record<string, string> = {};
  for (const [name, value] of Object.entries(inputs)) {
    const type = def.inputs.find((i) => i.name === name)?.type ?? '';
    if (type.startsWith('connectedService:') && value) {
      const conn = connectionFor(rt, value, place, name);
      for (const s of conn.secrets ?? []) rt.masker.add(s);
      Object.assign(connEnv, conn.env);
      inputs[name] = conn.id;
    }
  }
  const stepEnv = Object.fromEntries(Object.entries(step.env).map(([k, v]) => [k, expand(rt, place, `env ${k}`, v)]));
  const env = envWithPath(
    rt,
    buildTaskEnv(
      { inputs, variables: rt.vars.publicValues(), secretVariables: rt.vars.secretValues(), env: { ...connEnv, ...stepEnv } },
      rt.dirs,
    ),
  );
  // the agent runs a Node handler in System.DefaultWorkingDirectory
  return runChild(
    rt,
    step,
    process.execPath,
    [def.entry],
    variable('System.DefaultWorkingDirectory') ?? rt.dirs.defaultWorkingDirectory,
    env,
  );
}

/** Case-insensitive input lookup over several accepted names (the built-in tasks' aliases). */
function pick(inputs: Record<string, string>, ...names: string[]): string | undefined {
  for (const n of names) {
    const k = Object.keys(inputs).find((x) => x.toLowerCase() === n.toLowerCase());
    if (k !== undefined) return inputs[k];
  }
  return undefined;
}

function publish(rt: JobRuntime, place: Place, rawPath: string, artifact: string): StepOutcome {
  const source = path.resolve(rt.dirs.sourcesDir, expand(rt, place, 'path', rawPath));
  const name = expand(rt, place, 'artifact', artifact);
  try {
    const dest = rt.artifacts.publish(name, source);
    rt.log(`Published '${source}' as artifact '${name}' (${dest})`);
    return { result: 'Succeeded' };
  } catch (e) {
    rt.log(`##[error]${(e as Error).message}`);
    return { result: 'Failed', message: (e as Error).message };
  }
}

/** The artifacts of `source` (`current` or a pipeline resource alias): name → folder. */
function artifactsOf(rt: JobRuntime, source: string, place: Place): Record<string, string> {
  if (source.toLowerCase() === 'current') return rt.artifacts.artifacts;
  const alias = Object.keys(rt.resources).find((a) => a.toLowerCase() === source.toLowerCase());
  if (!alias) {
    const known = Object.keys(rt.resources);
    throw new LocalRunError(
      `${describePlace(place)}: download source '${source}' is neither 'current' nor a pipeline resource alias (${known.length ? known.join(', ') : 'the pipeline has none'}).`,
    );
  }
  return rt.resources[alias]!.artifacts;
}

function download(
  rt: JobRuntime,
  place: Place,
  source: string,
  artifact: string | undefined,
  patterns: string | undefined,
  targetPath: string | undefined,
): StepOutcome {
  const available = artifactsOf(rt, source, place);
  const isCurrent = source.toLowerCase() === 'current';
  // download: shortcut defaults: current → $(Pipeline.Workspace), a resource → $(Pipeline.Workspace)/<alias>
  const target = targetPath
    ? path.resolve(rt.dirs.sourcesDir, targetPath)
    : isCurrent
      ? rt.dirs.pipelineWorkspace
      : path.join(rt.dirs.pipelineWorkspace, source);
  const pats = splitPatterns(patterns);
  const names = artifact ? [artifact] : Object.keys(available);
  for (const name of names) {
    const folder = Object.entries(available).find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
    if (!folder) {
      const from = isCurrent ? 'the current run' : `pipeline resource '${source}'`;
      const list = Object.keys(available);
      throw new LocalRunError(
        `${describePlace(place)}: artifact '${name}' was not found in ${from}; ${list.length ? `its artifacts: ${list.join(', ')}` : 'it has no artifacts'}` +
          (isCurrent ? ' (publish it in an earlier job this one depends on).' : '.'),
      );
    }
    const dest = artifact ? target : path.join(target, name);
    const n = copyInto(folder, dest, pats);
    rt.log(
      `Downloaded artifact '${name}' from ${isCurrent ? 'the current run' : `'${source}'`} to ${dest} (${n} file${n === 1 ? '' : 's'})`,
    );
  }
  if (names.length === 0) rt.log(`##[warning]no artifacts to download from ${isCurrent ? 'the current run' : `'${source}'`}`);
  return { result: 'Succeeded' };
}

async function runTaskStep(rt: JobRuntime, step: Step & TaskStep, place: Place): Promise<StepOutcome> {
  const def = findTask(rt.catalog, step.task);
  if (def) return runOurTask(rt, step, def, place);
  const ref = step.task.replace(/\s/g, '').toLowerCase();
  const inputs = Object.fromEntries(Object.entries(step.inputs).map(([k, v]) => [k, expand(rt, place, `input '${k}'`, v)]));
  if (ref === 'publishpipelineartifact@1') {
    const p = pick(inputs, 'targetPath', 'path') ?? rt.dirs.pipelineWorkspace;
    return publish(rt, place, p, pick(inputs, 'artifact', 'artifactName') ?? '');
  }
  if (ref === 'downloadpipelineartifact@2') {
    const buildType = (pick(inputs, 'source', 'buildType') ?? 'current').toLowerCase();
    let source = 'current';
    if (buildType === 'specific') {
      const p = pick(inputs, 'pipeline', 'definition') ?? '';
      // a resource is named by its alias or its source pipeline's name
      const alias = Object.keys(rt.resources).find(
        (a) => a.toLowerCase() === p.toLowerCase() || rt.resources[a]!.pipelineName.toLowerCase() === p.toLowerCase(),
      );
      if (!alias)
        throw new LocalRunError(
          `${describePlace(place)}: DownloadPipelineArtifact@2 with source 'specific' is supported for pipeline resources only; '${p}' is not one (${Object.keys(rt.resources).join(', ') || 'none'}).`,
        );
      source = alias;
    } else if (buildType !== 'current') {
      throw new LocalRunError(
        `${describePlace(place)}: DownloadPipelineArtifact@2 source '${buildType}' is not supported by the local runner; use 'current' or 'specific' with a pipeline resource.`,
      );
    }
    return download(
      rt,
      place,
      source,
      pick(inputs, 'artifact', 'artifactName'),
      pick(inputs, 'patterns', 'itemPattern'),
      pick(inputs, 'path', 'targetPath', 'downloadPath') ?? rt.dirs.pipelineWorkspace,
    );
  }
  const supported = [
    ...rt.catalog.map((t) => `${t.name}@${t.major}`),
    ...BUILTIN_TASKS,
    'script',
    'bash',
    'checkout',
    'publish',
    'download',
  ];
  throw new LocalRunError(
    `${describePlace(place)}: task ${step.task} is not supported by the local runner; supported: ${supported.join(', ')}.`,
  );
}

/** Runs a step whose condition already passed. LocalRunError escapes; everything else is a step result. */
export async function runStep(rt: JobRuntime, step: Step): Promise<StepOutcome> {
  const place: Place = { ...rt.place, step: stepLabel(step) };
  switch (step.kind) {
    case 'script':
      return runScript(rt, step, place);
    case 'task':
      return runTaskStep(rt, step, place);
    case 'publish':
      return publish(rt, place, step.path, step.artifact);
    case 'download':
      if (step.source.toLowerCase() === 'none') return { result: 'Succeeded' };
      {
        // the shortcut always puts an artifact in its own folder: $(Pipeline.Workspace)[/<alias>]/<artifact>
        const artifact = step.artifact ? expand(rt, place, 'artifact', step.artifact) : undefined;
        const base =
          step.source.toLowerCase() === 'current' ? rt.dirs.pipelineWorkspace : path.join(rt.dirs.pipelineWorkspace, step.source);
        // `path:` replaces the default folder (relative paths are from the default working directory, as the agent resolves them)
        const target = step.path
          ? path.resolve(rt.dirs.defaultWorkingDirectory, expand(rt, place, 'path', step.path))
          : artifact
            ? path.join(base, artifact)
            : base;
        return download(rt, place, step.source, artifact, step.patterns, target);
      }
    case 'checkout':
      // sources are used in place (self), or not at all (none)
      if (step.repository !== 'self' && step.repository !== 'none') {
        throw new LocalRunError(
          `${describePlace(place)}: checkout of repository '${step.repository}' is not supported by the local runner (only self and none).`,
        );
      }
      rt.log(step.repository === 'self' ? `Sources used in place: ${rt.dirs.sourcesDir}` : 'checkout: none');
      return { result: 'Succeeded' };
  }
}
