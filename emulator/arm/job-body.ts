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

export type JobBodyCheck = { ok: true; properties: Record<string, unknown> } | { ok: false; message: string };

const isObject = (value: unknown): value is Record<string, unknown> => !!value && typeof value === 'object' && !Array.isArray(value);

export function checkJobBody(body: unknown): JobBodyCheck {
  if (!isObject(body)) return { ok: false, message: 'The request body must be a JSON object with a "properties" member.' };
  const properties = body.properties;
  if (!isObject(properties)) return { ok: false, message: "The 'properties' field is required: body.properties cannot be null or undefined." };
  if (typeof properties.jobType !== 'string' || !JOB_TYPES.includes(properties.jobType)) {
    return {
      ok: false,
      message: `The 'jobType' field must be one of ${JOB_TYPES.join(', ')}; got ${JSON.stringify(properties.jobType ?? null)}.`,
    };
  }
  for (const field of ['tags', 'properties'] as const) {
    const dictionary = properties[field];
    if (dictionary !== undefined && dictionary !== null && (!isObject(dictionary) || Object.values(dictionary).some((v) => v !== null && typeof v !== 'string'))) {
      return { ok: false, message: `The '${field}' field must be a dictionary of strings: body.properties.${field} is ${JSON.stringify(dictionary)}.` };
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
    if (l !== undefined && l !== null) {
      if (!isObject(l) || l.job_limits_type !== 'Command') return `${where('limits')}: 'job_limits_type' must be 'Command' for a command node; got ${JSON.stringify(l)}.`;
      for (const [k, v] of Object.entries(l)) {
        if (k === 'job_limits_type' || v === null) continue;
        if (k !== 'timeout') return `${where('limits')}: command limits have no field '${k}'.`;
        if (typeof v !== 'string' || !(ISO_DURATION.test(v) || BINDING.test(v))) return `${where('limits')}: 'timeout' must be an ISO 8601 duration such as PT2H; got ${JSON.stringify(v)}.`;
      }
    }
    const r = node.resources;
    if (r !== undefined && r !== null) {
      if (!isObject(r)) return `${where('resources')}: it must be an object; got ${JSON.stringify(r)}.`;
      for (const [k, v] of Object.entries(r)) {
        if (v === null) continue;
        if (!RESOURCE_FIELDS.includes(k)) return `${where('resources')}: no field '${k}'; fields: ${RESOURCE_FIELDS.join(', ')}.`;
        if (k === 'instance_count' && !isCount(v)) return `${where('resources')}: 'instance_count' must be an integer; got ${JSON.stringify(v)}.`;
        if (k === 'shm_size' && (typeof v !== 'string' || !/^\d+[bBkKmMgG]$/.test(v))) return `${where('resources')}: 'shm_size' must be a number with a unit b, k, m or g (such as 2g); got ${JSON.stringify(v)}.`;
      }
    }
  }
  return undefined;
}
