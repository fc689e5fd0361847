import { UserError } from '../task/user-error';
import { isYamlScalar, jsonSafe, PyFloat, PyTimestamp } from './yaml-file';

/**
 * A `type: sweep` step's own settings, read from the YAML users write and kept in the form
 * azure-ai-ml puts on the pipeline node.
 *
 * What azure-ai-ml sends (entities/_builders/sweep.py Sweep._to_rest_object, base_node.py
 * BaseNode._to_rest_object): the node's `limits`, `sampling_algorithm`, `objective`,
 * `search_space`, `queue_settings` and `resources` are picked from the node's *schema dump*
 * (ParameterizedSweepSchema, i.e. the YAML form, lower-case enums, timeouts in seconds), while
 * `early_termination` alone is the REST model's snake_case attributes (`policy_type: Bandit`,
 * defaults filled in by the entity): "only early termination policy does not follow yaml schema
 * now". The trial is `trial: {componentId}` (no node-level componentId). azure-ai-ml's own
 * expectation of such a node is tests/dsl/unittests/test_dsl_pipeline.py
 * (test_dsl_pipeline_sweep_node: `"sampling_algorithm": "random"`, `"objective": {"goal":
 * "maximize", ...}`, `"search_space": {"x": {"values": [...], "type": "choice"}}`). The standalone
 * SweepJob REST model (mfe.json 2022-10-01 SweepJob, examples/Job/SweepJob/createOrUpdate.json) is
 * camelCase and typed; a pipeline node is not: `properties.jobs` is an untyped object in the spec.
 */

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj =>
  !!v && typeof v === 'object' && !Array.isArray(v) && !isYamlScalar(v) && !(v instanceof PyTimestamp);

const SAMPLING_ALGORITHMS = ['random', 'grid', 'bayesian'] as const;
const GOALS = ['minimize', 'maximize'];
const RANDOM_RULES = ['random', 'sobol'];

/** Search-space distributions and their fields (azure-ai-ml _schema/_sweep/search_space: choice.py, uniform.py, normal.py, randint.py). */
const DISTRIBUTIONS: Record<string, string[]> = {
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
const SEARCH_SPACE_TYPES = Object.keys(DISTRIBUTIONS);

/** Early-termination policies: YAML type → REST policy_type, and the entity's defaults azure-ai-ml fills in (entities/_job/sweep/early_termination_policy.py). */
const POLICIES: Record<string, { rest: string; defaults: Record<string, number> }> = {
  bandit: { rest: 'Bandit', defaults: { delay_evaluation: 0, evaluation_interval: 0, slack_amount: 0, slack_factor: 0 } },
  median_stopping: { rest: 'MedianStopping', defaults: { delay_evaluation: 0, evaluation_interval: 1 } },
  truncation_selection: {
    rest: 'TruncationSelection',
    defaults: { delay_evaluation: 0, evaluation_interval: 0, truncation_percentage: 0 },
  },
};

/** SweepJobLimitsSchema (seconds for the two timeouts, as the YAML writes them). */
const LIMIT_FIELDS = ['max_total_trials', 'max_concurrent_trials', 'timeout', 'trial_timeout'];

/** The node fields of a sweep step, ready to send. */
export interface SweepSettings {
  sampling_algorithm: string | Obj;
  search_space: Record<string, Obj>;
  objective: { goal: string; primary_metric: string };
  limits: Record<string, number>;
  early_termination?: Obj;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isNumber = (v: unknown) => typeof v === 'number' || v instanceof PyFloat;
const text = (v: unknown) => (v instanceof PyFloat ? v.toString() : typeof v === 'string' ? v : JSON.stringify(jsonSafe(v)));

/** Reads `sampling_algorithm`, `search_space`, `objective`, `limits` and `early_termination` of a sweep step; `where` is "Step 'x' in file". */
export function readSweep(raw: Obj, where: string): SweepSettings {
  return {
    sampling_algorithm: readSamplingAlgorithm(raw.sampling_algorithm, where),
    search_space: readSearchSpace(raw.search_space, where),
    objective: readObjective(raw.objective, where),
    limits: readSweepLimits(raw.limits, where),
    early_termination: readEarlyTermination(raw.early_termination, where),
  };
}

function readSamplingAlgorithm(raw: unknown, where: string): string | Obj {
  const known = SAMPLING_ALGORITHMS.join(', ');
  if (raw === undefined || raw === null)
    throw new UserError(`${where} is a sweep without 'sampling_algorithm'; Azure ML sampling algorithms: ${known}.`);
  // StringTransformedEnum: any case in, lower case out.
  if (typeof raw === 'string') {
    const name = raw.toLowerCase();
    if (!(SAMPLING_ALGORITHMS as readonly string[]).includes(name))
      throw new UserError(
        `${where} has 'sampling_algorithm: ${raw}', which Azure ML does not know; Azure ML sampling algorithms: ${known}.`,
      );
    return name;
  }
  if (!isObject(raw))
    throw new UserError(
      `${where} 'sampling_algorithm' must be one of ${known}, or a mapping with 'type' (and for random, 'seed' and 'rule').`,
    );
  const type = typeof raw.type === 'string' ? raw.type.toLowerCase() : undefined;
  if (type === undefined || !(SAMPLING_ALGORITHMS as readonly string[]).includes(type)) {
    throw new UserError(
      `${where} has 'sampling_algorithm.type: ${String(raw.type ?? '')}', which Azure ML does not know; Azure ML sampling algorithms: ${known}.`,
    );
  }
  const out: Obj = { type };
  const fields = type === 'random' ? ['seed', 'rule'] : [];
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'type' || value === null || value === undefined) continue;
    if (!fields.includes(key))
      throw new UserError(
        `${where} has 'sampling_algorithm.${key}', which a ${type} sampling algorithm does not take${fields.length ? `; its fields: ${fields.join(', ')}` : ''}.`,
      );
    if (key === 'seed') {
      if (!isInt(value)) throw new UserError(`${where} 'sampling_algorithm.seed' must be a whole number, got '${text(value)}'.`);
      out.seed = value;
    } else {
      const rule = typeof value === 'string' ? value.toLowerCase() : '';
      if (!RANDOM_RULES.includes(rule))
        throw new UserError(`${where} has 'sampling_algorithm.rule: ${text(value)}'; random sampling rules: ${RANDOM_RULES.join(', ')}.`);
      out.rule = rule;
    }
  }
  return out;
}

function readSearchSpace(raw: unknown, where: string): Record<string, Obj> {
  if (raw === undefined || raw === null)
    throw new UserError(
      `${where} is a sweep without 'search_space': name the trial inputs to tune, each with a 'type' (${SEARCH_SPACE_TYPES.join(', ')}).`,
    );
  if (!isObject(raw) || Object.keys(raw).length === 0)
    throw new UserError(`${where} 'search_space' must be a mapping of trial inputs to distributions (${SEARCH_SPACE_TYPES.join(', ')}).`);
  return Object.fromEntries(Object.entries(raw).map(([name, entry]) => [name, readDistribution(entry, `${where} 'search_space.${name}'`)]));
}

function readDistribution(raw: unknown, where: string): Obj {
  if (!isObject(raw)) throw new UserError(`${where} must be a mapping with 'type' (${SEARCH_SPACE_TYPES.join(', ')}).`);
  const type = typeof raw.type === 'string' ? raw.type.toLowerCase() : undefined;
  if (type === undefined || !(type in DISTRIBUTIONS)) {
    throw new UserError(
      `${where} has type '${String(raw.type ?? '')}', which Azure ML does not know; search space types: ${SEARCH_SPACE_TYPES.join(', ')}.`,
    );
  }
  const fields = DISTRIBUTIONS[type];
  const out: Obj = { type };
  for (const key of Object.keys(raw)) {
    if (key === 'type') continue;
    if (!fields.includes(key))
      throw new UserError(`${where} has '${key}', which a ${type} distribution does not take; its fields: ${fields.join(', ')}.`);
  }
  for (const field of fields) {
    const value = raw[field];
    if (value === undefined || value === null)
      throw new UserError(`${where} is a ${type} distribution without '${field}'; its fields: ${fields.join(', ')}.`);
    if (field === 'values') {
      if (!Array.isArray(value) || value.length === 0) throw new UserError(`${where} 'values' must be a non-empty list.`);
      // Choice takes ints, strings, floats and nested mappings of distributions; azure-ai-ml dumps them as read.
      out.values = jsonSafe(value);
    } else if (field === 'upper') {
      if (!isInt(value)) throw new UserError(`${where} 'upper' must be a whole number, got '${text(value)}'.`);
      out.upper = value;
    } else {
      if (!isNumber(value)) throw new UserError(`${where} '${field}' must be a number, got '${text(value)}'.`);
      out[field] = value;
    }
  }
  return out;
}

function readObjective(raw: unknown, where: string): { goal: string; primary_metric: string } {
  if (raw === undefined || raw === null)
    throw new UserError(
      `${where} is a sweep without 'objective': give 'goal' (minimize or maximize) and 'primary_metric' (the metric the trial logs).`,
    );
  if (!isObject(raw))
    throw new UserError(`${where} 'objective' must be a mapping with 'goal' (minimize or maximize) and 'primary_metric'.`);
  const goal = typeof raw.goal === 'string' ? raw.goal.toLowerCase() : undefined;
  if (!goal || !GOALS.includes(goal))
    throw new UserError(`${where} has 'objective.goal: ${String(raw.goal ?? '')}'; goals: ${GOALS.join(', ')}.`);
  const metric = typeof raw.primary_metric === 'string' ? raw.primary_metric.trim() : '';
  if (!metric) throw new UserError(`${where} has an 'objective' without 'primary_metric' (the metric the trial logs).`);
  for (const key of Object.keys(raw))
    if (key !== 'goal' && key !== 'primary_metric')
      throw new UserError(`${where} has 'objective.${key}'; an objective has goal and primary_metric.`);
  return { goal, primary_metric: metric };
}

function readSweepLimits(raw: unknown, where: string): Record<string, number> {
  // ParameterizedSweepSchema.limits is required=True: az ml refuses a sweep without it.
  if (raw === undefined || raw === null)
    throw new UserError(
      `${where} is a sweep without 'limits': give at least 'max_total_trials' (also max_concurrent_trials, timeout, trial_timeout in seconds).`,
    );
  if (!isObject(raw)) throw new UserError(`${where} 'limits' must be a mapping (${LIMIT_FIELDS.join(', ')}).`);
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === null || value === undefined) continue;
    if (!LIMIT_FIELDS.includes(key))
      throw new UserError(`${where} has 'limits.${key}', which a sweep does not take; its limits: ${LIMIT_FIELDS.join(', ')}.`);
    if (!isInt(value) || value <= 0)
      throw new UserError(
        `${where} 'limits.${key}' must be a positive whole number${key.endsWith('timeout') ? ' of seconds' : ''}, got '${text(value)}'.`,
      );
    out[key] = value;
  }
  return out;
}

function readEarlyTermination(raw: unknown, where: string): Obj | undefined {
  if (raw === undefined || raw === null) return undefined;
  const known = Object.keys(POLICIES).join(', ');
  if (!isObject(raw)) throw new UserError(`${where} 'early_termination' must be a mapping with 'type' (${known}).`);
  const type = typeof raw.type === 'string' ? raw.type.toLowerCase() : undefined;
  if (type === undefined || !(type in POLICIES))
    throw new UserError(
      `${where} has 'early_termination.type: ${String(raw.type ?? '')}', which Azure ML does not know; early termination policies: ${known}.`,
    );
  const policy = POLICIES[type];
  const out: Obj = { ...policy.defaults };
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'type' || value === null || value === undefined) continue;
    if (!(key in policy.defaults))
      throw new UserError(
        `${where} has 'early_termination.${key}', which a ${type} policy does not take; its fields: ${Object.keys(policy.defaults).join(', ')}.`,
      );
    const whole = !key.startsWith('slack_');
    if (whole ? !isInt(value) || value < 0 : !isNumber(value))
      throw new UserError(`${where} 'early_termination.${key}' must be a ${whole ? 'whole number' : 'number'}, got '${text(value)}'.`);
    out[key] = value;
  }
  // The REST model's snake_case attributes, as azure-ai-ml sends this one field (as_attribute_dict of BanditPolicy etc.).
  return { policy_type: policy.rest, ...out };
}
