import * as tl from 'azure-pipelines-task-lib/task';
import { UserError } from './user-error';

/**
 * Reads one authorization parameter of a service connection without printing it. task-lib's
 * getEndpointAuthorizationParameter writes the value into a debug line; getEndpointAuthorization
 * (the whole `ENDPOINT_AUTH_<id>` JSON the agent passes) only says whether it exists.
 */
export function readEndpointAuthParameter(id: string, key: string): string | undefined {
  let auth: tl.EndpointAuthorization | undefined;
  try {
    auth = tl.getEndpointAuthorization(id, true);
  } catch {
    // task-lib's own message would quote the malformed JSON, secrets included.
    throw new UserError(`The agent passed malformed authorization data for service connection '${id}'.`);
  }
  const parameters = auth?.parameters ?? {};
  const name = Object.keys(parameters).find((k) => k.toLowerCase() === key.toLowerCase());
  return name === undefined ? undefined : parameters[name];
}
