import { loadWorkspace, Workspace, WorkspaceRef } from '../azureml/workspace';
import { getJobSnapshot, requestJobCancel, JobSnapshot } from '../azureml/jobs';
import { runHistory } from '../azureml/run-history';
import { isTerminal, resultForStatus, TerminalStatus } from '../azureml/job-status';
import { describeError } from '../task/describe-error';
import type { WaitForRunInputs } from './wait-for-run-inputs';
import { waitForJob, WaitEffects } from './wait-for-job';
import type { ChildRun } from '../azureml/run-history';
import { emptyTrialCache, withSweepTrials } from './sweep-trials';

interface WaitForRunReport {
  result: 'Succeeded' | 'SucceededWithIssues' | 'Failed';
  message: string;
  outputs: { status: string; studioUrl: string; durationSeconds: string };
}

interface WaitRuntime {
  abortSignal: AbortSignal;
  now(): number;
  sleep(ms: number, abortSignal: AbortSignal): Promise<void>;
  log(line: string): void;
  warn(line: string): void;
}

/**
 * How long a cancel request may take. After SIGINT the agent sends SIGTERM at 7.5 s and kills at
 * 10 s; the timeout path stays under 7 s too, in case the pipeline is cancelled meanwhile.
 */
const CANCEL_ON_SIGNAL_BUDGET_MS = 4000;
const CANCEL_ON_TIMEOUT_BUDGET_MS = 7000;
const MAX_FAILED_STEPS_DESCRIBED = 3;

/**
 * Waits for the job and turns its end into the task's result, cancelling the Azure ML job when the
 * wait times out or the pipeline is cancelled (unless told to leave it running). Throws the abort
 * reason after handling a pipeline cancel, so the run wrapper reports Canceled.
 */
export async function waitForRun(ref: WorkspaceRef, inputs: WaitForRunInputs, rt: WaitRuntime): Promise<WaitForRunReport> {
  let lastJob: JobSnapshot | undefined;
  try {
    const ws = await loadWorkspace(ref, rt.abortSignal);
    return await waitAndReport(ws, inputs, rt, (job) => (lastJob = job));
  } catch (error) {
    // Cancelled during sign-in, the workspace read or the wait: the job may be running either way.
    if (rt.abortSignal.aborted && !(lastJob && isTerminal(lastJob.status))) {
      if (inputs.onPipelineCancel === 'cancelJob') {
        await cancelQuietly(ref, inputs.jobName, CANCEL_ON_SIGNAL_BUDGET_MS, rt, 'the pipeline was cancelled');
      } else {
        rt.log(`The pipeline was cancelled; Azure ML job ${inputs.jobName} is left running ('onPipelineCancel' is leaveRunning).`);
      }
    }
    throw error;
  }
}

async function waitAndReport(
  ws: Workspace,
  inputs: WaitForRunInputs,
  rt: WaitRuntime,
  seen: (job: JobSnapshot) => void,
): Promise<WaitForRunReport> {
  const history = runHistory(ws);
  const trials = emptyTrialCache();
  let studioShown = false;
  const effects: WaitEffects = {
    getJob: async (abortSignal) => {
      const job = await getJobSnapshot(ws, inputs.jobName, abortSignal);
      seen(job);
      if (!studioShown && job.studioUrl) {
        rt.log(`Azure ML studio: ${job.studioUrl}`);
        studioShown = true;
      }
      return job;
    },
    // A sweep step's trials show as steps too: one more run-history read per running sweep.
    listChildren: async (abortSignal) =>
      withSweepTrials(await history.listChildren(inputs.jobName, abortSignal), (runId) => history.listChildren(runId, abortSignal), trials),
    sleep: rt.sleep,
    now: rt.now,
    log: rt.log,
    warn: rt.warn,
  };

  const outcome = await waitForJob(effects, {
    jobName: inputs.jobName,
    timeoutMs: inputs.timeoutMinutes * 60_000,
    schedule: { initialMs: inputs.pollIntervalSeconds * 1000, maxMs: inputs.maxPollIntervalSeconds * 1000 },
    abortSignal: rt.abortSignal,
  });

  const studioUrl = outcome.job?.studioUrl ?? '';
  if (outcome.kind === 'timeout') {
    const last = outcome.job ? ` (last status ${outcome.job.status})` : '';
    let what = `it is left running ('onTimeout' is leaveRunning)`;
    if (inputs.onTimeout === 'cancelJob') {
      what = (await cancelQuietly(ws, inputs.jobName, CANCEL_ON_TIMEOUT_BUDGET_MS, rt, 'the wait timed out'))
        ? 'the job was asked to cancel'
        : 'cancelling the job failed: cancel it in Azure ML studio';
    }
    return {
      result: 'Failed',
      message: `Timed out after ${inputs.timeoutMinutes} minute${inputs.timeoutMinutes === 1 ? '' : 's'} waiting for Azure ML job ${inputs.jobName}${last}; ${what}.`,
      outputs: { status: '', studioUrl, durationSeconds: String(Math.round(outcome.elapsedMs / 1000)) },
    };
  }

  const status = outcome.job.status as TerminalStatus;
  const result = resultForStatus(status, { failOnCanceledJob: inputs.failOnCanceledJob });
  const outputs = { status, studioUrl, durationSeconds: String(Math.round(outcome.elapsedMs / 1000)) };
  if (status === 'Completed') return { result, message: `Azure ML job ${inputs.jobName} completed.`, outputs };
  if (status === 'Canceled') {
    return { result, message: `Azure ML job ${inputs.jobName} was canceled in Azure ML.`, outputs };
  }
  const reason = await failureReason(history, inputs.jobName, outcome.children, rt);
  return { result, message: `Azure ML job ${inputs.jobName} ended ${status}${reason ? `: ${reason}` : '.'}`, outputs };
}

/** The job's own error, plus the failed steps' errors for a pipeline (its own error rarely says which step broke). */
async function failureReason(
  history: ReturnType<typeof runHistory>,
  jobName: string,
  children: ChildRun[],
  rt: WaitRuntime,
): Promise<string> {
  const parts: string[] = [];
  try {
    const own = await history.getErrorMessage(jobName, rt.abortSignal);
    if (own) parts.push(own);
    const failed = children.filter((c) => c.status === 'Failed');
    for (const step of failed.slice(0, MAX_FAILED_STEPS_DESCRIBED)) {
      const message = await history.getErrorMessage(step.runId, rt.abortSignal);
      parts.push(`step ${step.name} failed${message ? `: ${message}` : ''}`);
    }
    if (failed.length > MAX_FAILED_STEPS_DESCRIBED) parts.push(`${failed.length - MAX_FAILED_STEPS_DESCRIBED} more steps failed`);
  } catch (error) {
    if (rt.abortSignal.aborted) throw error;
    rt.warn(`Could not read the job's error from run history: ${describeError(error)}`);
  }
  return parts.map((p) => p.replace(/\.\s*$/, '')).join('; ');
}

async function cancelQuietly(ws: WorkspaceRef, jobName: string, budgetMs: number, rt: WaitRuntime, why: string): Promise<boolean> {
  try {
    await requestJobCancel(ws, jobName, AbortSignal.timeout(budgetMs));
    rt.log(`Requested cancellation of Azure ML job ${jobName} because ${why}.`);
    return true;
  } catch (error) {
    rt.warn(
      `Could not cancel Azure ML job ${jobName} after ${why}: ${describeError(error)}. Cancel it in Azure ML studio to stop its compute.`,
    );
    return false;
  }
}
