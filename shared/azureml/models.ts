import type { ModelVersion } from '@azure/arm-machinelearning';
import type { Workspace } from './workspace';
import { unlessNotFound } from './not-found';

/**
 * Model registry calls through @azure/arm-machinelearning (api-version 2022-10-01). A 404 on a read
 * means "no such model or version" and comes back as undefined; everything else is thrown.
 */
export async function getModelVersion(
  ws: Workspace,
  name: string,
  version: string,
  abortSignal?: AbortSignal,
): Promise<ModelVersion | undefined> {
  return unlessNotFound(() => ws.client.modelVersions.get(ws.resourceGroup, ws.name, name, version, { abortSignal }));
}

/** The newest version (by creation time) matching the filters, one `$top=1` call: how azure-ai-ml resolves `@latest`. */
export async function newestModelVersion(
  ws: Workspace,
  name: string,
  filters: { tags?: string; properties?: string } = {},
  abortSignal?: AbortSignal,
): Promise<ModelVersion | undefined> {
  return (await listModelVersions(ws, name, { ...filters, top: 1 }, abortSignal, 1))[0];
}

/**
 * Every version matching the filters, newest first (bounded: a registry with more is not ours to page
 * through). The service lists active versions only unless `listViewType` says otherwise.
 */
export async function listModelVersions(
  ws: Workspace,
  name: string,
  filters: { tags?: string; properties?: string; listViewType?: 'ActiveOnly' | 'ArchivedOnly' | 'All'; top?: number } = {},
  abortSignal?: AbortSignal,
  limit = 1000,
): Promise<ModelVersion[]> {
  const out: ModelVersion[] = [];
  await unlessNotFound(async () => {
    for await (const version of ws.client.modelVersions.list(ws.resourceGroup, ws.name, name, {
      orderBy: 'createdtime desc',
      ...filters,
      abortSignal,
    })) {
      out.push(version);
      if (out.length >= limit) break;
    }
  });
  return out;
}

/** The container's `nextVersion`, when the service reports one (not every api-version fills it in). */
export async function containerNextVersion(
  ws: Workspace,
  name: string,
  abortSignal?: AbortSignal,
): Promise<{ exists: boolean; nextVersion?: string }> {
  const container = await unlessNotFound(() => ws.client.modelContainers.get(ws.resourceGroup, ws.name, name, { abortSignal }));
  return container ? { exists: true, nextVersion: container.properties.nextVersion ?? undefined } : { exists: false };
}

export async function putModelVersion(
  ws: Workspace,
  name: string,
  version: string,
  body: ModelVersion,
  abortSignal?: AbortSignal,
): Promise<ModelVersion> {
  return ws.client.modelVersions.createOrUpdate(ws.resourceGroup, ws.name, name, version, body, { abortSignal });
}
