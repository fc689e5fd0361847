import * as path from 'node:path';
import type { SourceFiles } from '../../shared/azureml-pipeline/read-pipeline';

/** The pipeline reader's file access over an in-memory repository at /repo: files by relative path, their folders, and extra empty folders. */
export function memoryFiles(files: Record<string, string>, dirs: string[] = [], root = '/repo'): SourceFiles {
  const abs = Object.fromEntries(Object.entries(files).map(([k, v]) => [path.join(root, k), v]));
  const allDirs = new Set(dirs.map((d) => path.join(root, d)));
  for (const f of Object.keys(abs)) for (let d = path.dirname(f); d !== '/'; d = path.dirname(d)) allDirs.add(d);
  return {
    kind: (a) => (a in abs ? 'file' : allDirs.has(a) ? 'dir' : undefined),
    readText: (a) => abs[a],
    display: (a) => path.relative(root, a),
  };
}
