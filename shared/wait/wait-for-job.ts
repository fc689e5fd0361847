import type { JobSnapshot } from '../azureml/jobs';
import type { ChildRun } from '../azureml/run-history';
import { isTerminal } from '../azureml/job-status';
import { nextPollDelay, PollSchedule } from './poll-schedule';
import { emptyView, statusChanges } from './status-changes';
import { isTransient, retryAfterMs, shortReason } from './transient-error';
import { isAbortError } from '../task/user-error';

/** Longest time one poll (a status read and its SDK retries) may take before it counts as failed. */
const POLL_BUDGET_MS = 120_000;

/** The effects the wait loop needs; real HTTP and timers in the task, a manual clock in tests and the bench. */
export interface WaitEffects {
  getJob(abortSignal: AbortSignal): Promise<JobSnapshot>;
  /** Child steps, for pipeline jobs. */
  listChildren(abortSignal: AbortSignal): Promise<ChildRun[]>;
  sleep(ms: number, abortSignal: AbortSignal): Promise<void>;
  now(): number;
  log(line: string): void;
  warn(line: string): void;
}

interface WaitOptions {
  jobName: string;
  timeoutMs: number;
  schedule: PollSchedule;
  abortSignal: AbortSignal;
}

type WaitOutcome =
  | { kind: 'terminal'; job: JobSnapshot; children: ChildRun[]; polls: number; elapsedMs: number }
  | { kind: 'timeout'; job?: JobSnapshot; polls: number; elapsedMs: number };

/**
 * Polls until the job is terminal or the timeout passes. Throws the abort reason when `abortSignal`
 * fires, and any error that is not transient (job not found, access denied).
 */
export async function waitForJob(effects: WaitEffects, options: WaitOptions): Promise<WaitOutcome> {
  const started = effects.now();
  const deadline = started + options.timeoutMs;
  let view = emptyView();
  let job: JobSnapshot | undefined;
  let children: ChildRun[] = [];
  let delay: number | undefined;
  let polls = 0;
  let failing = false;
  let childrenFailing = false;

  for (;;) {
    options.abortSignal.throwIfAborted();
    let changed = false;
    let retryAfter: number | undefined;
    // A black-holed connection must not outlast the task's own timeout: each poll's calls
    // (with the SDK's retries) get a bounded time, after which the poll counts as failed.
    const pollSignal = AbortSignal.any([options.abortSignal, AbortSignal.timeout(POLL_BUDGET_MS)]);
    try {
      polls++;
      job = await effects.getJob(pollSignal);
      if (failing) effects.log(`Status checks work again.`);
      failing = false;
    } catch (error) {
      if (options.abortSignal.aborted || !(isTransient(error) || isAbortError(error))) throw error;
      retryAfter = retryAfterMs(error, effects.now());
      if (!failing)
        effects.warn(`Could not read the status of job ${options.jobName} (${shortReason(error)}); will keep trying until the timeout.`);
      failing = true;
    }

    if (job && !failing) {
      if (job.jobType === 'Pipeline') {
        try {
          children = await effects.listChildren(pollSignal);
          childrenFailing = false;
        } catch (error) {
          if (options.abortSignal.aborted) throw error;
          if (!childrenFailing)
            effects.warn(
              `Could not list the steps of job ${options.jobName} (${shortReason(error)}); step status is not shown until this works again.`,
            );
          childrenFailing = true;
        }
      }
      const change = statusChanges(view, options.jobName, job.status, children);
      for (const line of change.lines) effects.log(line);
      changed = change.lines.length > 0;
      view = change.next;
      if (isTerminal(job.status)) {
        return { kind: 'terminal', job, children, polls, elapsedMs: effects.now() - started };
      }
    }

    const now = effects.now();
    if (now >= deadline) return { kind: 'timeout', job, polls, elapsedMs: now - started };
    delay = nextPollDelay(delay, options.schedule, { changed, retryAfterMs: retryAfter });
    // One last check exactly at the deadline, so a job finishing just then is not reported as a timeout.
    await effects.sleep(Math.min(delay, deadline - now), options.abortSignal);
  }
}
