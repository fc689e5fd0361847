import { createSerializer } from '@azure/core-client';
import * as Mappers from '@azure/arm-machinelearning/dist-esm/src/models/mappers';

/**
 * Versioned assets of the workspace: what `PUT …/{kind}/{name}/versions/{version}` stored. One store
 * for every task: the publish task's codes, components, environments and data, the package task's
 * environments, and the code and environment versions a deployment references by ARM id.
 */
export type AssetKind = 'codes' | 'components' | 'environments' | 'data';
export const ASSET_KINDS: AssetKind[] = ['codes', 'components', 'environments', 'data'];
/** Azure ML's rule for an asset (container) name. */
export const ASSET_NAME = /^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$/;

export interface AssetRecord {
  kind: AssetKind;
  name: string;
  version: string;
  properties: Record<string, unknown>;
  createdAt: number;
  /** Order of creation: breaks ties of createdAt on the manual clock. */
  sequence: number;
}

/** Each kind's version resource, as the SDK's own mappers (generated from the 2022-10-01 spec) define it. */
const MAPPERS: Record<AssetKind, unknown> = {
  codes: Mappers.CodeVersion,
  components: Mappers.ComponentVersion,
  environments: Mappers.EnvironmentVersion,
  data: Mappers.DataVersionBase,
};
const serializer = createSerializer(Mappers as unknown as Record<string, unknown> as never, false);

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Checks a version PUT body with the SDK's mappers (required fields, types, discriminators). */
export function checkAssetBody(
  kind: AssetKind,
  body: unknown,
): { ok: true; properties: Record<string, unknown> } | { ok: false; message: string } {
  if (!isObject(body) || !isObject(body.properties))
    return { ok: false, message: "The 'properties' field is required: body.properties cannot be null or undefined." };
  for (const field of ['tags', 'properties'] as const) {
    const d = body.properties[field];
    if (d !== undefined && d !== null && (!isObject(d) || Object.values(d).some((v) => v !== null && typeof v !== 'string'))) {
      return {
        ok: false,
        message: `The '${field}' field must be a dictionary of strings: body.properties.${field} is ${JSON.stringify(d)}.`,
      };
    }
  }
  try {
    const model = serializer.deserialize(MAPPERS[kind] as never, body, 'body');
    serializer.serialize(MAPPERS[kind] as never, model, 'body');
  } catch (error) {
    return { ok: false, message: `The request body is invalid: ${(error as Error).message}` };
  }
  if (kind === 'components' && !isObject(body.properties.componentSpec))
    return { ok: false, message: "The 'componentSpec' field is required for a component version." };
  if (kind === 'codes' && typeof body.properties.codeUri !== 'string')
    return { ok: false, message: "The 'codeUri' field is required for a code version." };
  if (kind === 'environments' && !body.properties.image && !body.properties.build)
    return { ok: false, message: 'An environment needs an image or a build context.' };
  // Read-only fields the service computes: never stored from a PUT.
  const { provisioningState: _p, ...properties } = body.properties;
  if (kind === 'environments') delete properties.environmentType;
  return { ok: true, properties };
}

/** What a version PUT may not change: everything but tags, description and the archive flag. */
function immutableContent(properties: Record<string, unknown>): string {
  const { tags: _t, description: _d, isArchived: _a, isAnonymous: _n, properties: _p, ...rest } = properties;
  return canonical(rest);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined && v !== null);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

const key = (kind: AssetKind, name: string) => `${kind}/${name.toLowerCase()}`;

export class AssetStore {
  private readonly containers = new Map<string, Map<string, AssetRecord>>();
  private sequence = 0;

  constructor(private readonly now: () => number) {}

  get(kind: AssetKind, name: string, version: string): AssetRecord | undefined {
    return this.containers.get(key(kind, name))?.get(version);
  }

  /** Newest first (createdtime desc), as `$orderBy=createdtime desc` returns them. */
  versions(kind: AssetKind, name: string): AssetRecord[] {
    return [...(this.containers.get(key(kind, name))?.values() ?? [])].sort((a, b) => b.createdAt - a.createdAt || b.sequence - a.sequence);
  }

  all(kind: AssetKind): AssetRecord[] {
    return [...this.containers.entries()].filter(([k]) => k.startsWith(`${kind}/`)).flatMap(([, m]) => [...m.values()]);
  }

  /** By ARM id (…/codes/<n>/versions/<v>) or `azureml:<n>:<v>`, as a deployment or component names a version. */
  byId(kind: AssetKind, ref: string): AssetRecord | undefined {
    const m = new RegExp(`/${kind}/([^/]+)/versions/([^/]+)$`, 'i').exec(ref) ?? /^azureml:([^:/]+):([^:/]+)$/i.exec(ref);
    return m ? this.get(kind, m[1], m[2]) : undefined;
  }

  /** The service's `nextVersion`: one past the highest integer version ('1' when there is none). */
  nextVersion(kind: AssetKind, name: string): string {
    const numbers = this.versions(kind, name)
      .map((r) => r.version)
      .filter((v) => /^\d+$/.test(v))
      .map(Number);
    return String(numbers.length ? Math.max(...numbers) + 1 : 1);
  }

  put(
    kind: AssetKind,
    name: string,
    version: string,
    properties: Record<string, unknown>,
  ): { record: AssetRecord; created: boolean; conflict?: false } | { conflict: true; record: AssetRecord } {
    let container = this.containers.get(key(kind, name));
    if (!container) this.containers.set(key(kind, name), (container = new Map()));
    const existing = container.get(version);
    if (existing) {
      // A named version is immutable: the same content again is an idempotent no-op, other content a conflict
      // (anonymous versions are content-addressed, so the same name/version is the same content).
      if (
        existing.properties.isAnonymous !== true &&
        properties.isAnonymous !== true &&
        immutableContent(existing.properties) !== immutableContent(properties)
      ) {
        return { conflict: true, record: existing };
      }
      // Versions are immutable except for the mutable fields the service lets you change.
      if (properties.tags !== undefined) existing.properties.tags = properties.tags;
      if (properties.isArchived !== undefined) existing.properties.isArchived = properties.isArchived;
      return { record: existing, created: false };
    }
    const record: AssetRecord = {
      kind,
      name,
      version,
      properties: structuredClone(properties),
      createdAt: this.now(),
      sequence: ++this.sequence,
    };
    container.set(version, record);
    return { record, created: true };
  }
}
