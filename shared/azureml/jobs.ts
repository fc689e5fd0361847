import type { Workspace } from './workspace';
import { UserError } from '../task/user-error';

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

export async function getJobSnapshot(ws: Workspace, jobName: string, abortSignal?: AbortSignal): Promise<JobSnapshot> {
  let job;
  try {
    job = await ws.client.jobs.get(ws.resourceGroup, ws.name, jobName, { abortSignal });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) {
      throw new UserError(`Azure ML job '${jobName}' was not found in workspace '${ws.name}'; check the 'jobName' input (it is the job's name, not its display name).`, { cause: error });
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

/** Asks Azure ML to cancel the job; returns once the service accepted the request (202). */
export async function requestJobCancel(ws: Workspace, jobName: string, abortSignal?: AbortSignal): Promise<void> {
  await ws.client.jobs.beginCancel(ws.resourceGroup, ws.name, jobName, { abortSignal });
}
