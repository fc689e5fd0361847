/** Small readers shared by the normalisation of stages, jobs and steps: one clear message per bad value. */
import { PipelineDefinitionError, RUNS_ON_SERVICE } from './pipeline-errors';
import { describeValue } from './template-parameters';
import { isMapping, originOf } from './yaml-file';
import type { VariableEntry } from '../pipeline-model';

/** Where a construct is, for messages: its file and a path such as `stage 'Build', job 'Train'`. */
export interface Place {
  file: string;
  path: string;
}

export function placeOf(node: unknown, parent: Place, path: string): Place {
  return { file: originOf(node)?.file ?? parent.file, path: parent.path ? `${parent.path}, ${path}` : path };
}

export function refuse(place: Place, message: string): never {
  throw new PipelineDefinitionError(`${place.file}: ${place.path ? `${place.path}: ` : ''}${message}.`);
}

export function refuseUnsupported(place: Place, construct: string, fix: string): never {
  return refuse(place, `${construct} ${RUNS_ON_SERVICE}. Fix: ${fix}`);
}

/**
 * Keys a construct takes: `allowed` are read (or accepted and ignored), `unsupported` maps a key the
 * service knows to the fix; anything else is an unknown key (a typo would otherwise change behaviour silently).
 */
export function checkKeys(
  node: Record<string, unknown>,
  place: Place,
  what: string,
  allowed: string[],
  unsupported: Record<string, string> = {},
): void {
  for (const key of Object.keys(node)) {
    if (allowed.includes(key)) continue;
    if (key in unsupported) refuseUnsupported(place, `'${key}:' on a ${what}`, unsupported[key]);
    refuse(place, `unknown key '${key}' on a ${what}. Fix: remove it or fix its spelling (a ${what} takes ${allowed.join(', ')})`);
  }
}

/** A scalar as the text the service passes on: YAML `true` → 'true', 3 → '3', null → ''. */
export function text(value: unknown, place: Place, key: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return refuse(place, `${key}: must be a single value, got ${describeValue(value)}`);
}

export function optionalText(value: unknown, place: Place, key: string): string | undefined {
  return value === undefined || value === null ? undefined : text(value, place, key);
}

export function bool(value: unknown, place: Place, key: string, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
  return refuse(place, `${key}: must be true or false, got ${describeValue(value)}`);
}

export function optionalNumber(value: unknown, place: Place, key: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return refuse(place, `${key}: must be a number, got ${describeValue(value)}`);
}

export function stringMap(value: unknown, place: Place, key: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isMapping(value)) return refuse(place, `${key}: must be a mapping of name: value, got ${describeValue(value)}`);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, text(v, place, `${key}.${k}`)]));
}

/** The service's rule for stage, job and step names. */
export function identifier(value: unknown, place: Place, key: string): string {
  const name = text(value, place, key);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    refuse(place, `${key}: '${name}' is not a valid name. Fix: use only letters, digits and '_', not starting with a digit`);
  }
  return name;
}

export function dependsOn(value: unknown, place: Place): string[] | undefined {
  if (value === undefined) return undefined;
  if (value === null || value === '') return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.map((v, i) => text(v, place, `dependsOn[${i}]`));
  return refuse(place, `dependsOn: must be a name or a list of names, got ${describeValue(value)}`);
}

export function condition(value: unknown, place: Place): string {
  return value === undefined || value === null || value === '' ? 'succeeded()' : text(value, place, 'condition');
}

/** `variables:` as a mapping or a list of `- name/value` entries (includes were expanded before). */
export function variables(value: unknown, place: Place): VariableEntry[] {
  if (value === undefined || value === null) return [];
  if (isMapping(value)) return Object.entries(value).map(([name, v]) => ({ name, value: text(v, place, `variables.${name}`) }));
  if (!Array.isArray(value)) return refuse(place, `variables: must be a mapping or a list, got ${describeValue(value)}`);
  return value.map((entry, i): VariableEntry => {
    const where = placeOf(entry, place, `variables[${i}]`);
    if (!isMapping(entry)) return refuse(where, `expected '- name: … value: …', got ${describeValue(entry)}`);
    if ('group' in entry) {
      refuseUnsupported(
        where,
        `variable group '${String(entry.group)}' (- group:)`,
        'variable groups live on the server; define the variables under variables: (or pass them on the command line) for local runs',
      );
    }
    checkKeys(entry, where, 'variable', ['name', 'value', 'readonly']);
    if (typeof entry.name !== 'string' || entry.name === '') refuse(where, `a variable needs a name:, got ${describeValue(entry.name)}`);
    const result: VariableEntry = { name: entry.name, value: text(entry.value, where, 'value') };
    if (entry.readonly !== undefined) result.readonly = bool(entry.readonly, where, 'readonly', false);
    return result;
  });
}
