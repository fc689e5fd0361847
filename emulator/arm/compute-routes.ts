import type { Cloud } from '../cloud';
import { workspaceArmId } from '../cloud';
import type { Route } from '../http/types';
import { json } from '../http/types';
import type { ComputeSeed } from '../types';
import { armError } from './errors';
import { route, scopeError, WORKSPACE } from './scope';

export interface ComputeRecord {
  name: string;
  computeType: NonNullable<ComputeSeed['computeType']>;
  instanceTypes: NonNullable<ComputeSeed['instanceTypes']>;
  defaultInstanceType?: string;
  provisioningState: string;
  createdAt: number;
}

/** Attached computes: what the deploy task's preflight reads (type, instance types) and what endpoints point at. */
export class ComputeStore {
  private readonly computes = new Map<string, ComputeRecord>();

  constructor(private readonly now: () => number) {}

  seed(seed: ComputeSeed): void {
    const computeType = seed.computeType ?? 'Kubernetes';
    const instanceTypes = seed.instanceTypes ?? (computeType === 'Kubernetes' ? { defaultinstancetype: { requests: { cpu: '100m', memory: '2Gi' }, limits: { cpu: '2', memory: '2Gi' } } } : {});
    this.computes.set(seed.name.toLowerCase(), {
      name: seed.name,
      computeType,
      instanceTypes,
      defaultInstanceType: seed.defaultInstanceType ?? (computeType === 'Kubernetes' ? Object.keys(instanceTypes)[0] : undefined),
      provisioningState: seed.provisioningState ?? 'Succeeded',
      createdAt: this.now(),
    });
  }

  list(): ComputeRecord[] {
    return [...this.computes.values()].sort((a, b) => a.name.localeCompare(b.name));
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

export function computeRoutes(cloud: Cloud, store: ComputeStore): Route[] {
  const resource = (c: ComputeRecord) => {
    const at = new Date(c.createdAt).toISOString();
    return {
      id: `${workspaceArmId(cloud)}/computes/${c.name}`,
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
                instanceTypes: Object.fromEntries(Object.entries(c.instanceTypes).map(([n, t]) => [n, { nodeSelector: null, resources: { requests: { ...t.requests }, limits: { ...t.limits } } }])),
              },
            }
          : {}),
      },
    };
  };
  return [
    {
      method: 'GET',
      pattern: route(`${WORKSPACE}/computes`),
      area: 'arm',
      traffic: true,
      handle: (_req, [s, rg, ws]) => scopeError(cloud, s, rg, ws) ?? json(200, { value: store.list().map(resource) }),
    },
    {
      method: 'GET',
      pattern: route(`${WORKSPACE}/computes/([^/]+)`),
      area: 'arm',
      traffic: true,
      handle: (_req, [s, rg, ws, name]) => {
        const scope = scopeError(cloud, s, rg, ws);
        if (scope) return scope;
        const c = store.get(name);
        return c ? json(200, resource(c)) : armError(404, 'ResourceNotFound', `Compute '${name}' was not found in workspace '${cloud.workspaceName}'.`);
      },
    },
  ];
}
