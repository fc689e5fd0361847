import { createSerializer } from '@azure/core-client';
import * as Mappers from '@azure/arm-machinelearning/dist-esm/src/models/mappers';
import type { Cloud } from '../cloud';
import { workspaceArmId } from '../cloud';
import type { EmulatorRequest, EmulatorResponse, Route } from '../http/types';
import { json } from '../http/types';
import { armError } from './errors';
import { route, scopeError, WORKSPACE } from './scope';

export type AssetKind = 'codes' | 'environments';
const ASSET_NAME = /^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$/;
/** Fields Azure ML refuses to change on an existing version: the content it names. */
const IMMUTABLE: Record<AssetKind, string[]> = { codes: ['codeUri'], environments: ['image', 'condaFile', 'build'] };
const MAPPER: Record<AssetKind, unknown> = { codes: Mappers.CodeVersion, environments: Mappers.EnvironmentVersion };
const serializer = createSerializer(Mappers as unknown as Record<string, unknown> as never, false);
const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

interface AssetVersion {
  name: string;
  version: string;
  createdAt: number;
  properties: Record<string, unknown>;
}

/** Code and environment versions: what a deployment references by ARM id, PUT by the package task. */
export class AssetStore {
  private readonly versions = new Map<string, AssetVersion>();

  constructor(private readonly now: () => number) {}

  private key = (kind: AssetKind, name: string, version: string) => `${kind}/${name.toLowerCase()}/${version}`;

  get(kind: AssetKind, name: string, version: string): AssetVersion | undefined {
    return this.versions.get(this.key(kind, name, version));
  }

  list(kind: AssetKind, name: string): AssetVersion[] {
    const prefix = `${kind}/${name.toLowerCase()}/`;
    return [...this.versions.entries()].filter(([k]) => k.startsWith(prefix)).map(([, v]) => v);
  }

  put(kind: AssetKind, name: string, version: string, properties: Record<string, unknown>): { record: AssetVersion; created: boolean } {
    const existing = this.get(kind, name, version);
    const record = { name: existing?.name ?? name, version, createdAt: existing?.createdAt ?? this.now(), properties };
    this.versions.set(this.key(kind, name, version), record);
    return { record, created: !existing };
  }

  /** By ARM id (…/codes/<n>/versions/<v>) or `azureml:<n>:<v>`. */
  byId(kind: AssetKind, ref: string): AssetVersion | undefined {
    const arm = new RegExp(`/${kind}/([^/]+)/versions/([^/]+)$`, 'i').exec(ref);
    const short = /^azureml:([^:/]+):([^:/]+)$/i.exec(ref);
    const m = arm ?? short;
    return m ? this.get(kind, m[1], m[2]) : undefined;
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

export function assetRoutes(cloud: Cloud, store: AssetStore): Route[] {
  const resource = (kind: AssetKind, v: AssetVersion) => ({
    id: `${workspaceArmId(cloud)}/${kind}/${v.name}/versions/${v.version}`,
    name: v.version,
    type: `Microsoft.MachineLearningServices/workspaces/${kind}/versions`,
    systemData: { createdAt: iso(v.createdAt), createdBy: 'mlops-pipeline@emulator.example', createdByType: 'Application', lastModifiedAt: iso(v.createdAt), lastModifiedBy: 'mlops-pipeline@emulator.example', lastModifiedByType: 'Application' },
    properties: {
      description: null,
      tags: {},
      properties: {},
      isArchived: false,
      isAnonymous: false,
      ...(kind === 'environments' ? { environmentType: 'UserCreated', osType: 'Linux', autoRebuild: 'Disabled' } : {}),
      ...v.properties,
    },
  });

  const put = (kind: AssetKind, req: EmulatorRequest, name: string, version: string): EmulatorResponse => {
    if (req.bodyError) return armError(400, 'UserError', `The request body is not valid JSON: ${req.bodyError}`);
    if (!ASSET_NAME.test(name)) return armError(400, 'UserError', `Asset name '${name}' is invalid: it must match ${ASSET_NAME.source}.`);
    const body = req.body;
    if (!isObject(body) || !isObject(body.properties)) return armError(400, 'UserError', "The 'properties' field is required: body.properties cannot be null or undefined.");
    try {
      serializer.serialize(MAPPER[kind] as never, serializer.deserialize(MAPPER[kind] as never, body, 'body'), 'body');
    } catch (error) {
      return armError(400, 'UserError', `The request body is invalid: ${(error as Error).message}`);
    }
    const { provisioningState: _p, environmentType: _t, ...properties } = body.properties;
    if (kind === 'environments' && !properties.image && !properties.build) return armError(400, 'UserError', 'An environment needs an image or a build context.');
    const existing = store.get(kind, name, version);
    if (existing) {
      const changed = IMMUTABLE[kind].filter((f) => JSON.stringify(properties[f] ?? null) !== JSON.stringify(existing.properties[f] ?? null));
      if (changed.length > 0) return armError(409, 'UserError', `${kind === 'codes' ? 'Code' : 'Environment'} ${name}:${version} already exists with another ${changed.join(', ')}; create a new version instead.`);
    }
    const { record, created } = store.put(kind, name, version, properties);
    return json(created ? 201 : 200, resource(kind, record));
  };

  return (['codes', 'environments'] as const).flatMap((kind): Route[] => [
    {
      method: 'GET',
      pattern: route(`${WORKSPACE}/${kind}/([^/]+)/versions/([^/]+)`),
      area: 'arm',
      traffic: true,
      handle: (_req, [s, rg, ws, name, version]) => {
        const scope = scopeError(cloud, s, rg, ws);
        if (scope) return scope;
        const v = store.get(kind, name, version);
        return v ? json(200, resource(kind, v)) : armError(404, 'UserError', `${kind === 'codes' ? 'Code' : 'Environment'} ${name}:${version} not found.`);
      },
    },
    {
      method: 'PUT',
      pattern: route(`${WORKSPACE}/${kind}/([^/]+)/versions/([^/]+)`),
      area: 'arm',
      traffic: true,
      handle: (req, [s, rg, ws, name, version]) => scopeError(cloud, s, rg, ws) ?? put(kind, req, name, version),
    },
  ]);
}
