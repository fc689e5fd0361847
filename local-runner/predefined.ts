/**
 * Predefined variables a hosted Linux agent gives every job, with local values: the sources folder
 * is `self` used in place, the run folder plays the agent's work folder.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import type { PipelineRunResult } from './run-types';

export interface RunIdentity {
  buildId: number;
  buildNumber: string;
  pipelineName: string;
  sourcesDir: string;
  runDir: string;
}

export interface SourceInfo {
  branch: string;
  version: string;
}

/** The folder's git branch and commit if it is a repository; fixed local values otherwise. */
export function sourceInfo(dir: string): SourceInfo {
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

export function predefinedVariables(id: RunIdentity, src: SourceInfo, resources: Record<string, PipelineRunResult>): Record<string, string> {
  const f = runFolders(id.runDir);
  const branchName = src.branch.split('/').pop() ?? src.branch;
  const vars: Record<string, string> = {
    'Build.BuildId': String(id.buildId),
    'Build.BuildNumber': id.buildNumber,
    'Build.DefinitionName': id.pipelineName,
    'Build.SourcesDirectory': id.sourcesDir,
    'Build.ArtifactStagingDirectory': f.staging,
    'Build.StagingDirectory': f.staging,
    'Build.BinariesDirectory': f.binaries,
    'Build.Repository.Name': path.basename(id.sourcesDir),
    'Build.Repository.LocalPath': id.sourcesDir,
    'Build.SourceBranch': src.branch,
    'Build.SourceBranchName': branchName,
    'Build.SourceVersion': src.version,
    'Build.Reason': 'Manual',
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
