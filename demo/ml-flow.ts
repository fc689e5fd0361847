/**
 * The credit-risk example's ML Build and ML Release pipelines, run by the local runner against the
 * embedded emulator and a real Azurite: the flow `npm run demo` shows and the template tests check.
 * The example repository is copied to a fresh folder first, as an agent's checkout would be.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulator, type Emulator, type FaultRates } from '../emulator';
import { startAzurite, type AzuriteHandle } from '../devkit/azurite';
import { mlClient } from '../devkit/emulator-clients';
import { execFileSync } from 'node:child_process';
import { expandPipeline } from '../local-runner/expansion/expand-pipeline';
import { compileTimeVariables } from '../local-runner/evaluation/predefined';
import {
  runPipeline,
  type PipelineRunResult,
  type RunPipelineOptions,
  type ServiceConnection,
} from '../local-runner/execution/run-pipeline';
import { seedCreditRiskWorkspace, PRODUCTION, CANDIDATE_METRICS } from './credit-risk-workspace';
import { scoreEndpoint, type ScoringAnswer } from './score-endpoint';

const REPO_ROOT = path.resolve(__dirname, '..');
const EXAMPLE = path.join(REPO_ROOT, 'pipeline-templates', 'examples', 'credit-risk');
/** The service connection name the example pipelines use. */
export const CONNECTION_NAME = 'azureml-credit-risk';

interface MlFlowOptions {
  /** metrics the simulated evaluate step logs (default: better than production) */
  candidateMetrics?: Record<string, number>;
  /** skip the release (e.g. when the build did not register a model) */
  release?: boolean;
  log?: (line: string) => void;
  /** changes the seeded workspace before the runs (tests: a model that answers wrongly, …) */
  configure?: (emulator: Emulator) => void;
  /** cancels the running pipeline as Azure DevOps would (the step gets SIGINT); the servers still stop */
  abortSignal?: AbortSignal;
  /** the waits of a cancelled step's escalation (default the agent's 7.5 s + 2.5 s) */
  escalationMs?: RunPipelineOptions['escalationMs'];
  /**
   * A folder the caller owns for the checkout and the run folders; it is kept, so the build's
   * artifacts outlive the servers (runMlRelease). Default: a temporary folder removed at the end.
   */
  workDir?: string;
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
  /** the training data check before the job was submitted (AzureMLValidateData@1's outputs) */
  dataValidation?: { passed?: string; violationCount?: string };
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
  const work = options.workDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ml-flow-'));
  try {
    azurite = await startAzurite();
    emulator = await startEmulator({
      seed: options.seed,
      storage: { blobUrl: azurite.blobUrl, accountName: azurite.accountName, accountKey: azurite.accountKey },
    });
    seedCreditRiskWorkspace(emulator, options.candidateMetrics ?? CANDIDATE_METRICS);
    options.configure?.(emulator);
    if (options.faults) emulator.faults.setRates(options.faults);
    const result = await buildAndRelease(emulator, azurite, work, options, log);
    await options.inspect?.(emulator, result);
    return result;
  } finally {
    await emulator?.stop();
    await azurite?.stop();
    if (!options.workDir) fs.rmSync(work, { recursive: true, force: true });
  }
}

interface MlReleaseOptions {
  /** a build run of runMlFlow whose artifacts still exist (its `workDir` kept) */
  build: PipelineRunResult;
  /** changes the freshly seeded workspace before the release (e.g. registers the build's model version in it) */
  configure?: (emulator: Emulator) => void;
  log?: (line: string) => void;
  abortSignal?: AbortSignal;
  escalationMs?: RunPipelineOptions['escalationMs'];
  /** reads the emulator's state after the release, before the servers stop */
  inspect?: (emulator: Emulator) => void | Promise<void>;
}

export type MlReleaseResult = Pick<MlFlowResult, 'release' | 'endpoint' | 'traffic' | 'deployments' | 'scoring' | 'calls' | 'secrets'> & {
  release: PipelineRunResult;
};

/**
 * Only the ML Release, against a fresh emulator and Azurite seeded as runMlFlow seeds them, with an
 * earlier build run as its `modelBuild` resource: many releases from the same starting state without
 * paying for a build each time. The build's model version is the caller's to register (configure).
 */
export async function runMlRelease(options: MlReleaseOptions): Promise<MlReleaseResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  let azurite: AzuriteHandle | undefined;
  let emulator: Emulator | undefined;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-release-'));
  try {
    azurite = await startAzurite();
    emulator = await startEmulator({
      storage: { blobUrl: azurite.blobUrl, accountName: azurite.accountName, accountKey: azurite.accountKey },
    });
    seedCreditRiskWorkspace(emulator);
    options.configure?.(emulator);
    const sources = checkout(path.join(work, 's'));
    const connection = emulator.connection({ scheme: 'workloadIdentity' });
    const common = {
      sources,
      serviceConnections: { [CONNECTION_NAME]: connection },
      log,
      abortSignal: options.abortSignal,
      escalationMs: options.escalationMs,
    };
    const state = await releaseAfter(emulator, options.build, path.join(work, 'release'), common, log);
    const requests = emulator.requests();
    await options.inspect?.(emulator);
    return {
      ...state,
      calls: { arm: requests.filter((r) => r.path.startsWith('/subscriptions/')).length, total: requests.length },
      secrets: [...connection.secrets, azurite.accountKey],
    };
  } finally {
    await emulator?.stop();
    await azurite?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

type CommonRun = Pick<ExampleRun, 'sources' | 'serviceConnections' | 'log' | 'abortSignal' | 'escalationMs'>;

/** The example's release with `build` as its resource, then the production endpoint as it is left (and scored when the release succeeded). */
async function releaseAfter(
  emulator: Emulator,
  build: PipelineRunResult,
  runDir: string,
  common: CommonRun,
  log: (line: string) => void,
  fairWeather?: () => void,
) {
  const where = { resourceGroup: emulator.resourceGroup, workspace: emulator.workspaceName };
  log('=== ML Release (pipeline-templates/examples/credit-risk/azure-pipelines/ml-release.yml) ===');
  const release = await runExamplePipeline({
    ...common,
    file: 'ml-release.yml',
    pipelineName: 'credit-risk ML Release',
    buildReason: 'ResourceTrigger',
    buildId: 102,
    buildNumber: '20261125.2',
    parameters: { ...where, stepWaitSeconds: 1 },
    runDir,
    pipelineResources: { modelBuild: build },
  });
  fairWeather?.();
  const client = mlClient(emulator);
  const endpoint = await client.onlineEndpoints.get(where.resourceGroup, where.workspace, PRODUCTION.endpoint);
  const deployments: Array<{ name: string; model: string }> = [];
  for await (const d of client.onlineDeployments.list(where.resourceGroup, where.workspace, PRODUCTION.endpoint)) {
    deployments.push({
      name: d.name ?? '',
      model: String(d.properties.model ?? '').replace(/^.*\/models\/([^/]+)\/versions\/([^/]+)$/, 'azureml:$1:$2'),
    });
  }
  let scoring: ScoringAnswer | undefined;
  if (release.result.startsWith('Succeeded')) {
    const payload = fs.readFileSync(path.join(common.sources, 'sample-request.json'), 'utf8');
    scoring = await scoreEndpoint(client, { ...where, endpoint: PRODUCTION.endpoint, ca: emulator.caCertPem }, payload);
  }
  return { release, endpoint: PRODUCTION.endpoint, traffic: endpoint.properties.traffic ?? {}, deployments, scoring };
}

async function buildAndRelease(
  emulator: Emulator,
  azurite: AzuriteHandle,
  work: string,
  options: MlFlowOptions,
  log: (line: string) => void,
): Promise<MlFlowResult> {
  const sources = checkout(path.join(work, 's'));
  const connection = emulator.connection({ scheme: 'workloadIdentity' });
  const common = {
    sources,
    serviceConnections: { [CONNECTION_NAME]: connection },
    log,
    abortSignal: options.abortSignal,
    escalationMs: options.escalationMs,
  };
  // The example's defaults name its own workspace; point the run at the emulator's.
  const where = { resourceGroup: emulator.resourceGroup, workspace: emulator.workspaceName };

  log('=== ML Build (pipeline-templates/examples/credit-risk/azure-pipelines/ml-build.yml) ===');
  // A push to main queued the build; the build's tag queued the release (Build.Reason as Azure DevOps sets it).
  const build = await runExamplePipeline({
    ...common,
    file: 'ml-build.yml',
    pipelineName: 'credit-risk ML Build',
    buildReason: 'IndividualCI',
    buildId: 101,
    buildNumber: '20261125.1',
    parameters: where,
    runDir: path.join(work, 'build'),
  });
  const result: MlFlowResult = {
    build,
    jobName: build.outputs['Train.Train.publish.jobName'],
    dataValidation:
      build.outputs['Train.Train.validateData.passed'] === undefined
        ? undefined
        : {
            passed: build.outputs['Train.Train.validateData.passed'],
            violationCount: build.outputs['Train.Train.validateData.violationCount'],
          },
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
    // The flow's own checks after the release are an observer, not the product: no faults for them.
    Object.assign(
      result,
      await releaseAfter(emulator, build, path.join(work, 'release'), common, log, () => options.faults && emulator.faults.setRates({})),
    );
  }
  const requests = emulator.requests();
  result.calls = { arm: requests.filter((r) => r.path.startsWith('/subscriptions/')).length, total: requests.length };
  return result;
}

interface ExampleRun {
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
  abortSignal?: AbortSignal;
  escalationMs?: RunPipelineOptions['escalationMs'];
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
    abortSignal: run.abortSignal,
    escalationMs: run.escalationMs,
  });
}

/** The example as an agent checks it out: a git work tree on main, one commit (so Build.SourceBranch and Build.SourceVersion are real). */
export function checkout(dir: string): string {
  fs.cpSync(EXAMPLE, dir, { recursive: true });
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', dir, '-c', 'user.name=demo', '-c', 'user.email=demo@example.invalid', ...args], { stdio: 'ignore' });
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
