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
