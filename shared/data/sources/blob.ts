import type { BlobItem, ContainerClient } from '@azure/storage-blob';
import { UserError } from '../../task/user-error';
import { byRelativePath, DataFile, DataLocation, LocationKind, normalizeRelative } from './data-file';

/** Blob downloads that break off are resumed from where they stopped, this many times. */
const DOWNLOAD_RESUMES = 5;

/** How a read failed, in words that say what to fix (a SAS or key never appears: descriptions carry none). */
export function blobError(description: string, error: unknown, access?: string): unknown {
  const e = error as { statusCode?: number; code?: string; name?: string };
  if (e.name === 'AbortError') return error;
  if (e.statusCode === 404) {
    if (e.code === 'ContainerNotFound') return new UserError(`${description}: its container does not exist.`, { cause: error });
    return new UserError(`${description} does not exist.`, { cause: error });
  }
  if (e.statusCode === 401 || e.statusCode === 403) {
    return new UserError(
      `${description} cannot be read: access denied (HTTP ${e.statusCode}${e.code ? ` ${e.code}` : ''})${access ? `; ${access}` : ''}.`,
      { cause: error },
    );
  }
  return error;
}

export class BlobFile implements DataFile {
  constructor(
    private readonly container: ContainerClient,
    readonly blobName: string,
    readonly description: string,
    readonly relativePath: string,
    private knownSize: number | undefined,
    private readonly access?: string,
  ) {}

  async size(abortSignal?: AbortSignal): Promise<number> {
    if (this.knownSize === undefined) {
      try {
        this.knownSize = (await this.container.getBlobClient(this.blobName).getProperties({ abortSignal })).contentLength ?? 0;
      } catch (error) {
        throw blobError(this.description, error, this.access);
      }
    }
    return this.knownSize;
  }

  async *read(options: { start?: number; end?: number; abortSignal?: AbortSignal } = {}): AsyncIterable<Uint8Array> {
    const { start = 0, end, abortSignal } = options;
    if (end !== undefined && end <= start) return;
    let body: NodeJS.ReadableStream | undefined;
    try {
      const response = await this.container
        .getBlobClient(this.blobName)
        .download(start, end === undefined ? undefined : end - start, { abortSignal, maxRetryRequests: DOWNLOAD_RESUMES });
      body = response.readableStreamBody;
    } catch (error) {
      // An empty blob answers a ranged read with 416: it has no bytes to give.
      if ((error as { statusCode?: number }).statusCode === 416) return;
      throw blobError(this.description, error, this.access);
    }
    if (!body) return;
    try {
      for await (const chunk of body) yield chunk as Buffer;
    } catch (error) {
      throw blobError(this.description, error, this.access);
    } finally {
      (body as unknown as { destroy?: () => void }).destroy?.();
    }
  }
}

/**
 * A blob, or a "folder" (every blob under a prefix), in one container. `displayBase` is how the
 * container is named in messages: `azureml://datastores/<name>/paths` or the container URL without
 * its SAS.
 */
export class BlobLocation implements DataLocation {
  constructor(
    private readonly container: ContainerClient,
    /** Blob name or prefix, without leading or trailing '/'. */
    readonly blobPath: string,
    private readonly displayBase: string,
    /** What to do about a 401/403, said in the message (which role to grant, or which SAS). */
    private readonly access?: string,
  ) {}

  get description(): string {
    return this.blobPath ? `${this.displayBase}/${this.blobPath}` : this.displayBase;
  }

  async kind(abortSignal?: AbortSignal): Promise<LocationKind> {
    if (this.blobPath) {
      try {
        const props = await this.container.getBlobClient(this.blobPath).getProperties({ abortSignal });
        // A hierarchical-namespace (Data Lake Gen2) directory is a blob too, marked as a folder.
        if (props.metadata?.hdi_isfolder !== 'true') return 'file';
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode !== 404) throw blobError(this.description, error, this.access);
      }
    }
    try {
      const page = await this.container.listBlobsFlat({ prefix: this.prefix(), abortSignal }).byPage({ maxPageSize: 1 }).next();
      return !page.done && page.value.segment.blobItems.length > 0 ? 'folder' : 'missing';
    } catch (error) {
      if ((error as { code?: string }).code === 'ContainerNotFound') return 'missing';
      throw blobError(this.description, error, this.access);
    }
  }

  asFile(): DataFile {
    return new BlobFile(
      this.container,
      this.blobPath,
      this.description,
      this.blobPath.split('/').pop() ?? this.blobPath,
      undefined,
      this.access,
    );
  }

  async listFiles(abortSignal?: AbortSignal): Promise<DataFile[]> {
    const prefix = this.prefix();
    const files: DataFile[] = [];
    try {
      for await (const item of this.container.listBlobsFlat({ prefix, includeMetadata: true, abortSignal }) as AsyncIterable<BlobItem>) {
        if (item.metadata?.hdi_isfolder === 'true') continue;
        const relative = item.name.slice(prefix.length);
        files.push(
          new BlobFile(
            this.container,
            item.name,
            `${this.displayBase}/${item.name}`,
            relative,
            item.properties.contentLength ?? undefined,
            this.access,
          ),
        );
      }
    } catch (error) {
      throw blobError(this.description, error, this.access);
    }
    return files.sort(byRelativePath);
  }

  child(relativePath: string): DataLocation {
    const joined = normalizeRelative(
      this.blobPath ? `${this.blobPath}/${relativePath}` : relativePath,
      `The path '${relativePath}' under ${this.description}`,
    );
    return new BlobLocation(this.container, joined, this.displayBase, this.access);
  }

  private prefix(): string {
    return this.blobPath ? `${this.blobPath}/` : '';
  }
}
