/** Types for zip.mjs (the build scripts are plain ES modules; the tests read the .vsix with the same reader). */
export interface ZipEntry {
  name: string;
  size: number;
  compressedSize: number;
}
export function listZipEntries(file: string): ZipEntry[];
