import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { AnonymousCredential, ContainerClient, StorageSharedKeyCredential, type StoragePipelineOptions } from '@azure/storage-blob';
import type { HttpClientOptions } from '../http/agent-http-options';
import type { FolderSnapshot } from '../azureml-pipeline/folder-hash';
import { UserError } from '../task/user-error';
import { storageClientOptions } from './storage-options';
import type { Workspace } from './workspace';
import { isNotFound } from './not-found';

/** azure-ai-ml's names: blobs of local uploads live under this prefix; the indicator blob's metadata marks a completed upload. */
const UPLOAD_PREFIX = 'LocalUpload';
/** Where older azure-ai-ml/CLI versions uploaded; their completed uploads are still recognised (and reused in place). */
const LEGACY_UPLOAD_PREFIX = 'az-ml-artifacts';
const UPLOAD_CONFIRMATION = { upload_status: 'completed' } as const;

export interface DefaultDatastore {
  name: string;
  id: string;
  accountName: string;
  containerName: string;
  /** https://<account>.blob.<endpoint> (path-style for an IP endpoint, as the storage SDKs do). */
  serviceUrl: string;
  container: ContainerClient;
}

/**
 * Blob service URL of a datastore. Azure storage hosts are `<account>.blob.<endpoint>`; an endpoint
 * that is an IP address (Azure Stack development kits, storage emulators) is addressed path-style,
 * `<protocol>://<ip:port>/<account>`, which is how the storage SDKs themselves recognise such URLs.
 */
export function blobServiceUrl(accountName: string, endpoint: string, protocol: string): string {
  const host = endpoint.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  if (isIP(host) || host === 'localhost') return `${protocol}://${endpoint}/${accountName}`;
  return `${protocol}://${accountName}.blob.${endpoint}`;
}

/**
 * A client for a datastore's container with the secret `listSecrets` gives, an account key or a SAS,
 * registered with `mask` before anything can print it; undefined when it gives neither.
 */
export async function containerWithDatastoreSecret(
  ws: Workspace,
  datastore: string,
  accountName: string,
  containerUrl: string,
  options: StoragePipelineOptions,
  mask: ((secret: string) => void) | undefined,
  abortSignal?: AbortSignal,
): Promise<ContainerClient | undefined> {
  const secrets = (await ws.client.datastores.listSecrets(ws.resourceGroup, ws.name, datastore, { abortSignal })) as {
    secretsType: string;
    key?: string;
    sasToken?: string;
  };
  if (secrets.secretsType === 'AccountKey' && secrets.key) {
    mask?.(secrets.key);
    return new ContainerClient(containerUrl, new StorageSharedKeyCredential(accountName, secrets.key), options);
  }
  if (secrets.secretsType === 'Sas' && secrets.sasToken) {
    const sas = secrets.sasToken.replace(/^\?/, '');
    mask?.(sas);
    return new ContainerClient(`${containerUrl}?${sas}`, new AnonymousCredential(), options);
  }
  return undefined;
}

/** The workspace's default datastore and a client with its credential; `mask` registers the secret before anything can print it. */
export async function openDefaultDatastore(
  ws: Workspace,
  http: (url: string) => HttpClientOptions,
  mask: (secret: string) => void,
  abortSignal?: AbortSignal,
): Promise<DefaultDatastore> {
  let found;
  for await (const d of ws.client.datastores.list(ws.resourceGroup, ws.name, { isDefault: true, abortSignal })) {
    found = d;
    break;
  }
  if (!found?.name) throw new UserError(`Workspace '${ws.name}' has no default datastore to upload code to.`);
  const p = found.properties as {
    datastoreType?: string;
    accountName?: string;
    containerName?: string;
    endpoint?: string;
    protocol?: string;
  };
  if (p.datastoreType !== 'AzureBlob' || !p.accountName || !p.containerName) {
    throw new UserError(
      `The default datastore '${found.name}' of workspace '${ws.name}' is a ${p.datastoreType ?? 'non-blob'} datastore; code uploads need an Azure Blob datastore.`,
    );
  }
  const serviceUrl = blobServiceUrl(p.accountName, p.endpoint ?? 'core.windows.net', p.protocol ?? 'https');
  const containerUrl = `${serviceUrl}/${p.containerName}`;
  const options = storageClientOptions(http, serviceUrl);
  const container = await containerWithDatastoreSecret(ws, found.name, p.accountName, containerUrl, options, mask, abortSignal);
  if (!container) {
    throw new UserError(
      `The default datastore '${found.name}' of workspace '${ws.name}' has no account key or SAS credential (it uses identity-based access), which code upload does not support yet.`,
    );
  }
  return {
    name: found.name,
    id: found.id ?? `${ws.id}/datastores/${found.name}`,
    accountName: p.accountName,
    containerName: p.containerName,
    serviceUrl,
    container,
  };
}

interface UploadResult {
  /** Blob path of the uploaded file or folder: LocalUpload/<md5>/<name>. */
  blobPath: string;
  /** Asset name/version from the indicator's metadata when the same content was uploaded before. */
  existing?: { name: string; version: string };
  name: string;
  version: string;
  uploadedBytes: number;
  uploadedFiles: number;
}

interface UploadOptions {
  /** Folder (or file) name under the hash: azure-ai-ml uses the local name. */
  name: string;
  /** The asset this upload belongs to, written into the indicator's metadata (a fresh one when the upload is new). */
  assetName?: string;
  assetVersion?: string;
  concurrency?: number;
  log(line: string): void;
  abortSignal?: AbortSignal;
}

const PROGRESS_FROM_BYTES = 10 * 1024 * 1024;
const PROGRESS_FROM_FILES = 200;

/**
 * Uploads a snapshot under LocalUpload/<md5>/<name>/… unless its indicator blob (the first file in
 * azure-ai-ml's upload order) already carries `upload_status=completed`: then nothing is uploaded and
 * the asset recorded in that metadata is reused. Content-addressed, so an interrupted upload is simply
 * overwritten by the retry and nothing is duplicated.
 */
export async function uploadSnapshot(store: DefaultDatastore, snapshot: FolderSnapshot, options: UploadOptions): Promise<UploadResult> {
  const isFile = snapshot.files.length === 1 && snapshot.root === snapshot.files[0].absolute;
  const pathUnder = (prefix: string) => `${prefix}/${snapshot.objectHash}/${options.name}`;
  const blobPath = pathUnder(UPLOAD_PREFIX);
  const blobName = (relative: string) => (isFile ? blobPath : `${blobPath}/${relative}`);
  if (snapshot.files.length === 0)
    throw new UserError(
      `Nothing to upload in ${options.name}: the folder is empty or every file in it is ignored (${snapshot.ignoreSource ?? 'no ignore file'}).`,
    );
  const indicator = store.container.getBlockBlobClient(blobName(snapshot.files[0].relative));
  for (const prefix of [UPLOAD_PREFIX, LEGACY_UPLOAD_PREFIX]) {
    const path = pathUnder(prefix);
    const found = await confirmedUpload(store, isFile ? path : `${path}/${snapshot.files[0].relative}`, options.abortSignal);
    if (found) return { blobPath: path, existing: found, name: found.name, version: found.version, uploadedBytes: 0, uploadedFiles: 0 };
  }

  const name = options.assetName ?? randomUUID();
  const version = options.assetVersion ?? '1';
  const showProgress = snapshot.totalBytes >= PROGRESS_FROM_BYTES || snapshot.files.length >= PROGRESS_FROM_FILES;
  const mb = (n: number) => (n / (1024 * 1024)).toFixed(1);
  if (showProgress) options.log(`Uploading ${options.name}: ${snapshot.files.length} files, ${mb(snapshot.totalBytes)} MB`);
  let done = 0;
  let bytes = 0;
  let nextReport = 0.25;
  const queue = [...snapshot.files];
  // The first failure stops every worker (and their in-flight requests): the task is failing anyway, and
  // uploads carrying on behind a reported error would keep the agent busy and the storage account written.
  const stop = new AbortController();
  const onAbort = () => stop.abort(options.abortSignal?.reason);
  if (options.abortSignal?.aborted) onAbort();
  options.abortSignal?.addEventListener('abort', onAbort, { once: true });
  const worker = async () => {
    for (let file = queue.shift(); file && !stop.signal.aborted; file = queue.shift()) {
      try {
        await store.container
          .getBlockBlobClient(blobName(file.relative))
          .uploadFile(file.absolute, { abortSignal: stop.signal, concurrency: 1 });
      } catch (error) {
        stop.abort(error);
        throw error;
      }
      done++;
      bytes += file.size;
      if (showProgress && bytes / Math.max(1, snapshot.totalBytes) >= nextReport && done < snapshot.files.length) {
        options.log(
          `  ${Math.floor((bytes / Math.max(1, snapshot.totalBytes)) * 100)}% (${done}/${snapshot.files.length} files, ${mb(bytes)} MB)`,
        );
        while (bytes / Math.max(1, snapshot.totalBytes) >= nextReport) nextReport += 0.25;
      }
    }
  };
  // Bounded parallelism: enough to fill the link, few enough not to exhaust sockets on a small agent.
  try {
    await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 8, snapshot.files.length) }, worker));
  } finally {
    options.abortSignal?.removeEventListener('abort', onAbort);
  }
  // Only a complete upload is confirmed: a partial one is found unconfirmed by the retry and overwritten.
  await indicator.setMetadata({ ...UPLOAD_CONFIRMATION, name, version }, { abortSignal: options.abortSignal });
  if (showProgress) options.log(`  100% (${done} files, ${mb(bytes)} MB)`);
  return { blobPath, name, version, uploadedBytes: bytes, uploadedFiles: done };
}

/** The asset an indicator blob's metadata names when it marks a completed upload; undefined when absent or unconfirmed. */
async function confirmedUpload(
  store: DefaultDatastore,
  blob: string,
  abortSignal?: AbortSignal,
): Promise<{ name: string; version: string } | undefined> {
  try {
    const meta = (await store.container.getBlockBlobClient(blob).getProperties({ abortSignal })).metadata ?? {};
    if (meta.upload_status === UPLOAD_CONFIRMATION.upload_status && meta.name && meta.version)
      return { name: meta.name, version: meta.version };
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  return undefined;
}
