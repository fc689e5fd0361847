import type { EmulatorClock } from './types';

/** The fixed identity of the emulated cloud: one tenant, subscription, workspace, DevOps org. */
export interface Cloud {
  /** https://127.0.0.1:<port>, no trailing slash. */
  url: string;
  /** host:port, as Azure ML puts it into azureml:// URIs. */
  host: string;
  tenantId: string;
  subscriptionId: string;
  subscriptionName: string;
  resourceGroup: string;
  workspaceName: string;
  workspaceId: string;
  location: string;
  devops: { orgName: string; orgId: string; projectName: string; projectId: string };
  clock: EmulatorClock;
  /**
   * Resource groups and workspaces besides the seeded ones (`emulator.resourceGroups.add`,
   * `emulator.workspaces.add`): listed and readable, so pickers meet a busy subscription; only the
   * seeded workspace holds jobs, models, endpoints and the rest.
   */
  extras: { resourceGroups: string[]; workspaces: Array<{ resourceGroup: string; name: string }> };
  /** Items per page of every list (`EmulatorOptions.pageSize`); undefined: each service's default. */
  pageSize?: number;
}

export const SEEDED = {
  tenantId: '7e1a9c1e-5a3b-4c8e-9d2f-0e6b1a2c3d4e',
  subscriptionId: '3f2b8c0d-6e4a-4b1c-8d7e-9a0b1c2d3e4f',
  subscriptionName: 'Emulated MLOps Subscription',
  resourceGroup: 'rg-mlops-emulator',
  workspaceName: 'mlw-emulator',
  workspaceId: 'c0ffee00-1d2e-4f3a-8b4c-5d6e7f8a9b0c',
  location: 'eastus2',
  devops: {
    orgName: 'emulator-org',
    orgId: '5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e',
    projectName: 'emulator-project',
    projectId: '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d',
  },
} as const;

export const workspaceArmId = (cloud: Cloud, resourceGroup = cloud.resourceGroup, name = cloud.workspaceName) =>
  `/subscriptions/${cloud.subscriptionId}/resourceGroups/${resourceGroup}` +
  `/providers/Microsoft.MachineLearningServices/workspaces/${name}`;

/** Every resource group of the subscription, the seeded one first. */
export const resourceGroupNames = (cloud: Cloud) => [cloud.resourceGroup, ...cloud.extras.resourceGroups];

/** The resource group's name as created, if it exists (ARM matches names case-insensitively). */
export const findResourceGroup = (cloud: Cloud, name: string) =>
  resourceGroupNames(cloud).find((rg) => rg.toLowerCase() === name.toLowerCase());

/** Every workspace of the subscription (or of one resource group), the seeded one first. */
export function workspaceNames(cloud: Cloud, resourceGroup?: string): Array<{ resourceGroup: string; name: string }> {
  const all = [{ resourceGroup: cloud.resourceGroup, name: cloud.workspaceName }, ...cloud.extras.workspaces];
  return resourceGroup === undefined ? all : all.filter((w) => w.resourceGroup.toLowerCase() === resourceGroup.toLowerCase());
}

/** Audiences an ARM-scoped token may carry: the emulator's own URL and the public-cloud ARM ones. */
export function armAudiences(cloud: Cloud): Set<string> {
  return new Set([
    cloud.url,
    `${cloud.url}/`,
    'https://management.azure.com',
    'https://management.azure.com/',
    'https://management.core.windows.net',
    'https://management.core.windows.net/',
  ]);
}
