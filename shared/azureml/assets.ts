import type { Workspace } from './workspace';
import { unlessNotFound } from './not-found';

/** Asset kinds whose versions the publish task reads and writes. */
type AssetKind = 'components' | 'environments' | 'data' | 'codes' | 'models';

interface AssetVersion {
  id: string;
  name: string;
  version: string;
  properties: Record<string, unknown>;
}

function operations(ws: Workspace, kind: AssetKind) {
  switch (kind) {
    case 'components':
      return ws.client.componentVersions;
    case 'environments':
      return ws.client.environmentVersions;
    case 'data':
      return ws.client.dataVersions;
    case 'codes':
      return ws.client.codeVersions;
    case 'models':
      return ws.client.modelVersions;
  }
}

const assetArmId = (ws: Workspace, kind: AssetKind, name: string, version: string) => `${ws.id}/${kind}/${name}/versions/${version}`;

/** One version, or undefined when the service says 404 (any other error propagates). */
export async function getAssetVersion(
  ws: Workspace,
  kind: AssetKind,
  name: string,
  version: string,
  abortSignal?: AbortSignal,
): Promise<AssetVersion | undefined> {
  const r = await unlessNotFound(() => operations(ws, kind).get(ws.resourceGroup, ws.name, name, version, { abortSignal }));
  return (
    r && {
      id: r.id ?? assetArmId(ws, kind, name, version),
      name,
      version: r.name ?? version,
      properties: r.properties as unknown as Record<string, unknown>,
    }
  );
}

/** How azure-ai-ml resolves `@latest`: the most recently created version (`$orderBy=createdtime desc&$top=1`). */
export async function getLatestVersion(
  ws: Workspace,
  kind: Exclude<AssetKind, 'codes'>,
  name: string,
  abortSignal?: AbortSignal,
): Promise<AssetVersion | undefined> {
  const first = await unlessNotFound(() =>
    operations(ws, kind).list(ws.resourceGroup, ws.name, name, { orderBy: 'createdtime desc', top: 1, abortSignal }).byPage().next(),
  );
  const item = !first || first.done ? undefined : first.value[0];
  return item && { id: item.id ?? '', name, version: item.name ?? '', properties: item.properties as unknown as Record<string, unknown> };
}

/** PUT a version; returns the id the service answered with (for anonymous assets it may be another, deduplicated version). */
export async function putAssetVersion(
  ws: Workspace,
  kind: AssetKind,
  name: string,
  version: string,
  body: { properties: Record<string, unknown> },
  abortSignal?: AbortSignal,
): Promise<AssetVersion> {
  // The SDK's typed bodies are a union per kind; the spec'd shape is what we build, checked by the emulator's mappers and oav.
  const r = await (
    operations(ws, kind).createOrUpdate as (
      rg: string,
      w: string,
      n: string,
      v: string,
      b: unknown,
      o: unknown,
    ) => Promise<{ id?: string; name?: string; properties: unknown }>
  )(ws.resourceGroup, ws.name, name, version, body, { abortSignal });
  return {
    id: r.id ?? assetArmId(ws, kind, name, version),
    name,
    version: r.name ?? version,
    properties: r.properties as Record<string, unknown>,
  };
}

/**
 * The version azure-ai-ml gives a new named version (`_create_or_update_autoincrement`): the
 * container's `nextVersion`, or '1' when the container does not exist yet.
 */
export async function nextComponentVersion(ws: Workspace, name: string, abortSignal?: AbortSignal): Promise<string> {
  const container = await unlessNotFound(() => ws.client.componentContainers.get(ws.resourceGroup, ws.name, name, { abortSignal }));
  return container?.properties.nextVersion ?? '1';
}

/** Whether the workspace has a datastore of that name (404 → false; anything else propagates). */
export async function datastoreExists(ws: Workspace, name: string, abortSignal?: AbortSignal): Promise<boolean> {
  return unlessNotFound(async () => (await ws.client.datastores.get(ws.resourceGroup, ws.name, name, { abortSignal }), true), false);
}

/** Names of the workspace's computes (one list call validates every compute a pipeline names). */
export async function listComputeNames(ws: Workspace, abortSignal?: AbortSignal): Promise<string[]> {
  const names: string[] = [];
  for await (const c of ws.client.computeOperations.list(ws.resourceGroup, ws.name, { abortSignal })) if (c.name) names.push(c.name);
  return names;
}
