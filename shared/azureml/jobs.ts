import type { WorkspaceRef } from './workspace';
import { sendJson, workspaceUrl } from './workspace';
import { UserError } from '../task/user-error';
import { isNotFound } from './not-found';

/** What the wait loop needs of a job, read with one ARM call. */
export interface JobSnapshot {
  name: string;
  status: string;
  jobType: string;
  displayName?: string;
  experimentName?: string;
  studioUrl?: string;
  /** Names of the outputs the job declares (a pipeline job: its pipeline-level outputs). */
  outputNames?: string[];
}

export async function getJobSnapshot(ws: WorkspaceRef, jobName: string, abortSignal?: AbortSignal): Promise<JobSnapshot> {
  let job;
  try {
    job = await ws.client.jobs.get(ws.resourceGroup, ws.name, jobName, { abortSignal });
  } catch (error) {
    if (isNotFound(error)) {
      throw new UserError(
        `Azure ML job '${jobName}' was not found in workspace '${ws.name}'; check the 'jobName' input (it is the job's name, not its display name).`,
        { cause: error },
      );
    }
    throw error;
  }
  const p = job.properties;
  return {
    name: job.name ?? jobName,
    status: p.status ?? 'Unknown',
    jobType: p.jobType,
    displayName: p.displayName ?? undefined,
    experimentName: p.experimentName,
    studioUrl: p.services?.['Studio']?.endpoint ?? undefined,
    outputNames: Object.keys((p as { outputs?: Record<string, unknown> | null }).outputs ?? {}),
  };
}

/**
 * Asks Azure ML to cancel the job: one POST, done when the service accepts it (202). The SDK's
 * beginCancel would also poll the operation's Location in the same call, which can make an
 * accepted cancel look failed when time is short (the agent kills a cancelled task within 10 s).
 */
export async function requestJobCancel(ws: WorkspaceRef, jobName: string, abortSignal?: AbortSignal): Promise<void> {
  const response = await sendJson<{ error?: { code?: string; message?: string } }>(
    ws,
    workspaceUrl(ws, `jobs/${encodeURIComponent(jobName)}/cancel`),
    { method: 'POST', abortSignal },
  );
  if (response.status === 200 || response.status === 202 || response.status === 204) return;
  const error = response.body?.error;
  throw new Error(`HTTP ${response.status}${error?.code ? ` ${error.code}` : ''}${error?.message ? `: ${error.message}` : ''}`);
}
