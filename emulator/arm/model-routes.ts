import { createSerializer } from '@azure/core-client';
import * as Mappers from '@azure/arm-machinelearning/dist-esm/src/models/mappers';
import type { Cloud } from '../cloud';
import { workspaceArmId } from '../cloud';
import { armPage } from '../http/paging';
import type { EmulatorRequest, EmulatorResponse, Route } from '../http/types';
import { json } from '../http/types';
import type { ModelStore, ModelVersionRecord } from '../models/store';
import { armError } from './errors';
import { route, scopeError, WORKSPACE } from './scope';
import { systemData } from './system-data';

/** ModelVersions_CreateOrUpdate's `name` pattern in the 2022-10-01 spec. */
const MODEL_NAME = /^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$/;
/** Fields a version keeps once created; Azure ML refuses to change them (only tags, description, archive flag may change). */
const IMMUTABLE = ['modelUri', 'modelType', 'jobName'] as const;

const serializer = createSerializer(Mappers as unknown as Record<string, unknown> as never, false);
const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

export const modelVersionArmId = (cloud: Cloud, name: string, version: string) =>
  `${workspaceArmId(cloud)}/models/${name}/versions/${version}`;

/** ModelVersionResource as GET/PUT/list return it (2022-10-01). */
export function modelVersionResource(cloud: Cloud, v: ModelVersionRecord) {
  return {
    id: modelVersionArmId(cloud, v.name, v.version),
    name: v.version,
    type: 'Microsoft.MachineLearningServices/workspaces/models/versions',
    systemData: systemData(v.createdAt),
    properties: {
      description: null,
      tags: {},
      properties: {},
      isArchived: false,
      isAnonymous: false,
      flavors: null,
      jobName: null,
      ...v.properties,
    },
  };
}

/** `k1,k2=v2` (the spec's tag/property filter): every named key present, with the value when given. */
export function matchesFilter(filter: string | undefined, values: unknown): boolean {
  if (!filter) return true;
  const dict = isObject(values) ? (values as Record<string, unknown>) : {};
  return filter
    .split(',')
    .map((clause) => clause.trim())
    .filter(Boolean)
    .every((clause) => {
      const eq = clause.indexOf('=');
      const key = eq < 0 ? clause : clause.slice(0, eq);
      if (!(key in dict)) return false;
      return eq < 0 || dict[key] === clause.slice(eq + 1);
    });
}

export function modelRoutes(cloud: Cloud, store: ModelStore): Route[] {
  const inScope = (s: string, rg: string, ws: string) => scopeError(cloud, s, rg, ws);
  const notFound = (what: string) => armError(404, 'UserError', `${what} not found.`);

  const containerResource = (name: string) => {
    const c = store.container(name)!;
    return {
      id: `${workspaceArmId(cloud)}/models/${c.name}`,
      name: c.name,
      type: 'Microsoft.MachineLearningServices/workspaces/models',
      systemData: systemData(c.createdAt),
      properties: { description: null, tags: {}, properties: {}, isArchived: false, ...store.versionSummary(c.name) },
    };
  };

  // $top caps the whole result (azure-ai-ml asks `$top=1` for "latest"); paging splits what is left.
  const page = (req: EmulatorRequest, items: unknown[]) => armPage(req, items, { baseUrl: cloud.url, pageSize: cloud.pageSize });

  const listVersions = (req: EmulatorRequest, name: string): EmulatorResponse => {
    const { listViewType = 'ActiveOnly', version, description } = req.query;
    let versions = store.versions(name).filter((v) => {
      const archived = v.properties.isArchived === true;
      if (listViewType === 'ActiveOnly' && archived) return false;
      if (listViewType === 'ArchivedOnly' && !archived) return false;
      if (version && v.version !== version) return false;
      if (description && v.properties.description !== description) return false;
      return matchesFilter(req.query.tags, v.properties.tags) && matchesFilter(req.query.properties, v.properties.properties);
    });
    const order = (req.query.$orderBy ?? 'createdtime desc').trim().toLowerCase();
    if (!/^createdtime( (asc|desc))?$/.test(order))
      return armError(400, 'UserError', `Unsupported $orderBy '${req.query.$orderBy}': use 'createdtime desc' or 'createdtime asc'.`);
    if (order.endsWith('asc')) versions = versions.reverse();
    return page(
      req,
      versions.map((v) => modelVersionResource(cloud, v)),
    );
  };

  const putVersion = (req: EmulatorRequest, name: string, version: string): EmulatorResponse => {
    if (req.bodyError) return armError(400, 'UserError', `The request body is not valid JSON: ${req.bodyError}`);
    if (!MODEL_NAME.test(name)) return armError(400, 'UserError', `Model name '${name}' is invalid: it must match ${MODEL_NAME.source}.`);
    const body = req.body;
    if (!isObject(body) || !isObject(body.properties))
      return armError(400, 'UserError', "The 'properties' field is required: body.properties cannot be null or undefined.");
    for (const field of ['tags', 'properties'] as const) {
      const dict = body.properties[field];
      if (
        dict !== undefined &&
        dict !== null &&
        (!isObject(dict) || Object.values(dict).some((v) => v !== null && typeof v !== 'string'))
      ) {
        return armError(400, 'UserError', `The '${field}' field must be a dictionary of strings.`);
      }
    }
    try {
      serializer.serialize(Mappers.ModelVersion, serializer.deserialize(Mappers.ModelVersion, body, 'body'), 'body');
    } catch (error) {
      return armError(400, 'UserError', `The request body is invalid: ${(error as Error).message}`);
    }
    const { provisioningState: _ignored, ...properties } = body.properties;
    store.runRace(name, version);
    const existing = store.get(name, version);
    if (existing) {
      const changed = IMMUTABLE.filter((f) => (properties[f] ?? null) !== (existing.properties[f] ?? null));
      if (changed.length > 0) {
        return armError(
          409,
          'UserError',
          `Model ${name}:${version} already exists; its ${changed.join(', ')} cannot be changed. Create a new version instead.`,
        );
      }
    }
    const { record, created } = store.put(name, version, properties);
    return json(created ? 201 : 200, modelVersionResource(cloud, record));
  };

  const VERSIONS = `${WORKSPACE}/models/([^/]+)/versions`;
  return [
    {
      method: 'GET',
      pattern: route(`${WORKSPACE}/models`),
      area: 'arm',
      traffic: true,
      handle: (req, [s, rg, ws]) =>
        inScope(s, rg, ws) ??
        page(
          req,
          store.list().map((c) => containerResource(c.name)),
        ),
    },
    {
      method: 'GET',
      pattern: route(`${WORKSPACE}/models/([^/]+)`),
      area: 'arm',
      traffic: true,
      handle: (_req, [s, rg, ws, name]) =>
        inScope(s, rg, ws) ?? (store.container(name) ? json(200, containerResource(name)) : notFound(`Model container ${name}`)),
    },
    {
      method: 'GET',
      pattern: route(VERSIONS),
      area: 'arm',
      traffic: true,
      // An unknown model lists no versions (what azure-ai-ml's `models.list(name)` sees), rather than 404.
      handle: (req, [s, rg, ws, name]) => inScope(s, rg, ws) ?? listVersions(req, name),
    },
    {
      method: 'GET',
      pattern: route(`${VERSIONS}/([^/]+)`),
      area: 'arm',
      traffic: true,
      handle: (_req, [s, rg, ws, name, version]) => {
        const scope = inScope(s, rg, ws);
        if (scope) return scope;
        const v = store.get(name, version);
        return v ? json(200, modelVersionResource(cloud, v)) : notFound(`Model ${name}:${version}`);
      },
    },
    {
      method: 'PUT',
      pattern: route(`${VERSIONS}/([^/]+)`),
      area: 'arm',
      traffic: true,
      handle: (req, [s, rg, ws, name, version]) => inScope(s, rg, ws) ?? putVersion(req, name, version),
    },
  ];
}
