import { setTimeout as sleep } from 'node:timers/promises';
import { createClientLogger } from '@azure/logger';
import { retryPolicy, type Pipeline, type PipelinePolicy, type PipelineResponse, type RetryStrategy } from '@azure/core-rest-pipeline';

/**
 * The one retry policy of every HTTP call the tasks make: Resource Manager through the SDK, its
 * long-running-operation polls, the direct REST calls (newer api-versions, run history, MLflow),
 * Entra sign-in, the scoring smoke test, the Azure DevOps OIDC request, blob uploads.
 *
 * Transient = 408, 429, 500, 502, 503, 504, or a connection that dropped, was refused or timed out.
 * The wait is the service's Retry-After when it sends one (429/503 usually do), else exponential
 * backoff with jitter, so that many agents throttled together do not come back together. Waits
 * end at once when the task is cancelled. Retrying is safe because every write we send is
 * idempotent (PUT of a named resource, content-addressed uploads, POSTs that only read).
 */
export interface RetryBudget {
  /** Tries after the first. */
  maxRetries: number;
  /** First backoff; doubles per try. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the answer stands (a service asking for minutes is not "transient"). */
  maxRetryAfterMs: number;
}

/**
 * Resource Manager, data plane, sign-in: nine tries, about 90 s of backoff at most, so a 20%
 * fault rate (0.2^9 ≈ 5e-7 per call) never exhausts it while a real outage still ends the task.
 */
export const DEFAULT_RETRY: RetryBudget = { maxRetries: 8, baseDelayMs: 800, maxDelayMs: 30_000, maxRetryAfterMs: 120_000 };

/**
 * Scoring: a model that answers 500 on every request is broken, not unlucky; four retries (about
 * 6 s) ride out a blip without delaying the rollback of a bad model by minutes.
 */
export const SCORING_RETRY: RetryBudget = { maxRetries: 4, baseDelayMs: 400, maxDelayMs: 4_000, maxRetryAfterMs: 30_000 };

const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** Node and undici codes of a connection that dropped, was refused, reset or timed out. */
const TRANSIENT_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

interface AttemptOutcome {
  /** HTTP status, when an answer arrived. */
  status?: number;
  /** Header lookup of that answer. */
  header?: (name: string) => string | undefined | null;
  /** Error code of a request that got no answer (ECONNRESET…). */
  errorCode?: string;
}

/** Whether this outcome is worth another try at all (independent of the budget). */
export function isTransientOutcome(outcome: AttemptOutcome): boolean {
  if (outcome.status !== undefined) return TRANSIENT_STATUSES.has(outcome.status);
  return outcome.errorCode !== undefined && TRANSIENT_ERROR_CODES.has(outcome.errorCode);
}

/** Retry-After in ms: `retry-after-ms`, `x-ms-retry-after-ms`, then `Retry-After` as seconds or an HTTP date. */
export function retryAfterFromHeaders(header: AttemptOutcome['header'], now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const ms = Number(header(name) ?? NaN);
    if (Number.isFinite(ms) && ms >= 0) return ms;
  }
  const value = header('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Pure: how long to wait before try `retryCount + 1`, or undefined to give up and return the
 * outcome as it is. `random` in [0, 1) makes the jitter testable: the wait is between half and
 * all of the exponential step ("equal jitter"), never zero, so retries still spread out.
 */
export function retryDelay(
  retryCount: number,
  outcome: AttemptOutcome,
  budget: RetryBudget = DEFAULT_RETRY,
  random: () => number = Math.random,
  now: number = Date.now(),
): number | undefined {
  if (retryCount >= budget.maxRetries || !isTransientOutcome(outcome)) return undefined;
  const asked = outcome.status !== undefined ? retryAfterFromHeaders(outcome.header, now) : undefined;
  if (asked !== undefined) return asked > budget.maxRetryAfterMs ? undefined : asked;
  const step = Math.min(budget.maxDelayMs, budget.baseDelayMs * 2 ** retryCount);
  return Math.round(step / 2 + (random() * step) / 2);
}

const logger = createClientLogger('azureml-mlops retry');

interface ErrorLike {
  code?: string;
  statusCode?: number;
  response?: PipelineResponse | { status?: number; headers?: { get(name: string): string | undefined } };
}

/** What a pipeline attempt produced, in the pure function's terms. */
function outcomeOf(response: PipelineResponse | undefined, error: ErrorLike | undefined): AttemptOutcome {
  const answer = response ?? (error?.response as PipelineResponse | undefined);
  if (answer?.status !== undefined) return { status: answer.status, header: (n) => answer.headers.get(n) };
  if (error?.statusCode !== undefined) return { status: error.statusCode };
  return { errorCode: error?.code };
}

function retryStrategy(budget: RetryBudget): RetryStrategy {
  return {
    name: 'azuremlMlopsTransientRetry',
    logger,
    retry({ retryCount, response, responseError }) {
      const outcome = outcomeOf(response, responseError as ErrorLike | undefined);
      // retryCount counts from 0 for the first answer; core's policy stops at maxRetries itself.
      const delay = retryDelay(retryCount, outcome, { ...budget, maxRetries: Number.POSITIVE_INFINITY });
      if (delay === undefined) return responseError ? { errorToThrow: responseError } : { skipStrategy: true };
      logger.info(
        `${outcome.status !== undefined ? `HTTP ${outcome.status}` : outcome.errorCode}: try ${retryCount + 2} of ${budget.maxRetries + 1} in ${delay} ms`,
      );
      return { retryAfterInMs: delay };
    },
  };
}

/** The pipeline policy form, for pipelines we build or own. */
export function transientRetryPolicy(budget: RetryBudget = DEFAULT_RETRY): PipelinePolicy {
  const policy = retryPolicy([retryStrategy(budget)], { maxRetries: budget.maxRetries });
  return { ...policy, name: TRANSIENT_RETRY_POLICY };
}

const TRANSIENT_RETRY_POLICY = 'azuremlMlopsTransientRetryPolicy';

/** The Azure SDK's own retry policies, which ours replaces (they skip 429 without Retry-After and give up after 3 tries). */
const SDK_RETRY_POLICIES = [
  'defaultRetryPolicy',
  'exponentialRetryPolicy',
  'systemErrorRetryPolicy',
  'throttlingRetryPolicy',
  'retryPolicy',
];

/** An SDK client's pipeline, with its retry policies replaced by ours (in the same phase: before signing, so a retry signs again). */
export function useTransientRetries(pipeline: Pipeline, budget: RetryBudget = DEFAULT_RETRY): void {
  for (const name of SDK_RETRY_POLICIES) pipeline.removePolicy({ name });
  pipeline.addPolicy(transientRetryPolicy(budget), { phase: 'Retry' });
}

/**
 * The same policy for a call outside any Azure pipeline (azure-devops-node-api's typed REST
 * client, which never retries a POST): the error's `statusCode` or `code` decides, and the wait
 * ends when `abortSignal` fires.
 */
export async function withTransientRetries<T>(
  call: () => Promise<T>,
  options: { abortSignal?: AbortSignal; budget?: RetryBudget; what: string },
): Promise<T> {
  const budget = options.budget ?? DEFAULT_RETRY;
  for (let retryCount = 0; ; retryCount++) {
    try {
      return await call();
    } catch (error) {
      const e = error as ErrorLike;
      // typed-rest-client (azure-devops-node-api) keeps the answer's headers as a plain object.
      const plain = (error as { responseHeaders?: Record<string, string | string[] | undefined> }).responseHeaders;
      const header = (n: string) => e.response?.headers?.get(n) ?? [plain?.[n.toLowerCase()]].flat()[0];
      const outcome: AttemptOutcome = e.statusCode !== undefined ? { status: e.statusCode, header } : { errorCode: e.code };
      const delay = options.abortSignal?.aborted ? undefined : retryDelay(retryCount, outcome, budget);
      if (delay === undefined) throw error;
      logger.info(
        `${options.what}: ${outcome.status !== undefined ? `HTTP ${outcome.status}` : outcome.errorCode}: try ${retryCount + 2} of ${budget.maxRetries + 1} in ${delay} ms`,
      );
      await sleep(delay, undefined, { signal: options.abortSignal });
    }
  }
}
