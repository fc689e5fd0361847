import * as fs from 'node:fs';
import { rootCertificates } from 'node:tls';
import * as tl from 'azure-pipelines-task-lib/task';
import type { Agent } from 'node:http';
import type { TlsSettings } from '@azure/core-rest-pipeline';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { UserError } from '../task/user-error';

/**
 * Enterprise agents reach Azure through a proxy and trust a private CA. The agent publishes both
 * (Agent.ProxyUrl…, Agent.CAInfo…); every Azure SDK client we create gets them through these options.
 */
interface AgentProxy {
  proxyUrl: string;
  proxyUsername?: string;
  proxyPassword?: string;
  proxyBypassHosts?: string[];
}

interface AgentCerts {
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

/** Pure: agent settings → Azure SDK client options. File reads are injected for tests. */
export function toHttpClientOptions(
  proxy: AgentProxy | null | undefined,
  certs: AgentCerts | null | undefined,
  readFile: (path: string) => Buffer = (p) => fs.readFileSync(p),
  trustedRoots: () => string[] = defaultTrustedRoots,
): HttpClientOptions {
  let settings: TlsSettings | undefined;
  if (certs && (certs.caFile || certs.certFile || certs.certArchiveFile)) {
    const read = (variable: string, file: string) => {
      try {
        return readFile(file);
      } catch (e) {
        throw new UserError(
          `The agent setting ${variable} names '${file}', which cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); fix the agent's certificate configuration.`,
        );
      }
    };
    settings = {};
    // A CA given to TLS replaces Node's trust store: keep the public roots (Azure's own
    // certificates) and NODE_EXTRA_CA_CERTS, and add the agent's CA to them.
    if (certs.caFile) settings.ca = [...trustedRoots(), read('Agent.CAInfo', certs.caFile).toString('utf8')];
    if (certs.certFile) settings.cert = read('Agent.ClientCert', certs.certFile).toString('utf8');
    if (certs.keyFile) settings.key = read('Agent.ClientCertKey', certs.keyFile).toString('utf8');
    if (certs.certArchiveFile) settings.pfx = read('Agent.ClientCertArchive', certs.certArchiveFile);
    if (certs.passphrase) settings.passphrase = certs.passphrase;
  }
  if (!proxy?.proxyUrl) return settings ? { tlsOptions: settings } : {};
  // The Azure SDK ignores TLS settings once it tunnels through a proxy of its own making ("TLS
  // settings are not supported in combination with custom Proxy"), which would break agents that
  // sit behind a proxy AND trust a private CA. Our own tunnelling agent carries both.
  const url = new URL(proxy.proxyUrl);
  if (proxy.proxyUsername) url.username = proxy.proxyUsername;
  if (proxy.proxyPassword) url.password = proxy.proxyPassword;
  return { agent: new TlsProxyAgent(url, settings ?? {}) };
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

/** Node's public roots plus NODE_EXTRA_CA_CERTS, which a `ca` option would otherwise drop. */
function defaultTrustedRoots(): string[] {
  const roots = [...rootCertificates];
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  if (extra) {
    try {
      roots.push(fs.readFileSync(extra, 'utf8'));
    } catch {
      // Node itself warns about an unreadable NODE_EXTRA_CA_CERTS at start-up.
    }
  }
  return roots;
}

/**
 * The agent's settings for requests to `url`: task-lib already applies the agent's proxy bypass list
 * (regular expressions over URLs) and returns no proxy for a bypassed host.
 */
export function readAgentHttpOptions(url: string): HttpClientOptions {
  return toHttpClientOptions(tl.getHttpProxyConfiguration(url), tl.getHttpCertConfiguration());
}
