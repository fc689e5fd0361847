import type { OnlineDeployment, OnlineEndpoint } from '@azure/arm-machinelearning';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Workspace } from './workspace';
import { isConflict, isNotFound, unlessNotFound } from './not-found';

/**
 * Online endpoint and deployment calls through @azure/arm-machinelearning (2022-10-01). Writes are
 * long-running operations awaited with the SDK's poller (Azure-AsyncOperation / Location), resumed
 * when a retried PUT meets its own first attempt; a 404 on a read comes back as undefined.
 */
export function getEndpoint(ws: Workspace, name: string, abortSignal?: AbortSignal): Promise<OnlineEndpoint | undefined> {
  return unlessNotFound(() => ws.client.onlineEndpoints.get(ws.resourceGroup, ws.name, name, { abortSignal }));
}

export async function listDeployments(ws: Workspace, endpoint: string, abortSignal?: AbortSignal): Promise<OnlineDeployment[]> {
  const out: OnlineDeployment[] = [];
  for await (const d of ws.client.onlineDeployments.list(ws.resourceGroup, ws.name, endpoint, { abortSignal })) out.push(d);
  return out;
}

export function getDeployment(
  ws: Workspace,
  endpoint: string,
  name: string,
  abortSignal?: AbortSignal,
): Promise<OnlineDeployment | undefined> {
  return unlessNotFound(() => ws.client.onlineDeployments.get(ws.resourceGroup, ws.name, endpoint, name, { abortSignal }));
}

/** How a PUT that met a running operation finds out whether that operation already did its work. */
interface ResumeOptions<T> {
  /** True when the resource, as read once nothing runs on it, is already what this PUT would make it. */
  alreadyDone: (current: T) => boolean;
  abortSignal?: AbortSignal;
}

/** Waits between reads of a busy resource: 2 s, doubling, at most 15 s. */
const RESUME_POLL_MS = { first: 2_000, max: 15_000 };

const TERMINAL = new Set(['succeeded', 'failed', 'canceled']);
const stateOf = (r: { properties?: { provisioningState?: string } } | undefined) =>
  (r?.properties?.provisioningState ?? 'Succeeded').toLowerCase();

/**
 * A PUT whose answer was lost is retried by the retry policy and meets its own first attempt still
 * running: Azure ML answers 409 ("another operation … until it finishes"). That is not a failure
 * to report but an operation to resume: wait until nothing runs on the resource, and if it is then
 * what we asked for, take it; else PUT again. The wait ends with the task's signal.
 */
export async function putResumingConflicts<T extends { properties?: { provisioningState?: string } }>(
  put: () => Promise<T>,
  read: () => Promise<T | undefined>,
  options: ResumeOptions<T>,
): Promise<T> {
  for (let round = 0; ; round++) {
    try {
      return await put();
    } catch (error) {
      if (!isConflict(error) || round >= 3) throw error;
      let current = await read();
      let waited = false;
      for (let wait = RESUME_POLL_MS.first; current && !TERMINAL.has(stateOf(current)); wait = Math.min(RESUME_POLL_MS.max, wait * 2)) {
        await sleep(wait, undefined, { signal: options.abortSignal });
        waited = true;
        current = await read();
      }
      if (current && stateOf(current) === 'succeeded' && options.alreadyDone(current)) return current;
      // Busy for a reason the resource itself does not show (its endpoint still being created): wait a little anyway.
      if (!waited) await sleep(RESUME_POLL_MS.first * (round + 1), undefined, { signal: options.abortSignal });
    }
  }
}

interface PutOnlineOptions<T> extends Partial<ResumeOptions<T>> {
  /**
   * false: return once Azure accepted the PUT, without waiting for the operation to finish. A
   * cancelled task's rollback has seconds before the agent kills it; an accepted traffic change is
   * carried out by the service whether or not we watch it.
   */
  wait?: boolean;
}

export function putEndpoint(
  ws: Workspace,
  name: string,
  body: OnlineEndpoint,
  options: PutOnlineOptions<OnlineEndpoint> = {},
): Promise<OnlineEndpoint> {
  const { abortSignal, wait = true, alreadyDone = () => false } = options;
  const ops = ws.client.onlineEndpoints;
  return putResumingConflicts(
    async () =>
      wait
        ? ops.beginCreateOrUpdateAndWait(ws.resourceGroup, ws.name, name, body, { abortSignal })
        : acceptedResult(await ops.beginCreateOrUpdate(ws.resourceGroup, ws.name, name, body, { abortSignal }), body),
    () => getEndpoint(ws, name, abortSignal),
    { alreadyDone, abortSignal },
  );
}

export function putDeployment(
  ws: Workspace,
  endpoint: string,
  name: string,
  body: OnlineDeployment,
  options: PutOnlineOptions<OnlineDeployment> = {},
): Promise<OnlineDeployment> {
  const { abortSignal, wait = true, alreadyDone = () => false } = options;
  const ops = ws.client.onlineDeployments;
  return putResumingConflicts(
    async () =>
      wait
        ? ops.beginCreateOrUpdateAndWait(ws.resourceGroup, ws.name, endpoint, name, body, { abortSignal })
        : acceptedResult(await ops.beginCreateOrUpdate(ws.resourceGroup, ws.name, endpoint, name, body, { abortSignal }), body),
    () => getDeployment(ws, endpoint, name, abortSignal),
    { alreadyDone, abortSignal },
  );
}

/** What an accepted, unfinished PUT returned (the resource as the service took it), else the body sent. */
function acceptedResult<T>(poller: { getOperationState(): { result?: T } }, body: T): T {
  return poller.getOperationState().result ?? body;
}

/** Deletes a deployment; `wait: false` only starts the deletion (when a cancelled task has seconds left). Already gone is done. */
export async function deleteDeployment(
  ws: Workspace,
  endpoint: string,
  name: string,
  opts: { wait: boolean; abortSignal?: AbortSignal },
): Promise<void> {
  try {
    const poller = await ws.client.onlineDeployments.beginDelete(ws.resourceGroup, ws.name, endpoint, name, {
      abortSignal: opts.abortSignal,
    });
    if (opts.wait) await poller.pollUntilDone({ abortSignal: opts.abortSignal });
  } catch (error) {
    // A retried DELETE whose first answer was lost may find the deployment already gone.
    if (!isNotFound(error)) throw error;
  }
}

/** Deletes an endpoint (one this run created and left without deployments). */
export async function deleteEndpoint(ws: Workspace, name: string, opts: { wait: boolean; abortSignal?: AbortSignal }): Promise<void> {
  try {
    const poller = await ws.client.onlineEndpoints.beginDelete(ws.resourceGroup, ws.name, name, { abortSignal: opts.abortSignal });
    if (opts.wait) await poller.pollUntilDone({ abortSignal: opts.abortSignal });
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/** The last lines a container of a deployment printed ('' when the service has none). */
export async function deploymentLogs(
  ws: Workspace,
  endpoint: string,
  name: string,
  containerType: 'InferenceServer' | 'StorageInitializer',
  tail: number,
  abortSignal?: AbortSignal,
): Promise<string> {
  const logs = await ws.client.onlineDeployments.getLogs(
    ws.resourceGroup,
    ws.name,
    endpoint,
    name,
    { containerType, tail },
    { abortSignal },
  );
  return logs.content ?? '';
}
