import * as fs from 'node:fs';
import {
  parseBoolean,
  parseChoice,
  parseResourceName,
  parseWholeNumber,
  parseWorkspaceTarget,
  type WorkspaceTarget,
} from '../task/input-parsers';
import { UserError } from '../task/user-error';
import { AgentPaths, classifyPathInput, NO_AGENT_ROOTS, unsetVariableMessage } from '../task/agent-path-input';
import { parseTagLines } from '../register/register-inputs';
import { manifestIntact, PackageManifest } from '../package/manifest';
import { parseOnlineName } from './naming';
import { Assertion, parseAssertions, parsePayload } from './smoke';
import { parseTrafficSteps } from './traffic-plan';

type Target = 'kubernetes' | 'managed';
type Strategy = 'blueGreen' | 'replace';

interface SmokeTest {
  payloadFile: string;
  payload: unknown;
  expectedStatus: number;
  assertions: Assertion[];
  timeoutMs: number;
}

interface Scale {
  instanceCount: number;
  /** Target-utilization autoscale; undefined = a fixed instance count. */
  autoscale?: { minInstances: number; maxInstances: number; targetUtilizationPercentage: number };
}

export interface DeployInputs extends WorkspaceTarget {
  manifestPath: string;
  manifest: PackageManifest;
  endpointName: string;
  target: Target;
  /** Kubernetes compute name (target kubernetes). */
  compute?: string;
  authMode: 'Key' | 'AMLToken';
  strategy: Strategy;
  /** Explicit deployment name; else from model name and version. */
  deploymentName?: string;
  trafficSteps: number[];
  stepWaitSeconds: number;
  scale: Scale;
  appInsights: boolean;
  smoke?: SmokeTest;
  keepDeployments: number;
  keepFailedDeployment: boolean;
  tags: Record<string, string>;
}

function readManifest(file: string): PackageManifest {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError(
      `'packageManifest' is '${file}', which cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); point it at the package-manifest.json AzureMLPackageModel@1 published (download the 'package' artifact first)`,
    );
  }
  let m: PackageManifest;
  try {
    m = JSON.parse(text.replace(/^\uFEFF/, '')) as PackageManifest;
  } catch (error) {
    throw new UserError(`'packageManifest' is '${file}', which is not JSON (${(error as Error).message})`);
  }
  if (!m || m.schemaVersion !== 1 || !m.model?.assetId || typeof m.packageId !== 'string') {
    throw new UserError(
      `'packageManifest' is '${file}', which is not a package manifest written by AzureMLPackageModel@1 (schemaVersion 1 with model and packageId)`,
    );
  }
  if (!manifestIntact(m)) {
    throw new UserError(
      `'packageManifest' is '${file}', whose content no longer matches its packageId ${m.packageId}: it was edited after packaging; package again instead of editing it`,
    );
  }
  return m;
}

/** The manifest the agent handed over: an unset `$(AzureML.PackageManifest)` or an empty value arrive rooted in the repository. */
function readManifestPath(raw: string | undefined, paths: AgentPaths): string {
  const p = classifyPathInput(raw, 'file', paths);
  if (p.state === 'unresolved') {
    throw new UserError(
      unsetVariableMessage(
        'packageManifest',
        p.value,
        p.macro,
        "run AzureMLPackageModel@1 earlier in the job, or download the 'package' artifact and give the path of its package-manifest.json",
      ),
    );
  }
  if (p.state === 'notSet' && p.why === 'directory') {
    throw new UserError(`'packageManifest' is '${p.value}', a folder: give the path of the package-manifest.json file in it`);
  }
  if (p.state === 'notSet') throw new UserError(`'packageManifest' is required: the package-manifest.json AzureMLPackageModel@1 published`);
  return p.path;
}

/** The smoke-test payload, or undefined: left empty, the agent hands over the repository root. */
function readPayloadPath(raw: string | undefined, paths: AgentPaths): string | undefined {
  const p = classifyPathInput(raw, 'file', paths);
  if (p.state === 'unresolved')
    throw new UserError(
      unsetVariableMessage(
        'smokePayload',
        p.value,
        p.macro,
        'set it, give the payload file directly, or leave it empty to deploy without a smoke test',
      ),
    );
  if (p.state === 'notSet' && p.why === 'directory') {
    throw new UserError(
      `'smokePayload' is '${p.value}', a folder: give the JSON file to send, or leave it empty to deploy without a smoke test`,
    );
  }
  return p.state === 'path' ? p.path : undefined;
}

/** Every input checked before any call to Azure: a typo fails in milliseconds and writes nothing. */
export function parseDeployInputs(read: (name: string) => string | undefined, paths: AgentPaths = NO_AGENT_ROOTS): DeployInputs {
  const where = parseWorkspaceTarget(read);
  const manifestPath = readManifestPath(read('packageManifest'), paths);
  const manifest = readManifest(manifestPath);
  const endpointName = parseOnlineName('endpointName', read('endpointName'), 'endpoint');
  const target = parseChoice('target', read('target') ?? 'kubernetes', ['kubernetes', 'managed'] as const);
  const compute = target === 'kubernetes' ? parseResourceName('computeName', read('computeName'), 255) : undefined;
  const authMode = parseChoice('authMode', read('authMode') ?? 'key', ['key', 'aml_token'] as const) === 'key' ? 'Key' : 'AMLToken';
  const strategy = parseChoice('strategy', read('strategy') ?? 'blueGreen', ['blueGreen', 'replace'] as const);
  const explicitName = read('deploymentName')?.trim();
  const deploymentName = explicitName ? parseOnlineName('deploymentName', explicitName, 'deployment') : undefined;
  if (strategy === 'replace' && !deploymentName)
    throw new UserError(`'deploymentName' is required with strategy 'replace': it names the one deployment updated in place`);
  const trafficSteps = strategy === 'blueGreen' ? parseTrafficSteps('trafficSteps', read('trafficSteps')) : [100];
  const stepWaitSeconds = parseWholeNumber('stepWaitSeconds', read('stepWaitSeconds') ?? '60', { min: 0, max: 3600, unit: 'seconds' });
  const instanceCount = parseWholeNumber('instanceCount', read('instanceCount') ?? '1', { min: 1, max: 100 });
  const autoscaleOn = parseBoolean('autoscale', read('autoscale') ?? 'false');
  let autoscale: Scale['autoscale'];
  if (autoscaleOn && target === 'managed') {
    // Target-utilisation scaling is a Kubernetes deployment setting; managed deployments scale
    // through Azure Monitor autoscale rules, and the service would refuse it after the endpoint exists.
    throw new UserError(
      "'autoscale' is true, but target 'managed' does not take target-utilisation scaling; set 'instanceCount' instead and scale a managed deployment with Azure Monitor autoscale, or use target 'kubernetes'",
    );
  }
  if (autoscaleOn) {
    const minInstances = parseWholeNumber('minInstances', read('minInstances') ?? '1', { min: 1, max: 100 });
    const maxInstances = parseWholeNumber('maxInstances', read('maxInstances') ?? '3', { min: 1, max: 100 });
    if (maxInstances < minInstances)
      throw new UserError(`'maxInstances' is ${maxInstances}, below 'minInstances' ${minInstances}; raise it or lower 'minInstances'`);
    autoscale = {
      minInstances,
      maxInstances,
      targetUtilizationPercentage: parseWholeNumber('targetUtilization', read('targetUtilization') ?? '70', {
        min: 1,
        max: 100,
        unit: 'percent',
      }),
    };
  }
  const payloadFile = readPayloadPath(read('smokePayload'), paths);
  let smoke: SmokeTest | undefined;
  if (payloadFile) {
    let text: string;
    try {
      text = fs.readFileSync(payloadFile, 'utf8');
    } catch (error) {
      throw new UserError(
        `'smokePayload' is '${payloadFile}', which cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      );
    }
    smoke = {
      payloadFile,
      payload: parsePayload('smokePayload', payloadFile, text),
      expectedStatus: parseWholeNumber('smokeExpectedStatus', read('smokeExpectedStatus') ?? '200', { min: 100, max: 599 }),
      assertions: parseAssertions('smokeAssertions', read('smokeAssertions')),
      timeoutMs: parseWholeNumber('smokeTimeoutSeconds', read('smokeTimeoutSeconds') ?? '30', { min: 1, max: 600, unit: 'seconds' }) * 1000,
    };
  } else if (read('smokeAssertions')?.trim()) {
    throw new UserError(
      `'smokeAssertions' are set but 'smokePayload' is empty: the assertions check the answer to the payload; give a payload file`,
    );
  }
  return {
    ...where,
    manifestPath,
    manifest,
    endpointName,
    target,
    compute,
    authMode,
    strategy,
    deploymentName,
    trafficSteps,
    stepWaitSeconds,
    scale: { instanceCount, autoscale },
    appInsights: parseBoolean('appInsights', read('appInsights') ?? 'false'),
    smoke,
    keepDeployments: parseWholeNumber('keepDeployments', read('keepDeployments') ?? '1', { min: 0, max: 20 }),
    keepFailedDeployment: parseBoolean('keepFailedDeployment', read('keepFailedDeployment') ?? 'false'),
    tags: parseTagLines('tags', read('tags')),
  };
}
