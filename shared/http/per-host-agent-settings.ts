import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import type { HttpClientOptions } from './agent-http-options';

/**
 * One client talks to several hosts: Resource Manager, the regional run-history and MLflow hosts
 * (or private-link ones), nextLink pages. The agent's proxy bypass list is per URL, so the proxy
 * and TLS settings are chosen per request host, not once per client.
 * Runs after every built-in policy so that its choice is final.
 */
export function perHostAgentSettingsPolicy(settingsFor: (url: string) => HttpClientOptions): PipelinePolicy {
  const byOrigin = new Map<string, HttpClientOptions>();
  return {
    name: 'perHostAgentSettings',
    sendRequest(request, next) {
      const origin = new URL(request.url).origin;
      let settings = byOrigin.get(origin);
      if (!settings) {
        settings = settingsFor(request.url);
        byOrigin.set(origin, settings);
      }
      if (settings.agent) {
        request.agent = settings.agent;
      } else {
        // No proxy for this host: let the HTTP client build its own agent with the TLS settings.
        request.agent = undefined;
        request.tlsSettings = settings.tlsOptions;
      }
      return next(request);
    },
  };
}
