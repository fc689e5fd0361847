import { isIP } from 'node:net';
import type { TokenCredential } from '@azure/core-auth';
import { AnonymousCredential, ContainerClient } from '@azure/storage-blob';
import { getAssetVersion, getLatestVersion } from '../../azureml/assets';
import { blobServiceUrl, containerWithDatastoreSecret } from '../../azureml/datastore-upload';
import { isNotFound } from '../../azureml/not-found';
import { storageClientOptions } from '../../azureml/storage-options';
import type { Workspace } from '../../azureml/workspace';
import type { HttpClientOptions } from '../../http/agent-http-options';
import { UserError } from '../../task/user-error';
import { BlobLocation } from './blob';
import type { DataLocation } from './data-file';

/** What reading Azure sources needs: the workspace, and how the task reaches storage. */
export interface DataWorkspace {
  workspace: Workspace;
  /** The agent's proxy and TLS settings for a URL (readAgentHttpOptions in a task). */
  http?: (url: string) => HttpClientOptions;
  /** Registers a secret (a datastore's key or SAS, a URL's SAS) before anything can print it (maskSecret in a task). */
  mask?: (secret: string) => void;
  /** The service connection's credential: for identity-based (credential-less) datastores and blob URLs without a SAS. */
  credential?: TokenCredential;
}

export type AssetType = 'uri_file' | 'uri_folder' | 'mltable';

export interface ResolvedSource {
  location: DataLocation;
  /** The data asset's type, when the input named one. */
  assetType?: AssetType;
}

const ASSET = /^azureml:(?!\/\/)([^:@/]+)(?::([^:@/]+)|@latest)$/i;
const DATASTORE_SHORT = /^azureml:\/\/datastores\/([^/]+)\/paths\/?(.*)$/i;
const DATASTORE_LONG =
  /^azureml:\/\/subscriptions\/([^/]+)\/resource[gG]roups\/([^/]+)\/(?:providers\/Microsoft\.MachineLearningServices\/)?workspaces\/([^/]+)\/datastores\/([^/]+)\/paths\/?(.*)$/i;

/** True when the input names something in Azure (a data asset, a datastore path, a URL) rather than a local path. */
export function isAzureSpec(spec: string): boolean {
  return /^(azureml:|https?:\/\/|wasbs?:\/\/|abfss?:\/\/)/i.test(spec);
}

/** A URL as messages show it: no query (a SAS), no user info. */
export function withoutSecrets(url: string): string {
  if (/^azureml:/i.test(url)) return url;
  try {
    const u = new URL(url);
    // wasbs://<container>@<account>…: the user part is the container, not a credential.
    const container = u.username && !u.password && /^(wasbs?|abfss?):$/i.test(u.protocol) ? `${u.username}@` : '';
    return `${u.protocol}//${container}${u.host}${u.pathname}`.replace(/\/+$/, '');
  } catch {
    return url.replace(/[?#].*$/, '');
  }
}

function needsWorkspace(spec: string, what: string): UserError {
  return new UserError(
    `'${spec}' is ${what}: reading it needs the Azure ML workspace (give the service connection, resource group and workspace).`,
  );
}

const grantRole = (what: string) =>
  `grant the service connection's identity the 'Storage Blob Data Reader' role on ${what}, or use a URL with a SAS that allows read and list`;

/** Where an `azureml:`, `https://`, `wasbs://` or `abfss://` input lives. */
export async function resolveAzure(spec: string, ws: DataWorkspace | undefined, abortSignal?: AbortSignal): Promise<ResolvedSource> {
  const asset = ASSET.exec(spec);
  if (asset) {
    if (!ws) throw needsWorkspace(spec, 'an Azure ML data asset');
    return resolveAsset(spec, asset[1], asset[2], ws, abortSignal);
  }
  if (/^azureml:/i.test(spec)) {
    if (!ws) throw needsWorkspace(spec, 'an Azure ML datastore path');
    return { location: await datastorePath(spec, ws, abortSignal) };
  }
  return { location: blobUrlLocation(spec, ws) };
}

async function resolveAsset(
  spec: string,
  name: string,
  version: string | undefined,
  ctx: DataWorkspace,
  abortSignal?: AbortSignal,
): Promise<ResolvedSource> {
  const ws = ctx.workspace;
  const found =
    version === undefined
      ? await getLatestVersion(ws, 'data', name, abortSignal)
      : await getAssetVersion(ws, 'data', name, version, abortSignal);
  if (!found) {
    const what = version === undefined ? `Data asset '${name}' has no versions` : `Data asset '${name}' has no version '${version}'`;
    throw new UserError(`${what} in workspace '${ws.name}' ('${spec}'); check the name and version (az ml data list --name ${name}).`);
  }
  const dataType = String(found.properties.dataType ?? '').toLowerCase() as AssetType;
  const uri = String(found.properties.dataUri ?? '');
  if (!['uri_file', 'uri_folder', 'mltable'].includes(dataType))
    throw new UserError(
      `Data asset '${spec}' is of type '${found.properties.dataType}'; only uri_file, uri_folder and mltable assets can be read.`,
    );
  if (!uri) throw new UserError(`Data asset '${spec}' has no dataUri.`);
  if (!isAzureSpec(uri))
    throw new UserError(`Data asset '${spec}' points at '${uri}', which is not an azureml://, https://, wasbs:// or abfss:// URI.`);
  const resolved = await resolveAzure(uri, ctx, abortSignal);
  return { location: resolved.location, assetType: dataType };
}

interface DatastoreProperties {
  datastoreType?: string;
  accountName?: string;
  containerName?: string;
  filesystem?: string;
  endpoint?: string;
  protocol?: string;
  credentials?: { credentialsType?: string };
}

/** The container of a datastore, with a client holding its credential (nothing is written). */
export async function openDatastoreContainer(
  name: string,
  ctx: DataWorkspace,
  abortSignal?: AbortSignal,
): Promise<{ container: ContainerClient; access: string }> {
  const ws = ctx.workspace;
  let store;
  try {
    store = await ws.client.datastores.get(ws.resourceGroup, ws.name, name, { abortSignal });
  } catch (error) {
    if (isNotFound(error))
      throw new UserError(`Datastore '${name}' was not found in workspace '${ws.name}'; check the datastore name (az ml datastore list).`, {
        cause: error,
      });
    throw error;
  }
  const p = store.properties as DatastoreProperties;
  const containerName = p.datastoreType === 'AzureDataLakeGen2' ? p.filesystem : p.containerName;
  if ((p.datastoreType !== 'AzureBlob' && p.datastoreType !== 'AzureDataLakeGen2') || !p.accountName || !containerName) {
    throw new UserError(
      `Datastore '${name}' is a ${p.datastoreType ?? 'non-blob'} datastore; data can be read from Azure Blob and Azure Data Lake Gen2 datastores.`,
    );
  }
  const serviceUrl = blobServiceUrl(p.accountName, p.endpoint ?? 'core.windows.net', p.protocol ?? 'https');
  const options = storageClientOptions(ctx.http, serviceUrl);
  const kind = p.credentials?.credentialsType ?? 'None';
  const containerUrl = `${serviceUrl}/${containerName}`;
  if (kind === 'None') {
    // Identity-based access: the service connection's identity reads the storage itself.
    if (!ctx.credential)
      throw new UserError(`Datastore '${name}' uses identity-based access (no key or SAS), and no credential was given to read it with.`);
    return {
      container: new ContainerClient(containerUrl, ctx.credential, options),
      access: grantRole(`storage account '${p.accountName}'`),
    };
  }
  if (kind !== 'AccountKey' && kind !== 'Sas') {
    throw new UserError(
      `Datastore '${name}' uses ${kind} credentials; data can be read from datastores with an account key, a SAS, or identity-based access.`,
    );
  }
  const container = await containerWithDatastoreSecret(ws, name, p.accountName, containerUrl, options, ctx.mask, abortSignal);
  const refreshed = `the datastore's ${kind === 'Sas' ? 'SAS' : 'account key'} was refused: update datastore '${name}' with a valid one`;
  if (container) return { container, access: refreshed };
  throw new UserError(
    `Datastore '${name}' gave no ${kind === 'Sas' ? 'SAS token' : 'account key'} (listSecrets); update the datastore's credentials.`,
  );
}

async function datastorePath(spec: string, ctx: DataWorkspace, abortSignal?: AbortSignal): Promise<DataLocation> {
  const ws = ctx.workspace;
  let name: string;
  let path: string;
  const short = DATASTORE_SHORT.exec(spec);
  const long = DATASTORE_LONG.exec(spec);
  if (short) {
    [, name, path] = short;
  } else if (long) {
    const [, subscription, group, workspace] = long;
    if (
      subscription.toLowerCase() !== ws.subscriptionId.toLowerCase() ||
      group.toLowerCase() !== ws.resourceGroup.toLowerCase() ||
      workspace.toLowerCase() !== ws.name.toLowerCase()
    ) {
      throw new UserError(
        `'${spec}' is in workspace '${workspace}' (resource group '${group}'), not in '${ws.name}' (resource group '${ws.resourceGroup}') that the task is connected to; use a path in that workspace, or connect the task to this one.`,
      );
    }
    [, , , , name, path] = long;
  } else {
    throw new UserError(
      `'${spec}' is not an Azure ML data reference this task reads: use azureml:<asset>:<version>, azureml:<asset>@latest or azureml://datastores/<datastore>/paths/<path>.`,
    );
  }
  const { container, access } = await openDatastoreContainer(name, ctx, abortSignal);
  return new BlobLocation(container, decodeURIComponent(path).replace(/^\/+|\/+$/g, ''), `azureml://datastores/${name}/paths`, access);
}

/**
 * A blob URL: `https://<account>.blob.<suffix>/<container>/<path>` (a SAS in its query is used and
 * never shown), an IP or localhost host path-style (`http://127.0.0.1:10000/<account>/<container>/…`,
 * as storage emulators and Azure Stack address accounts), `wasbs://<container>@<account>.blob.<suffix>/<path>`
 * or `abfss://<filesystem>@<account>.dfs.<suffix>/<path>` (through the account's blob endpoint).
 */
export function blobUrlLocation(spec: string, ctx: DataWorkspace | undefined): DataLocation {
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    throw new UserError(`'${withoutSecrets(spec)}' is not a valid URL.`);
  }
  const scheme = url.protocol.replace(/:$/, '').toLowerCase();
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const pathStyle = isIP(host) !== 0 || host === 'localhost';
  let containerUrl: string;
  let blobPath: string;
  if (scheme === 'wasbs' || scheme === 'wasb' || scheme === 'abfss' || scheme === 'abfs') {
    const m = /^([^.]+)\.(?:blob|dfs)\.(.+)$/i.exec(host);
    if (!url.username || !m)
      throw new UserError(`'${withoutSecrets(spec)}' is not a ${scheme}://<container>@<account>.blob.<suffix>/<path> URL.`);
    containerUrl = `https://${m[1]}.blob.${m[2]}/${url.username}`;
    blobPath = decodeURIComponent(url.pathname);
  } else if (scheme === 'https' || (scheme === 'http' && pathStyle)) {
    const segments = url.pathname.split('/').filter((s) => s !== '');
    const accountSegments = pathStyle ? 1 : 0;
    if (segments.length <= accountSegments)
      throw new UserError(
        `'${withoutSecrets(spec)}' names no blob container: use https://<account>.blob.core.windows.net/<container>/<path>.`,
      );
    if (!pathStyle && !/\.blob\./i.test(host))
      throw new UserError(
        `'${withoutSecrets(spec)}' is not an Azure Blob Storage URL (https://<account>.blob.<suffix>/<container>/<path>).`,
      );
    containerUrl = `${url.protocol}//${url.host}/${segments.slice(0, accountSegments + 1).join('/')}`;
    blobPath = decodeURIComponent(segments.slice(accountSegments + 1).join('/'));
  } else {
    throw new UserError(
      `'${withoutSecrets(spec)}' is not a URL this task reads: use https:// (Azure Blob Storage), wasbs://, abfss:// or azureml://.`,
    );
  }
  const sas = url.search.replace(/^\?/, '');
  const options = storageClientOptions(ctx?.http, containerUrl);
  let container: ContainerClient;
  let access: string;
  if (sas) {
    ctx?.mask?.(sas);
    container = new ContainerClient(`${containerUrl}?${sas}`, new AnonymousCredential(), options);
    access = 'the SAS in the URL does not allow it (it needs read and list permissions and must not have expired)';
  } else if (ctx?.credential && !(scheme === 'http')) {
    container = new ContainerClient(containerUrl, ctx.credential, options);
    access = grantRole('the storage account');
  } else {
    container = new ContainerClient(containerUrl, new AnonymousCredential(), options);
    access = 'add a SAS with read and list permissions to the URL';
  }
  return new BlobLocation(container, blobPath.replace(/^\/+|\/+$/g, ''), withoutSecrets(containerUrl), access);
}
