/** Builders for compiled `Pipeline` objects and a runner wrapper that collects the log, for the runner tests. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { DeploymentJob, Pipeline, RegularJob, Stage, Step } from '../../local-runner/pipeline-model';
import { runPipeline, type PipelineRunResult, type RunPipelineOptions } from '../../local-runner/execution/run-pipeline';

const base = { condition: 'succeeded()', env: {}, continueOnError: false, enabled: true };

export function script(text: string, extra: Partial<Step> = {}): Step {
  return { kind: 'script', keyword: 'bash', script: text, displayName: extra.name ?? text.slice(0, 40), ...base, ...extra } as Step;
}

export function task(ref: string, inputs: Record<string, string>, extra: Partial<Step> = {}): Step {
  return { kind: 'task', task: ref, inputs, displayName: ref, ...base, ...extra } as Step;
}

export function step(body: Record<string, unknown>, extra: Partial<Step> = {}): Step {
  return { displayName: String(body['kind']), ...base, ...body, ...extra } as Step;
}

export function job(name: string, steps: Step[], extra: Partial<RegularJob> = {}): RegularJob {
  return {
    kind: 'job',
    name,
    displayName: name,
    dependsOn: [],
    condition: 'succeeded()',
    variables: [],
    continueOnError: false,
    steps,
    ...extra,
  };
}

export function deployment(
  name: string,
  environment: string,
  hooks: DeploymentJob['hooks'],
  extra: Partial<DeploymentJob> = {},
): DeploymentJob {
  return {
    kind: 'deployment',
    name,
    displayName: name,
    environment,
    dependsOn: [],
    condition: 'succeeded()',
    variables: [],
    continueOnError: false,
    hooks,
    ...extra,
  };
}

export function stage(name: string, jobs: Array<RegularJob | DeploymentJob>, extra: Partial<Stage> = {}): Stage {
  return { name, displayName: name, dependsOn: [], condition: 'succeeded()', variables: [], jobs, ...extra };
}

export function pipeline(stages: Stage[], extra: Partial<Pipeline> = {}): Pipeline {
  return { variables: [], stages, resources: { pipelines: [], repositories: [] }, schedules: [], parameters: {}, ...extra };
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

interface Ran {
  result: PipelineRunResult;
  lines: string[];
  log: string;
  runDir: string;
  sourcesDir: string;
}

export async function run(p: Pipeline, options: Partial<RunPipelineOptions> = {}): Promise<Ran> {
  const lines: string[] = [];
  const sourcesDir = options.sourcesDir ?? tempDir('runner-src-');
  const runDir = options.runDir ?? tempDir('runner-run-');
  const result = await runPipeline({ pipeline: p, sourcesDir, runDir, log: (l) => lines.push(l), ...options });
  return { result, lines, log: lines.join('\n'), runDir, sourcesDir };
}

/** The lines a script printed with the given marker, e.g. `OUT:` → the rest of each such line. */
export function marked(lines: string[], marker: string): string[] {
  return lines.filter((l) => l.startsWith(marker)).map((l) => l.slice(marker.length));
}

export function stepResults(r: PipelineRunResult, stageName: string, jobName: string): Record<string, string> {
  const j = r.stages.find((s) => s.name === stageName)!.jobs.find((x) => x.name === jobName)!;
  return Object.fromEntries(j.steps.map((s) => [s.name ?? s.displayName, s.result]));
}
