import { UserError } from '../task/user-error';
import { hasBinding } from './bindings';
import { PyFloat } from './yaml-file';

/**
 * `distribution`, `limits` and `resources` of a command step: read from the YAML form users write,
 * and written in the two forms azure-ai-ml sends. The anonymous component's spec keeps the YAML form
 * (CommandComponent's schema dump: `distribution: {type: pytorch, …}`); the pipeline node gets the
 * REST model's attributes in snake_case (Command._to_rest_object → get_rest_dict_for_node_attrs, i.e.
 * the msrest model's __dict__ without None values): `{distribution_type: PyTorch, …}`,
 * `{job_limits_type: Command, timeout: PT2H}`. The REST names are those of api-version 2022-10-01
 * (mfe.json: DistributionType PyTorch/TensorFlow/Mpi, CommandJobLimits, JobResourceConfiguration);
 * the expected node shape is azure-ai-ml's own test expectation in
 * reference/azure-ai-ml-fixtures/azure-ai-ml/helloworld_pipeline_job_no_paths_expected_settings_override.json.
 */

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof PyFloat);

/** A count: an integer, or a `${{parent.inputs.x}}` binding azure-ai-ml passes through. */
type Count = number | string;

export type Distribution =
  | { type: 'mpi'; process_count_per_instance?: Count }
  | { type: 'pytorch'; process_count_per_instance?: Count }
  | { type: 'tensorflow'; parameter_server_count: Count; worker_count?: Count };

const DISTRIBUTIONS: Record<Distribution['type'], { rest: string; fields: string[] }> = {
  mpi: { rest: 'Mpi', fields: ['process_count_per_instance'] },
  pytorch: { rest: 'PyTorch', fields: ['process_count_per_instance'] },
  tensorflow: { rest: 'TensorFlow', fields: ['parameter_server_count', 'worker_count'] },
};

export interface Limits {
  /** Seconds, as the YAML writes it (CommandJobLimitsSchema.timeout is an integer). */
  timeout?: number | string;
}

/** JobResourceConfiguration's YAML fields (snake_case in both forms). */
const RESOURCE_FIELDS = ['instance_count', 'instance_type', 'shm_size', 'docker_args', 'properties'] as const;
export type Resources = Partial<Record<(typeof RESOURCE_FIELDS)[number], unknown>>;

function count(value: unknown, where: string): Count {
  if (typeof value === 'string' && hasBinding(value)) return value.trim();
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw new UserError(`${where} must be a whole number (or a \${{parent.inputs.<name>}} binding), got '${String(value)}'.`);
}

/** `distribution:` of a step or component file, or undefined when absent. */
export function readDistribution(raw: unknown, where: string): Distribution | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw)) throw new UserError(`${where} 'distribution' must be a mapping with 'type' (mpi, pytorch or tensorflow).`);
  // azure-ai-ml's distribution schemas take the type in any case (StringTransformedEnum) and write it lower-case.
  const type = typeof raw.type === 'string' ? raw.type.toLowerCase() : undefined;
  const known = Object.keys(DISTRIBUTIONS).join(', ');
  if (type === undefined) throw new UserError(`${where} has a 'distribution' without 'type'; Azure ML distribution types: ${known}.`);
  if (!(type in DISTRIBUTIONS))
    throw new UserError(
      `${where} has 'distribution.type: ${String(raw.type)}', which Azure ML does not know; Azure ML distribution types: ${known}.`,
    );
  const spec = DISTRIBUTIONS[type as Distribution['type']];
  const out: Obj = { type };
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'type' || value === null || value === undefined) continue;
    if (!spec.fields.includes(key))
      throw new UserError(
        `${where} has 'distribution.${key}', which a ${type} distribution does not take; its fields: ${spec.fields.join(', ')}.`,
      );
    out[key] = count(value, `${where} 'distribution.${key}'`);
  }
  // TensorFlowDistribution defaults parameter_server_count to 0, and azure-ai-ml sends the default.
  if (type === 'tensorflow' && out.parameter_server_count === undefined) out.parameter_server_count = 0;
  return out as Distribution;
}

/** The node form: the REST model's snake_case attributes with the discriminator first. */
export function distributionRest(d: Distribution): Obj {
  const { type, ...fields } = d;
  return { distribution_type: DISTRIBUTIONS[type].rest, ...fields };
}

/** `limits:` of a command step (timeout in seconds). */
export function readLimits(raw: unknown, where: string): Limits | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw)) throw new UserError(`${where} 'limits' must be a mapping with 'timeout' (seconds).`);
  const out: Limits = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === null || value === undefined) continue;
    if (key !== 'timeout') throw new UserError(`${where} has 'limits.${key}', which a command step does not take; its limits: timeout.`);
    if (typeof value === 'string' && hasBinding(value)) out.timeout = value.trim();
    else if (typeof value === 'number' && Number.isInteger(value) && value > 0) out.timeout = value;
    else if (typeof value === 'string' && /^\d+$/.test(value.trim()) && Number(value) > 0) out.timeout = Number(value);
    else throw new UserError(`${where} 'limits.timeout' must be a whole number of seconds (for example 7200), got '${String(value)}'.`);
  }
  return out;
}

/**
 * Seconds → ISO 8601 duration as azure-ai-ml writes it (to_iso_duration_format: isodate's
 * duration_isoformat of a timedelta): days, then T with hours, minutes, seconds; zero parts left out.
 */
export function isoDuration(seconds: number): string {
  if (seconds === 0) return 'P0D';
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const secs = seconds % 60;
  let out = 'P';
  if (days) out += `${days}D`;
  if (hours || minutes || secs) out += `T${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${secs ? `${secs}S` : ''}`;
  return out;
}

export function limitsRest(l: Limits): Obj {
  const out: Obj = { job_limits_type: 'Command' };
  if (l.timeout !== undefined) out.timeout = typeof l.timeout === 'number' ? isoDuration(l.timeout) : l.timeout;
  return out;
}

/** `resources:` of a step or component file. */
export function readResources(raw: unknown, where: string): Resources | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw))
    throw new UserError(`${where} 'resources' must be a mapping (instance_count, instance_type, shm_size, docker_args, properties).`);
  const out: Resources = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === null || value === undefined) continue;
    if (!(RESOURCE_FIELDS as readonly string[]).includes(key))
      throw new UserError(
        `${where} has 'resources.${key}', which Azure ML does not take for a command step; its fields: ${RESOURCE_FIELDS.join(', ')}.`,
      );
    const field = key as (typeof RESOURCE_FIELDS)[number];
    if (field === 'instance_count') out.instance_count = count(value, `${where} 'resources.instance_count'`);
    else if (field === 'properties') {
      if (!isObject(value)) throw new UserError(`${where} 'resources.properties' must be a mapping.`);
      out.properties = value;
    } else if (typeof value === 'string') out[field] = value;
    else throw new UserError(`${where} 'resources.${key}' must be text, got '${String(value)}'.`);
  }
  return out;
}

/** Resources keep their snake_case names in both forms (JobResourceConfiguration's attributes are the YAML names). */
export const resourcesRest = (r: Resources): Obj => ({ ...r });
