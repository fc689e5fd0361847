import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import type { TokenCredential } from '@azure/core-auth';
import { createPipelineRequest } from '@azure/core-rest-pipeline';
import type { HttpClientOptions } from '../http/agent-http-options';
import type { CloudEndpoints } from '../auth/clouds';
import { UserError } from '../task/user-error';
import { USER_AGENT } from './user-agent';

/** A workspace resolved once per task: the client and what later calls need from it. */
export interface Workspace {
  client: AzureMachineLearningWorkspaces;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
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

export interface ConnectWorkspaceOptions {
  credential: TokenCredential;
  cloud: CloudEndpoints;
  subscriptionId: string;
  resourceGroup: string;
  workspace: string;
  http: HttpClientOptions;
  /** Names the calling task in the User-Agent, so Azure-side logs show who called. */
  taskName: string;
  abortSignal?: AbortSignal;
}

export function createMachineLearningClient(options: Omit<ConnectWorkspaceOptions, 'resourceGroup' | 'workspace' | 'abortSignal'>): AzureMachineLearningWorkspaces {
  return new AzureMachineLearningWorkspaces(options.credential, options.subscriptionId, {
    endpoint: options.cloud.resourceManagerUrl.replace(/\/+$/, ''),
    credentialScopes: [options.cloud.resourceManagerScope],
    userAgentOptions: { userAgentPrefix: `${USER_AGENT} ${options.taskName}` },
    ...options.http,
  });
}

export async function connectWorkspace(options: ConnectWorkspaceOptions): Promise<Workspace> {
  const client = createMachineLearningClient(options);
  let ws;
  try {
    ws = await client.workspaces.get(options.resourceGroup, options.workspace, { abortSignal: options.abortSignal });
  } catch (error) {
    throw explainWorkspaceError(error, options);
  }
  return {
    client,
    subscriptionId: options.subscriptionId,
    resourceGroup: options.resourceGroup,
    name: options.workspace,
    id: ws.id ?? `/subscriptions/${options.subscriptionId}/resourceGroups/${options.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${options.workspace}`,
    armUrl: options.cloud.resourceManagerUrl.replace(/\/+$/, ''),
    location: ws.location ?? '',
    mlflowTrackingUrl: ws.mlFlowTrackingUri ? ws.mlFlowTrackingUri.replace(/^azureml:\/\//i, 'https://') : undefined,
    discoveryUrl: ws.discoveryUrl,
  };
}

function explainWorkspaceError(error: unknown, o: ConnectWorkspaceOptions): unknown {
  const e = error as { statusCode?: number; code?: string };
  const where = `resource group '${o.resourceGroup}' of subscription '${o.subscriptionId}'`;
  if (e.statusCode === 404) {
    const what = e.code === 'ResourceGroupNotFound' ? `Resource group '${o.resourceGroup}' does not exist in subscription '${o.subscriptionId}'` : `Workspace '${o.workspace}' was not found in ${where}`;
    return new UserError(`${what}; check the 'resourceGroupName' and 'workspaceName' inputs.`, { cause: error });
  }
  if (e.statusCode === 403 || e.statusCode === 401) {
    return new UserError(
      `The service connection may not read workspace '${o.workspace}' in ${where} (HTTP ${e.statusCode}${e.code ? ` ${e.code}` : ''}); ` +
        "grant its identity a role such as 'AzureML Data Scientist' on the workspace.",
      { cause: error },
    );
  }
  return error;
}

/** Sends a request outside the ARM operations (run history, discovery) through the client's pipeline: same auth, proxy, retries. */
export async function sendJson<T>(ws: Workspace, url: string, init: { method?: 'GET' | 'POST' | 'PUT'; body?: unknown; abortSignal?: AbortSignal } = {}): Promise<{ status: number; body: T | undefined; headers: Record<string, string> }> {
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
