import type { Cloud } from '../cloud';
import { workspaceArmId } from '../cloud';
import type { Route } from '../http/types';
import { json } from '../http/types';
import { armError } from './errors';
import { route, scopeError, WORKSPACE } from './scope';

export interface EmulatedCompute {
  name: string;
  computeType: 'AmlCompute' | 'Kubernetes' | 'ComputeInstance';
}

export const SEEDED_COMPUTES: EmulatedCompute[] = [
  { name: 'cpu-cluster', computeType: 'AmlCompute' },
  { name: 'gpu-cluster', computeType: 'AmlCompute' },
];

export const computeArmId = (cloud: Cloud, name: string) => `${workspaceArmId(cloud)}/computes/${name}`;

export function computeResource(cloud: Cloud, c: EmulatedCompute) {
  return {
    id: computeArmId(cloud, c.name),
    name: c.name,
    type: 'Microsoft.MachineLearningServices/workspaces/computes',
    location: cloud.location,
    properties: { computeType: c.computeType, computeLocation: cloud.location, provisioningState: 'Succeeded', disableLocalAuth: true, isAttachedCompute: false },
  };
}

/** The message Azure ML gives for a compute the workspace does not have. */
export const computeNotFound = (cloud: Cloud, name: string) =>
  armError(404, 'ResourceNotFound', `The Resource 'Microsoft.MachineLearningServices/workspaces/${cloud.workspaceName}/computes/${name}' under resource group '${cloud.resourceGroup}' was not found.`);

export function computeRoutes(cloud: Cloud, computes: () => EmulatedCompute[]): Route[] {
  return [
    {
      method: 'GET',
      pattern: route(`${WORKSPACE}/computes`),
      area: 'arm',
      traffic: true,
      handle: (_req, [s, rg, ws]) => scopeError(cloud, s, rg, ws) ?? json(200, { value: computes().map((c) => computeResource(cloud, c)) }),
    },
    {
      method: 'GET',
      pattern: route(`${WORKSPACE}/computes/([^/]+)`),
      area: 'arm',
      traffic: true,
      handle: (_req, [s, rg, ws, name]) => {
        const c = computes().find((x) => x.name.toLowerCase() === name.toLowerCase());
        return scopeError(cloud, s, rg, ws) ?? (c ? json(200, computeResource(cloud, c)) : computeNotFound(cloud, name));
      },
    },
  ];
}
