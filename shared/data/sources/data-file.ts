/**
 * Where data is read from, whatever holds it (a local disk, a blob container): files that can be
 * streamed or read by byte range, and folders that list their files. The format readers see only
 * these two interfaces, so every format reads every source the same way.
 */
import { UserError } from '../../task/user-error';

export interface DataFile {
  /** For messages: a path or a URL (never with a SAS). */
  readonly description: string;
  /** Path under the folder it was listed from ('/'-separated), or the file's name: the sort key, and what extensions and patterns are matched against. */
  readonly relativePath: string;
  /** Size in bytes. */
  size(abortSignal?: AbortSignal): Promise<number>;
  /** The bytes from `start` (default 0) up to `end` (exclusive; default the end of the file), in chunks. */
  read(options?: { start?: number; end?: number; abortSignal?: AbortSignal }): AsyncIterable<Uint8Array>;
}

export type LocationKind = 'file' | 'folder' | 'missing';

export interface DataLocation {
  /** For messages: a path or a URL (never with a SAS). */
  readonly description: string;
  /** Whether a file, a folder (for blob storage: a prefix with blobs under it) or nothing is there. */
  kind(abortSignal?: AbortSignal): Promise<LocationKind>;
  /** This location read as a file. */
  asFile(): DataFile;
  /** Every file under this folder, at any depth, sorted by relative path (code-unit order, the same on every machine). */
  listFiles(abortSignal?: AbortSignal): Promise<DataFile[]>;
  /** A location under this folder (a relative path with '/' separators; '.' and '..' segments are resolved). */
  child(relativePath: string): DataLocation;
}

/** Code-unit order: the same on every machine and locale (localeCompare is not). */
export const byRelativePath = (a: DataFile, b: DataFile) =>
  a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0;

/**
 * Files that are not data by the convention Spark, Hadoop and Azure ML share: any path segment that
 * starts with '.' or '_' (`_SUCCESS`, `_committed_…`, `_temporary/`, `.part-0.crc`, `.ipynb_checkpoints/`).
 */
export function isHiddenPath(relativePath: string): boolean {
  return relativePath.split('/').some((segment) => segment.startsWith('.') || segment.startsWith('_'));
}

/** Reads a whole byte range into one buffer (Parquet footers and column chunks). */
export async function readRange(file: DataFile, start: number, end: number, abortSignal?: AbortSignal): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of file.read({ start, end, abortSignal })) {
    parts.push(chunk);
    length += chunk.length;
  }
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Resolves '.' and '..' in a '/'-separated relative path; a path that climbs above its root is refused. */
export function normalizeRelative(relativePath: string, what: string): string {
  const out: string[] = [];
  for (const segment of relativePath.replace(/\\/g, '/').split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (!out.length) throw new UserError(`${what} climbs above the folder it is relative to.`);
      out.pop();
    } else {
      out.push(segment);
    }
  }
  return out.join('/');
}

/**
 * A glob (MLTable `pattern:`) as a regular expression over '/'-separated paths: `*` and `?` stay
 * within a segment, `**` crosses segments (`a/**` + `/b` also matches `a/b`), `[abc]`, `[a-z]` and
 * `[!a]` are character classes.
 */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        i++;
        if (glob[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else {
          re += '.*';
        }
      } else {
        re += '[^/]*';
      }
    } else if (c === '?') {
      re += '[^/]';
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) {
        re += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, close);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      re += `[${body.replace(/\\/g, '\\\\')}]`;
      i = close;
    } else {
      re += c.replace(/[.+^${}()|\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${re}$`);
}

/** The part of a glob before its first wildcard segment: where listing starts. */
export function globBase(glob: string): { base: string; rest: string } {
  const segments = glob.split('/');
  const first = segments.findIndex((s) => /[*?[]/.test(s));
  if (first < 0) return { base: glob, rest: '' };
  return { base: segments.slice(0, first).join('/'), rest: segments.slice(first).join('/') };
}
