import { parseChoice, parseJobName, parseResourceName, parseWorkspaceTarget, type WorkspaceTarget } from '../task/input-parsers';
import { UserError } from '../task/user-error';
import { parseModelName } from '../compare/compare-inputs';
import { jobOutputUri, ModelSource, parseModelUri, parsePathInOutput } from './model-source';

const MODEL_TYPES = ['mlflow_model', 'custom_model', 'triton_model'] as const;
type ModelType = (typeof MODEL_TYPES)[number];

export interface RegisterInputs extends WorkspaceTarget {
  source: ModelSource;
  /** The job whose completion and outputs are checked (the job output's job, or the one a URI names). */
  jobName?: string;
  outputName?: string;
  modelName: string;
  modelType: ModelType;
  description?: string;
  tags: Record<string, string>;
  /** undefined = next version. */
  version?: string;
  /** Step whose MLflow metrics become metric.* tags (else the job's own, or the compare step's). */
  metricsStepName?: string;
  artifactName: string;
}

/** Explicit versions: what Azure ML accepts in the URL segment, kept simple (no '/', no spaces). */
const VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/;

/** `key=value` per line (blank lines and `#` comments ignored): the user's extra tags. */
export function parseTagLines(input: string, raw: string | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  (raw ?? '').split(/\r?\n/).forEach((line, index) => {
    const text = line.trim();
    if (text === '' || text.startsWith('#')) return;
    const eq = text.indexOf('=');
    const key = eq < 0 ? '' : text.slice(0, eq).trim();
    if (key === '') throw new UserError(`'${input}' line ${index + 1} is '${text}': write one tag per line as key=value`);
    if (key.startsWith('azdo.') || key.startsWith('metric.') || key.startsWith('compare.')) {
      throw new UserError(
        `'${input}' line ${index + 1} sets '${key}', a tag this task writes itself (azdo.*, metric.*, compare.*); choose another key`,
      );
    }
    tags[key] = text.slice(eq + 1).trim();
  });
  return tags;
}

/** Validates every input before any call to Azure, so a typo fails in milliseconds with one clear line. */
export function parseRegisterInputs(read: (name: string) => string | undefined): RegisterInputs {
  const target = parseWorkspaceTarget(read);
  const modelSource = parseChoice('modelSource', read('modelSource') ?? 'jobOutput', ['jobOutput', 'uri'] as const);
  let source: ModelSource;
  if (modelSource === 'uri') {
    source = parseModelUri('modelUri', read('modelUri'));
  } else {
    const jobName = parseJobName(read('jobName'));
    const outputName = parseResourceName('outputName', read('outputName') ?? 'model', 255);
    source = { uri: jobOutputUri(jobName, outputName, parsePathInOutput(read('pathInOutput'))), jobName, outputName };
  }
  const modelName = parseModelName('modelName', read('modelName'));
  const modelType = parseChoice('modelType', read('modelType') ?? 'mlflow_model', MODEL_TYPES);
  const versionRaw = (read('version') ?? 'auto').trim();
  let version: string | undefined;
  if (versionRaw !== '' && versionRaw.toLowerCase() !== 'auto') {
    if (!VERSION.test(versionRaw)) {
      throw new UserError(
        `'version' must be 'auto' or a version such as 3 (letters, digits, '.', '-', '_', at most 50 characters), got '${versionRaw}'`,
      );
    }
    version = versionRaw;
  }
  const metricsStep = read('metricsStepName')?.trim();
  const artifactName = (read('artifactName') ?? 'model').trim() || 'model';
  if (!/^[A-Za-z0-9][A-Za-z0-9._ -]{0,127}$/.test(artifactName)) {
    throw new UserError(`'artifactName' must be a build artifact name (letters, digits, '.', '-', '_', spaces), got '${artifactName}'`);
  }
  return {
    ...target,
    source,
    jobName: source.jobName,
    outputName: source.outputName,
    modelName,
    modelType,
    description: read('description')?.trim() || undefined,
    tags: parseTagLines('tags', read('tags')),
    version,
    metricsStepName: metricsStep ? parseResourceName('metricsStepName', metricsStep, 255) : undefined,
    artifactName,
  };
}
