import { randomBytes } from 'node:crypto';
import type { DeploymentBehaviour, OnlineEndpointSeed } from '../types';

/**
 * Online endpoints and deployments as the service holds them, written by ARM PUT/DELETE or seeded.
 * Provisioning is a function of the emulator clock (no timers): each write starts an operation
 * with a duration and an outcome, and every read settles what the clock says has finished.
 */

type OperationKind = 'Create' | 'Update' | 'Delete';

export interface Operation {
  id: string;
  kind: OperationKind;
  startedAt: number;
  durationMs: number;
  /** 'hang' never finishes (a deployment whose container never becomes ready and has no timeout). */
  outcome: 'Succeeded' | 'Failed' | 'hang';
  error?: { code: string; message: string };
}

export interface DeploymentRecord {
  name: string;
  createdAt: number;
  location: string;
  tags: Record<string, string>;
  sku?: { name: string; capacity?: number };
  /** The `properties` object as PUT (read-only fields removed). */
  properties: Record<string, unknown>;
  op?: Operation;
  /** What the model behind it does once it runs, chosen when the deployment is written. */
  behaviour: DeploymentBehaviour;
}

export interface EndpointRecord {
  name: string;
  createdAt: number;
  computeType: 'Kubernetes' | 'Managed';
  authMode: 'Key' | 'AMLToken' | 'AADToken';
  compute?: string;
  traffic: Record<string, number>;
  tags: Record<string, string>;
  description?: string | null;
  properties: Record<string, string>;
  op?: Operation;
  keys: { primaryKey: string; secondaryKey: string };
  /** Tokens issued by POST token (AMLToken mode), by value → expiry (emulator clock). */
  tokens: Map<string, number>;
  deployments: Map<string, DeploymentRecord>;
  /** Bumped on every accepted write: lets tests see that a write happened. */
  revision: number;
}

const newKey = () => randomBytes(32).toString('base64');

export function opState(op: Operation | undefined, now: number): 'running' | 'Succeeded' | 'Failed' {
  if (!op) return 'Succeeded';
  if (op.outcome === 'hang' || now < op.startedAt + op.durationMs) return 'running';
  return op.outcome;
}

export class OnlineStore {
  private readonly endpoints = new Map<string, EndpointRecord>();
  /** Every operation ever started, by id, for the Azure-AsyncOperation and Location URLs. */
  readonly operations = new Map<string, { op: Operation; endpoint: string; deployment?: string }>();
  private behaviours = new Map<string, DeploymentBehaviour>();
  defaultBehaviour: DeploymentBehaviour = {};
  private opSeq = 0;

  constructor(private readonly now: () => number) {}

  newOperation(kind: OperationKind, durationMs: number, outcome: Operation['outcome'], error?: Operation['error']): Operation {
    this.opSeq += 1;
    return {
      id: `op-${this.opSeq.toString(16).padStart(6, '0')}-${randomBytes(4).toString('hex')}`,
      kind,
      startedAt: this.now(),
      durationMs,
      outcome,
      error,
    };
  }

  track(op: Operation, endpoint: string, deployment?: string): void {
    this.operations.set(op.id, { op, endpoint, deployment });
  }

  /** Behaviour of a model version's deployments, keyed `name:version` (case-insensitive name). */
  setBehaviour(model: string, behaviour: DeploymentBehaviour): void {
    this.behaviours.set(model.toLowerCase(), structuredClone(behaviour));
  }

  behaviourFor(modelRef: unknown): DeploymentBehaviour {
    const key = typeof modelRef === 'string' ? modelKey(modelRef) : undefined;
    return structuredClone((key ? this.behaviours.get(key) : undefined) ?? this.defaultBehaviour);
  }

  /** Removes what finished deleting; a failed create stays (Azure ML keeps failed deployments). */
  private settle(e: EndpointRecord): void {
    const now = this.now();
    for (const [key, d] of e.deployments) {
      if (d.op?.kind === 'Delete' && opState(d.op, now) === 'Succeeded') e.deployments.delete(key);
    }
  }

  get(name: string): EndpointRecord | undefined {
    const e = this.endpoints.get(name.toLowerCase());
    if (!e) return undefined;
    if (e.op?.kind === 'Delete' && opState(e.op, this.now()) === 'Succeeded') {
      this.endpoints.delete(name.toLowerCase());
      return undefined;
    }
    this.settle(e);
    return e;
  }

  list(): EndpointRecord[] {
    return [...this.endpoints.keys()]
      .map((k) => this.get(k))
      .filter((e): e is EndpointRecord => e !== undefined)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  put(record: EndpointRecord): void {
    this.endpoints.set(record.name.toLowerCase(), record);
  }

  seed(seed: OnlineEndpointSeed, modelId: (m: { name: string; version: string }) => string): void {
    const at = this.now();
    const deployments = new Map<string, DeploymentRecord>();
    for (const d of seed.deployments ?? []) {
      const model = d.model === undefined || typeof d.model === 'string' ? d.model : modelId(d.model);
      const computeType = seed.computeType ?? 'Kubernetes';
      deployments.set(d.name.toLowerCase(), {
        name: d.name,
        createdAt: at,
        location: '',
        tags: {},
        sku: { name: 'Default', capacity: 1 },
        properties: {
          endpointComputeType: computeType,
          ...(model !== undefined ? { model } : {}),
          instanceType: computeType === 'Kubernetes' ? 'defaultinstancetype' : 'Standard_DS3_v2',
          appInsightsEnabled: false,
          scaleSettings: { scaleType: 'Default' },
          properties: {},
        },
        op:
          d.provisioningState && d.provisioningState !== 'Succeeded'
            ? { id: 'seeded', kind: 'Create', startedAt: at, durationMs: 0, outcome: d.provisioningState === 'Failed' ? 'Failed' : 'hang' }
            : undefined,
        behaviour: { ...this.behaviourFor(model), ...d.behaviour },
      });
    }
    this.put({
      name: seed.name,
      createdAt: at,
      computeType: seed.computeType ?? 'Kubernetes',
      authMode: seed.authMode ?? 'Key',
      compute: seed.computeType === 'Managed' ? undefined : (seed.compute ?? 'aks-compute'),
      traffic: { ...seed.traffic },
      tags: { ...seed.tags },
      description: seed.description ?? null,
      properties: {},
      keys: { primaryKey: newKey(), secondaryKey: newKey() },
      tokens: new Map(),
      deployments,
      revision: 1,
    });
  }
}

/** `azureml:name:version` or an ARM id `…/models/name/versions/version` → `name:version` (lower-case name). */
export function modelKey(ref: string): string | undefined {
  const arm = /\/models\/([^/]+)\/versions\/([^/]+)$/i.exec(ref);
  if (arm) return `${arm[1].toLowerCase()}:${arm[2]}`;
  const short = /^azureml:([^:/]+):([^:/]+)$/i.exec(ref);
  return short ? `${short[1].toLowerCase()}:${short[2]}` : undefined;
}
