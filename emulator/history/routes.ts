import type { Cloud } from '../cloud';
import { historyPage } from '../http/paging';
import type { EmulatorResponse, Route } from '../http/types';
import { json } from '../http/types';
import { childState, JobRecord, JobStore, jobState, ChildRef } from '../jobs/store';
import { childProperties, runBody } from './run-body';
import { isSweepChild, sweepTrials, TrialRef } from '../jobs/sweep-trials';

const WS = '/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/Microsoft\\.MachineLearningServices/workspaces/([^/]+)';
const HISTORY = `^/history/v1\\.0${WS}`;

/**
 * Run history (the `history` host of the discovery document), routes as in azure-ai-ml's
 * _restclient/runhistory RunsOperations: get (runs/{runId}) and get_child (runs/{runId}/children).
 */
export function historyRoutes(cloud: Cloud, store: JobStore): Route[] {
  const scopeOk = (s: string, rg: string, ws: string) =>
    s.toLowerCase() === cloud.subscriptionId &&
    rg.toLowerCase() === cloud.resourceGroup.toLowerCase() &&
    ws.toLowerCase() === cloud.workspaceName.toLowerCase();

  const parentRun = (job: JobRecord, now: number) =>
    runBody(cloud, {
      runId: job.name,
      rootRunId: job.name,
      displayName: job.displayName ?? job.name,
      experimentName: job.experimentName,
      createdAt: job.createdAt,
      runType: job.jobType === 'Pipeline' ? 'azureml.PipelineRun' : 'azureml.scriptrun',
      state: jobState(job, now),
      error: job.scenario.error,
      tags: job.tags,
      properties: { 'azureml.runsource': job.jobType === 'Pipeline' ? 'azureml.PipelineRun' : 'azureml.scriptrun' },
    });

  const childRun = (ref: ChildRef, now: number) => {
    // A sweep node runs as a HyperDrive run, whose children are its trials.
    const sweep = isSweepChild(ref);
    const properties = childProperties(ref.parent.name, ref.child.displayName);
    return runBody(cloud, {
      runId: ref.child.name,
      parentRunId: ref.parent.name,
      rootRunId: ref.parent.name,
      displayName: ref.child.displayName,
      experimentName: ref.parent.experimentName,
      createdAt: ref.parent.createdAt,
      runType: sweep ? 'hyperdrive' : 'azureml.StepRun',
      state: childState(ref, now),
      error: ref.child.error,
      tags: { 'azureml.nodeid': properties['azureml.nodeid'], 'azureml.pipeline': ref.parent.name },
      properties: sweep ? { ...properties, 'azureml.runsource': 'hyperdrive' } : properties,
    });
  };

  const trialRun = (ref: TrialRef, now: number) =>
    runBody(cloud, {
      runId: ref.trial.name,
      parentRunId: ref.sweep.child.name,
      rootRunId: ref.sweep.parent.name,
      displayName: ref.trial.displayName,
      experimentName: ref.sweep.parent.experimentName,
      createdAt: ref.sweep.parent.createdAt,
      runType: 'azureml.scriptrun',
      state: childState({ parent: ref.sweep.parent, child: ref.trial }, now),
      error: ref.trial.error,
      tags: {},
      properties: { 'azureml.runsource': 'azureml.scriptrun' },
    });

  const page = (req: { query: Record<string, string>; path: string }, all: unknown[]) =>
    historyPage(req, all, { baseUrl: cloud.url, pageSize: cloud.pageSize });

  const notFound = (runId: string): EmulatorResponse =>
    json(404, {
      error: { code: 'UserError', message: `Run ${runId} was not found`, details: [], innerError: { code: 'NotFoundError' } },
      correlation: { operation: null, request: null },
      environment: cloud.location,
      location: cloud.location,
      time: new Date().toISOString(),
      componentName: 'runhistory',
    });

  const wrongScope = () => json(404, { error: { code: 'UserError', message: 'Workspace not found.', details: [] } });

  return [
    {
      method: 'GET',
      pattern: new RegExp(`${HISTORY}/runs/([^/]+)$`, 'i'),
      area: 'history',
      handle: (_req, [s, rg, ws, runId]) => {
        if (!scopeOk(s, rg, ws)) return wrongScope();
        const now = cloud.clock.now();
        const job = store.get(runId);
        if (job) return json(200, parentRun(job, now));
        const child = store.findChild(runId);
        if (child) return json(200, childRun(child, now));
        const trial = store.findTrial(runId);
        return trial ? json(200, trialRun(trial, now)) : notFound(runId);
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`${HISTORY}/runs/([^/]+)/children$`, 'i'),
      area: 'history',
      handle: (req, [s, rg, ws, runId]) => {
        if (!scopeOk(s, rg, ws)) return wrongScope();
        const now = cloud.clock.now();
        const job = store.get(runId);
        if (job)
          return page(
            req,
            (job.scenario.children ?? []).map((child) => childRun({ parent: job, child }, now)),
          );
        const child = store.findChild(runId);
        if (child)
          return page(
            req,
            sweepTrials(child).map((t) => trialRun(t, now)),
          );
        return store.findTrial(runId) ? page(req, []) : notFound(runId);
      },
    },
  ];
}
