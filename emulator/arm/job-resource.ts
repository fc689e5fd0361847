import { createHash } from 'node:crypto';
import type { Cloud } from '../cloud';
import { workspaceArmId } from '../cloud';
import type { ChildRef, JobRecord } from '../jobs/store';
import type { RunState } from '../jobs/simulator';
import { mlflowTrackingUri } from './workspace-resource';
import { systemData } from './system-data';

const jobArmId = (cloud: Cloud, name: string) => `${workspaceArmId(cloud)}/jobs/${name}`;

const studioUrl = (cloud: Cloud, name: string) =>
  `https://ml.azure.com/runs/${name}?wsid=/subscriptions/${cloud.subscriptionId}/resourcegroups/${cloud.resourceGroup}/workspaces/${cloud.workspaceName}&tid=${cloud.tenantId}`;

/** Azure ML's node ids are short hashes; derive one stably from the node name. */
export const nodeIdOf = (nodeName: string) => createHash('sha1').update(nodeName).digest('hex').slice(0, 8);

function services(cloud: Cloud, name: string) {
  return {
    Tracking: { jobServiceType: 'Tracking', endpoint: `${mlflowTrackingUri(cloud)}?` },
    Studio: { jobServiceType: 'Studio', endpoint: studioUrl(cloud, name) },
  };
}

/** A job as GET/PUT/list return it (JobBaseResource, 2022-10-01). */
export function jobResource(cloud: Cloud, job: JobRecord, state: RunState) {
  return {
    id: jobArmId(cloud, job.name),
    name: job.name,
    type: 'Microsoft.MachineLearningServices/workspaces/jobs',
    systemData: systemData(job.createdAt),
    properties: {
      ...job.properties,
      jobType: job.jobType,
      displayName: job.displayName ?? job.name,
      experimentName: job.experimentName,
      tags: job.tags,
      isArchived: job.isArchived,
      status: state.status,
      services: services(cloud, job.name),
    },
  };
}

/** A pipeline step, which Azure ML also exposes as a job named by its run id. */
export function childJobResource(cloud: Cloud, ref: ChildRef, state: RunState) {
  const { parent, child } = ref;
  return {
    id: jobArmId(cloud, child.name),
    name: child.name,
    type: 'Microsoft.MachineLearningServices/workspaces/jobs',
    systemData: systemData(parent.createdAt),
    properties: {
      jobType: 'Command',
      displayName: child.displayName,
      experimentName: parent.experimentName,
      command: 'python main.py',
      environmentId: `${workspaceArmId(cloud)}/environments/CliV2AnonymousEnvironment/versions/1`,
      properties: { 'azureml.pipelinerunid': parent.name, 'azureml.nodeid': nodeIdOf(child.displayName) },
      tags: {},
      isArchived: false,
      status: state.status,
      services: services(cloud, child.name),
    },
  };
}
