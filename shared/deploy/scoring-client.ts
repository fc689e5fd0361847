import { createDefaultHttpClient, createEmptyPipeline, createHttpHeaders, createPipelineRequest } from '@azure/core-rest-pipeline';
import type { HttpClientOptions } from '../http/agent-http-options';
import { perHostAgentSettingsPolicy } from '../http/per-host-agent-settings';

export interface ScoreResult {
  status: number;
  /** Parsed JSON, or undefined when the body was not JSON. */
  json: unknown;
  text: string;
  /** Which deployment answered (the service's azureml-model-deployment response header). */
  deployment?: string;
}

/**
 * Calls a scoring URI. Its own pipeline, not the ARM client's: the ARM bearer policy would replace the
 * endpoint key/token, and a smoke test must see the service's first answer, so nothing retries.
 * The agent's proxy and CA settings still apply per host.
 */
export function scoringClient(httpFor: (url: string) => HttpClientOptions) {
  const pipeline = createEmptyPipeline();
  pipeline.addPolicy(perHostAgentSettingsPolicy(httpFor));
  const http = createDefaultHttpClient();
  return async function score(url: string, opts: { credential: string; deployment: string; body: unknown; timeoutMs: number; abortSignal?: AbortSignal }): Promise<ScoreResult> {
    const request = createPipelineRequest({
      url,
      method: 'POST',
      timeout: opts.timeoutMs,
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
