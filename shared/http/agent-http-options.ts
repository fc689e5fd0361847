import * as fs from 'node:fs';
import * as tl from 'azure-pipelines-task-lib/task';
import type { Agent } from 'node:http';
import type { TlsSettings } from '@azure/core-rest-pipeline';
import { HttpsProxyAgent } from 'https-proxy-agent';

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
  /** Set when the agent uses a proxy: tunnels through it and carries the TLS settings too. */
  agent?: Agent;
  tlsOptions?: TlsSettings;
}

/** Pure: agent settings → Azure SDK client options. `readFile` is injected for tests. */
export function toHttpClientOptions(
  proxy: AgentProxy | null | undefined,
  certs: AgentCerts | null | undefined,
  readFile: (path: string) => Buffer = (p) => fs.readFileSync(p),
): HttpClientOptions {
  let tls: TlsSettings | undefined;
  if (certs && (certs.caFile || certs.certFile || certs.certArchiveFile)) {
    tls = {};
    if (certs.caFile) tls.ca = readFile(certs.caFile).toString('utf8');
    if (certs.certFile) tls.cert = readFile(certs.certFile).toString('utf8');
    if (certs.keyFile) tls.key = readFile(certs.keyFile).toString('utf8');
    if (certs.certArchiveFile) tls.pfx = readFile(certs.certArchiveFile);
    if (certs.passphrase) tls.passphrase = certs.passphrase;
  }
  if (!proxy?.proxyUrl) return tls ? { tlsOptions: tls } : {};
  // The Azure SDK ignores TLS settings once it tunnels through a proxy of its own making ("TLS
  // settings are not supported in combination with custom Proxy"), which would break agents that
  // sit behind a proxy AND trust a private CA. Our own tunnelling agent carries both.
  const url = new URL(proxy.proxyUrl);
  if (proxy.proxyUsername) url.username = proxy.proxyUsername;
  if (proxy.proxyPassword) url.password = proxy.proxyPassword;
  return { agent: new TlsProxyAgent(url, tls ?? {}) };
}

/** A proxy tunnel that applies the agent's TLS settings to the Azure host at the far end of it. */
export class TlsProxyAgent extends HttpsProxyAgent<string> {
  constructor(
    proxy: URL,
    readonly tls: TlsSettings,
  ) {
    super(proxy, { keepAlive: true });
  }

  override connect(req: Parameters<HttpsProxyAgent<string>['connect']>[0], opts: Parameters<HttpsProxyAgent<string>['connect']>[1]) {
    return super.connect(req, { ...opts, ...this.tls } as typeof opts);
  }
}

/**
 * The agent's settings for requests to `url`: task-lib already applies the agent's proxy bypass list
 * (regular expressions over URLs) and returns no proxy for a bypassed host.
 */
export function readAgentHttpOptions(url: string): HttpClientOptions {
  return toHttpClientOptions(tl.getHttpProxyConfiguration(url), tl.getHttpCertConfiguration());
}
