import type { Cloud } from '../cloud';
import { workspaceArmId } from '../cloud';
import type { EmulatorRequest, Route } from '../http/types';
import { json } from '../http/types';
import type { OnlineDeploymentSeed, OnlineEndpointSeed } from '../types';
import { armError } from './errors';
import { route, scopeError, WORKSPACE } from './scope';
import { iso } from './system-data';

const PAGE_SIZE = 20;

export interface EndpointRecord {
  seed: OnlineEndpointSeed;
  createdAt: number;
}

/**
 * Online endpoints and their deployments, readable for production resolution (which deployment takes
 * most traffic, and which model it serves). Tests seed them; creating and updating them through ARM
 * is the deploy task's work and not served yet.
 */
export class EndpointStore {
  private readonly endpoints = new Map<string, EndpointRecord>();

  constructor(private readonly now: () => number) {}

  seed(endpoint: OnlineEndpointSeed): void {
    this.endpoints.set(endpoint.name.toLowerCase(), { seed: structuredClone(endpoint), createdAt: this.now() });
  }

  get(name: string): EndpointRecord | undefined {
    return this.endpoints.get(name.toLowerCase());
  }

  list(): EndpointRecord[] {
    return [...this.endpoints.values()].sort((a, b) => a.seed.name.localeCompare(b.seed.name));
  }
}

const systemData = (at: number) => ({
  createdAt: iso(at),
  createdBy: 'mlops-pipeline@emulator.example',
  createdByType: 'Application',
  lastModifiedAt: iso(at),
  lastModifiedBy: 'mlops-pipeline@emulator.example',
  lastModifiedByType: 'Application',
});

/** A model reference as deployments carry it: an ARM id for `{name, version}`, else the string as seeded. */
function modelReference(cloud: Cloud, model: OnlineDeploymentSeed['model']): string | undefined {
  if (model === undefined || typeof model === 'string') return model;
  return `${workspaceArmId(cloud)}/models/${model.name}/versions/${model.version}`;
}

export function endpointRoutes(cloud: Cloud, store: EndpointStore): Route[] {
  const inScope = (s: string, rg: string, ws: string) => scopeError(cloud, s, rg, ws);
  const endpointId = (name: string) => `${workspaceArmId(cloud)}/onlineEndpoints/${name}`;
  const computeType = (e: OnlineEndpointSeed) => e.computeType ?? 'Kubernetes';

  const endpointResource = (r: EndpointRecord) => {
    const e = r.seed;
    const traffic = e.traffic ?? {};
    return {
      id: endpointId(e.name),
      name: e.name,
      type: 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints',
      location: cloud.location,
      tags: { ...e.tags },
      identity: { type: 'SystemAssigned', principalId: '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d', tenantId: cloud.tenantId },
      kind: computeType(e) === 'Kubernetes' ? 'K8S' : 'Managed',
      systemData: systemData(r.createdAt),
      properties: {
        authMode: 'Key',
        description: e.description ?? null,
        properties: {},
        ...(computeType(e) === 'Kubernetes' ? { compute: `${workspaceArmId(cloud)}/computes/${e.compute ?? 'aks-compute'}` } : {}),
        provisioningState: 'Succeeded',
        publicNetworkAccess: 'Enabled',
        scoringUri: `${cloud.url}/score/${e.name}/score`,
        swaggerUri: `${cloud.url}/score/${e.name}/swagger.json`,
        traffic,
      },
    };
  };

  const deploymentResource = (r: EndpointRecord, d: OnlineDeploymentSeed) => ({
    id: `${endpointId(r.seed.name)}/deployments/${d.name}`,
    name: d.name,
    type: 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments',
    location: cloud.location,
    tags: {},
    kind: computeType(r.seed) === 'Kubernetes' ? 'K8S' : 'Managed',
    sku: { name: 'Default', capacity: 1 },
    systemData: systemData(r.createdAt),
    properties: {
      endpointComputeType: computeType(r.seed),
      ...(modelReference(cloud, d.model) !== undefined ? { model: modelReference(cloud, d.model) } : {}),
      instanceType: 'defaultinstancetype',
      provisioningState: d.provisioningState ?? 'Succeeded',
      appInsightsEnabled: false,
      scaleSettings: { scaleType: 'Default' },
      properties: {},
    },
  });

  const page = (req: EmulatorRequest, items: unknown[]) => {
    const skip = Number(req.query.$skip ?? 0) || 0;
    const body: { value: unknown[]; nextLink?: string } = { value: items.slice(skip, skip + PAGE_SIZE) };
    if (skip + PAGE_SIZE < items.length) {
      body.nextLink = `${cloud.url}${req.path}?${new URLSearchParams({ ...req.query, $skip: String(skip + PAGE_SIZE) }).toString()}`;
    }
    return json(200, body);
  };

  const endpointNotFound = (name: string) => armError(404, 'UserError', `Could not find online endpoint '${name}'.`);
  const ENDPOINTS = `${WORKSPACE}/onlineEndpoints`;
  return [
    {
      method: 'GET',
      pattern: route(ENDPOINTS),
      area: 'arm',
      traffic: true,
      handle: (req, [s, rg, ws]) => inScope(s, rg, ws) ?? page(req, store.list().map(endpointResource)),
    },
    {
      method: 'GET',
      pattern: route(`${ENDPOINTS}/([^/]+)`),
      area: 'arm',
      traffic: true,
      handle: (_req, [s, rg, ws, name]) => {
        const scope = inScope(s, rg, ws);
        if (scope) return scope;
        const r = store.get(name);
        return r ? json(200, endpointResource(r)) : endpointNotFound(name);
      },
    },
    {
      method: 'GET',
      pattern: route(`${ENDPOINTS}/([^/]+)/deployments`),
      area: 'arm',
      traffic: true,
      handle: (req, [s, rg, ws, name]) => {
        const scope = inScope(s, rg, ws);
        if (scope) return scope;
        const r = store.get(name);
        return r ? page(req, (r.seed.deployments ?? []).map((d) => deploymentResource(r, d))) : endpointNotFound(name);
      },
    },
    {
      method: 'GET',
      pattern: route(`${ENDPOINTS}/([^/]+)/deployments/([^/]+)`),
      area: 'arm',
      traffic: true,
      handle: (_req, [s, rg, ws, name, deployment]) => {
        const scope = inScope(s, rg, ws);
        if (scope) return scope;
        const r = store.get(name);
        if (!r) return endpointNotFound(name);
        const d = (r.seed.deployments ?? []).find((x) => x.name.toLowerCase() === deployment.toLowerCase());
        return d ? json(200, deploymentResource(r, d)) : armError(404, 'UserError', `Could not find deployment '${deployment}' of online endpoint '${name}'.`);
      },
    },
  ];
}
