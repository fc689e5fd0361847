import type { Workspace } from './workspace';
import { sendJson } from './workspace';
import { UserError } from '../task/user-error';

/**
 * MLflow on the workspace's tracking URI (azureml:// read as https://), through the ARM client's
 * pipeline: same token, proxy, CA and retries. One `runs/get` per run gives every metric's latest
 * value, which is what a promotion gate compares.
 */
interface MlflowRunDto {
  run?: { info?: { run_id?: string; status?: string }; data?: { metrics?: Array<{ key?: string; value?: number }> } };
}

interface MlflowRun {
  runId: string;
  status: string;
  /** Latest value of each metric the run logged. */
  metrics: Record<string, number>;
}

export async function getMlflowRun(ws: Workspace, runId: string, abortSignal?: AbortSignal): Promise<MlflowRun | undefined> {
  if (!ws.mlflowTrackingUrl) {
    throw new UserError(
      `Workspace '${ws.name}' reports no MLflow tracking URI, so run metrics cannot be read; check that it is an Azure Machine Learning (v2) workspace.`,
    );
  }
  const url = `${ws.mlflowTrackingUrl.replace(/\/+$/, '')}/api/2.0/mlflow/runs/get?run_id=${encodeURIComponent(runId)}`;
  const response = await sendJson<MlflowRunDto>(ws, url, { abortSignal });
  if (response.status === 404) return undefined;
  if (response.status >= 400) throw new Error(`MLflow returned HTTP ${response.status} reading run '${runId}'`);
  const metrics: Record<string, number> = {};
  for (const m of response.body?.run?.data?.metrics ?? []) {
    if (typeof m.key === 'string' && typeof m.value === 'number') metrics[m.key] = m.value;
  }
  return { runId, status: response.body?.run?.info?.status ?? 'UNKNOWN', metrics };
}
