import { createSerializer } from '@azure/core-client';
import * as Mappers from '@azure/arm-machinelearning/dist-esm/src/models/mappers';

/**
 * Checks a job PUT body the way the SDK's own model mappers see it (generated from the
 * 2022-10-01 spec): the wire body is deserialized, then serialized again, which enforces
 * required properties, types, enum-free discriminators and the spec's patterns/lengths.
 */
const serializer = createSerializer(Mappers as unknown as Record<string, unknown> as never, false);

/** JobType values of api-version 2022-10-01. */
const JOB_TYPES = ['AutoML', 'Command', 'Sweep', 'Pipeline'];

type JobBodyCheck = { ok: true; properties: Record<string, unknown> } | { ok: false; message: string };

const isObject = (value: unknown): value is Record<string, unknown> => !!value && typeof value === 'object' && !Array.isArray(value);

export function checkJobBody(body: unknown): JobBodyCheck {
  if (!isObject(body)) return { ok: false, message: 'The request body must be a JSON object with a "properties" member.' };
  const properties = body.properties;
  if (!isObject(properties))
    return { ok: false, message: "The 'properties' field is required: body.properties cannot be null or undefined." };
  if (typeof properties.jobType !== 'string' || !JOB_TYPES.includes(properties.jobType)) {
    return {
      ok: false,
      message: `The 'jobType' field must be one of ${JOB_TYPES.join(', ')}; got ${JSON.stringify(properties.jobType ?? null)}.`,
    };
  }
  for (const field of ['tags', 'properties'] as const) {
    const dictionary = properties[field];
    if (
      dictionary !== undefined &&
      dictionary !== null &&
      (!isObject(dictionary) || Object.values(dictionary).some((v) => v !== null && typeof v !== 'string'))
    ) {
      return {
        ok: false,
        message: `The '${field}' field must be a dictionary of strings: body.properties.${field} is ${JSON.stringify(dictionary)}.`,
      };
    }
  }
  try {
    const model = serializer.deserialize(Mappers.JobBase, body, 'body');
    serializer.serialize(Mappers.JobBase, model, 'body');
  } catch (error) {
    return { ok: false, message: `The request body is invalid: ${(error as Error).message}` };
  }
  return { ok: true, properties };
}

/**
 * The node fields the service types even though `properties.jobs` is untyped in the spec: a command
 * node's `distribution`, `limits` and `resources` must be the REST models (2022-10-01 mfe.json:
 * DistributionConfiguration by `distribution_type`, CommandJobLimits with an ISO 8601 `timeout`,
 * JobResourceConfiguration) in the snake_case azure-ai-ml writes them. The YAML forms a client might
 * forward by mistake (`type: pytorch`, `timeout: 7200`) are refused, as the service refuses them.
 */
const DISTRIBUTION_FIELDS: Record<string, string[]> = {
  PyTorch: ['process_count_per_instance'],
  Mpi: ['process_count_per_instance'],
  TensorFlow: ['parameter_server_count', 'worker_count'],
};
const RESOURCE_FIELDS = ['instance_count', 'instance_type', 'shm_size', 'docker_args', 'properties'];
const ISO_DURATION = /^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;
const BINDING = /^\$\{\{\s*parent\.[^}]+\}\}$/;
const isCount = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0) || (typeof v === 'string' && BINDING.test(v));

export function pipelineNodeError(jobs: unknown): string | undefined {
  if (!isObject(jobs)) return undefined;
  for (const [name, node] of Object.entries(jobs)) {
    if (!isObject(node)) return `Node '${name}' of the pipeline must be an object.`;
    const where = (field: string) => `Node '${name}' has an invalid '${field}'`;
    if (node.type === 'sweep') {
      const sweep = sweepNodeError(name, node);
      if (sweep) return sweep;
    }
    if (node.type === 'parallel') {
      const parallel = parallelNodeError(name, node);
      if (parallel) return parallel;
    }
    const d = node.distribution;
    if (d !== undefined && d !== null) {
      const type = isObject(d) ? d.distribution_type : undefined;
      if (typeof type !== 'string' || !(type in DISTRIBUTION_FIELDS)) {
        return `${where('distribution')}: 'distribution_type' must be one of ${Object.keys(DISTRIBUTION_FIELDS).join(', ')}; got ${JSON.stringify(d)}.`;
      }
      for (const [k, v] of Object.entries(d as Record<string, unknown>)) {
        if (k === 'distribution_type' || v === null) continue;
        if (!DISTRIBUTION_FIELDS[type].includes(k)) return `${where('distribution')}: a ${type} distribution has no field '${k}'.`;
        if (!isCount(v)) return `${where('distribution')}: '${k}' must be an integer; got ${JSON.stringify(v)}.`;
      }
    }
    const l = node.limits;
    if (node.type !== 'sweep' && l !== undefined && l !== null) {
      if (!isObject(l) || l.job_limits_type !== 'Command')
        return `${where('limits')}: 'job_limits_type' must be 'Command' for a command node; got ${JSON.stringify(l)}.`;
      for (const [k, v] of Object.entries(l)) {
        if (k === 'job_limits_type' || v === null) continue;
        if (k !== 'timeout') return `${where('limits')}: command limits have no field '${k}'.`;
        if (typeof v !== 'string' || !(ISO_DURATION.test(v) || BINDING.test(v)))
          return `${where('limits')}: 'timeout' must be an ISO 8601 duration such as PT2H; got ${JSON.stringify(v)}.`;
      }
    }
    const r = node.resources;
    if (r !== undefined && r !== null) {
      if (!isObject(r)) return `${where('resources')}: it must be an object; got ${JSON.stringify(r)}.`;
      for (const [k, v] of Object.entries(r)) {
        if (v === null) continue;
        if (!RESOURCE_FIELDS.includes(k)) return `${where('resources')}: no field '${k}'; fields: ${RESOURCE_FIELDS.join(', ')}.`;
        if (k === 'instance_count' && !isCount(v))
          return `${where('resources')}: 'instance_count' must be an integer; got ${JSON.stringify(v)}.`;
        if (k === 'shm_size' && (typeof v !== 'string' || !/^\d+[bBkKmMgG]$/.test(v)))
          return `${where('resources')}: 'shm_size' must be a number with a unit b, k, m or g (such as 2g); got ${JSON.stringify(v)}.`;
      }
    }
  }
  return undefined;
}

/**
 * A sweep node as the service reads it. azure-ai-ml (entities/_builders/sweep.py) sends the sweep
 * fields from its YAML schema dump (ParameterizedSweepSchema: `sampling_algorithm: random`,
 * `objective: {goal, primary_metric}`, `limits` in seconds, `search_space: {x: {type, …}}`) and
 * only `early_termination` as the REST model (`policy_type: Bandit`), "because only early
 * termination does not follow the yaml schema" on the service side; the trial is
 * `trial: {componentId}`. The standalone SweepJob's camelCase REST forms (mfe.json 2022-10-01
 * SweepJob: `samplingAlgorithm: {samplingAlgorithmType}`, `limits: {jobLimitsType: Sweep}`) are not
 * what a pipeline node carries, and are refused like any other unknown shape. Required as in
 * ParameterizedSweepSchema and SweepJob: objective, limits, sampling_algorithm, search_space, trial.
 */
const SAMPLING = ['random', 'grid', 'bayesian'];
const SEARCH_SPACE: Record<string, string[]> = {
  choice: ['values'],
  uniform: ['min_value', 'max_value'],
  loguniform: ['min_value', 'max_value'],
  quniform: ['min_value', 'max_value', 'q'],
  qloguniform: ['min_value', 'max_value', 'q'],
  normal: ['mu', 'sigma'],
  lognormal: ['mu', 'sigma'],
  qnormal: ['mu', 'sigma', 'q'],
  qlognormal: ['mu', 'sigma', 'q'],
  randint: ['upper'],
};
const POLICY_FIELDS: Record<string, string[]> = {
  Bandit: ['delay_evaluation', 'evaluation_interval', 'slack_amount', 'slack_factor'],
  MedianStopping: ['delay_evaluation', 'evaluation_interval'],
  TruncationSelection: ['delay_evaluation', 'evaluation_interval', 'truncation_percentage'],
};
const SWEEP_LIMITS = ['max_total_trials', 'max_concurrent_trials', 'timeout', 'trial_timeout'];
const isPositiveInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0;

function sweepNodeError(name: string, node: Record<string, unknown>): string | undefined {
  const where = (field: string) => `Sweep node '${name}' has an invalid '${field}'`;
  const missing = (field: string) => `Sweep node '${name}' is missing the required field '${field}'.`;
  for (const field of ['trial', 'objective', 'limits', 'sampling_algorithm', 'search_space'])
    if (node[field] === undefined || node[field] === null) return missing(field);

  const trial = node.trial;
  if (!isObject(trial) || typeof trial.componentId !== 'string' || trial.componentId === '')
    return `${where('trial')}: it must be {"componentId": "<component version id>"}; got ${JSON.stringify(trial)}.`;

  const o = node.objective;
  if (!isObject(o) || typeof o.goal !== 'string' || !['minimize', 'maximize'].includes(o.goal.toLowerCase()))
    return `${where('objective')}: 'goal' must be minimize or maximize; got ${JSON.stringify(o)}.`;
  if (typeof o.primary_metric !== 'string' || o.primary_metric === '')
    return `${where('objective')}: 'primary_metric' is required; got ${JSON.stringify(o)}.`;

  const s = node.sampling_algorithm;
  const samplingType = typeof s === 'string' ? s : isObject(s) && typeof s.type === 'string' ? s.type : undefined;
  if (samplingType === undefined || !SAMPLING.includes(samplingType.toLowerCase()))
    return `${where('sampling_algorithm')}: it must be one of ${SAMPLING.join(', ')} (or {"type": …}); got ${JSON.stringify(s)}.`;
  if (isObject(s)) {
    for (const k of Object.keys(s)) if (!['type', 'seed', 'rule'].includes(k)) return `${where('sampling_algorithm')}: no field '${k}'.`;
  }

  const space = node.search_space;
  if (!isObject(space) || Object.keys(space).length === 0)
    return `${where('search_space')}: it must map input names to distributions; got ${JSON.stringify(space)}.`;
  for (const [key, d] of Object.entries(space)) {
    const type = isObject(d) && typeof d.type === 'string' ? d.type.toLowerCase() : undefined;
    if (type === undefined || !(type in SEARCH_SPACE))
      return `${where('search_space')}: '${key}' must have a type among ${Object.keys(SEARCH_SPACE).join(', ')}; got ${JSON.stringify(d)}.`;
    for (const f of SEARCH_SPACE[type])
      if ((d as Record<string, unknown>)[f] === undefined) return `${where('search_space')}: '${key}' (${type}) needs '${f}'.`;
    for (const f of Object.keys(d as object))
      if (f !== 'type' && !SEARCH_SPACE[type].includes(f)) return `${where('search_space')}: '${key}' (${type}) has no field '${f}'.`;
  }

  const l = node.limits;
  if (!isObject(l)) return `${where('limits')}: it must be an object; got ${JSON.stringify(l)}.`;
  for (const [k, v] of Object.entries(l)) {
    if (v === null) continue;
    if (!SWEEP_LIMITS.includes(k)) return `${where('limits')}: sweep limits have no field '${k}'; fields: ${SWEEP_LIMITS.join(', ')}.`;
    if (!isPositiveInt(v))
      return `${where('limits')}: '${k}' must be a positive integer${k.endsWith('timeout') ? ' (seconds)' : ''}; got ${JSON.stringify(v)}.`;
  }

  const e = node.early_termination;
  if (e !== undefined && e !== null) {
    const policy = isObject(e) ? e.policy_type : undefined;
    if (typeof policy !== 'string' || !(policy in POLICY_FIELDS))
      return `${where('early_termination')}: 'policy_type' must be one of ${Object.keys(POLICY_FIELDS).join(', ')}; got ${JSON.stringify(e)}.`;
    for (const [k, v] of Object.entries(e as Record<string, unknown>)) {
      if (k === 'policy_type' || v === null) continue;
      if (!POLICY_FIELDS[policy].includes(k)) return `${where('early_termination')}: a ${policy} policy has no field '${k}'.`;
      if (typeof v !== 'number') return `${where('early_termination')}: '${k}' must be a number; got ${JSON.stringify(v)}.`;
    }
  }
  for (const field of ['distribution', 'componentId'])
    if (node[field] !== undefined && node[field] !== null)
      return `Sweep node '${name}' has '${field}', which a sweep node does not take (the trial component carries it).`;
  return undefined;
}

/**
 * A parallel node as the service reads it. azure-ai-ml (entities/_builders/parallel.py
 * Parallel._to_rest_object) sends the parallel fields in the YAML schema's form: `task: {type:
 * run_function, code, entry_script, program_arguments, append_row_to, environment}`,
 * `retry_settings: {max_retries, timeout}` in seconds, `mini_batch_size` as an integer (the YAML's
 * "10kb" already converted to bytes), `logging_level` DEBUG/INFO/WARNING, `partition_keys` as a JSON
 * string, beside `componentId`. The batch-deployment REST forms a client might borrow (mfe.json
 * 2022-10-01 BatchDeployment: `retrySettings: {maxRetries, timeout: "PT30S"}`, `miniBatchSize`,
 * `loggingLevel: "Info"`) and the YAML's unconverted sizes are refused like any unknown shape.
 * Whether `mini_batch_size` and `task` are present is checked with the component
 * (parallelRequiredError): a node may inherit them from it.
 */
const LOGGING_LEVELS = ['DEBUG', 'INFO', 'WARNING'];
const PARALLEL_TASK_FIELDS = ['type', 'code', 'entry_script', 'program_arguments', 'model', 'append_row_to', 'environment'];
const isInt = (v: unknown, min: number) =>
  (typeof v === 'number' && Number.isInteger(v) && v >= min) || (typeof v === 'string' && BINDING.test(v));

function parallelNodeError(name: string, node: Record<string, unknown>): string | undefined {
  const where = (field: string) => `Parallel node '${name}' has an invalid '${field}'`;
  if (typeof node.componentId !== 'string' || node.componentId === '')
    return `Parallel node '${name}' is missing the required field 'componentId'.`;
  for (const field of ['trial', 'distribution', 'limits']) {
    if (node[field] !== undefined && node[field] !== null)
      return `Parallel node '${name}' has '${field}', which a parallel node does not take.`;
  }
  const present = (field: string) => node[field] !== undefined && node[field] !== null;

  if (present('mini_batch_size') && !isInt(node.mini_batch_size, 1)) {
    return `${where('mini_batch_size')}: it must be a positive integer (files per mini-batch, or bytes for tabular data); got ${JSON.stringify(node.mini_batch_size)}.`;
  }
  if (present('retry_settings')) {
    const r = node.retry_settings;
    if (!isObject(r))
      return `${where('retry_settings')}: it must be an object with max_retries and timeout (seconds); got ${JSON.stringify(r)}.`;
    for (const [k, v] of Object.entries(r)) {
      if (v === null) continue;
      if (k !== 'max_retries' && k !== 'timeout') return `${where('retry_settings')}: no field '${k}'; fields: max_retries, timeout.`;
      if (!isInt(v, k === 'timeout' ? 1 : 0))
        return `${where('retry_settings')}: '${k}' must be an integer${k === 'timeout' ? ' (seconds)' : ''}; got ${JSON.stringify(v)}.`;
    }
  }
  if (present('logging_level') && !LOGGING_LEVELS.includes(node.logging_level as string)) {
    return `${where('logging_level')}: it must be one of ${LOGGING_LEVELS.join(', ')}; got ${JSON.stringify(node.logging_level)}.`;
  }
  const ints: Array<[string, number]> = [
    ['max_concurrency_per_instance', 1],
    ['error_threshold', -1],
    ['mini_batch_error_threshold', -1],
  ];
  for (const [field, min] of ints) {
    if (present(field) && !isInt(node[field], min))
      return `${where(field)}: it must be an integer of at least ${min}; got ${JSON.stringify(node[field])}.`;
  }
  if (present('input_data') && typeof node.input_data !== 'string')
    return `${where('input_data')}: it must be an \${{inputs.<name>}} expression; got ${JSON.stringify(node.input_data)}.`;
  if (present('partition_keys') && (typeof node.partition_keys !== 'string' || !isJsonList(node.partition_keys))) {
    return `${where('partition_keys')}: it must be a JSON list in a string (as json.dumps writes it); got ${JSON.stringify(node.partition_keys)}.`;
  }
  if (present('environment_variables')) {
    const e = node.environment_variables;
    if (!isObject(e) || Object.values(e).some((v) => typeof v !== 'string'))
      return `${where('environment_variables')}: it must map names to strings; got ${JSON.stringify(e)}.`;
  }
  if (present('task')) {
    const t = node.task;
    if (!isObject(t)) return `${where('task')}: it must be an object; got ${JSON.stringify(t)}.`;
    if (t.type !== 'run_function') return `${where('task')}: 'type' must be run_function; got ${JSON.stringify(t.type ?? null)}.`;
    for (const [k, v] of Object.entries(t)) {
      if (!PARALLEL_TASK_FIELDS.includes(k)) return `${where('task')}: no field '${k}'; fields: ${PARALLEL_TASK_FIELDS.join(', ')}.`;
      if (v !== null && typeof v !== 'string') return `${where('task')}: '${k}' must be a string; got ${JSON.stringify(v)}.`;
    }
    if (typeof t.environment !== 'string' || t.environment === '') return `${where('task')}: 'environment' is required.`;
  }
  return undefined;
}

function isJsonList(text: string): boolean {
  try {
    return Array.isArray(JSON.parse(text));
  } catch {
    return false;
  }
}

/**
 * What a parallel node needs once its component is known: a parallel component, a task and a
 * mini_batch_size (or partition_keys), each from the node or, where the node leaves it out, the component.
 */
export function parallelRequiredError(
  name: string,
  node: Record<string, unknown>,
  spec: Record<string, unknown> | undefined,
): string | undefined {
  if (!spec) return undefined;
  const type = typeof spec.type === 'string' ? spec.type : 'command';
  if (type !== 'parallel')
    return `Parallel node '${name}' runs component ${String(node.componentId)}, which is a '${type}' component; a parallel node runs a parallel component.`;
  const has = (field: string) => (node[field] !== undefined && node[field] !== null) || (spec[field] !== undefined && spec[field] !== null);
  if (!has('task')) return `Parallel node '${name}' is missing the required field 'task'.`;
  if (!has('mini_batch_size') && !has('partition_keys')) return `Parallel node '${name}' is missing the required field 'mini_batch_size'.`;
  return undefined;
}
