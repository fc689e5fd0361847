import { createHash } from 'node:crypto';
import type { Cloud } from '../cloud';
import { nodeIdOf } from '../arm/job-resource';
import type { RunState } from '../jobs/simulator';
import type { JobError } from '../types';
import { iso } from '../arm/system-data';

/** A GUID-shaped id derived from a name (experiment ids are GUIDs in run history). */
export function stableGuid(text: string): string {
  const h = createHash('md5').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

interface RunFacts {
  runId: string;
  parentRunId?: string;
  rootRunId: string;
  displayName: string;
  experimentName: string;
  createdAt: number;
  runType: 'azureml.PipelineRun' | 'azureml.StepRun' | 'azureml.scriptrun' | 'hyperdrive';
  state: RunState;
  error?: JobError;
  tags: Record<string, string>;
  properties: Record<string, string>;
}

/** Run history's ErrorResponse for a failed run (the error a user reads in the Studio). */
function runError(cloud: Cloud, error: JobError, at: number) {
  return {
    error: { code: error.code, message: error.message, details: [], innerError: null },
    correlation: { operation: null, request: null },
    environment: cloud.location,
    location: cloud.location,
    time: iso(at),
    componentName: 'runhistory',
  };
}

/** A run as GET runs/{runId} and runs/{runId}/children return it (runhistory `Run`). */
export function runBody(cloud: Cloud, facts: RunFacts) {
  const { state } = facts;
  const body: Record<string, unknown> = {
    runNumber: Math.floor(facts.createdAt / 1000),
    rootRunId: facts.rootRunId,
    createdUtc: iso(facts.createdAt),
    createdBy: { userObjectId: cloud.tenantId, userTenantId: cloud.tenantId, userName: 'mlops-pipeline' },
    userId: cloud.tenantId,
    runId: facts.runId,
    parentRunId: facts.parentRunId ?? null,
    experimentId: stableGuid(facts.experimentName),
    status: state.status,
    startTimeUtc: state.startedAt !== undefined ? iso(state.startedAt) : null,
    endTimeUtc: state.endedAt !== undefined ? iso(state.endedAt) : null,
    error: state.status === 'Failed' && facts.error ? runError(cloud, facts.error, state.endedAt ?? facts.createdAt) : null,
    displayName: facts.displayName,
    name: facts.parentRunId ? 'azureml_anonymous' : facts.displayName,
    dataContainerId: `dcid.${facts.runId}`,
    description: null,
    hidden: false,
    runType: facts.runType,
    properties: facts.properties,
    tags: facts.tags,
    target: 'cpu-cluster',
  };
  return body;
}

export function childProperties(parentRunId: string, displayName: string): Record<string, string> {
  const nodeId = nodeIdOf(displayName);
  return {
    'azureml.runsource': 'azureml.StepRun',
    'azureml.nodeid': nodeId,
    StepType: 'PythonScriptStep',
    ComputeTargetType: 'AmlCompute',
    'azureml.pipeline': parentRunId,
    'azureml.pipelinerunid': parentRunId,
    'azureml.DevPlatv2': 'true',
  };
}
