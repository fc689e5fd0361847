import { createHash } from 'node:crypto';
import { UserError } from '../task/user-error';
import { MODEL_SOURCE_PROPERTY } from '../compare/production';

/**
 * Where a model's files are: a job output (`azureml://jobs/<job>/outputs/<output>[/paths/<path>]`,
 * the form azure-ai-ml and `az ml model create --path` use) or any other `azureml://` URI. Pure.
 */
export interface ModelSource {
  uri: string;
  /** The job that produced the model, when the URI names one. */
  jobName?: string;
  outputName?: string;
}

/** Outputs every job has without declaring them: `artifacts` (what MLflow logs) and `default`. */
export const IMPLICIT_OUTPUTS = ['artifacts', 'default'];

export function jobOutputUri(jobName: string, outputName: string, pathInOutput?: string): string {
  const p = normalisePath(pathInOutput);
  return `azureml://jobs/${jobName}/outputs/${outputName}${p ? `/paths/${p}` : ''}`;
}

/** Slashes trimmed and collapsed, so `model/`, `/model` and `model` name the same folder (and the same idempotency key). */
function normalisePath(path: string | undefined): string {
  return (path ?? '')
    .trim()
    .replace(/\\/g, '/')
    .split('/')
    .filter((s) => s !== '' && s !== '.')
    .join('/');
}

export function parsePathInOutput(raw: string | undefined): string | undefined {
  const p = normalisePath(raw);
  if (p.split('/').includes('..')) throw new UserError(`'pathInOutput' is '${raw}': a path inside the job output may not contain '..'`);
  return p || undefined;
}

const JOB_URI = /^azureml:\/\/jobs\/([^/]+)\/outputs\/([^/]+)(?:\/paths(?:\/(.*))?)?$/i;

export function parseModelUri(input: string, raw: string | undefined): ModelSource {
  const text = (raw ?? '').trim();
  if (!/^azureml:\/\/\S+$/i.test(text)) {
    throw new UserError(
      `'${input}' is '${raw ?? ''}', which is not an azureml:// URI: use azureml://jobs/<job>/outputs/<output>/paths/<path> or azureml://datastores/<datastore>/paths/<path>`,
    );
  }
  const m = JOB_URI.exec(text);
  if (m) return { uri: jobOutputUri(m[1], m[2], m[3]), jobName: m[1], outputName: m[2] };
  return { uri: text.replace(/\/+$/, '') };
}

/**
 * The idempotency key stored on every version we register (as an immutable property): a hash of the
 * source URI, because tag/property filters split on ',' and '=' and URIs may hold either.
 */
export function sourceKey(uri: string): string {
  return createHash('sha256').update(uri).digest('hex').slice(0, 40);
}

/** Shared with the compare task, which passes over versions registered from the candidate job. */
export const SOURCE_PROPERTY = MODEL_SOURCE_PROPERTY;
export const SOURCE_KEY_PROPERTY = 'azdo.modelSourceKey';
