import { randomBytes } from 'node:crypto';
import { createSerializer } from '@azure/core-client';
import * as Mappers from '@azure/arm-machinelearning/dist-esm/src/models/mappers';
import type { Cloud } from '../cloud';
import { workspaceArmId } from '../cloud';
import { DeploymentRecord, EndpointRecord, OnlineStore, Operation, opState, modelKey } from '../endpoints/store';
import { armPage } from '../http/paging';
import type { EmulatorRequest, EmulatorResponse, Route } from '../http/types';
import { json } from '../http/types';
import type { ModelStore } from '../models/store';
import type { AssetStore } from './asset-store';
import type { ComputeStore } from './compute-routes';
import { armError } from './errors';
import { route, scopeError, SUBSCRIPTION, WORKSPACE } from './scope';
import { iso, systemData } from './system-data';

/** azure-ai-ml's validate_endpoint_or_deployment_name: 3 to 32 characters, a letter first, letters, digits and '-', no '-' last. */
export const ONLINE_NAME = /^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const serializer = createSerializer(Mappers as unknown as Record<string, unknown> as never, false);
const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Emulator seconds a write takes when the behaviour does not say: short, so tests poll a few times at most. */
const ENDPOINT_CREATE_MS = 1000;
const DEFAULT_PROVISION_MS = 1000;

export interface OnlineRouteDeps {
  cloud: Cloud;
  store: OnlineStore;
  models: ModelStore;
  computes: ComputeStore;
  assets: AssetStore;
}

/** Provisioning state names as each resource reports them while an operation runs. */
const RUNNING_STATE: Record<Operation['kind'], string> = { Create: 'Creating', Update: 'Updating', Delete: 'Deleting' };

export function provisioningState(op: Operation | undefined, now: number): string {
  const s = opState(op, now);
  if (s === 'running') return RUNNING_STATE[op!.kind];
  if (s === 'Failed' && op?.kind === 'Delete') return 'Succeeded';
  return s;
}

export const scoringUri = (cloud: Cloud, endpoint: string) => `${cloud.url}/score/${endpoint}/score`;

export function endpointRoutes(deps: OnlineRouteDeps): Route[] {
  const { cloud, store } = deps;
  const now = () => cloud.clock.now();
  const inScope = (s: string, rg: string, ws: string) => scopeError(cloud, s, rg, ws);
  const endpointId = (name: string) => `${workspaceArmId(cloud)}/onlineEndpoints/${name}`;
  const asyncOperationUrl = (op: Operation) =>
    `${cloud.url}/subscriptions/${cloud.subscriptionId}/providers/Microsoft.MachineLearningServices/locations/${cloud.location}/mfeOperationsStatus/${op.id}?api-version=2022-10-01`;
  const locationUrl = (op: Operation) =>
    `${cloud.url}/subscriptions/${cloud.subscriptionId}/providers/Microsoft.MachineLearningServices/locations/${cloud.location}/mfeOperationResults/${op.id}?api-version=2022-10-01`;

  const endpointResource = (e: EndpointRecord) => ({
    id: endpointId(e.name),
    name: e.name,
    type: 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints',
    location: cloud.location,
    tags: { ...e.tags },
    identity: { type: 'SystemAssigned', principalId: '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d', tenantId: cloud.tenantId },
    kind: e.computeType === 'Kubernetes' ? 'K8S' : 'Managed',
    systemData: systemData(e.createdAt),
    properties: {
      authMode: e.authMode,
      description: e.description ?? null,
      properties: { ...e.properties },
      ...(e.compute ? { compute: computeArmId(e.compute) } : {}),
      provisioningState: provisioningState(e.op, now()),
      publicNetworkAccess: 'Enabled',
      scoringUri: scoringUri(cloud, e.name),
      swaggerUri: `${cloud.url}/score/${e.name}/swagger.json`,
      traffic: { ...e.traffic },
    },
  });

  const deploymentResource = (e: EndpointRecord, d: DeploymentRecord) => ({
    id: `${endpointId(e.name)}/deployments/${d.name}`,
    name: d.name,
    type: 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments',
    location: cloud.location,
    tags: { ...d.tags },
    kind: e.computeType === 'Kubernetes' ? 'K8S' : 'Managed',
    sku: d.sku ?? { name: 'Default', capacity: 1 },
    systemData: systemData(d.createdAt),
    properties: { properties: {}, appInsightsEnabled: false, ...d.properties, provisioningState: provisioningState(d.op, now()) },
  });

  const page = (req: EmulatorRequest, items: unknown[]) => armPage(req, items, { baseUrl: cloud.url, pageSize: cloud.pageSize });

  const endpointNotFound = (name: string) => armError(404, 'UserError', `Could not find online endpoint '${name}'.`);
  const deploymentNotFound = (endpoint: string, name: string) =>
    armError(404, 'UserError', `Could not find deployment '${name}' of online endpoint '${endpoint}'.`);
  const busy = (what: string, op: Operation) =>
    armError(409, 'UserError', `${what} is ${RUNNING_STATE[op.kind].toLowerCase()}; another operation cannot start until it finishes.`);
  const accepted = (status: number, body: unknown, op: Operation): EmulatorResponse =>
    json(status, body, { 'Azure-AsyncOperation': asyncOperationUrl(op), 'x-ms-async-operation-timeout': 'PT1H', 'Retry-After': '1' });

  const checkMapper = (mapper: unknown, body: unknown): string | undefined => {
    try {
      serializer.serialize(mapper as never, serializer.deserialize(mapper as never, body, 'body'), 'body');
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  };

  /** Traffic as Azure ML checks it: whole percentages of existing deployments, summing to 100 (or all zero). */
  const trafficError = (e: EndpointRecord | undefined, traffic: Record<string, unknown>): string | undefined => {
    const entries = Object.entries(traffic);
    for (const [name, value] of entries) {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 100)
        return `Traffic for deployment '${name}' must be a whole number from 0 to 100, got ${JSON.stringify(value)}.`;
      if (!e?.deployments.has(name.toLowerCase()))
        return `Traffic is set for deployment '${name}', which does not exist under endpoint '${e?.name ?? '(new)'}'.`;
      const d = e.deployments.get(name.toLowerCase())!;
      if (value > 0 && d.op?.kind === 'Delete') return `Deployment '${name}' is being deleted and cannot take traffic.`;
    }
    const sum = entries.reduce((s, [, v]) => s + (v as number), 0);
    if (entries.length > 0 && sum !== 100 && sum !== 0) return `Traffic values must sum to 100 (or all be 0); they sum to ${sum}.`;
    return undefined;
  };

  /** What ARM refuses in any endpoint or deployment PUT: bad JSON, a bad name, a body off the SDK's mapper. */
  const refuseOnlineBody = (
    req: EmulatorRequest,
    kind: 'Endpoint' | 'Deployment',
    name: string,
    mapper: unknown,
  ): EmulatorResponse | undefined => {
    if (req.bodyError) return armError(400, 'UserError', `The request body is not valid JSON: ${req.bodyError}`);
    if (name.length < 3 || name.length > 32 || !ONLINE_NAME.test(name)) {
      return armError(
        400,
        'UserError',
        `${kind} name '${name}' is invalid: 3 to 32 characters, starting with a letter, then letters, digits or '-', not ending with '-'.`,
      );
    }
    const body = req.body;
    if (!isObject(body) || !isObject(body.properties))
      return armError(400, 'UserError', "The 'properties' field is required: body.properties cannot be null or undefined.");
    const invalid = checkMapper(mapper, body);
    if (invalid) return armError(400, 'UserError', `The request body is invalid: ${invalid}`);
    return undefined;
  };

  const computeArmId = (compute: string): string => (compute.startsWith('/') ? compute : `${workspaceArmId(cloud)}/computes/${compute}`);

  const putEndpoint = (req: EmulatorRequest, name: string): EmulatorResponse => {
    const refused = refuseOnlineBody(req, 'Endpoint', name, Mappers.OnlineEndpoint);
    if (refused) return refused;
    const body = req.body as Record<string, unknown> & { properties: Record<string, unknown> };
    const p = body.properties;
    const existing = store.get(name);
    if (existing?.op && opState(existing.op, now()) === 'running') return busy(`Endpoint '${name}'`, existing.op);
    const traffic = isObject(p.traffic) ? p.traffic : {};
    const problem = trafficError(existing, traffic);
    if (problem) return armError(400, 'UserError', problem);
    const authMode = String(p.authMode ?? 'Key');
    if (!['Key', 'AMLToken', 'AADToken'].includes(authMode))
      return armError(400, 'UserError', `authMode must be Key, AMLToken or AADToken, got '${authMode}'.`);
    const compute = typeof p.compute === 'string' && p.compute ? p.compute : undefined;
    if (existing) {
      // A seeded endpoint may hold a bare compute name; ARM shows (and clients send back) its ARM id.
      if (compute !== undefined && computeArmId(compute).toLowerCase() !== computeArmId(existing.compute ?? '').toLowerCase())
        return armError(400, 'UserError', `The compute of endpoint '${name}' cannot be changed.`);
      if (existing.authMode !== authMode)
        return armError(400, 'UserError', `The authMode of endpoint '${name}' cannot be changed after creation.`);
      existing.traffic = Object.fromEntries(
        Object.entries(traffic).map(([k, v]) => [existing.deployments.get(k.toLowerCase())!.name, v as number]),
      );
      existing.tags = isObject(body.tags) ? (body.tags as Record<string, string>) : existing.tags;
      existing.description = typeof p.description === 'string' ? p.description : existing.description;
      existing.op = store.newOperation('Update', 0, 'Succeeded');
      existing.revision += 1;
      store.track(existing.op, existing.name);
      return accepted(200, endpointResource(existing), existing.op);
    }
    if (compute) {
      const c = deps.computes.byId(compute);
      if (!c) return armError(400, 'UserError', `Compute '${compute}' was not found in workspace '${cloud.workspaceName}'.`);
      if (c.computeType !== 'Kubernetes')
        return armError(400, 'UserError', `Compute '${c.name}' is ${c.computeType}; an online endpoint needs a Kubernetes compute.`);
    }
    if (Object.values(traffic).some((v) => v !== 0))
      return armError(400, 'UserError', `Traffic cannot go to deployments of endpoint '${name}' before it exists.`);
    const record: EndpointRecord = {
      name,
      createdAt: now(),
      computeType: compute ? 'Kubernetes' : 'Managed',
      authMode: authMode as EndpointRecord['authMode'],
      compute,
      traffic: {},
      tags: isObject(body.tags) ? (body.tags as Record<string, string>) : {},
      description: typeof p.description === 'string' ? p.description : null,
      properties: isObject(p.properties) ? (p.properties as Record<string, string>) : {},
      op: store.newOperation('Create', ENDPOINT_CREATE_MS, 'Succeeded'),
      keys: { primaryKey: randomBytes(32).toString('base64'), secondaryKey: randomBytes(32).toString('base64') },
      tokens: new Map(),
      deployments: new Map(),
      revision: 1,
    };
    store.put(record);
    store.track(record.op!, name);
    return accepted(201, endpointResource(record), record.op!);
  };

  const putDeployment = (req: EmulatorRequest, endpointName: string, name: string): EmulatorResponse => {
    if (req.bodyError) return armError(400, 'UserError', `The request body is not valid JSON: ${req.bodyError}`);
    const e = store.get(endpointName);
    if (!e) return endpointNotFound(endpointName);
    const refused = refuseOnlineBody(req, 'Deployment', name, Mappers.OnlineDeployment);
    if (refused) return refused;
    const body = req.body as Record<string, unknown> & { properties: Record<string, unknown> };
    if (e.op && opState(e.op, now()) === 'running' && e.op.kind !== 'Update') return busy(`Endpoint '${endpointName}'`, e.op);
    const p = { ...body.properties };
    delete p.provisioningState;
    if (p.endpointComputeType !== e.computeType) {
      return armError(
        400,
        'UserError',
        `Endpoint '${e.name}' is ${e.computeType}; its deployments must have endpointComputeType ${e.computeType}, got '${String(p.endpointComputeType)}'.`,
      );
    }
    const missing = missingReference(p);
    if (missing) return armError(400, 'UserError', missing);
    if (e.computeType === 'Kubernetes') {
      const c = e.compute ? deps.computes.byId(e.compute) : undefined;
      const instanceType = typeof p.instanceType === 'string' && p.instanceType ? p.instanceType : c?.defaultInstanceType;
      if (c && instanceType && !Object.keys(c.instanceTypes).some((t) => t.toLowerCase() === instanceType.toLowerCase())) {
        return armError(
          400,
          'UserError',
          `Instance type '${instanceType}' does not exist on Kubernetes compute '${c.name}'; it has ${Object.keys(c.instanceTypes).join(', ')}.`,
        );
      }
    } else if (typeof p.instanceType !== 'string' || !MANAGED_SKUS.has(p.instanceType.toLowerCase())) {
      return armError(400, 'UserError', `Instance type '${String(p.instanceType)}' is not supported for managed online deployments.`);
    }
    const existing = e.deployments.get(name.toLowerCase());
    if (existing?.op && opState(existing.op, now()) === 'running') return busy(`Deployment '${name}'`, existing.op);
    const behaviour = store.behaviourFor(p.model);
    const outcome = behaviour.provisioning ?? 'Succeeded';
    const error =
      outcome === 'Failed'
        ? {
            code: 'ResourceNotReady',
            message: `User container has crashed or terminated: the readiness probe of deployment '${name}' failed. Check the deployment logs for the inference server.`,
          }
        : undefined;
    const op = store.newOperation(
      existing ? 'Update' : 'Create',
      (behaviour.provisionSeconds ?? DEFAULT_PROVISION_MS / 1000) * 1000,
      outcome,
      error,
    );
    const record: DeploymentRecord = {
      name: existing?.name ?? name,
      createdAt: existing?.createdAt ?? now(),
      location: String(body.location ?? cloud.location),
      tags: isObject(body.tags) ? (body.tags as Record<string, string>) : {},
      sku: isObject(body.sku) ? (body.sku as DeploymentRecord['sku']) : undefined,
      properties: p,
      op,
      behaviour,
    };
    e.deployments.set(name.toLowerCase(), record);
    e.revision += 1;
    store.track(op, e.name, record.name);
    return accepted(existing ? 200 : 201, deploymentResource(e, record), op);
  };

  /** The model, code and environment a deployment names must exist, as Azure ML checks before provisioning. */
  const missingReference = (p: Record<string, unknown>): string | undefined => {
    const model = typeof p.model === 'string' ? p.model : undefined;
    if (model) {
      const key = modelKey(model);
      const [n, v] = key ? key.split(':') : [];
      if (!key || !deps.models.get(n, v)) return `Model '${model}' was not found in workspace '${cloud.workspaceName}'.`;
    }
    const code = isObject(p.codeConfiguration) ? p.codeConfiguration.codeId : undefined;
    if (typeof code === 'string' && code && !deps.assets.byId('codes', code))
      return `Code '${code}' was not found in workspace '${cloud.workspaceName}'.`;
    const env = typeof p.environmentId === 'string' ? p.environmentId : undefined;
    if (env && !deps.assets.byId('environments', env)) return `Environment '${env}' was not found in workspace '${cloud.workspaceName}'.`;
    return undefined;
  };

  const deleteDeployment = (endpointName: string, name: string): EmulatorResponse => {
    const e = store.get(endpointName);
    if (!e) return endpointNotFound(endpointName);
    const d = e.deployments.get(name.toLowerCase());
    if (!d) return { status: 204 };
    const share = Object.entries(e.traffic).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1] ?? 0;
    if (share > 0)
      return armError(
        400,
        'UserError',
        `Deployment '${d.name}' takes ${share}% of the traffic of endpoint '${e.name}'; set its traffic to 0 before deleting it.`,
      );
    if (d.op?.kind === 'Delete') return { status: 202, headers: { Location: locationUrl(d.op) } };
    d.op = store.newOperation('Delete', 0, 'Succeeded');
    // A deployment with 0% leaves the traffic map when it goes.
    e.traffic = Object.fromEntries(Object.entries(e.traffic).filter(([k]) => k.toLowerCase() !== name.toLowerCase()));
    e.revision += 1;
    store.track(d.op, e.name, d.name);
    return { status: 202, headers: { Location: locationUrl(d.op) } };
  };

  const deleteEndpoint = (name: string): EmulatorResponse => {
    const e = store.get(name);
    if (!e) return { status: 204 };
    e.op = store.newOperation('Delete', 0, 'Succeeded');
    store.track(e.op, e.name);
    return { status: 202, headers: { Location: locationUrl(e.op) } };
  };

  const operationStatus = (id: string): EmulatorResponse => {
    const tracked = store.operations.get(id);
    if (!tracked) return armError(404, 'NotFound', `Operation '${id}' was not found.`);
    const { op } = tracked;
    const state = opState(op, now());
    const status = state === 'running' ? 'InProgress' : state;
    return json(
      200,
      {
        id: asyncOperationUrl(op).split('?')[0].slice(cloud.url.length),
        name: op.id,
        status,
        startTime: iso(op.startedAt),
        ...(state !== 'running' ? { endTime: iso(op.startedAt + op.durationMs) } : {}),
        ...(state === 'Failed' && op.error ? { error: { ...op.error, details: [], additionalInfo: [] } } : {}),
      },
      state === 'running' ? { 'Retry-After': '1' } : {},
    );
  };

  const operationResult = (id: string): EmulatorResponse => {
    const tracked = store.operations.get(id);
    if (!tracked) return armError(404, 'NotFound', `Operation '${id}' was not found.`);
    const state = opState(tracked.op, now());
    if (state === 'running') return { status: 202, headers: { Location: locationUrl(tracked.op), 'Retry-After': '1' } };
    if (state === 'Failed')
      return armError(500, tracked.op.error?.code ?? 'InternalServerError', tracked.op.error?.message ?? 'The operation failed.');
    return { status: 200 };
  };

  const listKeys = (name: string): EmulatorResponse => {
    const e = store.get(name);
    if (!e) return endpointNotFound(name);
    if (e.authMode !== 'Key')
      return armError(400, 'UserError', `Endpoint '${e.name}' uses ${e.authMode} authentication; keys exist only for Key.`);
    return json(200, { ...e.keys });
  };

  const getToken = (name: string): EmulatorResponse => {
    const e = store.get(name);
    if (!e) return endpointNotFound(name);
    if (e.authMode !== 'AMLToken')
      return armError(400, 'UserError', `Endpoint '${e.name}' uses ${e.authMode} authentication; tokens exist only for AMLToken.`);
    const token = `aml.${randomBytes(24).toString('base64url')}`;
    const expiry = now() + 3600_000;
    e.tokens.set(token, expiry);
    return json(200, {
      accessToken: token,
      tokenType: 'Bearer',
      expiryTimeUtc: Math.floor(expiry / 1000),
      refreshAfterTimeUtc: Math.floor((expiry - 1800_000) / 1000),
    });
  };

  const getLogs = (req: EmulatorRequest, endpointName: string, name: string): EmulatorResponse => {
    const e = store.get(endpointName);
    if (!e) return endpointNotFound(endpointName);
    const d = e.deployments.get(name.toLowerCase());
    if (!d) return deploymentNotFound(endpointName, name);
    const body = isObject(req.body) ? req.body : {};
    const containerType = String(body.containerType ?? 'InferenceServer');
    if (!['InferenceServer', 'StorageInitializer'].includes(containerType))
      return armError(400, 'UserError', `containerType must be InferenceServer or StorageInitializer, got '${containerType}'.`);
    const tail = typeof body.tail === 'number' && body.tail > 0 ? body.tail : 5000;
    return json(200, { content: deploymentLogs(d, containerType, provisioningState(d.op, now())).slice(-tail).join('\n') });
  };

  const ENDPOINTS = `${WORKSPACE}/onlineEndpoints`;
  const ENDPOINT = `${ENDPOINTS}/([^/]+)`;
  const DEPLOYMENT = `${ENDPOINT}/deployments/([^/]+)`;
  const withScope =
    (handler: (req: EmulatorRequest, params: string[]) => EmulatorResponse) =>
    (req: EmulatorRequest, [s, rg, ws, ...rest]: string[]) =>
      inScope(s, rg, ws) ?? handler(req, rest);
  const LOCATIONS = `${SUBSCRIPTION}/providers/Microsoft\\.MachineLearningServices/locations/[^/]+`;
  return [
    {
      method: 'GET',
      pattern: route(ENDPOINTS),
      area: 'arm',
      traffic: true,
      handle: withScope((req) => page(req, store.list().map(endpointResource))),
    },
    {
      method: 'GET',
      pattern: route(ENDPOINT),
      area: 'arm',
      traffic: true,
      handle: withScope((_req, [name]) => {
        const e = store.get(name);
        return e ? json(200, endpointResource(e)) : endpointNotFound(name);
      }),
    },
    { method: 'PUT', pattern: route(ENDPOINT), area: 'arm', traffic: true, handle: withScope((req, [name]) => putEndpoint(req, name)) },
    { method: 'DELETE', pattern: route(ENDPOINT), area: 'arm', traffic: true, handle: withScope((_req, [name]) => deleteEndpoint(name)) },
    {
      method: 'POST',
      pattern: route(`${ENDPOINT}/listKeys`),
      area: 'arm',
      traffic: true,
      handle: withScope((_req, [name]) => listKeys(name)),
    },
    {
      method: 'POST',
      pattern: route(`${ENDPOINT}/token`),
      area: 'arm',
      traffic: true,
      handle: withScope((_req, [name]) => getToken(name)),
    },
    {
      method: 'GET',
      pattern: route(`${ENDPOINT}/deployments`),
      area: 'arm',
      traffic: true,
      handle: withScope((req, [name]) => {
        const e = store.get(name);
        return e
          ? page(
              req,
              [...e.deployments.values()].map((d) => deploymentResource(e, d)),
            )
          : endpointNotFound(name);
      }),
    },
    {
      method: 'GET',
      pattern: route(DEPLOYMENT),
      area: 'arm',
      traffic: true,
      handle: withScope((_req, [name, deployment]) => {
        const e = store.get(name);
        if (!e) return endpointNotFound(name);
        const d = e.deployments.get(deployment.toLowerCase());
        return d ? json(200, deploymentResource(e, d)) : deploymentNotFound(name, deployment);
      }),
    },
    {
      method: 'PUT',
      pattern: route(DEPLOYMENT),
      area: 'arm',
      traffic: true,
      handle: withScope((req, [name, deployment]) => putDeployment(req, name, deployment)),
    },
    {
      method: 'DELETE',
      pattern: route(DEPLOYMENT),
      area: 'arm',
      traffic: true,
      handle: withScope((_req, [name, deployment]) => deleteDeployment(name, deployment)),
    },
    {
      method: 'POST',
      pattern: route(`${DEPLOYMENT}/getLogs`),
      area: 'arm',
      traffic: true,
      handle: withScope((req, [name, deployment]) => getLogs(req, name, deployment)),
    },
    // Where Azure-AsyncOperation and Location point (not spec'd operations, so not in the traffic log).
    {
      method: 'GET',
      pattern: route(`${LOCATIONS}/mfeOperationsStatus/([^/]+)`),
      area: 'arm',
      handle: (_req, [s, id]) => scopeError(cloud, s) ?? operationStatus(id),
    },
    {
      method: 'GET',
      pattern: route(`${LOCATIONS}/mfeOperationResults/(op-[^/]+)`),
      area: 'arm',
      handle: (_req, [s, id]) => scopeError(cloud, s) ?? operationResult(id),
    },
  ];
}

/** What the inference server and storage initializer print, by how provisioning went, plus the behaviour's own lines. */
function deploymentLogs(d: DeploymentRecord, containerType: string, state: string): string[] {
  const model = typeof d.properties.model === 'string' ? d.properties.model : '(no model)';
  const script = isObject(d.properties.codeConfiguration) ? String(d.properties.codeConfiguration.scoringScript ?? 'score.py') : 'score.py';
  if (containerType === 'StorageInitializer') {
    return [
      `Downloading model ${model} to /var/azureml-app/azureml-models`,
      'Model download complete.',
      ...(d.behaviour.logs?.storageInitializer ?? []),
    ];
  }
  const lines = [
    'Azure ML Inferencing HTTP server v1.3.0',
    `Entry script: /var/azureml-app/${script}`,
    'Initializing logger',
    'Starting up app insights client',
  ];
  if (d.behaviour.provisioning === 'Failed') {
    lines.push(
      "Invoking user's init function",
      'Traceback (most recent call last):',
      `  File "/var/azureml-app/${script}", line 12, in init`,
      "ModuleNotFoundError: No module named 'sklearn'",
      'Readiness probe failed: HTTP probe failed with statuscode: 502',
    );
  } else if (state === 'Succeeded') {
    lines.push("Invoking user's init function", "Users's init has completed successfully", 'Listening at: http://0.0.0.0:5001');
  }
  return [...lines, ...(d.behaviour.logs?.inferenceServer ?? [])];
}

/** The managed online endpoint SKUs the emulator accepts (a subset of Azure ML's list; extend when a test needs one). */
export const MANAGED_SKUS = new Set(
  [
    'Standard_DS1_v2',
    'Standard_DS2_v2',
    'Standard_DS3_v2',
    'Standard_DS4_v2',
    'Standard_DS5_v2',
    'Standard_F2s_v2',
    'Standard_F4s_v2',
    'Standard_F8s_v2',
    'Standard_F16s_v2',
    'Standard_F32s_v2',
    'Standard_F48s_v2',
    'Standard_F64s_v2',
    'Standard_F72s_v2',
    'Standard_E2s_v3',
    'Standard_E4s_v3',
    'Standard_E8s_v3',
    'Standard_E16s_v3',
    'Standard_E32s_v3',
    'Standard_E48s_v3',
    'Standard_E64s_v3',
    'Standard_NC4as_T4_v3',
    'Standard_NC6s_v3',
    'Standard_NC8as_T4_v3',
    'Standard_NC12s_v3',
    'Standard_NC16as_T4_v3',
    'Standard_NC24s_v3',
    'Standard_NC64as_T4_v3',
  ].map((s) => s.toLowerCase()),
);
