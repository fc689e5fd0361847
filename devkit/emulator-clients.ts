import type { TokenCredential } from '@azure/core-auth';
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { ClientSecretCredential } from '@azure/identity';
import type { Emulator } from '../emulator';
import { resolveCloud } from '../shared/auth/clouds';
import { createMachineLearningClient, loadWorkspace, type Workspace } from '../shared/azureml/workspace';

/**
 * In-process clients cannot use NODE_EXTRA_CA_CERTS (read once at Node start), so tests hand
 * the emulator's CA to each client instead. Product code never does this.
 */
export const tlsFor = (emulator: Emulator) => ({ tlsOptions: { ca: emulator.caCertPem } });

export const credentialOptions = (emulator: Emulator) => ({
  authorityHost: emulator.url,
  disableInstanceDiscovery: true,
  ...tlsFor(emulator),
});

export function secretCredential(emulator: Emulator): TokenCredential {
  const { id, env } = emulator.connection({ scheme: 'spnKey' });
  return new ClientSecretCredential(
    emulator.tenantId,
    env[`ENDPOINT_AUTH_PARAMETER_${id}_SERVICEPRINCIPALID`],
    env[`ENDPOINT_AUTH_PARAMETER_${id}_SERVICEPRINCIPALKEY`],
    credentialOptions(emulator),
  );
}

export function mlClient(emulator: Emulator, credential: TokenCredential = secretCredential(emulator), retry?: { maxRetries: number }) {
  return new AzureMachineLearningWorkspaces(credential, emulator.subscriptionId, {
    endpoint: emulator.url,
    credentialScopes: [`${emulator.url}/.default`],
    ...tlsFor(emulator),
    ...(retry ? { retryOptions: { maxRetries: retry.maxRetries, retryDelayInMs: 10, maxRetryDelayInMs: 50 } } : {}),
  });
}

/** A raw HTTPS call trusting the emulator's CA, for asserting on exact statuses, headers and bodies. */
export async function call(
  emulator: Emulator,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; form?: Record<string, string>; headers?: Record<string, string> } = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests index freely into the JSON bodies they assert on
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: any; text: string }> {
  const https = await import('node:https');
  const headers: Record<string, string> = { ...options.headers };
  let payload: string | undefined;
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.form) {
    payload = new URLSearchParams(options.form).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  } else if (options.body !== undefined) {
    payload = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  return new Promise((resolve, reject) => {
    const req = https.request(`${emulator.url}${path}`, { method, headers, ca: emulator.caCertPem }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = text;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export async function armToken(emulator: Emulator): Promise<string> {
  const token = await secretCredential(emulator).getToken(`${emulator.url}/.default`);
  if (!token) throw new Error('no token');
  return token.token;
}

export const wsPath = (e: Emulator) =>
  `/subscriptions/${e.subscriptionId}/resourceGroups/${e.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${e.workspaceName}`;

/**
 * The product's own workspace handle (shared/azureml/workspace.ts) on the emulator, signed in as
 * the spnKey connection, as a task opens it, but in-process: for tests and benches that call shared/
 * functions directly. The credential comes along for the data readers (identity-based storage).
 */
export async function productWorkspace(
  emulator: Emulator,
  taskName: string,
): Promise<{ workspace: Workspace; credential: TokenCredential }> {
  const credential = secretCredential(emulator);
  const client = createMachineLearningClient({
    credential,
    cloud: resolveCloud({
      activeDirectoryAuthority: emulator.url,
      resourceManagerUrl: emulator.url,
      resourceId: emulator.url,
      environment: 'AzureCloud',
    }),
    subscriptionId: emulator.subscriptionId,
    httpFor: () => tlsFor(emulator),
    taskName,
  });
  const workspace = await loadWorkspace({
    client,
    subscriptionId: emulator.subscriptionId,
    resourceGroup: emulator.resourceGroup,
    name: emulator.workspaceName,
  });
  return { workspace, credential };
}
