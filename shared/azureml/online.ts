import type { OnlineDeployment, OnlineEndpoint } from '@azure/arm-machinelearning';
import type { Workspace } from './workspace';

/**
 * Online endpoint and deployment calls through @azure/arm-machinelearning (2022-10-01). Writes are
 * long-running operations awaited with the SDK's poller (Azure-AsyncOperation / Location); a 404 on
 * a read comes back as undefined.
 */
const isNotFound = (error: unknown) => (error as { statusCode?: number }).statusCode === 404;

export async function getEndpoint(ws: Workspace, name: string, abortSignal?: AbortSignal): Promise<OnlineEndpoint | undefined> {
  try {
    return await ws.client.onlineEndpoints.get(ws.resourceGroup, ws.name, name, { abortSignal });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export async function listDeployments(ws: Workspace, endpoint: string, abortSignal?: AbortSignal): Promise<OnlineDeployment[]> {
  const out: OnlineDeployment[] = [];
  for await (const d of ws.client.onlineDeployments.list(ws.resourceGroup, ws.name, endpoint, { abortSignal })) out.push(d);
  return out;
}

export async function getDeployment(ws: Workspace, endpoint: string, name: string, abortSignal?: AbortSignal): Promise<OnlineDeployment | undefined> {
  try {
    return await ws.client.onlineDeployments.get(ws.resourceGroup, ws.name, endpoint, name, { abortSignal });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export function putEndpoint(ws: Workspace, name: string, body: OnlineEndpoint, abortSignal?: AbortSignal): Promise<OnlineEndpoint> {
  return ws.client.onlineEndpoints.beginCreateOrUpdateAndWait(ws.resourceGroup, ws.name, name, body, { abortSignal });
}

export function putDeployment(ws: Workspace, endpoint: string, name: string, body: OnlineDeployment, abortSignal?: AbortSignal): Promise<OnlineDeployment> {
  return ws.client.onlineDeployments.beginCreateOrUpdateAndWait(ws.resourceGroup, ws.name, endpoint, name, body, { abortSignal });
}

/** Deletes a deployment; `wait: false` only starts the deletion (when a cancelled task has seconds left). */
export async function deleteDeployment(ws: Workspace, endpoint: string, name: string, opts: { wait: boolean; abortSignal?: AbortSignal }): Promise<void> {
  const poller = await ws.client.onlineDeployments.beginDelete(ws.resourceGroup, ws.name, endpoint, name, { abortSignal: opts.abortSignal });
  if (opts.wait) await poller.pollUntilDone({ abortSignal: opts.abortSignal });
}

/** The last lines a container of a deployment printed ('' when the service has none). */
export async function deploymentLogs(ws: Workspace, endpoint: string, name: string, containerType: 'InferenceServer' | 'StorageInitializer', tail: number, abortSignal?: AbortSignal): Promise<string> {
  const logs = await ws.client.onlineDeployments.getLogs(ws.resourceGroup, ws.name, endpoint, name, { containerType, tail }, { abortSignal });
  return logs.content ?? '';
}
