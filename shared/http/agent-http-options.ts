import * as fs from 'node:fs';
import * as tl from 'azure-pipelines-task-lib/task';
import type { ProxySettings, TlsSettings } from '@azure/core-rest-pipeline';

/**
 * Enterprise agents reach Azure through a proxy and trust a private CA. The agent publishes both
 * (Agent.ProxyUrl…, Agent.CAInfo…); every Azure SDK client we create gets them through these options.
 */
export interface AgentProxy {
  proxyUrl: string;
  proxyUsername?: string;
  proxyPassword?: string;
  proxyBypassHosts?: string[];
}

export interface AgentCerts {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  certArchiveFile?: string;
  passphrase?: string;
}

export interface HttpClientOptions {
  proxyOptions?: ProxySettings;
  tlsOptions?: TlsSettings;
}

/** Pure: agent settings → Azure SDK client options. `readFile` is injected for tests. */
export function toHttpClientOptions(
  proxy: AgentProxy | null | undefined,
  certs: AgentCerts | null | undefined,
  readFile: (path: string) => Buffer = (p) => fs.readFileSync(p),
): HttpClientOptions {
  const options: HttpClientOptions = {};
  if (proxy?.proxyUrl) {
    const url = new URL(proxy.proxyUrl);
    options.proxyOptions = {
      host: `${url.protocol}//${url.hostname}`,
      port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
      username: proxy.proxyUsername || undefined,
      password: proxy.proxyPassword || undefined,
    };
  }
  if (certs && (certs.caFile || certs.certFile || certs.certArchiveFile)) {
    const tls: TlsSettings = {};
    if (certs.caFile) tls.ca = readFile(certs.caFile).toString('utf8');
    if (certs.certFile) tls.cert = readFile(certs.certFile).toString('utf8');
    if (certs.keyFile) tls.key = readFile(certs.keyFile).toString('utf8');
    if (certs.certArchiveFile) tls.pfx = readFile(certs.certArchiveFile);
    if (certs.passphrase) tls.passphrase = certs.passphrase;
    options.tlsOptions = tls;
  }
  return options;
}

/**
 * The agent's settings for requests to `url`: task-lib already applies the agent's proxy bypass list
 * (regular expressions over URLs) and returns no proxy for a bypassed host.
 */
export function readAgentHttpOptions(url: string): HttpClientOptions {
  return toHttpClientOptions(tl.getHttpProxyConfiguration(url), tl.getHttpCertConfiguration());
}
