/**
 * How the Azure Pipelines agent prepares a task's inputs and job variables before it starts the
 * task (TaskRunner.cs, BuildJobExtension.cs, ReleaseJobExtension.cs), shared by the local runner
 * and the task-process test harness so both hand a task exactly what a real agent does:
 * - every task.json input gets a value, `defaultValue ?? ""`, whether the step names it or not;
 * - values are trimmed, then `$(var)` macros expanded (unknown ones stay as written);
 * - every `filePath` input, hidden ones included, is made absolute: empty becomes the repository
 *   root (System.DefaultWorkingDirectory; Release.ArtifactsDirectory in a classic release), a
 *   relative path is joined to it, so an unset `$(Var)` arrives as `<root>/$(Var)`;
 * - a classic release job has no Pipeline.Workspace and refuses `artifact.upload`, failing the step.
 */
import * as path from 'path';

export interface AgentInputDef {
  name: string;
  type: string;
  defaultValue?: string;
}

interface PrepareInputsOptions {
  /** `$(macro)` expansion with the job's variables; unknown macros must be left as written */
  expand: (text: string, input: string) => string;
  /** the folder empty and relative filePath inputs are rooted in (filePathRoot) */
  root: string;
}

/**
 * task.json inputs + the step's values (by input name) → what the task process gets. Values for
 * names task.json does not declare pass through trimmed and expanded (a harness fixture has no task.json).
 */
export function prepareTaskInputs(
  defs: AgentInputDef[],
  given: Record<string, string>,
  options: PrepareInputsOptions,
): Record<string, string> {
  const out: Record<string, string> = {};
  const find = (name: string) => Object.keys(given).find((k) => k.toLowerCase() === name.toLowerCase());
  for (const def of defs) {
    const key = find(def.name);
    out[def.name] = (key !== undefined ? (given[key] ?? '') : (def.defaultValue ?? '')).trim();
  }
  for (const [k, v] of Object.entries(given)) if (!defs.some((d) => d.name.toLowerCase() === k.toLowerCase())) out[k] = v.trim();
  for (const k of Object.keys(out)) out[k] = options.expand(out[k]!, k);
  for (const def of defs) if (def.type.toLowerCase() === 'filepath') out[def.name] = path.resolve(options.root, out[def.name]!);
  return out;
}

/** The folder the agent roots filePath inputs in. */
export function filePathRoot(variable: (name: string) => string | undefined): string {
  const release = (variable('System.HostType') ?? '').toLowerCase() === 'release';
  const root = (release ? variable('Release.ArtifactsDirectory') : undefined) || variable('System.DefaultWorkingDirectory');
  if (!root)
    throw new Error('a job needs System.DefaultWorkingDirectory (and Release.ArtifactsDirectory in a release) to root filePath inputs');
  return root;
}

/** Expands `$(name)` from a plain map (case-insensitive, as the agent); unknown macros stay as written. */
export function expandWith(variables: Record<string, string>): (text: string) => string {
  const lower = new Map(Object.entries(variables).map(([k, v]) => [k.toLowerCase(), v]));
  return (text) => text.replace(/\$\(([^()\r\n]+)\)/g, (whole, name: string) => lower.get(name.trim().toLowerCase()) ?? whole);
}

export interface ReleaseIdentity {
  /** the release's artifacts folder: <work>/r<N>/a, each artifact in <alias>/<artifact name>/ */
  artifactsDirectory: string;
  releaseId?: number;
  releaseName?: string;
  definitionName?: string;
  environmentName?: string;
}

/**
 * The variables of a classic release job that differ from a build job. The agent sets
 * Release.ArtifactsDirectory, Agent.ReleaseDirectory and System.DefaultWorkingDirectory to one
 * folder (ReleaseJobExtension.SetLocalVariables); there is no Pipeline.Workspace and no
 * Build.SourcesDirectory.
 */
export function releaseJobVariables(id: ReleaseIdentity): Record<string, string> {
  const releaseId = String(id.releaseId ?? 1);
  return {
    'System.HostType': 'release',
    'Release.ReleaseId': releaseId,
    'Release.ReleaseName': id.releaseName ?? `Release-${releaseId}`,
    'Release.DefinitionName': id.definitionName ?? 'local release',
    'Release.EnvironmentName': id.environmentName ?? 'Stage 1',
    'Release.ArtifactsDirectory': id.artifactsDirectory,
    'System.ArtifactsDirectory': id.artifactsDirectory,
    'Agent.ReleaseDirectory': id.artifactsDirectory,
    'System.DefaultWorkingDirectory': id.artifactsDirectory,
  };
}

/** Variables a release job does not have, though a build job does. */
export const BUILD_ONLY_VARIABLES = ['Pipeline.Workspace', 'Build.SourcesDirectory', 'Build.Repository.LocalPath', 'Agent.BuildDirectory'];

/**
 * Whether the agent accepts `##vso[artifact.upload]` in this job: only in build jobs; elsewhere it
 * refuses the command and the step fails even if the task succeeded (ArtifactCommandExtension).
 * Returns the error line the agent logs when it refuses.
 */
export function artifactUploadRefusal(hostType: string | undefined): string | undefined {
  const type = (hostType ?? 'build').trim().toLowerCase() || 'build';
  if (type === 'build') return undefined;
  return `UploadArtifactCommandNotSupported: ##vso[artifact.upload] is not supported in a ${type} job (System.HostType '${type}'); the agent takes artifact uploads only in build jobs.`;
}
