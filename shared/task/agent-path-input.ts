import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * How a task reads a `filePath` input the agent prepared (pure; file-system facts are injected).
 *
 * The agent never hands a filePath input over empty: it roots every one (hidden ones included) in
 * the repository (System.DefaultWorkingDirectory; Release.ArtifactsDirectory in a classic release),
 * so "not set" arrives as that folder and an unset `$(Var)` as `<root>/$(Var)`. task-lib's
 * `filePathSupplied` compares with the root for this reason (agent issue #1872); here a folder where
 * a file is expected counts as "not set" too, and a `$(` anywhere in the value is a variable the job
 * does not set.
 */

export type PathKind = 'file' | 'directory' | 'missing';

export interface AgentPaths {
  /** The folders an empty filePath input can arrive as (the repository root in its several names). */
  roots: string[];
  /** What is at a path; injected so the decision stays testable without a file system. */
  kind(p: string): PathKind;
  /** Windows paths compare case-insensitively. */
  ignoreCase?: boolean;
  /**
   * Where the job's downloaded artifacts are: Pipeline.Workspace in a YAML pipeline, the artifacts
   * directory in a classic release (<it>/<artifact alias>/<artifact name>/...).
   */
  artifactsFolder?: string;
}

type PathInput =
  /** empty, the repository root, or a folder where a file is expected */
  | { state: 'notSet'; why: 'empty' | 'root' | 'directory'; value: string }
  /** holds `$(Name)` that no variable of the job resolved */
  | { state: 'unresolved'; value: string; macro: string }
  /** an absolute path the task should use */
  | { state: 'path'; path: string };

/** The variables that name the folder an empty filePath input becomes (build, several checkouts, classic release). */
const ROOT_VARIABLES = [
  'System.DefaultWorkingDirectory',
  'Build.SourcesDirectory',
  'Release.ArtifactsDirectory',
  'System.ArtifactsDirectory',
];

/**
 * The roots of this job. `System.ArtifactsDirectory` counts only in a release: in a build it is the
 * staging folder, which a user may well name on purpose.
 */
export function agentPathsFrom(
  variable: (name: string) => string | undefined,
  kind: (p: string) => PathKind,
  platform: string = process.platform,
): AgentPaths {
  const release = (variable('System.HostType') ?? '').trim().toLowerCase() === 'release';
  const names = ROOT_VARIABLES.filter((n) => release || n !== 'System.ArtifactsDirectory');
  const roots = names.map((n) => (variable(n) ?? '').trim()).filter((v) => v !== '');
  const first = (...ns: string[]) => ns.map((n) => (variable(n) ?? '').trim()).find((v) => v !== '') || undefined;
  const artifactsFolder = release
    ? first('Release.ArtifactsDirectory', 'System.ArtifactsDirectory', 'System.DefaultWorkingDirectory')
    : first('Pipeline.Workspace');
  return { roots, kind, ignoreCase: platform === 'win32', artifactsFolder };
}

/** The first `$(Name)` in a value, wherever it stands; undefined when there is none. */
export function unresolvedMacro(value: string | undefined): string | undefined {
  const text = value ?? '';
  const at = text.indexOf('$(');
  if (at < 0) return undefined;
  const end = text.indexOf(')', at);
  return end < 0 ? text.slice(at) : text.slice(at, end + 1);
}

/** One line: the input, its value, the variable and how to fix it. */
export function unsetVariableMessage(input: string, value: string, macro: string, fix: string): string {
  const whole = value === macro ? '' : `, which holds ${macro}`;
  return `'${input}' is '${value}'${whole}, a pipeline variable that is not set in this job; ${fix}`;
}

function normalize(p: string, ignoreCase: boolean | undefined): string {
  const n = path.resolve(p).replace(/[\\/]+$/, '');
  return ignoreCase ? n.toLowerCase() : n;
}

function withoutRoot(value: string, paths: AgentPaths): string {
  for (const r of paths.roots) {
    const root = r.replace(/[\\/]+$/, '');
    const head = value.slice(0, root.length);
    const same = paths.ignoreCase ? head.toLowerCase() === root.toLowerCase() : head === root;
    if (same && /^[\\/]/.test(value.slice(root.length))) return value.slice(root.length + 1);
  }
  return value;
}

/**
 * Decides what a filePath input means: not set, an unset variable, or a path.
 * `expect` is what the input names: a file (a directory there means "not set", as the agent's
 * rooted empty value is one) or a folder (only the root itself means "not set").
 */
export function classifyPathInput(raw: string | undefined, expect: 'file' | 'folder', paths: AgentPaths): PathInput {
  const value = (raw ?? '').trim();
  if (value === '') return { state: 'notSet', why: 'empty', value };
  const macro = unresolvedMacro(value);
  // shown as the user wrote it: the agent prefixed the root to an unresolved `$(Var)`
  if (macro !== undefined) return { state: 'unresolved', value: withoutRoot(value, paths), macro };
  // the agent hands it over absolute; relative only when run by hand, from the folder the task runs in
  const absolute = path.resolve(value);
  const here = normalize(absolute, paths.ignoreCase);
  if (paths.roots.some((r) => normalize(r, paths.ignoreCase) === here)) return { state: 'notSet', why: 'root', value };
  if (expect === 'file' && paths.kind(absolute) === 'directory') return { state: 'notSet', why: 'directory', value };
  return { state: 'path', path: absolute };
}

/** The real `kind` for AgentPaths (the one part that touches the file system); unreadable counts as missing. */
export function pathKind(p: string): PathKind {
  try {
    const s = fs.statSync(p);
    return s.isDirectory() ? 'directory' : s.isFile() ? 'file' : 'missing';
  } catch {
    return 'missing';
  }
}

/** Outside an agent (unit tests, a script): no root is known, the file system is asked. */
export const NO_AGENT_ROOTS: AgentPaths = { roots: [], kind: pathKind };
