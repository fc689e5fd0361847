/**
 * The credit-risk example's ML Build and ML Release pipelines, run by the local runner against the
 * embedded emulator and a real Azurite: the flow `npm run demo` shows and the template tests check.
 * The example repository is copied to a fresh folder first, as an agent's checkout would be.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulator, type Emulator, type FaultRates } from '../emulator';
import { startAzurite, type AzuriteHandle } from '../test/harness/azurite';
import { mlClient } from '../test/emulator/helpers';
import { saveTraffic } from '../test/harness/traffic';
import { execFileSync } from 'node:child_process';
import { expandPipeline } from '../local-runner/expand-pipeline';
import { compileTimeVariables } from '../local-runner/predefined';
import { runPipeline, type PipelineRunResult, type ServiceConnection } from '../local-runner/run-pipeline';
import { seedCreditRiskWorkspace, PRODUCTION, CANDIDATE_METRICS } from './credit-risk-workspace';
import { scoreEndpoint, type ScoringAnswer } from './score-endpoint';

export const REPO_ROOT = path.resolve(__dirname, '..');
export const EXAMPLE = path.join(REPO_ROOT, 'pipeline-templates', 'examples', 'credit-risk');
/** The service connection name the example pipelines use. */
export const CONNECTION_NAME = 'azureml-credit-risk';

export interface MlFlowOptions {
  /** metrics the simulated evaluate step logs (default: better than production) */
  candidateMetrics?: Record<string, number>;
  /** skip the release (e.g. when the build did not register a model) */
  release?: boolean;
  log?: (line: string) => void;
  /** keep the emulator's ARM traffic under build/traffic/<name> for the conformance test */
  saveTrafficAs?: string;
  /** changes the seeded workspace before the runs (tests: a model that answers wrongly, …) */
  configure?: (emulator: Emulator) => void;
  /** cancels the running pipeline as Azure DevOps would (the step gets SIGINT); the servers still stop */
  signal?: AbortSignal;
  /**
   * random faults for the build and release (chaos runs; default none): set after `configure`, lifted
   * once the release ends so the flow's own read of the endpoint and scoring call see fair weather
   */
  faults?: FaultRates;
  /** the emulator's seed, which its fault streams follow (default 1) */
  seed?: number;
  /** looks at the emulator's state after the runs and the flow's own checks, before the servers stop */
  inspect?: (emulator: Emulator, result: MlFlowResult) => void | Promise<void>;
}

export interface MlFlowResult {
  build: PipelineRunResult;
  release?: PipelineRunResult;
  jobName?: string;
  promote?: string;
  reason?: string;
  modelVersion?: string;
  /** the build's `model` artifact (model.json), read before the run folder is removed */
  modelJson?: { name: string; version: string; id: string; metrics: Record<string, number> };
  endpoint?: string;
  traffic?: Record<string, number>;
  deployments?: Array<{ name: string; model: string }>;
  scoring?: ScoringAnswer;
  /** requests the emulator served, by kind */
  calls: { arm: number; total: number };
  /** every secret the runs had (service connection, storage key): none may appear in the log */
  secrets: string[];
}

/** Starts Azurite and the emulator, runs the flow, always stops both. */
export async function runMlFlow(options: MlFlowOptions = {}): Promise<MlFlowResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  let azurite: AzuriteHandle | undefined;
  let emulator: Emulator | undefined;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-flow-'));
  try {
    azurite = await startAzurite();
    emulator = await startEmulator({ seed: options.seed, storage: { blobUrl: azurite.blobUrl, accountName: azurite.accountName, accountKey: azurite.accountKey } });
    seedCreditRiskWorkspace(emulator, options.candidateMetrics ?? CANDIDATE_METRICS);
    options.configure?.(emulator);
    if (options.faults) emulator.faults.setRates(options.faults);
    const result = await buildAndRelease(emulator, azurite, work, options, log);
    await options.inspect?.(emulator, result);
    return result;
  } finally {
    if (emulator && options.saveTrafficAs) saveTraffic(emulator.traffic(), options.saveTrafficAs);
    await emulator?.stop();
    await azurite?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function buildAndRelease(emulator: Emulator, azurite: AzuriteHandle, work: string, options: MlFlowOptions, log: (line: string) => void): Promise<MlFlowResult> {
  const sources = checkout(path.join(work, 's'));
  const connection = emulator.connection({ scheme: 'workloadIdentity' });
  const common = {
    sources,
    serviceConnections: { [CONNECTION_NAME]: connection },
    log,
    signal: options.signal,
  };
  // The example's defaults name its own workspace; point the run at the emulator's.
  const where = { resourceGroup: emulator.resourceGroup, workspace: emulator.workspaceName };

  log('=== ML Build (pipeline-templates/examples/credit-risk/azure-pipelines/ml-build.yml) ===');
  // A push to main queued the build; the build's tag queued the release (Build.Reason as Azure DevOps sets it).
  const build = await runExamplePipeline({ ...common, file: 'ml-build.yml', pipelineName: 'credit-risk ML Build', buildReason: 'IndividualCI', buildId: 101, buildNumber: '20261125.1', parameters: where, runDir: path.join(work, 'build') });
  const result: MlFlowResult = {
    build,
    jobName: build.outputs['Train.Train.publish.jobName'],
    promote: build.outputs['Train.Train.compare.promote'],
    reason: build.outputs['Train.Train.compare.reason'],
    modelVersion: build.outputs['Train.Train.register.modelVersion'],
    calls: { arm: 0, total: 0 },
    secrets: [...connection.secrets, azurite.accountKey],
  };
  const modelJson = build.artifacts.model ? path.join(build.artifacts.model, 'model.json') : undefined;
  if (modelJson && fs.existsSync(modelJson)) result.modelJson = JSON.parse(fs.readFileSync(modelJson, 'utf8'));
  if ((options.release ?? true) && build.result.startsWith('Succeeded') && build.buildTags.includes('model-registered')) {
    log('');
    log('=== ML Release (pipeline-templates/examples/credit-risk/azure-pipelines/ml-release.yml) ===');
    result.release = await runExamplePipeline({
      ...common,
      file: 'ml-release.yml',
      pipelineName: 'credit-risk ML Release',
      buildReason: 'ResourceTrigger',
      buildId: 102,
      buildNumber: '20261125.2',
      parameters: { ...where, stepWaitSeconds: 1 },
      runDir: path.join(work, 'release'),
      pipelineResources: { modelBuild: build },
    });
  }
  // The flow's own checks below are an observer, not the product: no faults for them.
  if (options.faults) emulator.faults.setRates({});
  if (result.release) {
    const client = mlClient(emulator);
    const endpoint = await client.onlineEndpoints.get(where.resourceGroup, where.workspace, PRODUCTION.endpoint);
    result.endpoint = PRODUCTION.endpoint;
    result.traffic = endpoint.properties.traffic ?? {};
    result.deployments = [];
    for await (const d of client.onlineDeployments.list(where.resourceGroup, where.workspace, PRODUCTION.endpoint)) {
      result.deployments.push({ name: d.name ?? '', model: String(d.properties.model ?? '').replace(/^.*\/models\/([^/]+)\/versions\/([^/]+)$/, 'azureml:$1:$2') });
    }
    if (result.release.result.startsWith('Succeeded')) {
      const payload = fs.readFileSync(path.join(sources, 'sample-request.json'), 'utf8');
      result.scoring = await scoreEndpoint(client, { ...where, endpoint: PRODUCTION.endpoint, ca: emulator.caCertPem }, payload);
    }
  }
  const requests = emulator.requests();
  result.calls = { arm: requests.filter((r) => r.path.startsWith('/subscriptions/')).length, total: requests.length };
  return result;
}

export interface ExampleRun {
  /** the example checkout (see checkout()) */
  sources: string;
  /** a pipeline of the example's azure-pipelines/ folder */
  file: string;
  pipelineName: string;
  buildReason: string;
  buildId: number;
  buildNumber: string;
  parameters?: Record<string, unknown>;
  runDir: string;
  serviceConnections: Record<string, ServiceConnection>;
  pipelineResources?: Record<string, PipelineRunResult>;
  log: (line: string) => void;
  signal?: AbortSignal;
}

/**
 * Expands one of the example's pipelines (templates from this repository as `@templates`) and runs
 * it, with the same Build.Reason and definition name at compile time and at run time.
 */
export async function runExamplePipeline(run: ExampleRun): Promise<PipelineRunResult> {
  const pipeline = expandPipeline(path.join(run.sources, 'azure-pipelines', run.file), {
    selfRoot: run.sources,
    repositories: { templates: REPO_ROOT },
    parameters: run.parameters ?? {},
    variables: compileTimeVariables({ sourcesDir: run.sources, buildReason: run.buildReason, definitionName: run.pipelineName }),
  });
  return runPipeline({
    pipeline,
    sourcesDir: run.sources,
    runDir: run.runDir,
    serviceConnections: run.serviceConnections,
    pipelineResources: run.pipelineResources,
    buildId: run.buildId,
    buildNumber: run.buildNumber,
    pipelineName: run.pipelineName,
    buildReason: run.buildReason,
    log: run.log,
    signal: run.signal,
  });
}

/** The example as an agent checks it out: a git work tree on main, one commit (so Build.SourceBranch and Build.SourceVersion are real). */
export function checkout(dir: string): string {
  fs.cpSync(EXAMPLE, dir, { recursive: true });
  const git = (...args: string[]) => execFileSync('git', ['-C', dir, '-c', 'user.name=demo', '-c', 'user.email=demo@example.invalid', ...args], { stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'credit-risk example');
  return dir;
}

/** true when the flow did everything the demo promises: built, promoted, registered, released and scored. */
export function flowSucceeded(r: MlFlowResult): boolean {
  return (
    r.build.result.startsWith('Succeeded') &&
    r.release !== undefined &&
    r.release.result.startsWith('Succeeded') &&
    r.scoring !== undefined &&
    r.scoring.status === 200
  );
}
