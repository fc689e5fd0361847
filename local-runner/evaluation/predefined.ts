/**
 * Predefined variables a hosted Linux agent gives every job, with local values: the sources folder
 * is `self` used in place, the run folder plays the agent's work folder.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import type { PipelineRunResult } from '../execution/run-types';

interface RunIdentity {
  buildId: number;
  buildNumber: string;
  pipelineName: string;
  sourcesDir: string;
  runDir: string;
  /** Build.Reason (default Manual) */
  buildReason?: string;
}

/** Build.Reason values (the predefined-variables table). */
export const BUILD_REASONS = [
  'Manual',
  'IndividualCI',
  'BatchedCI',
  'Schedule',
  'ValidateShelveset',
  'CheckInShelveset',
  'PullRequest',
  'ResourceTrigger',
];

/**
 * Predefined variables the docs' predefined-variables table marks "Available in templates? Yes"
 * (https://learn.microsoft.com/azure/devops/pipelines/build/variables): the service sets them before
 * `${{ }}` is expanded. Every other Build./System./Agent./Pipeline./… variable is runtime only.
 */
export const TEMPLATE_VARIABLES = [
  'Build.DefinitionName',
  'Build.DefinitionVersion',
  'Build.QueuedBy',
  'Build.QueuedById',
  'Build.Reason',
  'Build.RequestedFor',
  'Build.RequestedForEmail',
  'Build.RequestedForId',
  'Build.SourceBranch',
  'Build.SourceBranchName',
  'Build.SourceVersion',
  'System.AccessToken',
  'System.CollectionId',
  'System.CollectionUri',
  'System.DefinitionId',
  'System.HostType',
  'System.PullRequest.IsFork',
  'System.StageName',
  'System.TeamFoundationCollectionUri',
  'System.TeamProject',
  'System.TeamProjectId',
];

/** Prefixes of the service's predefined variables. */
export const PREDEFINED_PREFIXES = ['Build.', 'System.', 'Agent.', 'Pipeline.', 'Release.', 'Environment.', 'Resources.'];

interface CompileTimeOptions {
  /** the `self` repository folder (its git branch and commit, like a run) */
  sourcesDir: string;
  /** Build.Reason, default Manual */
  buildReason?: string;
  /** Build.DefinitionName, default the folder's name (as runPipeline's pipelineName) */
  definitionName?: string;
  /** Build.SourceBranch instead of the folder's git branch (`main` = `refs/heads/main`) */
  sourceBranch?: string;
}

/** The branch a run is for: the option (`main` = `refs/heads/main`), else the folder's git branch. */
export function runSource(sourcesDir: string, sourceBranch?: string): SourceInfo {
  const src = sourceInfo(sourcesDir);
  if (sourceBranch !== undefined) src.branch = sourceBranch.startsWith('refs/') ? sourceBranch : `refs/heads/${sourceBranch}`;
  return src;
}

/** The values shared by compile time and the run. */
function identityValues(pipelineName: string, src: SourceInfo, buildReason: string | undefined): Record<string, string> {
  return {
    'Build.DefinitionName': pipelineName,
    'Build.Reason': buildReason ?? 'Manual',
    'Build.SourceBranchName': src.branch.split('/').pop() ?? src.branch,
  };
}

/**
 * The predefined variables the service makes available in template expressions, with the values a
 * local run of the same folder gets: pass them as `ExpandOptions.variables` (and the same
 * buildReason/pipelineName/sourceBranch to runPipeline).
 */
export function compileTimeVariables(opts: CompileTimeOptions): Record<string, string> {
  return identityValues(
    opts.definitionName ?? path.basename(path.resolve(opts.sourcesDir)),
    runSource(opts.sourcesDir, opts.sourceBranch),
    opts.buildReason,
  );
}

interface SourceInfo {
  branch: string;
  version: string;
}

/** The folder's git branch and commit if it is a repository; fixed local values otherwise. */
function sourceInfo(dir: string): SourceInfo {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return undefined;
    }
  };
  const version = git('rev-parse', 'HEAD');
  if (!version) return { branch: 'refs/heads/local', version: '0000000000000000000000000000000000000000' };
  const branch = git('symbolic-ref', '-q', 'HEAD') ?? 'refs/heads/local';
  return { branch, version };
}

export function runFolders(runDir: string) {
  return {
    pipelineWorkspace: runDir,
    temp: path.join(runDir, '_temp'),
    staging: path.join(runDir, 'a'),
    binaries: path.join(runDir, 'b'),
  };
}

export function predefinedVariables(
  id: RunIdentity,
  src: SourceInfo,
  resources: Record<string, PipelineRunResult>,
): Record<string, string> {
  const f = runFolders(id.runDir);
  const vars: Record<string, string> = {
    ...identityValues(id.pipelineName, src, id.buildReason),
    'Build.BuildId': String(id.buildId),
    'Build.BuildNumber': id.buildNumber,
    'Build.SourcesDirectory': id.sourcesDir,
    'Build.ArtifactStagingDirectory': f.staging,
    'Build.StagingDirectory': f.staging,
    'Build.BinariesDirectory': f.binaries,
    'Build.Repository.Name': path.basename(id.sourcesDir),
    'Build.Repository.LocalPath': id.sourcesDir,
    'Build.SourceBranch': src.branch,
    'Build.SourceVersion': src.version,
    'Build.RequestedFor': 'local runner',
    'System.DefaultWorkingDirectory': id.sourcesDir,
    'System.HostType': 'build',
    'System.TeamProject': 'local',
    'System.TeamFoundationCollectionUri': 'https://dev.azure.com/local/',
    'System.CollectionUri': 'https://dev.azure.com/local/',
    'System.DefinitionName': id.pipelineName,
    'System.Debug': 'false',
    'Pipeline.Workspace': f.pipelineWorkspace,
    'Agent.TempDirectory': f.temp,
    'Agent.WorkFolder': id.runDir,
    'Agent.BuildDirectory': id.runDir,
    'Agent.OS': 'Linux',
    'Agent.OSArchitecture': process.arch === 'arm64' ? 'ARM64' : 'X64',
    'Agent.Name': 'local-runner',
    'Agent.MachineName': 'localhost',
  };
  for (const [alias, run] of Object.entries(resources)) {
    const p = `resources.pipeline.${alias}`;
    vars[`${p}.runID`] = String(run.buildId);
    vars[`${p}.runName`] = run.buildNumber;
    vars[`${p}.pipelineName`] = run.pipelineName;
    vars[`${p}.pipelineID`] = String(run.buildId);
    vars[`${p}.sourceBranch`] = run.sourceBranch;
    vars[`${p}.sourceCommit`] = run.sourceVersion;
  }
  return vars;
}
