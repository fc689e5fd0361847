import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseChoice, parseResourceName, parseWholeNumber } from '../task/input-parsers';
import { UserError } from '../task/user-error';
import { parseModelName, requireConnection } from '../compare/compare-inputs';
import { parseTagLines } from '../register/register-inputs';
import type { ProbeSettings, RequestSettings } from './manifest';
import { missingScoringFunctions } from './scoring-script';

export type ModelChoice = { kind: 'modelJson'; file: string; name: string; version: string } | { kind: 'nameVersion'; name: string; version: string } | { kind: 'latest'; name: string };
export type EnvironmentChoice =
  | { kind: 'none' }
  | { kind: 'registered'; name: string; version: string }
  | { kind: 'image'; name: string; image: string; condaFile?: string; conda?: string }
  /** A Docker build context folder, uploaded content-addressed like code; dockerfilePath is relative to it. */
  | { kind: 'build'; name: string; context: string; dockerfilePath: string };

/** Scoring code: a registered code version, or a local folder uploaded content-addressed as one. */
export type CodeChoice = { kind: 'registered'; name: string; version: string; scoringScript: string } | { kind: 'folder'; folder: string; scoringScript: string };

export interface PackageInputs {
  connectionId: string;
  resourceGroup: string;
  workspace: string;
  model: ModelChoice;
  environment: EnvironmentChoice;
  /** The scoring code and its entry script; undefined = MLflow no-code deployment. */
  code?: CodeChoice;
  instanceType: string | null;
  requestSettings: RequestSettings | null;
  probe: ProbeSettings | null;
  environmentVariables: Record<string, string>;
  artifactName: string;
}

/** `azureml:name:version` (or name:version): how registered assets are named in YAML. */
function parseAssetRef(input: string, raw: string | undefined, what: string): { name: string; version: string } {
  const text = (raw ?? '').trim();
  const m = /^(?:azureml:)?([A-Za-z0-9][A-Za-z0-9\-_]{0,254}):([A-Za-z0-9][A-Za-z0-9._-]{0,49})$/.exec(text);
  if (!m) throw new UserError(`'${input}' is '${text}': name a registered ${what} as azureml:<name>:<version>, for example azureml:${what === 'environment' ? 'credit-env:3' : 'score-code:1'}`);
  return { name: m[1], version: m[2] };
}

function readText(input: string, file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    throw new UserError(`'${input}' is '${file}', which cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

function readModelJson(file: string): { name: string; version: string } {
  const text = readText('modelJson', file);
  let m: { name?: unknown; version?: unknown };
  try {
    m = JSON.parse(text) as typeof m;
  } catch (error) {
    throw new UserError(`'modelJson' is '${file}', which is not JSON (${(error as Error).message})`);
  }
  if (typeof m?.name !== 'string' || typeof m.version !== 'string' || !m.name || !m.version) {
    throw new UserError(`'modelJson' is '${file}', which has no model name and version: use the model.json AzureMLRegisterModel@1 published (download the 'model' artifact first)`);
  }
  return { name: m.name, version: m.version };
}

const isFile = (file: string) => {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
};

/** An existing local folder, resolved to an absolute path. */
function requireFolder(input: string, raw: string | undefined, what: string): string {
  const text = (raw ?? '').trim();
  if (!text) throw new UserError(`'${input}' is required: ${what}`);
  const absolute = path.resolve(text);
  let dir = false;
  try {
    dir = fs.statSync(absolute).isDirectory();
  } catch {
    throw new UserError(`'${input}' is '${text}', which does not exist: give ${what}`);
  }
  if (!dir) throw new UserError(`'${input}' is '${text}', which is a file: give ${what}`);
  return absolute;
}

const duration = (seconds: number) => `PT${seconds}S`;

/** Every input checked before any call to Azure, files included (model.json, conda file, scoring script). */
export function parsePackageInputs(read: (name: string) => string | undefined): PackageInputs {
  const connectionId = requireConnection(read);
  const resourceGroup = parseResourceName('resourceGroupName', read('resourceGroupName'), 90);
  const workspace = parseResourceName('workspaceName', read('workspaceName'), 33);

  const source = parseChoice('modelSource', read('modelSource') ?? 'modelJson', ['modelJson', 'nameVersion', 'latest'] as const);
  let model: ModelChoice;
  if (source === 'modelJson') {
    const file = (read('modelJson') ?? '').trim();
    if (!file) throw new UserError(`'modelJson' is required: the model.json AzureMLRegisterModel@1 published`);
    model = { kind: 'modelJson', file, ...readModelJson(file) };
  } else {
    const name = parseModelName('modelName', read('modelName'));
    if (source === 'latest') model = { kind: 'latest', name };
    else {
      const version = (read('modelVersion') ?? '').trim();
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/.test(version)) throw new UserError(`'modelVersion' is '${version}': give the exact registered version, for example 3 ('latest' is its own model source, opted into explicitly)`);
      model = { kind: 'nameVersion', name, version };
    }
  }

  const envSource = parseChoice('environmentSource', read('environmentSource') ?? 'none', ['none', 'registered', 'image', 'build'] as const);
  let environment: EnvironmentChoice = { kind: 'none' };
  const environmentName = () => {
    const name = (read('environmentName') ?? '').trim() || `${model.name}-env`;
    if (!/^[A-Za-z0-9][A-Za-z0-9\-_]{0,254}$/.test(name)) throw new UserError(`'environmentName' is '${name}': use letters, digits, '-' and '_'`);
    return name;
  };
  if (envSource === 'registered') environment = { kind: 'registered', ...parseAssetRef('environment', read('environment'), 'environment') };
  if (envSource === 'image') {
    const image = (read('image') ?? '').trim();
    if (!/^[a-z0-9][a-z0-9.\-_/:@]*$/i.test(image)) throw new UserError(`'image' is '${image}': give a container image such as mcr.microsoft.com/azureml/minimal-ubuntu22.04-py39-cpu-inference:latest`);
    const condaFile = read('condaFile')?.trim() || undefined;
    environment = { kind: 'image', name: environmentName(), image, condaFile, conda: condaFile ? readText('condaFile', condaFile) : undefined };
  }
  if (envSource === 'build') {
    const context = requireFolder('buildContext', read('buildContext'), 'the Docker build context folder (it holds the Dockerfile and what it copies)');
    const dockerfilePath = (read('dockerfilePath') ?? '').trim() || 'Dockerfile';
    if (path.isAbsolute(dockerfilePath) || dockerfilePath.split(/[\\/]/).includes('..')) throw new UserError(`'dockerfilePath' is '${dockerfilePath}': give the Dockerfile's path inside 'buildContext', for example Dockerfile`);
    if (!isFile(path.join(context, dockerfilePath))) throw new UserError(`'dockerfilePath' is '${dockerfilePath}', but ${path.join(context, dockerfilePath)} does not exist; check 'buildContext' and 'dockerfilePath'`);
    environment = { kind: 'build', name: environmentName(), context, dockerfilePath: dockerfilePath.replace(/\\/g, '/') };
  }

  // scoringCode names registered code; codeFolder alone is uploaded as the code; with both, the folder is the local copy checked.
  const codeRaw = read('scoringCode')?.trim();
  const folderRaw = read('codeFolder')?.trim();
  let code: PackageInputs['code'];
  if (codeRaw || folderRaw) {
    const scoringScript = (read('scoringScript') ?? 'score.py').trim() || 'score.py';
    if (!/^[A-Za-z0-9_][A-Za-z0-9_./-]*\.py$/.test(scoringScript) || scoringScript.includes('..')) throw new UserError(`'scoringScript' is '${scoringScript}': give the entry script's path inside the code, for example score.py`);
    const folder = folderRaw ? requireFolder('codeFolder', folderRaw, 'the folder with the scoring code') : undefined;
    if (folder) {
      const script = path.join(folder, scoringScript);
      if (!isFile(script)) throw new UserError(`'scoringScript' is '${scoringScript}', but ${script} does not exist; check 'codeFolder' and 'scoringScript'`);
      const missing = missingScoringFunctions(readText('scoringScript', script));
      if (missing.length > 0) {
        throw new UserError(`'scoringScript' ${script} does not define ${missing.map((f) => `${f}()`).join(' and ')} at module level; Azure ML's inference server calls init() once and run(data) per request`);
      }
    }
    code = codeRaw ? { kind: 'registered', ...parseAssetRef('scoringCode', codeRaw, 'code'), scoringScript } : { kind: 'folder', folder: folder!, scoringScript };
  }

  const instanceType = read('instanceType')?.trim() || null;
  if (instanceType !== null && !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(instanceType)) throw new UserError(`'instanceType' is '${instanceType}': give an instance type of the Kubernetes compute (e.g. defaultinstancetype) or a VM size (e.g. Standard_DS3_v2)`);
  const timeoutMs = read('requestTimeoutMs');
  const concurrent = read('maxConcurrentRequests');
  const requestSettings: RequestSettings | null =
    timeoutMs || concurrent
      ? {
          ...(timeoutMs ? { requestTimeout: `PT${parseWholeNumber('requestTimeoutMs', timeoutMs, { min: 1, max: 180_000 }) / 1000}S` } : {}),
          ...(concurrent ? { maxConcurrentRequestsPerInstance: parseWholeNumber('maxConcurrentRequests', concurrent, { min: 1, max: 1000 }) } : {}),
        }
      : null;
  const delay = read('probeInitialDelaySeconds');
  const period = read('probePeriodSeconds');
  const failures = read('probeFailureThreshold');
  const probe: ProbeSettings | null =
    delay || period || failures
      ? {
          ...(delay ? { initialDelay: duration(parseWholeNumber('probeInitialDelaySeconds', delay, { min: 0, max: 3600, unit: 'seconds' })) } : {}),
          ...(period ? { period: duration(parseWholeNumber('probePeriodSeconds', period, { min: 1, max: 3600, unit: 'seconds' })) } : {}),
          ...(failures ? { failureThreshold: parseWholeNumber('probeFailureThreshold', failures, { min: 1, max: 1000 }) } : {}),
        }
      : null;
  const artifactName = (read('artifactName') ?? 'package').trim() || 'package';
  if (!/^[A-Za-z0-9][A-Za-z0-9._ -]{0,127}$/.test(artifactName)) throw new UserError(`'artifactName' must be a pipeline artifact name (letters, digits, '.', '-', '_', spaces), got '${artifactName}'`);
  return {
    connectionId,
    resourceGroup,
    workspace,
    model,
    environment,
    code,
    instanceType,
    requestSettings,
    probe,
    environmentVariables: parseTagLines('environmentVariables', read('environmentVariables')),
    artifactName,
  };
}
