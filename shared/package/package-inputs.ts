import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseChoice, parseWholeNumber, parseWorkspaceTarget, type WorkspaceTarget } from '../task/input-parsers';
import { UserError } from '../task/user-error';
import { AgentPaths, classifyPathInput, NO_AGENT_ROOTS, unsetVariableMessage } from '../task/agent-path-input';
import { parseModelName } from '../compare/compare-inputs';
import { parseTagLines } from '../register/register-inputs';
import type { ProbeSettings, RequestSettings } from './manifest';
import { missingScoringFunctions } from './scoring-script';

type ModelChoice =
  | { kind: 'modelJson'; file: string; name: string; version: string }
  | { kind: 'nameVersion'; name: string; version: string }
  | { kind: 'latest'; name: string };
type EnvironmentChoice =
  | { kind: 'none' }
  | { kind: 'registered'; name: string; version: string }
  | { kind: 'image'; name: string; image: string; condaFile?: string; conda?: string }
  /** A Docker build context folder, uploaded content-addressed like code; dockerfilePath is relative to it. */
  | { kind: 'build'; name: string; context: string; dockerfilePath: string };

/** Scoring code: a registered code version, or a local folder uploaded content-addressed as one. */
type CodeChoice =
  { kind: 'registered'; name: string; version: string; scoringScript: string } | { kind: 'folder'; folder: string; scoringScript: string };

export interface PackageInputs extends WorkspaceTarget {
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
  if (!m)
    throw new UserError(
      `'${input}' is '${text}': name a registered ${what} as azureml:<name>:<version>, for example azureml:${what === 'environment' ? 'credit-env:3' : 'score-code:1'}`,
    );
  return { name: m[1], version: m[2] };
}

function readText(input: string, file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    throw new UserError(
      `'${input}' is '${file}', which cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
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
    throw new UserError(
      `'modelJson' is '${file}', which has no model name and version: use the model.json AzureMLRegisterModel@1 published (download the 'model' artifact first)`,
    );
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

/**
 * A local folder input, or undefined when not set. Left empty, the agent hands over the repository
 * root: that is "not set", never "upload the whole repository".
 */
function readFolder(input: string, raw: string | undefined, what: string, paths: AgentPaths): string | undefined {
  const p = classifyPathInput(raw, 'folder', paths);
  if (p.state === 'unresolved') throw new UserError(unsetVariableMessage(input, p.value, p.macro, `set it or give ${what} directly`));
  if (p.state === 'notSet') return undefined;
  const kind = paths.kind(p.path);
  if (kind === 'missing') throw new UserError(`'${input}' is '${p.path}', which does not exist: give ${what}`);
  if (kind !== 'directory') throw new UserError(`'${input}' is '${p.path}', which is a file: give ${what}`);
  return p.path;
}

/** An optional file input (the conda file): undefined when not set. */
function readOptionalFile(input: string, raw: string | undefined, what: string, paths: AgentPaths): string | undefined {
  const p = classifyPathInput(raw, 'file', paths);
  if (p.state === 'unresolved')
    throw new UserError(unsetVariableMessage(input, p.value, p.macro, `set it, give ${what} directly, or leave it empty`));
  if (p.state === 'notSet' && p.why === 'directory')
    throw new UserError(`'${input}' is '${p.value}', a folder: give ${what}, or leave it empty`);
  return p.state === 'path' ? p.path : undefined;
}

const MODEL_JSON = 'model.json';

/** model.json in a folder, its artifact folders or their artifacts (<folder>/<alias>/<artifact>/model.json, a classic release's layout). */
function findModelJson(folder: string, skip: string[], kind: AgentPaths['kind']): string[] {
  const found: string[] = [];
  const skipped = new Set(skip.map((d) => path.resolve(d)));
  const walk = (dir: string, depth: number) => {
    const candidate = path.join(dir, MODEL_JSON);
    if (kind(candidate) === 'file') found.push(candidate);
    if (depth === 0) return;
    let names: string[];
    try {
      names = fs.readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const sub = path.join(dir, name);
      if (!name.startsWith('.') && !skipped.has(sub) && kind(sub) === 'directory') walk(sub, depth - 1);
    }
  };
  walk(folder, 2);
  return found;
}

/**
 * The model.json to package. Left empty (the agent hands over the repository root) it is looked for
 * where the job's artifacts are downloaded: Pipeline.Workspace in a YAML pipeline, the artifacts
 * directory in a classic release; a folder given is searched the same way.
 */
function readModelJsonPath(raw: string | undefined, paths: AgentPaths): string {
  const p = classifyPathInput(raw, 'file', paths);
  if (p.state === 'unresolved') {
    throw new UserError(
      unsetVariableMessage(
        'modelJson',
        p.value,
        p.macro,
        "leave 'modelJson' empty to find model.json among the job's downloaded artifacts, or give its path",
      ),
    );
  }
  if (p.state === 'path') return p.path;
  const folder = p.why === 'directory' ? path.resolve(p.value) : paths.artifactsFolder;
  if (!folder)
    throw new UserError(`'modelJson' is required: the model.json AzureMLRegisterModel@1 published (download the 'model' artifact first)`);
  const found = findModelJson(
    folder,
    paths.roots.filter((r) => path.resolve(r) !== path.resolve(folder)),
    paths.kind,
  );
  if (found.length === 1) return found[0]!;
  if (found.length === 0) {
    throw new UserError(
      `'modelJson' ${p.why === 'directory' ? `is the folder '${folder}'` : `is empty and the job's artifacts folder is '${folder}'`}, where no model.json was found (up to <artifact alias>/<artifact name>/model.json); download the 'model' artifact AzureMLRegisterModel@1 published, or give the path of model.json`,
    );
  }
  throw new UserError(
    `'modelJson' is not set to one file and ${found.length} model.json files were found under '${folder}' (${found.join(', ')}); give the path of the one to package`,
  );
}

const duration = (seconds: number) => `PT${seconds}S`;

/** Every input checked before any call to Azure, files included (model.json, conda file, scoring script). */
export function parsePackageInputs(read: (name: string) => string | undefined, paths: AgentPaths = NO_AGENT_ROOTS): PackageInputs {
  const target = parseWorkspaceTarget(read);

  const source = parseChoice('modelSource', read('modelSource') ?? 'modelJson', ['modelJson', 'nameVersion', 'latest'] as const);
  let model: ModelChoice;
  if (source === 'modelJson') {
    const file = readModelJsonPath(read('modelJson'), paths);
    model = { kind: 'modelJson', file, ...readModelJson(file) };
  } else {
    const name = parseModelName('modelName', read('modelName'));
    if (source === 'latest') model = { kind: 'latest', name };
    else {
      const version = (read('modelVersion') ?? '').trim();
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/.test(version))
        throw new UserError(
          `'modelVersion' is '${version}': give the exact registered version, for example 3 ('latest' is its own model source, opted into explicitly)`,
        );
      model = { kind: 'nameVersion', name, version };
    }
  }

  const envSource = parseChoice('environmentSource', read('environmentSource') ?? 'none', [
    'none',
    'registered',
    'image',
    'build',
  ] as const);
  let environment: EnvironmentChoice = { kind: 'none' };
  const environmentName = () => {
    const name = (read('environmentName') ?? '').trim() || `${model.name}-env`;
    if (!/^[A-Za-z0-9][A-Za-z0-9\-_]{0,254}$/.test(name))
      throw new UserError(`'environmentName' is '${name}': use letters, digits, '-' and '_'`);
    return name;
  };
  if (envSource === 'registered') environment = { kind: 'registered', ...parseAssetRef('environment', read('environment'), 'environment') };
  if (envSource === 'image') {
    const image = (read('image') ?? '').trim();
    if (!/^[a-z0-9][a-z0-9.\-_/:@]*$/i.test(image))
      throw new UserError(
        `'image' is '${image}': give a container image such as mcr.microsoft.com/azureml/minimal-ubuntu22.04-py39-cpu-inference:20250225.v1`,
      );
    const condaFile = readOptionalFile('condaFile', read('condaFile'), 'the conda file (for example deploy/conda.yml)', paths);
    environment = {
      kind: 'image',
      name: environmentName(),
      image,
      condaFile,
      conda: condaFile ? readText('condaFile', condaFile) : undefined,
    };
  }
  if (envSource === 'build') {
    const what = 'the Docker build context folder (it holds the Dockerfile and what it copies), for example deploy/docker';
    const context = readFolder('buildContext', read('buildContext'), what, paths);
    // the repository root is never taken as the context: it would upload the whole repository
    if (!context)
      throw new UserError(`'buildContext' is required with environmentSource 'build' and is empty (or the repository root): give ${what}`);
    const dockerfilePath = (read('dockerfilePath') ?? '').trim() || 'Dockerfile';
    if (path.isAbsolute(dockerfilePath) || dockerfilePath.split(/[\\/]/).includes('..'))
      throw new UserError(
        `'dockerfilePath' is '${dockerfilePath}': give the Dockerfile's path inside 'buildContext', for example Dockerfile`,
      );
    if (!isFile(path.join(context, dockerfilePath)))
      throw new UserError(
        `'dockerfilePath' is '${dockerfilePath}', but ${path.join(context, dockerfilePath)} does not exist; check 'buildContext' and 'dockerfilePath'`,
      );
    environment = { kind: 'build', name: environmentName(), context, dockerfilePath: dockerfilePath.replace(/\\/g, '/') };
  }

  // scoringCode names registered code; codeFolder alone is uploaded as the code; with both, the folder is the local copy checked.
  const codeRaw = read('scoringCode')?.trim();
  const folder = readFolder('codeFolder', read('codeFolder'), 'the folder with the scoring code', paths);
  let code: PackageInputs['code'];
  if (codeRaw || folder) {
    const scoringScript = (read('scoringScript') ?? 'score.py').trim() || 'score.py';
    if (!/^[A-Za-z0-9_][A-Za-z0-9_./-]*\.py$/.test(scoringScript) || scoringScript.includes('..'))
      throw new UserError(`'scoringScript' is '${scoringScript}': give the entry script's path inside the code, for example score.py`);
    if (folder) {
      const script = path.join(folder, scoringScript);
      if (!isFile(script))
        throw new UserError(`'scoringScript' is '${scoringScript}', but ${script} does not exist; check 'codeFolder' and 'scoringScript'`);
      const missing = missingScoringFunctions(readText('scoringScript', script));
      if (missing.length > 0) {
        throw new UserError(
          `'scoringScript' ${script} does not define ${missing.map((f) => `${f}()`).join(' and ')} at module level; Azure ML's inference server calls init() once and run(data) per request`,
        );
      }
    }
    code = codeRaw
      ? { kind: 'registered', ...parseAssetRef('scoringCode', codeRaw, 'code'), scoringScript }
      : { kind: 'folder', folder: folder!, scoringScript };
  }

  const instanceType = read('instanceType')?.trim() || null;
  if (instanceType !== null && !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(instanceType))
    throw new UserError(
      `'instanceType' is '${instanceType}': give an instance type of the Kubernetes compute (e.g. defaultinstancetype) or a VM size (e.g. Standard_DS3_v2)`,
    );
  const timeoutMs = read('requestTimeoutMs');
  const concurrent = read('maxConcurrentRequests');
  const requestSettings: RequestSettings | null =
    timeoutMs || concurrent
      ? {
          ...(timeoutMs
            ? { requestTimeout: `PT${parseWholeNumber('requestTimeoutMs', timeoutMs, { min: 1, max: 180_000 }) / 1000}S` }
            : {}),
          ...(concurrent
            ? { maxConcurrentRequestsPerInstance: parseWholeNumber('maxConcurrentRequests', concurrent, { min: 1, max: 1000 }) }
            : {}),
        }
      : null;
  const delay = read('probeInitialDelaySeconds');
  const period = read('probePeriodSeconds');
  const failures = read('probeFailureThreshold');
  const probe: ProbeSettings | null =
    delay || period || failures
      ? {
          ...(delay
            ? { initialDelay: duration(parseWholeNumber('probeInitialDelaySeconds', delay, { min: 0, max: 3600, unit: 'seconds' })) }
            : {}),
          ...(period ? { period: duration(parseWholeNumber('probePeriodSeconds', period, { min: 1, max: 3600, unit: 'seconds' })) } : {}),
          ...(failures ? { failureThreshold: parseWholeNumber('probeFailureThreshold', failures, { min: 1, max: 1000 }) } : {}),
        }
      : null;
  const artifactName = (read('artifactName') ?? 'package').trim() || 'package';
  if (!/^[A-Za-z0-9][A-Za-z0-9._ -]{0,127}$/.test(artifactName))
    throw new UserError(`'artifactName' must be a pipeline artifact name (letters, digits, '.', '-', '_', spaces), got '${artifactName}'`);
  return {
    ...target,
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
