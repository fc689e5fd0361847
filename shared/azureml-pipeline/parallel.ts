import { UserError } from '../task/user-error';
import { isYamlScalar, PyFloat, PyTimestamp } from './yaml-file';

/**
 * A `type: parallel` step's settings and `task`, read from the YAML users write and written in the
 * forms azure-ai-ml sends (sdk/ml/azure-ai-ml in Azure/azure-sdk-for-python):
 *
 * - The anonymous component is a ParallelComponent, sent as its schema dump
 *   (_schema/component/parallel_component.py ParallelComponentSchema): `type: parallel`, the
 *   `task` (ComponentParallelTaskSchema: type, code, entry_script, program_arguments,
 *   append_row_to, environment), `mini_batch_size` as a string (a marshmallow Str field over the
 *   entity's int: "10kb" → "10240"), `retry_settings: {timeout, max_retries}` in seconds
 *   (RetrySettingsSchema), logging_level, max_concurrency_per_instance, error_threshold,
 *   mini_batch_error_threshold, input_data, resources.
 * - The node (entities/_builders/parallel.py Parallel._to_rest_object) picks type, resources,
 *   error_threshold, mini_batch_error_threshold, environment_variables,
 *   max_concurrency_per_instance, task and input_data from its schema dump, then sets
 *   componentId, retry_settings (RetrySettings._to_rest_object is its schema dump, so still
 *   seconds), logging_level, mini_batch_size as the entity's int, partition_keys as json.dumps of
 *   the list, identity and resources. azure-ai-ml's own expectation of such a node:
 *   tests/dsl/unittests/test_dsl_pipeline.py (test_pipeline_with_parallel_job,
 *   test_pipeline_with_parallel_function_inside: `"mini_batch_size": 5`, `"task": {"type":
 *   "run_function", "code": …, "entry_script": "score.py", "environment": "azureml:…"}`).
 *
 * Required here: a run_function `task` and, unless `partition_keys` split the data, a
 * `mini_batch_size` (on the step or its component; azure-ai-ml's schemas mark neither, the parallel
 * job reference documents task as required; mini_batch_size is inferred from the service, which
 * cannot split the input without one or the other).
 */

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj =>
  !!v && typeof v === 'object' && !Array.isArray(v) && !isYamlScalar(v) && !(v instanceof PyTimestamp);

/**
 * ParallelTaskType in azure-ai-ml also lists `model` and `function`, but the parallel job reference
 * says "Only applicable for run_function by now", and those have no meaning for the service's
 * parallel run step: refused rather than sent.
 */
const PARALLEL_TASK_TYPES = ['run_function'] as const;
/** LoggingLevel values; the schemas compare them exactly (DumpableEnumField, casing kept). */
const LOGGING_LEVELS = ['DEBUG', 'INFO', 'WARNING'];
/** The documented range of retry_settings.timeout, (0, 259200] seconds (reference-yaml-job-parallel). */
const MAX_RETRY_TIMEOUT = 259200;

/** The task fields besides code and environment (those are read and resolved like a command component's). */
export interface ParallelTask {
  type: (typeof PARALLEL_TASK_TYPES)[number];
  entry_script?: string;
  program_arguments?: string;
  append_row_to?: string;
}

/** Settings of a parallel step or component, typed as azure-ai-ml's entity holds them. */
export interface ParallelSettings {
  /** Files per mini-batch, or bytes for tabular input ("10kb" → 10240), as Parallel.__init__ converts it. */
  mini_batch_size?: number;
  partition_keys?: string[];
  /** `${{inputs.<name>}}`: the input split into mini-batches. */
  input_data?: string;
  retry_settings?: { max_retries?: number; timeout?: number };
  logging_level?: string;
  max_concurrency_per_instance?: number;
  error_threshold?: number;
  mini_batch_error_threshold?: number;
}

const text = (v: unknown) => (v instanceof PyFloat ? v.toString() : typeof v === 'string' ? v : JSON.stringify(v));

/** A whole number as marshmallow's Integer field takes it: an int, an integral float, or digits in a string. */
function wholeNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (v instanceof PyFloat && Number.isInteger(v.value)) return v.value;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v.trim());
  return undefined;
}

/** `mini_batch_size` as Parallel.__init__ converts it: digits, or digits with kb/mb/gb (any case) → bytes. */
export function miniBatchSize(raw: unknown, where: string): number {
  const fail = () =>
    new UserError(
      `${where} 'mini_batch_size' must be a number of files (for example 10) or a data size such as 100kb, 10mb or 1gb, got '${text(raw)}'.`,
    );
  let n: number | undefined;
  if (typeof raw === 'number') n = Number.isInteger(raw) ? raw : undefined;
  else if (typeof raw === 'string') {
    const m = /^(\d+)([kKmMgG][bB])?$/.exec(raw.trim());
    if (m) n = Number(m[1]) * (m[2] ? 1024 ** ('kmg'.indexOf(m[2][0].toLowerCase()) + 1) : 1);
  }
  // A mini-batch of nothing cannot be scheduled; the regex azure-ai-ml applies allows 0, the service does not (inferred).
  if (n === undefined || n <= 0 || !Number.isSafeInteger(n)) throw fail();
  return n;
}

/** The parallel settings written on a step or in a parallel component file; absent ones stay undefined. */
export function readParallelSettings(raw: Obj, where: string): ParallelSettings {
  const out: ParallelSettings = {};
  const present = (k: string) => raw[k] !== undefined && raw[k] !== null;
  if (present('mini_batch_size')) out.mini_batch_size = miniBatchSize(raw.mini_batch_size, where);
  if (present('partition_keys')) {
    const keys = raw.partition_keys;
    if (!Array.isArray(keys) || keys.length === 0 || keys.some((k) => typeof k !== 'string' || k.trim() === '')) {
      throw new UserError(`${where} 'partition_keys' must be a list of column names, got '${text(keys)}'.`);
    }
    out.partition_keys = keys as string[];
  }
  if (present('input_data')) {
    const v = raw.input_data;
    if (typeof v !== 'string' || !/^\$\{\{\s*inputs\.[A-Za-z0-9_]+\s*\}\}$/.test(v.trim())) {
      throw new UserError(`${where} 'input_data' must name one of its inputs as \${{inputs.<name>}}, got '${text(v)}'.`);
    }
    out.input_data = v.trim();
  }
  if (present('retry_settings')) out.retry_settings = readRetrySettings(raw.retry_settings, where);
  if (present('logging_level')) {
    const v = raw.logging_level;
    if (typeof v !== 'string' || !LOGGING_LEVELS.includes(v))
      throw new UserError(`${where} has 'logging_level: ${text(v)}'; logging levels: ${LOGGING_LEVELS.join(', ')}.`);
    out.logging_level = v;
  }
  const ints: Array<['max_concurrency_per_instance' | 'error_threshold' | 'mini_batch_error_threshold', number, string]> = [
    ['max_concurrency_per_instance', 1, 'a whole number of processes per node, at least 1'],
    ['error_threshold', -1, 'a whole number of failed items, or -1 to ignore every failure'],
    ['mini_batch_error_threshold', -1, 'a whole number of failed mini-batches, or -1 to ignore every failure'],
  ];
  for (const [key, min, what] of ints) {
    if (!present(key)) continue;
    const n = wholeNumber(raw[key]);
    if (n === undefined || n < min) throw new UserError(`${where} '${key}' must be ${what}, got '${text(raw[key])}'.`);
    out[key] = n;
  }
  return out;
}

function readRetrySettings(raw: unknown, where: string): { max_retries?: number; timeout?: number } {
  if (!isObject(raw)) throw new UserError(`${where} 'retry_settings' must be a mapping with 'max_retries' and 'timeout' (seconds).`);
  const out: { max_retries?: number; timeout?: number } = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === null || value === undefined) continue;
    if (key === 'timeout') {
      const n = wholeNumber(value);
      // marshmallow's Integer would truncate 1.5 to 1 and run with a timeout the user did not write: refused instead.
      if (n === undefined || n <= 0 || n > MAX_RETRY_TIMEOUT) {
        throw new UserError(
          `${where} 'retry_settings.timeout' must be a whole number of seconds from 1 to ${MAX_RETRY_TIMEOUT} (for example 60), got '${text(value)}'.`,
        );
      }
      out.timeout = n;
    } else if (key === 'max_retries') {
      const n = wholeNumber(value);
      if (n === undefined || n < 0)
        throw new UserError(`${where} 'retry_settings.max_retries' must be a whole number, got '${text(value)}'.`);
      out.max_retries = n;
    } else {
      throw new UserError(`${where} has 'retry_settings.${key}'; retry settings are max_retries and timeout (seconds).`);
    }
  }
  return out;
}

/** The `task` of a parallel step or component, without code and environment; `where` is "Step 'x' in file". */
export function readParallelTask(raw: unknown, where: string, what: 'step' | 'component' = 'step'): ParallelTask {
  if (raw === undefined || raw === null) {
    throw new UserError(
      `${where} is a parallel ${what} without 'task': give a run_function task with 'code', 'entry_script' and 'environment'.`,
    );
  }
  if (!isObject(raw))
    throw new UserError(
      `${where} 'task' must be a mapping (type: run_function, code, entry_script, environment, program_arguments, append_row_to).`,
    );
  const known = PARALLEL_TASK_TYPES.join(', ');
  // ComponentParallelTaskSchema.type is required; the reference documents run_function as its default.
  const type = raw.type === undefined || raw.type === null ? 'run_function' : raw.type;
  if (!(PARALLEL_TASK_TYPES as readonly unknown[]).includes(type)) {
    throw new UserError(`${where} has 'task.type: ${text(type)}', which Azure ML does not run; parallel task types: ${known}.`);
  }
  const fields = ['type', 'code', 'environment', 'entry_script', 'program_arguments', 'append_row_to'];
  const out: ParallelTask = { type: 'run_function' };
  for (const [key, value] of Object.entries(raw)) {
    if (!fields.includes(key))
      throw new UserError(`${where} has 'task.${key}', which a run_function task does not take; its fields: ${fields.join(', ')}.`);
    if (key === 'type' || key === 'code' || key === 'environment' || value === null || value === undefined) continue;
    if (typeof value !== 'string' || value.trim() === '') throw new UserError(`${where} 'task.${key}' must be text, got '${text(value)}'.`);
    out[key as 'entry_script' | 'program_arguments' | 'append_row_to'] = value;
  }
  if (!out.entry_script)
    throw new UserError(`${where} has a run_function task without 'entry_script' (the Python file with init() and run()).`);
  if (out.append_row_to !== undefined && !/^\$\{\{\s*outputs\.[A-Za-z0-9_]+\s*\}\}$/.test(out.append_row_to.trim())) {
    throw new UserError(`${where} 'task.append_row_to' must name one of its outputs as \${{outputs.<name>}}, got '${out.append_row_to}'.`);
  }
  return out;
}

/** The input `input_data` names, or the output `append_row_to` names. */
export const boundName = (expression: string) => /\.\s*([A-Za-z0-9_]+)\s*\}\}$/.exec(expression)?.[1] ?? '';

/** The task as both the component spec and the node carry it: code and environment as resolved ids with `azureml:` (ParallelTask schema dump of the resolved entity). */
export function parallelTaskBody(task: ParallelTask, refs: { codeId?: string; environment: string }): Obj {
  return defined({
    type: task.type,
    code: refs.codeId ? `azureml:${refs.codeId}` : undefined,
    entry_script: task.entry_script,
    program_arguments: task.program_arguments,
    append_row_to: task.append_row_to,
    environment: refs.environment,
  });
}

/** Component-spec form (ParallelComponentSchema dump): mini_batch_size as a string, the rest as read. */
export function parallelComponentFields(s: ParallelSettings): Obj {
  return defined({
    mini_batch_size: s.mini_batch_size === undefined ? undefined : String(s.mini_batch_size),
    partition_keys: s.partition_keys,
    input_data: s.input_data,
    retry_settings: s.retry_settings,
    logging_level: s.logging_level,
    max_concurrency_per_instance: s.max_concurrency_per_instance,
    error_threshold: s.error_threshold,
    mini_batch_error_threshold: s.mini_batch_error_threshold,
  });
}

/**
 * What a node takes from its (local) component when the step leaves it out: Parallel.__init__
 * falls back to the component for these, not for logging_level or error_threshold.
 */
const INHERITED: Array<keyof ParallelSettings> = [
  'retry_settings',
  'input_data',
  'max_concurrency_per_instance',
  'mini_batch_error_threshold',
  'mini_batch_size',
  'partition_keys',
];

export function effectiveNodeSettings(own: ParallelSettings, component: ParallelSettings | undefined): ParallelSettings {
  const out: ParallelSettings = { ...own };
  for (const key of INHERITED) if (out[key] === undefined && component?.[key] !== undefined) (out as Obj)[key] = component[key];
  return out;
}

/** Python's json.dumps of a list of strings (", " between items, non-ASCII escaped): how the node carries partition_keys. */
export function pythonJsonList(items: string[]): string {
  const escape = (s: string) => JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `[${items.map(escape).join(', ')}]`;
}

/** Node-form fields (Parallel._to_rest_object): mini_batch_size as the int, partition_keys as a JSON string. */
export function parallelNodeFields(s: ParallelSettings): Obj {
  return defined({
    error_threshold: s.error_threshold,
    mini_batch_error_threshold: s.mini_batch_error_threshold,
    max_concurrency_per_instance: s.max_concurrency_per_instance,
    input_data: s.input_data,
    retry_settings: s.retry_settings,
    logging_level: s.logging_level,
    mini_batch_size: s.mini_batch_size,
    partition_keys: s.partition_keys ? pythonJsonList(s.partition_keys) : undefined,
  });
}

/** A parallel step must say how to split its input: mini_batch_size, or partition_keys. */
export function requireMiniBatchSize(s: ParallelSettings, where: string): void {
  if (s.mini_batch_size === undefined && s.partition_keys === undefined) {
    throw new UserError(
      `${where} is a parallel step without 'mini_batch_size': give the number of files (for example 10) or the data size (for example 10mb) each run() call gets, or 'partition_keys'.`,
    );
  }
}

function defined(o: Obj): Obj {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
