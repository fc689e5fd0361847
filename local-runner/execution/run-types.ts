/** Results of a local run (what `runPipeline` returns and a later run takes as a pipeline resource). */

export type RunResult = 'Succeeded' | 'SucceededWithIssues' | 'Failed' | 'Canceled';
export type RecordResult = RunResult | 'Skipped';

export interface StepResult {
  name?: string;
  displayName: string;
  result: RecordResult;
  /** the task.complete message, the exit code, or why it was skipped */
  message?: string;
}

export interface JobResult {
  name: string;
  displayName: string;
  kind: 'job' | 'deployment';
  environment?: string;
  result: RecordResult;
  steps: StepResult[];
  /** keyed as `dependencies.<job>.outputs[...]` reads them: `step.var`, or `<job>.step.var` for runOnce deployment jobs */
  outputs: Record<string, string>;
}

export interface StageResult {
  name: string;
  displayName: string;
  result: RecordResult;
  jobs: JobResult[];
}

export interface PipelineRunResult {
  result: RunResult;
  buildId: number;
  buildNumber: string;
  pipelineName: string;
  stages: StageResult[];
  /** `<runDir>/artifacts` */
  artifactsDir: string;
  /** artifact name → folder */
  artifacts: Record<string, string>;
  buildTags: string[];
  /** `Stage.Job.step.var` → value; runOnce deployment jobs: `Stage.Job.Job.step.var` */
  outputs: Record<string, string>;
  sourceBranch: string;
  sourceVersion: string;
}

/** Worst result wins (Skipped does not count against a parent). */
const RANK: Record<RunResult, number> = { Succeeded: 0, SucceededWithIssues: 1, Failed: 2, Canceled: 3 };

export function worst(results: RecordResult[]): RunResult | undefined {
  let w: RunResult | undefined;
  for (const r of results) {
    if (r === 'Skipped') continue;
    if (w === undefined || RANK[r] > RANK[w]) w = r;
  }
  return w;
}

export function isSuccess(r: RecordResult | undefined): boolean {
  return r === 'Succeeded' || r === 'SucceededWithIssues';
}
