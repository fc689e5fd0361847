import type { Cloud } from '../cloud';
import { workspaceArmId } from '../cloud';
import { armPage } from '../http/paging';
import type { Route } from '../http/types';
import { json } from '../http/types';
import type { ComputeSeed } from '../types';
import { armError } from './errors';
import { route, scopeError, WORKSPACE } from './scope';

export type ComputeType = NonNullable<ComputeSeed['computeType']>;

export interface ComputeRecord {
  name: string;
  computeType: ComputeType;
  /** Kubernetes instance types, name → requests/limits (empty for other compute types). */
  instanceTypes: NonNullable<ComputeSeed['instanceTypes']>;
  defaultInstanceType?: string;
  provisioningState: string;
  createdAt: number;
}

/** The AmlCompute clusters every emulated workspace has from the start (what pipeline nodes run on). */
export const SEEDED_COMPUTES: ComputeSeed[] = [
  { name: 'cpu-cluster', computeType: 'AmlCompute' },
  { name: 'gpu-cluster', computeType: 'AmlCompute' },
];

export const computeArmId = (cloud: Cloud, name: string) => `${workspaceArmId(cloud)}/computes/${name}`;

/**
 * The workspace's computes, one model for every task: AmlCompute clusters that pipeline jobs and
 * components name (the publish task's validation and picker), and attached Kubernetes computes with
 * instance types that online endpoints point at (the deploy task's preflight).
 */
export class ComputeStore {
  private readonly computes = new Map<string, ComputeRecord>();

  constructor(private readonly now: () => number) {}

  /** Adds or replaces a compute; the type defaults to Kubernetes (an attached AKS or Arc cluster). */
  seed(seed: ComputeSeed): void {
    const computeType = seed.computeType ?? 'Kubernetes';
    const instanceTypes =
      seed.instanceTypes ??
      (computeType === 'Kubernetes'
        ? { defaultinstancetype: { requests: { cpu: '100m', memory: '2Gi' }, limits: { cpu: '2', memory: '2Gi' } } }
        : {});
    this.computes.set(seed.name.toLowerCase(), {
      name: seed.name,
      computeType,
      instanceTypes,
      defaultInstanceType: seed.defaultInstanceType ?? (computeType === 'Kubernetes' ? Object.keys(instanceTypes)[0] : undefined),
      provisioningState: seed.provisioningState ?? 'Succeeded',
      createdAt: this.now(),
    });
  }

  /** Adds a compute of that name unless one exists (its type and state are then left alone). */
  add(name: string, computeType: ComputeType): void {
    if (!this.get(name)) this.seed({ name, computeType });
  }

  /** In the order they were added (the seeded clusters first), as the service lists them. */
  list(): ComputeRecord[] {
    return [...this.computes.values()];
  }

  get(name: string): ComputeRecord | undefined {
    return this.computes.get(name.toLowerCase());
  }

  /** By name, `azureml:name` or a workspace ARM id ending in /computes/<name>. */
  byId(ref: string): ComputeRecord | undefined {
    const m = /\/computes\/([^/]+)$/i.exec(ref) ?? /^(?:azureml:)?([^/:]+)$/i.exec(ref);
    return m ? this.get(m[1]) : undefined;
  }
}

export function computeResource(cloud: Cloud, c: ComputeRecord) {
  const at = new Date(c.createdAt).toISOString();
  return {
    id: computeArmId(cloud, c.name),
    name: c.name,
    type: 'Microsoft.MachineLearningServices/workspaces/computes',
    location: cloud.location,
    tags: {},
    properties: {
      computeType: c.computeType,
      computeLocation: cloud.location,
      provisioningState: c.provisioningState,
      description: null,
      createdOn: at,
      modifiedOn: at,
      isAttachedCompute: c.computeType === 'Kubernetes',
      disableLocalAuth: true,
      ...(c.computeType === 'Kubernetes'
        ? {
            resourceId: `/subscriptions/${cloud.subscriptionId}/resourceGroups/${cloud.resourceGroup}/providers/Microsoft.ContainerService/managedClusters/${c.name}-aks`,
            properties: {
              namespace: 'azureml',
              extensionInstanceReleaseTrain: 'stable',
              defaultInstanceType: c.defaultInstanceType,
              instanceTypes: Object.fromEntries(
                Object.entries(c.instanceTypes).map(([n, t]) => [
                  n,
                  { nodeSelector: null, resources: { requests: { ...t.requests }, limits: { ...t.limits } } },
                ]),
              ),
            },
          }
        : {}),
    },
  };
}

/** The message Azure ML gives for a compute the workspace does not have. */
export const computeNotFound = (cloud: Cloud, name: string) =>
  armError(
    404,
    'ResourceNotFound',
    `The Resource 'Microsoft.MachineLearningServices/workspaces/${cloud.workspaceName}/computes/${name}' under resource group '${cloud.resourceGroup}' was not found.`,
  );

export function computeRoutes(cloud: Cloud, store: ComputeStore): Route[] {
  return [
    {
      method: 'GET',
      pattern: route(`${WORKSPACE}/computes`),
      area: 'arm',
      traffic: true,
      handle: (req, [s, rg, ws]) =>
        scopeError(cloud, s, rg, ws) ??
        armPage(
          req,
          store.list().map((c) => computeResource(cloud, c)),
          { baseUrl: cloud.url, pageSize: cloud.pageSize },
        ),
    },
    {
      method: 'GET',
      pattern: route(`${WORKSPACE}/computes/([^/]+)`),
      area: 'arm',
      traffic: true,
      handle: (_req, [s, rg, ws, name]) => {
        const c = store.get(name);
        return scopeError(cloud, s, rg, ws) ?? (c ? json(200, computeResource(cloud, c)) : computeNotFound(cloud, name));
      },
    },
  ];
}
