import type { Cloud } from '../cloud';
import type { Route } from '../http/types';
import { json } from '../http/types';
import { childState, JobStore, jobState } from '../jobs/store';
import type { RunState } from '../jobs/simulator';
import { stableGuid } from './run-body';

const MLFLOW = '^/mlflow/v1\\.0/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/Microsoft\\.MachineLearningServices/workspaces/([^/]+)/api/2\\.0/mlflow';

const mlflowStatus = (status: string) =>
  ({ Completed: 'FINISHED', Failed: 'FAILED', Canceled: 'KILLED' } as Record<string, string>)[status] ?? 'RUNNING';

/** MLflow runs/get on the workspace's tracking URI (azureml:// → https://): metrics come from the scenario. */
export function mlflowRoutes(cloud: Cloud, store: JobStore): Route[] {
  const run = (runId: string, experimentName: string, state: RunState, metrics: Record<string, number>, createdAt: number) => ({
    run: {
      info: {
        run_id: runId,
        run_uuid: runId,
        run_name: runId,
        experiment_id: stableGuid(experimentName),
        user_id: cloud.tenantId,
        status: mlflowStatus(state.status),
        start_time: state.startedAt ?? createdAt,
        ...(state.endedAt !== undefined ? { end_time: state.endedAt } : {}),
        artifact_uri: `azureml://experiments/${experimentName}/runs/${runId}/artifacts`,
        lifecycle_stage: 'active',
      },
      data: {
        metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp: state.endedAt ?? createdAt, step: 0 })),
        params: [],
        tags: [{ key: 'mlflow.runName', value: runId }],
      },
    },
  });

  return [
    {
      method: 'GET',
      pattern: new RegExp(`${MLFLOW}/runs/get$`, 'i'),
      area: 'mlflow',
      handle: (req) => {
        const runId = req.query.run_id ?? req.query.run_uuid ?? '';
        const now = cloud.clock.now();
        const job = store.get(runId);
        if (job) return json(200, run(runId, job.experimentName, jobState(job, now), job.scenario.metrics ?? {}, job.createdAt));
        const child = store.findChild(runId);
        if (child) {
          return json(200, run(runId, child.parent.experimentName, childState(child, now), child.child.metrics ?? {}, child.parent.createdAt));
        }
        return json(404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Run '${runId}' not found.` });
      },
    },
  ];
}
