import { createHash, Hash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IgnoreMatcher, parseIgnoreFile } from './ignore-file';

/**
 * What azure-ai-ml computes over a code folder before uploading it, reproduced byte for byte so
 * the blob prefix (`LocalUpload/<md5>/<folder>`) and the code version's `hash_sha256` are the ones
 * `az ml` would produce: a folder uploaded by either tool is recognised as unchanged by the other.
 */

/** MD5 seed azure-ai-ml uses for object hashes (`get_object_hash`). */
const OBJECT_HASH_SEED = 'Initialize for october 2021 AML CLI version';
const CONTENT_HASH_VERSION = '202208';

/**
 * The anonymous code version `az ml` registers for an uploaded folder: its blob URI and the content
 * hash that lets the service (and the next upload) recognise the same code.
 */
export function anonymousCodeVersion(codeUri: string, snapshot: Pick<FolderSnapshot, 'contentHash'>, tags?: Record<string, string>) {
  return {
    properties: {
      codeUri,
      isAnonymous: true,
      ...(tags ? { tags } : {}),
      properties: { hash_sha256: snapshot.contentHash, hash_version: CONTENT_HASH_VERSION },
    },
  };
}
const CHUNK = 1024 * 1024;

interface CodeFile {
  /** Absolute path on the agent. */
  absolute: string;
  /** Path below the folder, '/'-separated: the blob name under the folder's prefix. */
  relative: string;
  size: number;
}

export interface FolderSnapshot {
  root: string;
  /** '.amlignore', '.gitignore' or undefined. */
  ignoreSource?: string;
  /** Files that are uploaded, in azure-ai-ml's upload order (by absolute path). */
  files: CodeFile[];
  totalBytes: number;
  /** Hex MD5 that names the blob prefix. */
  objectHash: string;
  /** Hex SHA-256 stored as the code version's `hash_sha256`. */
  contentHash: string;
}

/** `.amlignore` wins over `.gitignore`; only the one at the folder's root counts (as in azure-ai-ml). */
function readIgnoreFile(root: string): IgnoreMatcher {
  for (const name of ['.amlignore', '.gitignore']) {
    const file = path.join(root, name);
    if (fs.existsSync(file) && fs.statSync(file).isFile()) return parseIgnoreFile(fs.readFileSync(file, 'utf8'), name);
  }
  return parseIgnoreFile(undefined);
}

const byLowerCase = (a: string, b: string) => {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
};

function updateWithFile(hash: Hash, file: string): void {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const n = fs.readSync(fd, buffer, 0, CHUNK, null);
      if (n <= 0) break;
      hash.update(buffer.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * `_get_dir_hash`: entries sorted by their full path lower-cased, each contributing its name and
 * then (for a file) its bytes or (for a folder) its own entries; ignored paths contribute nothing.
 */
function hashDirectory(hash: Hash, dir: string, root: string, ignore: IgnoreMatcher): void {
  const entries = fs.readdirSync(dir).map((name) => path.join(dir, name));
  entries.sort(byLowerCase);
  for (const entry of entries) {
    if (ignore.isExcluded(toPosix(path.relative(root, entry)))) continue;
    hash.update(Buffer.from(path.basename(entry), 'utf8'));
    const stat = fs.statSync(entry);
    if (stat.isFile()) updateWithFile(hash, entry);
    else if (stat.isDirectory()) hashDirectory(hash, entry, root, ignore);
  }
}

const toPosix = (p: string) => p.split(path.sep).join('/');

/** Files of the folder that are not ignored (os.walk with followlinks, as azure-ai-ml uploads them). */
function listFiles(root: string, ignore: IgnoreMatcher): CodeFile[] {
  const out: CodeFile[] = [];
  const walk = (dir: string) => {
    for (const name of fs.readdirSync(dir)) {
      const absolute = path.join(dir, name);
      const stat = fs.statSync(absolute);
      if (stat.isDirectory()) walk(absolute);
      else if (stat.isFile()) {
        const relative = toPosix(path.relative(root, absolute));
        if (!ignore.isExcluded(relative)) out.push({ absolute, relative, size: stat.size });
      }
    }
  };
  walk(root);
  return uploadOrder(out);
}

/**
 * azure-ai-ml's upload order, whose first file is the completed-upload indicator: upload_directory
 * sorts (local path, blob name) pairs by the local path with '\\' turned into '/', in code-point
 * order. Sorting native Windows paths instead puts 'a\\x.py' after 'a0.py' and picks another indicator.
 */
export function uploadOrder<T extends { absolute: string }>(files: T[], sep: string = path.sep): T[] {
  const key = (f: T) => f.absolute.split(sep).join('/');
  return [...files].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** `get_object_hash` of a single file: the seed, then the file's bytes. */
function fileObjectHash(file: string): string {
  const hash = createHash('md5').update(OBJECT_HASH_SEED);
  updateWithFile(hash, file);
  return hash.digest('hex');
}

/** `_get_file_list_content_hash`: file count, then '#name#' + size per file, then every file's bytes. */
function contentHashOf(files: Array<{ absolute: string; relative: string; size: number }>): string {
  const sorted = [...files].sort((a, b) => byLowerCase(a.relative, b.relative));
  const hash = createHash('sha256').update(String(sorted.length));
  for (const f of sorted) hash.update(`#${f.relative}#`).update(String(f.size));
  for (const f of sorted) updateWithFile(hash, f.absolute);
  return hash.digest('hex');
}

/** Everything the upload needs to know about a folder, read once. */
export function snapshotFolder(root: string): FolderSnapshot {
  const ignore = readIgnoreFile(root);
  const objectHash = createHash('md5').update(OBJECT_HASH_SEED);
  hashDirectory(objectHash, root, root, ignore);
  const files = listFiles(root, ignore);
  return {
    root,
    ignoreSource: ignore.source,
    files,
    totalBytes: files.reduce((n, f) => n + f.size, 0),
    objectHash: objectHash.digest('hex'),
    contentHash: contentHashOf(files),
  };
}

/** A single file as a local data input (uri_file): hashed and uploaded alone under its own name. */
export function snapshotFile(file: string): FolderSnapshot {
  const size = fs.statSync(file).size;
  const entry = { absolute: file, relative: path.basename(file), size };
  return { root: file, files: [entry], totalBytes: size, objectHash: fileObjectHash(file), contentHash: contentHashOf([entry]) };
}
