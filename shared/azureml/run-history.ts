import type { Workspace } from './workspace';
import { sendJson } from './workspace';

/**
 * Run history: the data-plane service that knows a job's child steps and its error. It is reached at
 * the `history` address of the workspace's discovery document (regional, or private-link), with the
 * same Resource Manager token.
 */
export interface ChildRun {
  runId: string;
  /** The run's display name (a pipeline step's node name unless the YAML sets display_name), else its run id. */
  name: string;
  status: string;
  /** A sweep (HyperDrive) run: its children are the trials. */
  sweep?: boolean;
}

interface RunHistory {
  listChildren(runId: string, abortSignal?: AbortSignal): Promise<ChildRun[]>;
  /** The run's own error message, or undefined when the service reports none. */
  getErrorMessage(runId: string, abortSignal?: AbortSignal): Promise<string | undefined>;
}

interface DiscoveryDocument {
  history?: string;
}

interface RunDto {
  runId?: string;
  status?: string;
  displayName?: string;
  name?: string;
  runType?: string;
  properties?: Record<string, string>;
  error?: { error?: { code?: string; message?: string }; code?: string; message?: string };
}

const MAX_CHILD_PAGES = 20;

export function runHistory(ws: Workspace): RunHistory {
  let base: string | undefined;
  const runsUrl = async (runId: string, abortSignal?: AbortSignal) => {
    // Resolved on first use and kept only once it succeeded: one failed discovery must not
    // turn off step status for the rest of a long wait.
    base ??= await historyBaseUrl(ws, abortSignal);
    return `${base}/history/v1.0/subscriptions/${ws.subscriptionId}/resourceGroups/${ws.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${ws.name}/runs/${encodeURIComponent(runId)}`;
  };
  return {
    async listChildren(runId, abortSignal) {
      const children: ChildRun[] = [];
      let url: string | undefined = `${await runsUrl(runId, abortSignal)}/children`;
      for (let page = 0; url && page < MAX_CHILD_PAGES; page++) {
        const response: { status: number; body: { value?: RunDto[]; nextLink?: string } | undefined } = await sendJson(ws, url, {
          abortSignal,
        });
        if (response.status === 404) return children;
        if (response.status >= 400) throw new Error(`run history returned HTTP ${response.status} listing the steps of '${runId}'`);
        for (const dto of response.body?.value ?? []) children.push(toChildRun(dto));
        url = response.body?.nextLink || undefined;
      }
      return children;
    },
    async getErrorMessage(runId, abortSignal) {
      const response = await sendJson<RunDto>(ws, await runsUrl(runId, abortSignal), { abortSignal });
      if (response.status >= 400 || !response.body) return undefined;
      const error = response.body.error;
      return error?.error?.message ?? error?.message ?? undefined;
    },
  };
}

function toChildRun(dto: RunDto): ChildRun {
  const runId = dto.runId ?? dto.name ?? '';
  const child: ChildRun = { runId, name: dto.displayName || runId, status: dto.status ?? 'Unknown' };
  // A sweep node runs as a HyperDrive run (runType and runsource 'hyperdrive').
  if (dto.runType?.toLowerCase() === 'hyperdrive' || dto.properties?.['azureml.runsource']?.toLowerCase() === 'hyperdrive')
    child.sweep = true;
  return child;
}

async function historyBaseUrl(ws: Workspace, abortSignal?: AbortSignal): Promise<string> {
  if (ws.discoveryUrl) {
    const response = await sendJson<DiscoveryDocument>(ws, ws.discoveryUrl, { abortSignal });
    const history = response.body?.history;
    if (response.status < 400 && history) return history.replace(/\/+$/, '');
    // A passing failure is tried again on the next use instead of settling on a guess.
    if (response.status === 429 || response.status >= 500)
      throw new Error(`the workspace discovery service returned HTTP ${response.status}`);
  }
  // The regional host is where run history lives when a workspace has no private link.
  return `https://${ws.location}.api.azureml.ms`;
}
