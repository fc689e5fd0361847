import type { Workspace } from './workspace';
import { getJobSnapshot, JobSnapshot } from './jobs';
import { runHistory } from './run-history';
import { getMlflowRun } from './mlflow';
import { UserError } from '../task/user-error';

interface JobMetrics {
  /** The MLflow run the metrics came from: the job itself or one of its steps. */
  runId: string;
  /** "job train-42" or "job train-42, step train". */
  label: string;
  metrics: Record<string, number>;
}

/** A job whose metrics a task relies on must have finished: a running job's metrics are still moving. */
export async function requireCompletedJob(
  ws: Workspace,
  jobName: string,
  purpose: string,
  abortSignal?: AbortSignal,
): Promise<JobSnapshot> {
  const job = await getJobSnapshot(ws, jobName, abortSignal);
  if (job.status !== 'Completed') {
    throw new UserError(
      `Azure ML job '${jobName}' is ${job.status}, not Completed: ${purpose} only from a completed job (run AzureMLWaitForRun@1 before this task, and check the 'jobName' input).`,
    );
  }
  return job;
}

/** The display names of a job's pipeline steps (empty for a job that is not a pipeline). */
export async function listStepNames(ws: Workspace, jobName: string, abortSignal?: AbortSignal): Promise<string[]> {
  return (await runHistory(ws).listChildren(jobName, abortSignal)).map((c) => c.name).sort();
}

/**
 * Metrics of a job, or of one of its pipeline steps (found by its run-history display name, which is
 * the node name unless the YAML sets display_name: a step's run id is what MLflow knows it by).
 * Callers check first that the job completed.
 */
export async function readJobMetrics(
  ws: Workspace,
  jobName: string,
  stepName: string | undefined,
  abortSignal?: AbortSignal,
): Promise<JobMetrics> {
  let runId = jobName;
  let label = `job ${jobName}`;
  if (stepName) {
    const children = await runHistory(ws).listChildren(jobName, abortSignal);
    const step = children.find((c) => c.name === stepName) ?? children.find((c) => c.name.toLowerCase() === stepName.toLowerCase());
    if (!step) {
      const names = children.map((c) => c.name).sort();
      const has = names.length > 0 ? `its steps are ${names.join(', ')}` : 'it has no steps (it is not a pipeline job)';
      throw new UserError(`'stepName' is '${stepName}', but Azure ML job '${jobName}' has no step of that name; ${has}.`);
    }
    runId = step.runId;
    label = `job ${jobName}, step ${step.name}`;
  }
  const run = await getMlflowRun(ws, runId, abortSignal);
  if (!run)
    throw new UserError(
      `MLflow has no run '${runId}' for ${label}, so its metrics cannot be read; check that the training code logs metrics with MLflow.`,
    );
  return { runId, label, metrics: run.metrics };
}
