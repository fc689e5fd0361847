import type { Workspace } from './workspace';

/** Asset kinds whose versions the publish task reads and writes. */
type AssetKind = 'components' | 'environments' | 'data' | 'codes' | 'models';

interface AssetVersion {
  id: string;
  name: string;
  version: string;
  properties: Record<string, unknown>;
}

const is404 = (error: unknown) => (error as { statusCode?: number }).statusCode === 404;

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
export async function getAssetVersion(ws: Workspace, kind: AssetKind, name: string, version: string, abortSignal?: AbortSignal): Promise<AssetVersion | undefined> {
  try {
    const r = await operations(ws, kind).get(ws.resourceGroup, ws.name, name, version, { abortSignal });
    return { id: r.id ?? assetArmId(ws, kind, name, version), name, version: r.name ?? version, properties: r.properties as unknown as Record<string, unknown> };
  } catch (error) {
    if (is404(error)) return undefined;
    throw error;
  }
}

/** How azure-ai-ml resolves `@latest`: the most recently created version (`$orderBy=createdtime desc&$top=1`). */
export async function getLatestVersion(ws: Workspace, kind: Exclude<AssetKind, 'codes'>, name: string, abortSignal?: AbortSignal): Promise<AssetVersion | undefined> {
  try {
    const pages = operations(ws, kind).list(ws.resourceGroup, ws.name, name, { orderBy: 'createdtime desc', top: 1, abortSignal }).byPage();
    const first = await pages.next();
    const item = first.done ? undefined : first.value[0];
    if (!item) return undefined;
    return { id: item.id ?? '', name, version: item.name ?? '', properties: item.properties as unknown as Record<string, unknown> };
  } catch (error) {
    if (is404(error)) return undefined;
    throw error;
  }
}

/** PUT a version; returns the id the service answered with (for anonymous assets it may be another, deduplicated version). */
export async function putAssetVersion(ws: Workspace, kind: AssetKind, name: string, version: string, body: { properties: Record<string, unknown> }, abortSignal?: AbortSignal): Promise<AssetVersion> {
  // The SDK's typed bodies are a union per kind; the spec'd shape is what we build, checked by the emulator's mappers and oav.
  const r = await (operations(ws, kind).createOrUpdate as (rg: string, w: string, n: string, v: string, b: unknown, o: unknown) => Promise<{ id?: string; name?: string; properties: unknown }>)(
    ws.resourceGroup,
    ws.name,
    name,
    version,
    body,
    { abortSignal },
  );
  return { id: r.id ?? assetArmId(ws, kind, name, version), name, version: r.name ?? version, properties: r.properties as Record<string, unknown> };
}

/**
 * The version azure-ai-ml gives a new named version (`_create_or_update_autoincrement`): the
 * container's `nextVersion`, or '1' when the container does not exist yet.
 */
export async function nextComponentVersion(ws: Workspace, name: string, abortSignal?: AbortSignal): Promise<string> {
  try {
    const container = await ws.client.componentContainers.get(ws.resourceGroup, ws.name, name, { abortSignal });
    return container.properties.nextVersion ?? '1';
  } catch (error) {
    if (is404(error)) return '1';
    throw error;
  }
}

/** Whether the workspace has a datastore of that name (404 → false; anything else propagates). */
export async function datastoreExists(ws: Workspace, name: string, abortSignal?: AbortSignal): Promise<boolean> {
  try {
    await ws.client.datastores.get(ws.resourceGroup, ws.name, name, { abortSignal });
    return true;
  } catch (error) {
    if (is404(error)) return false;
    throw error;
  }
}

export const isConflict = (error: unknown) => (error as { statusCode?: number }).statusCode === 409;

/** Names of the workspace's computes (one list call validates every compute a pipeline names). */
export async function listComputeNames(ws: Workspace, abortSignal?: AbortSignal): Promise<string[]> {
  const names: string[] = [];
  for await (const c of ws.client.computeOperations.list(ws.resourceGroup, ws.name, { abortSignal })) if (c.name) names.push(c.name);
  return names;
}
