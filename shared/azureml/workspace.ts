import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import type { TokenCredential } from '@azure/core-auth';
import { createPipelineRequest } from '@azure/core-rest-pipeline';
import type { HttpClientOptions } from '../http/agent-http-options';
import { perHostAgentSettingsPolicy } from '../http/per-host-agent-settings';
import { useTransientRetries } from '../http/retry-policy';
import type { CloudEndpoints } from '../auth/clouds';
import { UserError } from '../task/user-error';
import { USER_AGENT } from './user-agent';

/** Enough to address a workspace without reading it (cancelling a job needs no more). */
export interface WorkspaceRef {
  client: AzureMachineLearningWorkspaces;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

/** A workspace resolved once per task: the client and what later calls need from it. */
export interface Workspace extends WorkspaceRef {
  /** ARM id of the workspace. */
  id: string;
  /** Resource Manager base URL of the connection's cloud (no trailing slash), for calls outside the SDK's operations. */
  armUrl: string;
  location: string;
  /** MLflow tracking URI as https (the service returns it as azureml://). */
  mlflowTrackingUrl?: string;
  /** Discovery document URL: where run history and the other data-plane services live. */
  discoveryUrl?: string;
}

interface MachineLearningClientOptions {
  credential: TokenCredential;
  cloud: CloudEndpoints;
  subscriptionId: string;
  /** The agent's proxy and TLS settings for a request URL (chosen per host). */
  httpFor: (url: string) => HttpClientOptions;
  /** Names the calling task in the User-Agent, so Azure-side logs show who called. */
  taskName: string;
}

export function createMachineLearningClient(options: MachineLearningClientOptions): AzureMachineLearningWorkspaces {
  const resourceManager = options.cloud.resourceManagerUrl.replace(/\/+$/, '');
  const client = new AzureMachineLearningWorkspaces(options.credential, options.subscriptionId, {
    endpoint: resourceManager,
    // $host is what URLs built outside the typed operations start from (workspaceUrl); it
    // defaults to the public cloud, not to the endpoint.
    $host: resourceManager,
    credentialScopes: [options.cloud.resourceManagerScope],
    userAgentOptions: { userAgentPrefix: `${USER_AGENT} ${options.taskName}` },
  });
  client.pipeline.addPolicy(perHostAgentSettingsPolicy(options.httpFor), { afterPhase: 'Sign' });
  // Every call of this client (typed operations, LRO polls, sendJson) retries by the one policy.
  useTransientRetries(client.pipeline);
  return client;
}

/** Reads the workspace (one ARM call); 404/403 become errors that say which input to fix. */
export async function loadWorkspace(ref: WorkspaceRef, abortSignal?: AbortSignal): Promise<Workspace> {
  let ws;
  try {
    ws = await ref.client.workspaces.get(ref.resourceGroup, ref.name, { abortSignal });
  } catch (error) {
    throw explainWorkspaceError(error, ref);
  }
  return {
    ...ref,
    id:
      ws.id ??
      `/subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${ref.name}`,
    armUrl: ref.client.$host.replace(/\/+$/, ''),
    location: ws.location ?? '',
    mlflowTrackingUrl: ws.mlFlowTrackingUri ? ws.mlFlowTrackingUri.replace(/^azureml:\/\//i, 'https://') : undefined,
    discoveryUrl: ws.discoveryUrl,
  };
}

function explainWorkspaceError(error: unknown, ref: WorkspaceRef): unknown {
  const e = error as { statusCode?: number; code?: string };
  const where = `resource group '${ref.resourceGroup}' of subscription '${ref.subscriptionId}'`;
  const inputs = "check the 'resourceGroup' and 'workspace' inputs";
  if (e.code === 'SubscriptionNotFound') {
    return new UserError(
      `Subscription '${ref.subscriptionId}' was not found, or the service connection's identity has no access to it; check the service connection.`,
      { cause: error },
    );
  }
  if (e.code === 'InvalidAuthenticationTokenTenant') {
    return new UserError(
      `Subscription '${ref.subscriptionId}' does not belong to the service connection's tenant; check the tenant id of the service connection.`,
      { cause: error },
    );
  }
  if (e.statusCode === 404) {
    const what =
      e.code === 'ResourceGroupNotFound'
        ? `Resource group '${ref.resourceGroup}' does not exist in subscription '${ref.subscriptionId}'`
        : `Workspace '${ref.name}' was not found in ${where}`;
    return new UserError(`${what}; ${inputs}.`, { cause: error });
  }
  if (e.statusCode === 403 || e.statusCode === 401) {
    return new UserError(
      `The service connection may not read workspace '${ref.name}' in ${where} (HTTP ${e.statusCode}${e.code ? ` ${e.code}` : ''}); ` +
        "grant its identity a role such as 'AzureML Data Scientist' on the workspace.",
      { cause: error },
    );
  }
  return error;
}

/** Sends a request outside the typed operations (run history, discovery, newer api-versions) through the client's pipeline: same auth, proxy, retries. */
export async function sendJson<T>(
  ws: WorkspaceRef,
  url: string,
  init: { method?: 'GET' | 'POST' | 'PUT' | 'DELETE'; body?: unknown; abortSignal?: AbortSignal } = {},
): Promise<{ status: number; body: T | undefined; headers: Record<string, string> }> {
  const request = createPipelineRequest({ url, method: init.method ?? 'GET', abortSignal: init.abortSignal });
  request.headers.set('Accept', 'application/json');
  if (init.body !== undefined) {
    request.headers.set('Content-Type', 'application/json');
    request.body = JSON.stringify(init.body);
  }
  const response = await ws.client.sendRequest(request);
  const text = response.bodyAsText ?? '';
  let body: T | undefined;
  try {
    body = text ? (JSON.parse(text) as T) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, body, headers: response.headers.toJSON() };
}

/** The ARM URL of a workspace sub-resource, for calls made with sendJson. */
export function workspaceUrl(ws: WorkspaceRef, path: string, apiVersion = '2022-10-01'): string {
  const base = ws.client.$host.replace(/\/+$/, '');
  return `${base}/subscriptions/${ws.subscriptionId}/resourceGroups/${encodeURIComponent(ws.resourceGroup)}/providers/Microsoft.MachineLearningServices/workspaces/${encodeURIComponent(ws.name)}/${path}?api-version=${apiVersion}`;
}
