import {
  createDefaultHttpClient,
  createEmptyPipeline,
  createHttpHeaders,
  createPipelineRequest,
  type PipelinePolicy,
} from '@azure/core-rest-pipeline';
import type { HttpClientOptions } from '../http/agent-http-options';
import { perHostAgentSettingsPolicy } from '../http/per-host-agent-settings';
import { SCORING_RETRY, transientRetryPolicy } from '../http/retry-policy';

export interface ScoreResult {
  status: number;
  /** Parsed JSON, or undefined when the body was not JSON. */
  json: unknown;
  text: string;
  /** Which deployment answered (the service's azureml-model-deployment response header). */
  deployment?: string;
}

/** A scoring request that got no answer within its time limit (one try; a slow model is not retried). */
export class ScoringTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs / 1000} s`);
    this.name = 'ScoringTimeout';
  }
}

/**
 * Each try gets its own time limit. The HTTP client's own `timeout` leaves its timer running when
 * the connection drops first, which kept a finished task alive for the whole limit; this one is
 * always cleared.
 */
function attemptTimeoutPolicy(timeoutMs: number): PipelinePolicy {
  return {
    name: 'scoringAttemptTimeout',
    async sendRequest(request, next) {
      const limit = new AbortController();
      const timer = setTimeout(() => limit.abort(), timeoutMs);
      const outer = request.abortSignal;
      request.abortSignal = outer ? AbortSignal.any([outer as AbortSignal, limit.signal]) : limit.signal;
      try {
        return await next(request);
      } catch (error) {
        if (limit.signal.aborted && !outer?.aborted) throw new ScoringTimeout(timeoutMs);
        throw error;
      } finally {
        clearTimeout(timer);
        request.abortSignal = outer;
      }
    },
  };
}

/**
 * Calls a scoring URI. Its own pipeline, not the ARM client's: the ARM bearer policy would replace the
 * endpoint key/token. Scoring has no side effects, so a throttled answer, a 5xx or a dropped
 * connection is tried again by the common retry policy (with the short scoring budget): a healthy
 * model is never rolled back for one blip, while a model that fails every try still is.
 * The agent's proxy and CA settings still apply per host.
 */
export function scoringClient(httpFor: (url: string) => HttpClientOptions) {
  const http = createDefaultHttpClient();
  const hostSettings = perHostAgentSettingsPolicy(httpFor);
  return async function score(
    url: string,
    opts: { credential: string; deployment: string; body: unknown; timeoutMs: number; abortSignal?: AbortSignal },
  ): Promise<ScoreResult> {
    const pipeline = createEmptyPipeline();
    pipeline.addPolicy(transientRetryPolicy(SCORING_RETRY));
    pipeline.addPolicy(attemptTimeoutPolicy(opts.timeoutMs));
    pipeline.addPolicy(hostSettings);
    const request = createPipelineRequest({
      url,
      method: 'POST',
      abortSignal: opts.abortSignal,
      headers: createHttpHeaders({
        'Content-Type': 'application/json',
        Accept: 'application/json',
        Authorization: `Bearer ${opts.credential}`,
        // Straight to the new deployment, whatever the endpoint's traffic says.
        'azureml-model-deployment': opts.deployment,
      }),
      body: JSON.stringify(opts.body),
    });
    const response = await pipeline.sendRequest(http, request);
    const text = response.bodyAsText ?? '';
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, json, text, deployment: response.headers.get('azureml-model-deployment') };
  };
}
