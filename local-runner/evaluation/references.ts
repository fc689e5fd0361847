/**
 * References to other jobs' and stages' results and output variables inside runtime expressions
 * (`dependencies.J.outputs['step.var']`, `stageDependencies.S.J.outputs['step.var']`,
 * `dependencies.X.result`). The service silently yields an empty value for a wrong reference; the
 * local runner refuses it instead, before running (a job/stage/step that does not exist, or a
 * dependency not in `dependsOn`) and while running (an output no step set).
 */
import { describePlace, LocalRunError, type Place } from '../execution/errors';
import type { Job, Pipeline, Stage, Step } from '../pipeline-model';

interface OutputRef {
  /** the reference as written */
  text: string;
  kind: 'dependencies' | 'stageDependencies';
  /** `dependencies.X`: a job (job scope) or a stage (stage scope); `stageDependencies.S.J`: S */
  first: string;
  /** `stageDependencies.S.J`: J */
  second?: string;
  /** the outputs key, e.g. `step.var`; undefined for `.result` */
  key?: string;
}

const DEPS = /\bdependencies\.([A-Za-z_]\w*)\.(?:outputs\[\s*'([^']*)'\s*\]|result\b)/gi;
const STAGE_DEPS = /\bstageDependencies\.([A-Za-z_]\w*)\.([A-Za-z_]\w*)\.(?:outputs\[\s*'([^']*)'\s*\]|result\b)/gi;

export function findOutputRefs(expression: string): OutputRef[] {
  const out: OutputRef[] = [];
  for (const m of expression.matchAll(STAGE_DEPS))
    out.push({ text: m[0], kind: 'stageDependencies', first: m[1]!, second: m[2]!, key: m[3] });
  for (const m of expression.matchAll(DEPS)) out.push({ text: m[0], kind: 'dependencies', first: m[1]!, key: m[2] });
  return out;
}

/** The text inside each `$[ … ]` of a variable value. */
export function runtimeExpression(value: string): string | undefined {
  const m = /^\s*\$\[([\s\S]*)\]\s*$/.exec(value);
  return m ? m[1] : undefined;
}

export function jobSteps(job: Job): Step[] {
  if (job.kind === 'job') return job.steps;
  const h = job.hooks;
  return [
    ...(h.preDeploy ?? []),
    ...h.deploy,
    ...(h.routeTraffic ?? []),
    ...(h.postRouteTraffic ?? []),
    ...(h.onFailure ?? []),
    ...(h.onSuccess ?? []),
  ];
}

function findByName<T extends { name: string }>(list: T[], name: string): T | undefined {
  return list.find((x) => x.name.toLowerCase() === name.toLowerCase());
}

/**
 * How the service keys a job's output variables in `outputs[...]`: `step.var` for a job,
 * `<job>.<step>.var` for a runOnce deployment job (the job name stands for the lifecycle hook).
 */
export function outputKey(job: Job, step: string, variable: string): string {
  return job.kind === 'deployment' ? `${job.name}.${step}.${variable}` : `${step}.${variable}`;
}

/** The step and variable named by an outputs key of `job`, or a message saying what form it needs. */
function splitKey(job: Job, key: string): { step: string; variable: string } | string {
  const parts = key.split('.');
  if (job.kind === 'deployment') {
    if (parts.length !== 3 || parts[0]!.toLowerCase() !== job.name.toLowerCase()) {
      return `'${job.name}' is a runOnce deployment job: its outputs are keyed '${job.name}.<step>.<variable>' (e.g. '${job.name}.${parts.length >= 2 ? parts.slice(-2).join('.') : 'step.var'}')`;
    }
    return { step: parts[1]!, variable: parts[2]! };
  }
  if (parts.length !== 2) return `outputs of job '${job.name}' are keyed '<step>.<variable>'`;
  return { step: parts[0]!, variable: parts[1]! };
}

function checkStepKey(job: Job, key: string, where: string, ref: string): void {
  const split = splitKey(job, key);
  if (typeof split === 'string') throw new LocalRunError(`${where}: ${ref}: ${split}.`);
  const named = jobSteps(job).filter((s) => s.name);
  if (!named.some((s) => s.name!.toLowerCase() === split.step.toLowerCase())) {
    const names = named.map((s) => s.name).join(', ') || 'none (give the step a name:)';
    throw new LocalRunError(
      `${where}: ${ref} names step '${split.step}', which job '${job.name}' does not have; its named steps: ${names}.`,
    );
  }
}

/** The stage an expression of `stage` reads: it must exist and be in the stage's dependsOn. */
function dependedStage(pipeline: Pipeline, stage: Stage, name: string, where: string, text: string): Stage {
  const s = findByName(pipeline.stages, name);
  if (!s)
    throw new LocalRunError(
      `${where}: ${text} names stage '${name}', which does not exist; stages: ${pipeline.stages.map((x) => x.name).join(', ')}.`,
    );
  if (!stage.dependsOn.some((d) => d.toLowerCase() === s.name.toLowerCase())) {
    throw new LocalRunError(
      `${where}: ${text} reads stage '${s.name}', which stage '${stage.name}' does not depend on: add it to the stage's dependsOn.`,
    );
  }
  return s;
}

/**
 * Static check of one expression's references. Job scope: `dependencies.J` is a job of this stage
 * listed in the job's dependsOn; `stageDependencies.S.J` a job of a stage in the stage's dependsOn.
 * Stage scope: `dependencies.S` is a stage in dependsOn, its outputs keyed `J.step.var`.
 */
function checkRefs(pipeline: Pipeline, stage: Stage, job: Job | undefined, expression: string, place: Place, what: string): void {
  const where = `${describePlace(place)}, ${what}`;
  if (!job) checkNoStageDependencies(expression, where);
  for (const ref of findOutputRefs(expression)) {
    if (ref.kind === 'stageDependencies') {
      const s = dependedStage(pipeline, stage, ref.first, where, ref.text);
      const j = findByName(s.jobs, ref.second!);
      if (!j)
        throw new LocalRunError(
          `${where}: ${ref.text} names job '${ref.second}', which stage '${s.name}' does not have; its jobs: ${s.jobs.map((x) => x.name).join(', ')}.`,
        );
      if (ref.key !== undefined) checkStepKey(j, ref.key, where, ref.text);
      continue;
    }
    if (job) {
      const j = findByName(stage.jobs, ref.first);
      if (!j)
        throw new LocalRunError(
          `${where}: ${ref.text} names job '${ref.first}', which stage '${stage.name}' does not have; its jobs: ${stage.jobs.map((x) => x.name).join(', ')}.`,
        );
      if (!job.dependsOn.some((d) => d.toLowerCase() === j.name.toLowerCase())) {
        throw new LocalRunError(
          `${where}: ${ref.text} reads job '${j.name}', which job '${job.name}' does not depend on: add '${j.name}' to its dependsOn.`,
        );
      }
      if (ref.key !== undefined) checkStepKey(j, ref.key, where, ref.text);
    } else {
      const s = dependedStage(pipeline, stage, ref.first, where, ref.text);
      if (ref.key !== undefined) {
        // stage scope: '<job>.<job output key>'
        const dot = ref.key.indexOf('.');
        const j = dot > 0 ? findByName(s.jobs, ref.key.slice(0, dot)) : undefined;
        if (!j)
          throw new LocalRunError(
            `${where}: ${ref.text}: stage outputs are keyed '<job>.<step>.<variable>' with a job of stage '${s.name}' (${s.jobs.map((x) => x.name).join(', ')}).`,
          );
        checkStepKey(j, ref.key.slice(dot + 1), where, ref.text);
      }
    }
  }
}

/**
 * `stageDependencies` is the jobs' context (job conditions and job variables). A stage condition or
 * stage variable reads another stage's outputs through `dependencies.<stage>.outputs['<job>.<step>.<var>']`
 * (the documented stage-to-stage form; `stageDependencies.S.J.outputs[...]` there is reported not to
 * resolve on the service: MicrosoftDocs/azure-devops-docs#9050, #8486), so the local runner refuses it.
 */
function checkNoStageDependencies(expression: string, where: string): void {
  const m =
    /\bstageDependencies\b(?:\.([A-Za-z_]\w*)(?:\.(?!outputs\b|result\b)([A-Za-z_]\w*))?(?:\.outputs\[\s*'([^']*)'\s*\]|\.(result)\b)?)?/i.exec(
      expression,
    );
  if (!m) return;
  const [text, s, j, key, result] = m;
  let fix = "dependencies.<stage>.outputs['<job>.<step>.<variable>']";
  if (s && j && key !== undefined) fix = `dependencies.${s}.outputs['${j}.${key}']`;
  else if (s && !j && key !== undefined) fix = `dependencies.${s}.outputs['${key}']`;
  else if (s && result) fix = `dependencies.${s}.result`;
  throw new LocalRunError(
    `${where}: ${text} is only available to jobs (job conditions and job variables). ` +
      `At stage level (stage conditions and stage variables) another stage's outputs are read as dependencies.<stage>.outputs['<job>.<step>.<variable>']: write ${fix}.`,
  );
}

/** Every expression of the pipeline checked before anything runs. */
export function checkPipelineRefs(pipeline: Pipeline): void {
  for (const stage of pipeline.stages) {
    for (const d of stage.dependsOn) {
      if (!findByName(pipeline.stages, d))
        throw new LocalRunError(
          `stage '${stage.name}' depends on stage '${d}', which does not exist; stages: ${pipeline.stages.map((x) => x.name).join(', ')}.`,
        );
    }
    checkRefs(pipeline, stage, undefined, stage.condition, { stage: stage.name }, 'condition');
    for (const v of stage.variables) {
      const e = runtimeExpression(v.value);
      if (e !== undefined) checkRefs(pipeline, stage, undefined, e, { stage: stage.name }, `variable '${v.name}'`);
    }
    for (const job of stage.jobs) {
      for (const d of job.dependsOn) {
        if (!findByName(stage.jobs, d))
          throw new LocalRunError(
            `stage '${stage.name}', job '${job.name}' depends on job '${d}', which stage '${stage.name}' does not have; its jobs: ${stage.jobs.map((x) => x.name).join(', ')}.`,
          );
      }
      const place = { stage: stage.name, job: job.name };
      checkRefs(pipeline, stage, job, job.condition, place, 'condition');
      for (const v of job.variables) {
        const e = runtimeExpression(v.value);
        if (e !== undefined) checkRefs(pipeline, stage, job, e, place, `variable '${v.name}'`);
      }
    }
  }
}

/** The message for an output a reference needs but no step set. */
export function notSetMessage(
  where: string,
  ref: string,
  producer: { stage?: string; job: string; step: string; variable: string; set: string[] },
): string {
  const at = producer.stage ? `job '${producer.job}' of stage '${producer.stage}'` : `job '${producer.job}'`;
  return (
    `${where}: ${ref} refers to an output variable that no step set: step '${producer.step}' in ${at} ran but did not set '${producer.variable}'. ` +
    `It would have to write ##vso[task.setvariable variable=${producer.variable};isOutput=true]<value> ` +
    `(output variables it set: ${producer.set.length ? producer.set.join(', ') : 'none'}).`
  );
}
