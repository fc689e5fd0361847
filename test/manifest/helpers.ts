// Helpers for the manifest tests. The PNG reader is deliberately independent of scripts/make-icons.mjs,
// which writes the icons: a bug in the writer cannot hide itself from the check. The .vsix is written
// by tfx, not by us, so the tests list it with the build scripts' own zip reader (scripts/lib/zip.mjs).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { referenceFile } from '../support/reference-file';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const stageDir = path.join(repoRoot, 'build', 'extension');

/** ../shared/reference beside the checkout; a clear failure when it is not there. */
export function referencePath(...parts: string[]): string {
  return referenceFile(parts, { reads: 'The manifest tests read tasks.schema.json from ../shared/reference' });
}

/** Task folders under tasks/, discovered. */
export function taskFolders(): string[] {
  const dir = path.join(repoRoot, 'tasks');
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

interface TaskInput {
  name: string;
  type: string;
  aliases?: string[];
  helpMarkDown?: string;
  groupName?: string;
  visibleRule?: string;
  [key: string]: unknown;
}
export interface TaskJson {
  id: string;
  name: string;
  friendlyName: string;
  inputs?: TaskInput[];
  groups?: { name: string }[];
  dataSourceBindings?: { target?: string; [key: string]: unknown }[];
  execution?: Record<string, { target?: string }>;
  [key: string]: unknown;
}

export function readJson<T = unknown>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

export function readTaskJson(task: string): TaskJson {
  return readJson<TaskJson>(path.join(repoRoot, 'tasks', task, 'task.json'));
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Reads a PNG's IHDR after checking the signature and every chunk CRC, and inflates its data. */
export function readPng(file: string): { width: number; height: number; bitDepth: number; colourType: number } {
  const buf = fs.readFileSync(file);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (!buf.subarray(0, 8).equals(signature)) throw new Error(`${file} is not a PNG (bad signature)`);
  let p = 8;
  let ihdr: Buffer | undefined;
  const idat: Buffer[] = [];
  let ended = false;
  while (p + 12 <= buf.length) {
    const len = buf.readUInt32BE(p);
    const type = buf.toString('ascii', p + 4, p + 8);
    const data = buf.subarray(p + 8, p + 8 + len);
    const crc = buf.readUInt32BE(p + 8 + len);
    if (crc !== crc32(buf.subarray(p + 4, p + 8 + len))) throw new Error(`${file}: bad CRC in ${type} chunk`);
    if (type === 'IHDR') ihdr = data;
    if (type === 'IDAT') idat.push(data);
    if (type === 'IEND') ended = true;
    p += 12 + len;
  }
  if (!ihdr || !ended || idat.length === 0) throw new Error(`${file}: missing IHDR, IDAT or IEND`);
  zlib.inflateSync(Buffer.concat(idat)); // throws when the image data is corrupt
  return { width: ihdr.readUInt32BE(0), height: ihdr.readUInt32BE(4), bitDepth: ihdr[8], colourType: ihdr[9] };
}
