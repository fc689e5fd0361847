/**
 * Runs a compiled pipeline (pipeline-model.ts) on this machine the way Azure Pipelines would:
 * stages and jobs in dependency order (one at a time), conditions with the status functions
 * against their dependencies, variables scoped pipeline → stage → job with queue-time overrides
 * and `$[ ]` runtime expressions, output variables across steps, jobs and stages, artifacts, and
 * runOnce deployment jobs. What cannot be faithful locally is refused with a LocalRunError.
 */
import * as fs from 'fs';
import * as path from 'path';
import { BUILD_ONLY_VARIABLES, releaseJobVariables, type ReleaseIdentity } from './agent-inputs';
import { ArtifactStore } from './artifacts';
import { describePlace, LocalRunError, type Place } from './errors';
import { evaluateExpression, ExpressionError, toBoolean, toDisplayString, type ExpressionContext } from '../evaluation/expressions';
import type { DeploymentJob, Job, Pipeline, Stage, Step, VariableEntry } from '../pipeline-model';
import { predefinedVariables, runFolders, runSource } from '../evaluation/predefined';
import { checkPipelineRefs, findOutputRefs, jobSteps, notSetMessage, outputKey, runtimeExpression } from '../evaluation/references';
import { macroChecker, runStep, stepLabel, type JobRuntime, type ServiceConnection } from './run-step';
import {
  isSuccess,
  worst,
  type JobResult,
  type PipelineRunResult,
  type RecordResult,
  type RunResult,
  type StageResult,
  type StepResult,
} from './run-types';
import { SecretMasker } from './secret-masker';
import { loadTaskCatalog } from './task-catalog';
import { VariableStore } from '../evaluation/variables';

export { LocalRunError } from './errors';
export type { PipelineRunResult, StepResult } from './run-types';
export type { ServiceConnection } from './run-step';

export interface RunPipelineOptions {
  pipeline: Pipeline;
  /** the `self` repository folder: Build.SourcesDirectory = System.DefaultWorkingDirectory (checkout: self uses it in place) */
  sourcesDir: string;
  /** a fresh folder for this run: Pipeline.Workspace, Agent.TempDirectory, Build.ArtifactStagingDirectory, artifacts live below it */
  runDir: string;
  /** service connection name (as written in YAML inputs) → its id, the ENDPOINT_* env a task gets, secrets to mask */
  serviceConnections?: Record<string, ServiceConnection>;
  /** pipeline resource alias → an earlier local run's result */
  pipelineResources?: Record<string, PipelineRunResult>;
  /** queue-time variables (override YAML) */
  variables?: Record<string, string>;
  secretVariables?: Record<string, string>;
  buildId?: number;
  buildNumber?: string;
  pipelineName?: string;
  /** Build.Reason (default Manual); give expandPipeline the same (compileTimeVariables) */
  buildReason?: string;
  /** Build.SourceBranch instead of the sources folder's git branch (`main` = `refs/heads/main`) */
  sourceBranch?: string;
  /** default console.log; every line goes through the secret masker */
  log?: (line: string) => void;
  /** cancel: the running step gets SIGINT (then SIGTERM, kill); later steps are Canceled unless their condition still holds (always()) */
  abortSignal?: AbortSignal;
  /** where the bundled tasks are (default build/extension/tasks) */
  tasksDir?: string;
  /** the waits of a cancelled step's escalation (default the agent's: SIGINT, 7.5 s, SIGTERM, 2.5 s, kill); shorter keeps cancel tests fast */
  escalationMs?: { sigintToSigterm?: number; sigtermToKill?: number };
  /**
   * Run the jobs as classic release jobs: `sourcesDir` is then the release's artifacts directory
   * (<alias>/<artifact name>/...), System.HostType is release with the Release.* variables, there
   * is no Pipeline.Workspace, and `artifact.upload` is refused and fails the step, as on the agent.
   */
  classicRelease?: Omit<ReleaseIdentity, 'artifactsDirectory'>;
}

type Status = NonNullable<ExpressionContext['status']>;

/** Status functions over named dependency results (jobs or stages). */
function dependencyStatus(results: Map<string, RecordResult>, defaults: string[], canceled: () => boolean): Status {
  const pick = (deps?: string[]) => (deps ?? defaults).map((d) => results.get(d.toLowerCase()));
  return {
    succeeded: (deps) => !canceled() && pick(deps).every((r) => isSuccess(r)),
    failed: (deps) => !canceled() && pick(deps).some((r) => r === 'Failed'),
    succeededOrFailed: (deps) => !canceled() && pick(deps).every((r) => isSuccess(r) || r === 'Failed'),
    canceled,
  };
}

/** Status functions for a step: the job's status so far (Agent.JobStatus). */
function jobStatus(current: () => RunResult, canceled: () => boolean): Status {
  return {
    succeeded: () => !canceled() && isSuccess(current()),
    failed: () => !canceled() && current() === 'Failed',
    succeededOrFailed: () => !canceled(),
    canceled,
  };
}

/** Topological order, declaration order among the ready ones. */
function order<T extends { name: string; dependsOn: string[] }>(items: T[], what: string): T[] {
  const done = new Set<string>();
  const out: T[] = [];
  const pending = [...items];
  while (pending.length > 0) {
    const i = pending.findIndex((x) => x.dependsOn.every((d) => done.has(d.toLowerCase())));
    if (i < 0)
      throw new LocalRunError(
        `${what} ${pending.map((p) => `'${p.name}'`).join(', ')} depend on each other in a cycle: fix their dependsOn.`,
      );
    const [next] = pending.splice(i, 1);
    done.add(next!.name.toLowerCase());
    out.push(next!);
  }
  return out;
}

/** A branch filter pattern or name as the service reads it: a bare `main` is `refs/heads/main`. */
function refName(branch: string): string {
  return branch.startsWith('refs/') ? branch : `refs/heads/${branch}`;
}

/** `*` (any characters, `/` included) and `?` (one character) wildcards; branch names compare case-insensitively. */
function branchMatches(pattern: string, branch: string): boolean {
  const escape = (t: string) => t.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  const body = refName(pattern)
    .split('*')
    .map((part) => part.split('?').map(escape).join('.'))
    .join('.*');
  return new RegExp(`^${body}$`, 'i').test(branch);
}

function checkResources(pipeline: Pipeline, given: Record<string, PipelineRunResult>, log: (line: string) => void): void {
  for (const r of pipeline.resources.pipelines) {
    const run = given[r.alias];
    if (!run) {
      const known = Object.keys(given);
      throw new LocalRunError(
        `pipeline resource '${r.alias}' (source '${r.source}') has no run: pass pipelineResources.${r.alias} (an earlier local run's result)${known.length ? `; given: ${known.join(', ')}` : ''}.`,
      );
    }
    if (!isSuccess(run.result)) {
      throw new LocalRunError(
        `pipeline resource '${r.alias}': run ${run.buildNumber} of '${run.pipelineName}' ended ${run.result}; only a Succeeded or SucceededWithIssues run can be consumed.`,
      );
    }
    const head = `pipeline resource '${r.alias}': run ${run.buildNumber} of '${run.pipelineName}'`;
    const tagsOnRun = run.buildTags.length ? run.buildTags.join(', ') : 'none';
    if (r.triggerEnabled) {
      // the given run stands for the run whose completion triggers this pipeline
      const missing = r.triggerTags.filter((t) => !run.buildTags.includes(t));
      if (missing.length > 0) {
        throw new LocalRunError(
          `${head} would not trigger this pipeline: trigger tags needed: ${r.triggerTags.join(', ')}; tags on the run: ${tagsOnRun} (missing: ${missing.join(', ')}).`,
        );
      }
      const f = r.triggerBranches;
      if (f) {
        const include = f.include.length ? f.include : ['*'];
        const excludedBy = f.exclude.find((p) => branchMatches(p, run.sourceBranch));
        if (!include.some((p) => branchMatches(p, run.sourceBranch)) || excludedBy) {
          throw new LocalRunError(
            `${head} would not trigger this pipeline: trigger branches needed: ${include.map(refName).join(', ')}${f.exclude.length ? ` (excluding ${f.exclude.map(refName).join(', ')})` : ''}; ` +
              `the run's branch: ${run.sourceBranch} (${excludedBy ? `excluded by ${refName(excludedBy)}` : 'matches none'}).`,
          );
        }
      }
    } else {
      log(
        `Pipeline resource '${r.alias}': its trigger is disabled (trigger: none, enabled: false or no trigger:), so run ${run.buildNumber} of '${run.pipelineName}' is taken as a manual pick: only the resource's branch: and tags: are checked.`,
      );
    }
    // the given run also stands for the run a manual or scheduled run would pick
    if (r.branch !== undefined && refName(r.branch).toLowerCase() !== run.sourceBranch.toLowerCase()) {
      throw new LocalRunError(
        `${head} is not a run this pipeline would pick: branch needed: ${refName(r.branch)}; the run's branch: ${run.sourceBranch}.`,
      );
    }
    const missing = r.tags.filter((t) => !run.buildTags.includes(t));
    if (missing.length > 0) {
      throw new LocalRunError(
        `${head} is not a run this pipeline would pick: tags needed: ${r.tags.join(', ')}; tags on the run: ${tagsOnRun} (missing: ${missing.join(', ')}).`,
      );
    }
  }
}

export async function runPipeline(options: RunPipelineOptions): Promise<PipelineRunResult> {
  const { pipeline } = options;
  const resources = options.pipelineResources ?? {};
  checkPipelineRefs(pipeline);

  const masker = new SecretMasker();
  for (const v of Object.values(options.secretVariables ?? {})) masker.add(v);
  for (const c of Object.values(options.serviceConnections ?? {})) for (const s of c.secrets ?? []) masker.add(s);
  const sink = options.log ?? ((l: string) => console.log(l));
  const log = (line: string) => sink(masker.mask(line));
  checkResources(pipeline, resources, log);

  const sourcesDir = path.resolve(options.sourcesDir);
  const runDir = path.resolve(options.runDir);
  const folders = runFolders(runDir);
  for (const d of [folders.temp, folders.staging, folders.binaries]) fs.mkdirSync(d, { recursive: true });
  const buildId = options.buildId ?? 1;
  const pipelineName = options.pipelineName ?? path.basename(sourcesDir);
  const buildNumber = options.buildNumber ?? String(buildId);
  const src = runSource(sourcesDir, options.sourceBranch);
  const artifacts = new ArtifactStore(runDir);
  const catalog = loadTaskCatalog(options.tasksDir);
  const buildTags: string[] = [];
  const outputs: Record<string, string> = {};
  const canceled = () => Boolean(options.abortSignal?.aborted);
  const abortSignal = options.abortSignal ?? new AbortController().signal;

  // every named step of the pipeline, so `$(step.var)` can be told from an ordinary unknown macro
  const stepOwners = new Map<string, Array<{ stage: string; job: string }>>();
  for (const s of pipeline.stages)
    for (const j of s.jobs)
      for (const st of jobSteps(j))
        if (st.name)
          stepOwners.set(st.name.toLowerCase(), [...(stepOwners.get(st.name.toLowerCase()) ?? []), { stage: s.name, job: j.name }]);

  const overrides = options.variables ?? {};
  const root = new VariableStore();
  const predefined = predefinedVariables(
    { buildId, buildNumber, pipelineName, sourcesDir, runDir, buildReason: options.buildReason },
    src,
    resources,
  );
  if (options.classicRelease) {
    for (const k of BUILD_ONLY_VARIABLES) delete predefined[k];
    Object.assign(predefined, releaseJobVariables({ ...options.classicRelease, artifactsDirectory: sourcesDir }));
  }
  for (const [k, v] of Object.entries(predefined)) root.set(k, v);
  for (const v of pipeline.variables) {
    if (runtimeExpression(v.value) !== undefined)
      throw new LocalRunError(`pipeline variable '${v.name}': $[ ] runtime expressions are only allowed in stage and job variables.`);
    root.set(v.name, v.value, { readonly: v.readonly });
  }
  for (const [k, v] of Object.entries(overrides)) root.set(k, v);
  for (const [k, v] of Object.entries(options.secretVariables ?? {})) root.set(k, v, { secret: true });

  const resourceValues = {
    pipeline: Object.fromEntries(
      Object.entries(resources).map(([a, r]) => [
        a,
        {
          runID: String(r.buildId),
          runName: r.buildNumber,
          pipelineName: r.pipelineName,
          pipelineID: String(r.buildId),
          sourceBranch: r.sourceBranch,
          sourceCommit: r.sourceVersion,
        },
      ]),
    ),
  };

  const stageResults = new Map<string, RecordResult>();
  const stageRecords = new Map<string, StageResult>();
  const stagesOut: StageResult[] = [];

  /** evaluate, turning evaluator errors into a LocalRunError at `place` */
  const evaluate = (text: string, ctx: ExpressionContext, place: Place, what: string): unknown => {
    try {
      return evaluateExpression(text, ctx);
    } catch (e) {
      if (e instanceof ExpressionError) throw new LocalRunError(`${describePlace(place)}, ${what}: ${e.message}`);
      throw e;
    }
  };

  /** A reference to an output of a job that succeeded but never set it is a wiring error, not an empty value. */
  const checkOutputsSet = (text: string, scope: { stage: Stage; job?: Job }, place: Place, what: string) => {
    for (const ref of findOutputRefs(text)) {
      if (ref.key === undefined) continue;
      let record: JobResult | undefined;
      let stageName: string | undefined;
      let key = ref.key;
      if (ref.kind === 'stageDependencies') {
        stageName = ref.first;
        record = stageRecords.get(ref.first.toLowerCase())?.jobs.find((j) => j.name.toLowerCase() === ref.second!.toLowerCase());
      } else if (scope.job) {
        record = stageRecords.get(scope.stage.name.toLowerCase())?.jobs.find((j) => j.name.toLowerCase() === ref.first.toLowerCase());
      } else {
        stageName = ref.first;
        const dot = key.indexOf('.');
        record = stageRecords.get(ref.first.toLowerCase())?.jobs.find((j) => j.name.toLowerCase() === key.slice(0, dot).toLowerCase());
        key = key.slice(dot + 1);
      }
      if (!record || !isSuccess(record.result)) continue;
      const has = Object.keys(record.outputs).some((k) => k.toLowerCase() === key.toLowerCase());
      if (has) continue;
      const parts = key.split('.');
      const variable = parts.pop()!;
      const step = parts.pop()!;
      const prefix = record.kind === 'deployment' ? `${record.name}.${step}.` : `${step}.`;
      const set = Object.keys(record.outputs)
        .filter((k) => k.toLowerCase().startsWith(prefix.toLowerCase()))
        .map((k) => k.slice(prefix.length));
      throw new LocalRunError(
        notSetMessage(`${describePlace(place)}, ${what}`, ref.text, { stage: stageName, job: record.name, step, variable, set }),
      );
    }
  };

  /** Apply a scope's variables (evaluating `$[ ]`), then the queue-time overrides again. */
  const applyVariables = (
    store: VariableStore,
    entries: VariableEntry[],
    ctx: (vars: VariableStore) => ExpressionContext,
    scope: { stage: Stage; job?: Job },
    place: Place,
  ) => {
    for (const v of entries) {
      const expr = runtimeExpression(v.value);
      if (expr === undefined) {
        store.set(v.name, v.value, { readonly: v.readonly });
        continue;
      }
      checkOutputsSet(expr, scope, place, `variable '${v.name}'`);
      const value = evaluate(expr, ctx(store), place, `variable '${v.name}'`);
      store.set(v.name, value === null || value === undefined ? '' : toDisplayString(value), { readonly: v.readonly });
    }
    for (const [k, val] of Object.entries(overrides)) store.set(k, val);
  };

  log(`Pipeline '${pipelineName}' run ${buildNumber} (local)`);
  for (const stage of order(pipeline.stages, 'stages')) {
    const stagePlace = { stage: stage.name };
    const depResults = new Map<string, RecordResult>();
    for (const d of stage.dependsOn) depResults.set(d.toLowerCase(), stageResults.get(d.toLowerCase())!);
    const stageDeps = () => {
      const deps: Record<string, unknown> = {};
      const stageDepsValue: Record<string, unknown> = {};
      for (const d of stage.dependsOn) {
        const rec = stageRecords.get(d.toLowerCase())!;
        const outs: Record<string, string> = {};
        for (const j of rec.jobs) for (const [k, v] of Object.entries(j.outputs)) outs[`${j.name}.${k}`] = v;
        deps[rec.name] = { result: rec.result, outputs: outs };
        stageDepsValue[rec.name] = Object.fromEntries(rec.jobs.map((j) => [j.name, { result: j.result, outputs: j.outputs }]));
      }
      return { deps, stageDepsValue };
    };
    const { deps: sDeps, stageDepsValue } = stageDeps();
    const stageStatus = dependencyStatus(depResults, stage.dependsOn, canceled);
    const stageCtx = (vars: VariableStore): ExpressionContext => ({
      // no stageDependencies here: at stage level the service has only dependencies (checkPipelineRefs refuses it)
      values: { variables: vars.expressionValues(), dependencies: sDeps, resources: resourceValues },
      status: stageStatus,
    });

    const stageRecord: StageResult = { name: stage.name, displayName: stage.displayName, result: 'Skipped', jobs: [] };
    stageRecords.set(stage.name.toLowerCase(), stageRecord);
    stagesOut.push(stageRecord);
    const stageVars = new VariableStore(root);
    stageVars.set('System.StageName', stage.name);
    stageVars.set('System.StageDisplayName', stage.displayName);
    checkOutputsSet(stage.condition, { stage }, stagePlace, 'condition');
    const runStage = toBoolean(evaluate(stage.condition, stageCtx(stageVars), stagePlace, 'condition'));
    if (!runStage) {
      stageRecord.result = canceled() ? 'Canceled' : 'Skipped';
      for (const job of stage.jobs) stageRecord.jobs.push(emptyJob(job, stageRecord.result));
      stageResults.set(stage.name.toLowerCase(), stageRecord.result);
      log(`##[section]Stage ${stage.name}: ${stageRecord.result} (condition '${stage.condition}' was false)`);
      continue;
    }
    log(`##[section]Stage ${stage.name}${stage.displayName !== stage.name ? ` (${stage.displayName})` : ''}`);
    applyVariables(stageVars, stage.variables, stageCtx, { stage }, stagePlace);

    const jobResults = new Map<string, RecordResult>();
    for (const job of order(stage.jobs, `jobs of stage '${stage.name}':`)) {
      const place = { stage: stage.name, job: job.name };
      const jDeps: Record<string, unknown> = {};
      for (const d of job.dependsOn) {
        const rec = stageRecord.jobs.find((j) => j.name.toLowerCase() === d.toLowerCase())!;
        jDeps[rec.name] = { result: rec.result, outputs: rec.outputs };
      }
      const status = dependencyStatus(jobResults, job.dependsOn, canceled);
      const jobCtx = (vars: VariableStore): ExpressionContext => ({
        values: { variables: vars.expressionValues(), dependencies: jDeps, stageDependencies: stageDepsValue, resources: resourceValues },
        status,
      });
      const jobVars = new VariableStore(stageVars);
      checkOutputsSet(job.condition, { stage, job }, place, 'condition');
      if (!toBoolean(evaluate(job.condition, jobCtx(jobVars), place, 'condition'))) {
        const rec = emptyJob(job, canceled() ? 'Canceled' : 'Skipped');
        stageRecord.jobs.push(rec);
        jobResults.set(job.name.toLowerCase(), rec.result);
        log(`##[section]Job ${job.name}: ${rec.result} (condition '${job.condition}' was false)`);
        continue;
      }
      applyVariables(jobVars, job.variables, jobCtx, { stage, job }, place);
      const rec = await runJob(job, jobVars, place);
      stageRecord.jobs.push(rec);
      jobResults.set(job.name.toLowerCase(), rec.result);
      for (const [k, v] of Object.entries(rec.outputs)) outputs[`${stage.name}.${job.name}.${k}`] = v;
    }
    stageRecord.result = worst(stageRecord.jobs.map((j) => j.result)) ?? 'Skipped';
    stageResults.set(stage.name.toLowerCase(), stageRecord.result);
    log(`##[section]Stage ${stage.name}: ${stageRecord.result}`);
  }

  const result: RunResult = canceled() ? 'Canceled' : (worst(stagesOut.map((s) => s.result)) ?? 'Succeeded');
  log(`Pipeline result: ${result}`);
  return {
    result,
    buildId,
    buildNumber,
    pipelineName,
    stages: stagesOut,
    artifactsDir: artifacts.dir,
    artifacts: { ...artifacts.artifacts },
    buildTags,
    outputs,
    sourceBranch: src.branch,
    sourceVersion: src.version,
  };

  function emptyJob(job: Job, result: RecordResult): JobResult {
    return {
      name: job.name,
      displayName: job.displayName,
      kind: job.kind,
      environment: job.kind === 'deployment' ? job.environment : undefined,
      result,
      steps: [],
      outputs: {},
    };
  }

  async function runJob(job: Job, vars: VariableStore, place: { stage: string; job: string }): Promise<JobResult> {
    vars.set('System.JobName', job.name);
    vars.set('System.PhaseName', job.name);
    vars.set('System.JobDisplayName', job.displayName);
    vars.set('Agent.JobName', job.displayName);
    if (job.kind === 'deployment') vars.set('Environment.Name', job.environment);
    log(`##[section]Job ${job.name}${job.displayName !== job.name ? ` (${job.displayName})` : ''}`);
    if (job.kind === 'deployment')
      log(
        `Environment '${job.environment}': approvals and checks are evaluated only on Azure DevOps; the local runner deploys without them.`,
      );

    const record: JobResult = {
      name: job.name,
      displayName: job.displayName,
      kind: job.kind,
      environment: job.kind === 'deployment' ? job.environment : undefined,
      result: 'Succeeded',
      steps: [],
      outputs: {},
    };
    let current: RunResult = 'Succeeded';
    const rt: JobRuntime = {
      place,
      vars,
      masker,
      log,
      dirs: {
        temp: folders.temp,
        work: runDir,
        defaultWorkingDirectory: sourcesDir,
        sourcesDir,
        pipelineWorkspace: folders.pipelineWorkspace,
      },
      catalog,
      serviceConnections: options.serviceConnections ?? {},
      artifacts,
      resources,
      buildTags,
      prependPath: [],
      stepOutputs: new Map(),
      stepResults: new Map(),
      stepOwners,
      onOutput: (step, variable, value) => {
        record.outputs[outputKey(job, step, variable)] = value;
      },
      abortSignal,
      escalationMs: options.escalationMs,
    };
    const status = jobStatus(() => current, canceled);

    const runSteps = async (steps: Step[]) => {
      for (const step of steps) {
        const label = stepLabel(step);
        const stepPlace = { ...place, step: label };
        vars.set('Agent.JobStatus', current);
        let outcome: StepResult;
        if (!step.enabled) {
          outcome = { name: step.name, displayName: step.displayName, result: 'Skipped', message: 'disabled (enabled: false)' };
        } else {
          checkConditionVariables(rt, step.condition, stepPlace);
          const go = toBoolean(
            evaluate(
              step.condition,
              { values: { variables: vars.expressionValues(), resources: resourceValues }, status },
              stepPlace,
              'condition',
            ),
          );
          if (!go) {
            outcome = {
              name: step.name,
              displayName: step.displayName,
              result: canceled() ? 'Canceled' : 'Skipped',
              message: `condition '${step.condition}' was false`,
            };
          } else {
            const displayName = step.displayName.includes('$(') ? expandDisplay(rt, step.displayName, stepPlace) : step.displayName;
            log(`##[section]Starting: ${displayName}`);
            const r = await runStep(rt, step);
            let result = r.result;
            if (result === 'Failed' && step.continueOnError) result = 'SucceededWithIssues';
            if (r.message && r.result !== 'Succeeded') log(`##[${r.result === 'Failed' ? 'error' : 'warning'}]${r.message}`);
            log(`##[section]Finishing: ${displayName} (${result})`);
            outcome = { name: step.name, displayName, result, message: r.message };
          }
        }
        if (outcome.result !== 'Skipped') current = worst([current, outcome.result])!;
        if (outcome.result === 'Skipped' || outcome.result === 'Canceled')
          log(`Step '${label}': ${outcome.result}${outcome.message ? ` (${outcome.message})` : ''}`);
        if (step.name) rt.stepResults.set(step.name.toLowerCase(), outcome.result);
        record.steps.push(outcome);
      }
    };

    if (job.kind === 'job') await runSteps(job.steps);
    else await runDeploymentHooks(job, runSteps, () => current);

    // (a cast: TypeScript does not see the closures above assign it)
    let result = current as RunResult;
    if (result === 'Failed' && job.continueOnError) result = 'SucceededWithIssues';
    record.result = result;
    log(`##[section]Job ${job.name}: ${result}`);
    return record;
  }

  async function runDeploymentHooks(job: DeploymentJob, runSteps: (steps: Step[]) => Promise<void>, current: () => RunResult) {
    const h = job.hooks;
    const all = jobSteps(job);
    const hasDownload = all.some((s) => s.kind === 'download' || (s.kind === 'task' && /^DownloadPipelineArtifact@/i.test(s.task)));
    // the service injects a download of every artifact (this run's and each pipeline resource's) at the start of the deploy hook, unless the job has its own download step
    const injected: Step[] = hasDownload
      ? []
      : ['current', ...Object.keys(resources)].map((source) => ({
          kind: 'download',
          source,
          displayName: `Download artifacts (${source})`,
          condition: 'succeeded()',
          env: {},
          continueOnError: false,
          enabled: true,
        }));
    for (const [hook, steps] of [
      ['preDeploy', h.preDeploy],
      ['deploy', [...injected, ...h.deploy]],
      ['routeTraffic', h.routeTraffic],
      ['postRouteTraffic', h.postRouteTraffic],
    ] as Array<[string, Step[] | undefined]>) {
      if (!steps) continue;
      log(`--- ${hook}`);
      await runSteps(steps);
    }
    const failed = current() === 'Failed' || current() === 'Canceled';
    const last = failed ? h.onFailure : h.onSuccess;
    if (last) {
      log(`--- ${failed ? 'on.failure' : 'on.success'}`);
      // these hooks run because of the outcome: their steps' default succeeded() is judged after it
      await runSteps(last);
    }
  }
}

/** `variables['step.var']` in a step condition: the same check as a `$(step.var)` macro. */
function checkConditionVariables(rt: JobRuntime, condition: string, place: Place): void {
  const check = macroChecker(rt, place, 'condition');
  for (const m of condition.matchAll(/variables\[\s*'([^']+)'\s*\]/gi)) if (!rt.vars.has(m[1]!)) check(m[1]!);
}

function expandDisplay(rt: JobRuntime, text: string, place: Place): string {
  return text.replace(/\$\(([^()\r\n]+)\)/g, (whole, name: string) => {
    const v = rt.vars.get(name);
    if (v) return v.value;
    macroChecker(rt, place, 'displayName')(name);
    return whole;
  });
}
