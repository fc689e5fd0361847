import * as tl from 'azure-pipelines-task-lib/task';
import { UserError } from './user-error';

/**
 * Reads inputs through task-lib (which keeps them out of process.env) and hands the raw text to the
 * pure parsers. Kept separate from the parsers so they can be unit-tested without an agent.
 */
export function readInput(name: string): string | undefined {
  const value = tl.getInput(name, false);
  return value === undefined || value.trim() === '' ? undefined : value;
}

export function requireInput(name: string): string {
  const value = readInput(name);
  if (value === undefined) throw new UserError(`'${name}' is required and was not given`);
  return value;
}

export function readInputOr(name: string, fallback: string): string {
  return readInput(name) ?? fallback;
}
