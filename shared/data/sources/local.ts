import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../../task/user-error';
import { byRelativePath, DataFile, DataLocation, LocationKind } from './data-file';

/** Large reads: fewer chunks, fewer calls into the parser (the CSV reader's throughput depends on it). */
const CHUNK_BYTES = 65536;

function cannotRead(description: string, error: unknown): UserError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new UserError(`${description} does not exist.`, { cause: error });
  if (code === 'EACCES' || code === 'EPERM') return new UserError(`${description} cannot be read: permission denied.`, { cause: error });
  if (code === 'EISDIR') return new UserError(`${description} is a folder, not a file.`, { cause: error });
  return new UserError(`${description} cannot be read (${code ?? (error as Error).message}).`, { cause: error });
}

export class LocalFile implements DataFile {
  constructor(
    readonly absolutePath: string,
    readonly relativePath: string,
  ) {}

  get description(): string {
    return this.absolutePath;
  }

  async size(): Promise<number> {
    try {
      return (await fs.promises.stat(this.absolutePath)).size;
    } catch (error) {
      throw cannotRead(this.description, error);
    }
  }

  async *read(options: { start?: number; end?: number; abortSignal?: AbortSignal } = {}): AsyncIterable<Uint8Array> {
    const { start = 0, end, abortSignal } = options;
    if (end !== undefined && end <= start) return;
    // createReadStream's end is inclusive.
    const stream = fs.createReadStream(this.absolutePath, {
      start,
      end: end === undefined ? undefined : end - 1,
      highWaterMark: CHUNK_BYTES,
      signal: abortSignal,
    });
    try {
      for await (const chunk of stream) yield chunk as Buffer;
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw cannotRead(this.description, error);
    } finally {
      stream.destroy();
    }
  }
}

export class LocalLocation implements DataLocation {
  readonly absolutePath: string;

  constructor(
    filePath: string,
    private readonly relative = path.basename(filePath),
  ) {
    this.absolutePath = path.resolve(filePath);
  }

  get description(): string {
    return this.absolutePath;
  }

  async kind(): Promise<LocationKind> {
    try {
      const st = await fs.promises.stat(this.absolutePath);
      return st.isDirectory() ? 'folder' : 'file';
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return 'missing';
      throw cannotRead(this.description, error);
    }
  }

  asFile(): DataFile {
    return new LocalFile(this.absolutePath, this.relative);
  }

  async listFiles(): Promise<DataFile[]> {
    const files: DataFile[] = [];
    const walk = async (dir: string, prefix: string) => {
      let entries: fs.Dirent[];
      try {
        entries = await fs.promises.readdir(dir, { withFileTypes: true });
      } catch (error) {
        throw cannotRead(dir, error);
      }
      for (const e of entries) {
        const rel = prefix ? `${prefix}/${e.name}` : e.name;
        const abs = path.join(dir, e.name);
        let isDir = e.isDirectory();
        let isFile = e.isFile();
        if (e.isSymbolicLink()) {
          const st = await fs.promises.stat(abs).catch(() => undefined);
          isDir = !!st?.isDirectory();
          isFile = !!st?.isFile();
        }
        if (isDir) await walk(abs, rel);
        else if (isFile) files.push(new LocalFile(abs, rel));
      }
    };
    await walk(this.absolutePath, '');
    return files.sort(byRelativePath);
  }

  child(relativePath: string): DataLocation {
    const abs = path.resolve(this.absolutePath, relativePath);
    return new LocalLocation(abs, path.basename(abs));
  }
}
