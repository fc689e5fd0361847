import type { Cloud } from '../cloud';
import { workspaceArmId } from '../cloud';
import { armPage } from '../http/paging';
import type { EmulatorRequest, EmulatorResponse, Route } from '../http/types';
import { json } from '../http/types';
import { systemData } from './system-data';
import { armError } from './errors';
import { ASSET_KINDS, ASSET_NAME, AssetKind, AssetRecord, AssetStore, checkAssetBody } from './asset-store';
import { route, scopeError, WORKSPACE } from './scope';

const RESOURCE_TYPE: Record<AssetKind, string> = {
  codes: 'Microsoft.MachineLearningServices/workspaces/codes/versions',
  components: 'Microsoft.MachineLearningServices/workspaces/components/versions',
  environments: 'Microsoft.MachineLearningServices/workspaces/environments/versions',
  data: 'Microsoft.MachineLearningServices/workspaces/data/versions',
};

export const assetId = (cloud: Cloud, kind: AssetKind, name: string, version: string) =>
  `${workspaceArmId(cloud)}/${kind}/${name}/versions/${version}`;

export function assetResource(cloud: Cloud, r: AssetRecord) {
  return {
    id: assetId(cloud, r.kind, r.name, r.version),
    name: r.version,
    type: RESOURCE_TYPE[r.kind],
    systemData: systemData(r.createdAt),
    properties: {
      description: null,
      tags: {},
      properties: {},
      isArchived: false,
      isAnonymous: false,
      // What the service fills in for an environment it built from the PUT (read-only or defaulted).
      ...(r.kind === 'environments' ? { environmentType: 'UserCreated', osType: 'Linux', autoRebuild: 'Disabled' } : {}),
      ...r.properties,
    },
  };
}

const kindLabel = (kind: AssetKind) => ({ codes: 'Code', components: 'Component', environments: 'Environment', data: 'Data' })[kind];

/** Azure ML's message for an asset version it does not have. */
const notFound = (kind: AssetKind, name: string, version: string) =>
  armError(404, 'UserError', `${kindLabel(kind)} container=${name}, version=${version} not found`);

const CONTAINER_TYPE: Record<AssetKind, string> = {
  codes: 'Microsoft.MachineLearningServices/workspaces/codes',
  components: 'Microsoft.MachineLearningServices/workspaces/components',
  environments: 'Microsoft.MachineLearningServices/workspaces/environments',
  data: 'Microsoft.MachineLearningServices/workspaces/data',
};

/** Canonical JSON (sorted keys), for deduplicating identical anonymous component specs. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface AssetRouteDeps {
  cloud: Cloud;
  assets: AssetStore;
  /** Extra checks a PUT must pass (references to other assets exist); returns an error response or undefined. */
  checkReferences(kind: AssetKind, properties: Record<string, unknown>): EmulatorResponse | undefined;
}

export function assetRoutes(deps: AssetRouteDeps): Route[] {
  const { cloud, assets } = deps;
  const kinds = ASSET_KINDS.join('|');

  const list = (req: EmulatorRequest, kind: AssetKind, name: string): EmulatorResponse => {
    const orderBy = (req.query.$orderBy ?? '').toLowerCase().replace(/\s+/g, ' ').trim();
    let records = assets.versions(kind, name);
    if (orderBy === 'createdtime asc') records = records.reverse();
    // $top caps the whole result: `$top=1` is one version and no next page (as the service does).
    return armPage(
      req,
      records.map((r) => assetResource(cloud, r)),
      { baseUrl: cloud.url, pageSize: cloud.pageSize },
    );
  };

  const put = (req: EmulatorRequest, kind: AssetKind, name: string, version: string): EmulatorResponse => {
    if (req.bodyError) return armError(400, 'UserError', `The request body is not valid JSON: ${req.bodyError}`);
    if (!ASSET_NAME.test(name)) return armError(400, 'UserError', `Asset name '${name}' is invalid: it must match ${ASSET_NAME.source}.`);
    const check = checkAssetBody(kind, req.body);
    if (!check.ok) return armError(400, 'UserError', check.message);
    const refError = deps.checkReferences(kind, check.properties);
    if (refError) return refError;
    if (kind === 'components' && check.properties.isAnonymous === true && !assets.get(kind, name, version)) {
      // The service deduplicates anonymous components by content: the same spec under another version
      // answers with the existing version's id (the client must use the response id).
      const spec = canonical(stripIdentity(check.properties.componentSpec));
      const twin = assets.versions(kind, name).find((r) => canonical(stripIdentity(r.properties.componentSpec)) === spec);
      if (twin) return json(200, assetResource(cloud, twin));
    }
    const result = assets.put(kind, name, version, check.properties);
    if (result.conflict)
      return armError(
        409,
        'UserError',
        `${kindLabel(kind)} ${name}:${version} already exists with different content; asset versions are immutable, use another version.`,
      );
    return json(result.created ? 201 : 200, assetResource(cloud, result.record));
  };

  /** The container: its latest and next version (azure-ai-ml numbers a new named version with nextVersion). */
  const container = (kind: AssetKind, name: string): EmulatorResponse => {
    const versions = assets.versions(kind, name);
    if (!versions.length) return armError(404, 'UserError', `${kindLabel(kind)} container=${name} not found`);
    return json(200, {
      id: `${workspaceArmId(cloud)}/${kind}/${versions[0].name}`,
      name: versions[0].name,
      type: CONTAINER_TYPE[kind],
      systemData: systemData(versions[versions.length - 1].createdAt),
      properties: {
        description: null,
        tags: {},
        properties: {},
        isArchived: false,
        latestVersion: versions[0].version,
        nextVersion: assets.nextVersion(kind, name),
      },
    });
  };

  return [
    {
      method: 'GET',
      pattern: route(`${WORKSPACE}/(${kinds})/([^/]+)`),
      area: 'arm',
      traffic: true,
      handle: (_req, [s, rg, ws, kind, name]) => scopeError(cloud, s, rg, ws) ?? container(kind.toLowerCase() as AssetKind, name),
    },
    {
      method: 'GET',
      pattern: route(`${WORKSPACE}/(${kinds})/([^/]+)/versions`),
      area: 'arm',
      traffic: true,
      handle: (req, [s, rg, ws, kind, name]) => scopeError(cloud, s, rg, ws) ?? list(req, kind.toLowerCase() as AssetKind, name),
    },
    {
      method: 'GET',
      pattern: route(`${WORKSPACE}/(${kinds})/([^/]+)/versions/([^/]+)`),
      area: 'arm',
      traffic: true,
      handle: (_req, [s, rg, ws, kind, name, version]) => {
        const k = kind.toLowerCase() as AssetKind;
        const r = assets.get(k, name, version);
        return scopeError(cloud, s, rg, ws) ?? (r ? json(200, assetResource(cloud, r)) : notFound(k, name, version));
      },
    },
    {
      method: 'PUT',
      pattern: route(`${WORKSPACE}/(${kinds})/([^/]+)/versions/([^/]+)`),
      area: 'arm',
      traffic: true,
      handle: (req, [s, rg, ws, kind, name, version]) =>
        scopeError(cloud, s, rg, ws) ?? put(req, kind.toLowerCase() as AssetKind, name, version),
    },
  ];
}

function stripIdentity(spec: unknown): unknown {
  if (!spec || typeof spec !== 'object') return spec;
  const { name: _n, version: _v, ...rest } = spec as Record<string, unknown>;
  return rest;
}
