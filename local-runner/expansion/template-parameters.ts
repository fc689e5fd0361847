/**
 * Template and runtime parameters: declarations (`parameters:` as a typed list, or the legacy
 * untyped mapping), type checks with the service's conversions, allowed `values:`, required and
 * unknown parameters. Every refusal names the file, the parameter, the value, the type and the fix.
 */
import { toDisplayString } from '../evaluation/expressions';
import { PipelineDefinitionError } from './pipeline-errors';
import { isMapping } from './yaml-file';

const PARAMETER_TYPES = [
  'string',
  'number',
  'boolean',
  'object',
  'step',
  'stepList',
  'job',
  'jobList',
  'deployment',
  'deploymentList',
  'stage',
  'stageList',
] as const;
type ParameterType = (typeof PARAMETER_TYPES)[number];

interface ParameterDeclaration {
  name: string;
  /** undefined for the legacy untyped form (`parameters: { name: default }`) */
  type?: ParameterType;
  hasDefault: boolean;
  default?: unknown;
  values?: unknown[];
  displayName?: string;
}

const DECLARATION_KEYS = new Set(['name', 'displayName', 'type', 'default', 'values']);

export function parseDeclarations(raw: unknown, file: string): ParameterDeclaration[] {
  if (raw === undefined || raw === null) return [];
  if (isMapping(raw)) {
    // legacy form: untyped, every parameter has its default
    return Object.entries(raw).map(([name, value]) => ({ name, hasDefault: true, default: value }));
  }
  if (!Array.isArray(raw)) {
    throw new PipelineDefinitionError(
      `${file}: parameters: must be a list of '- name: … type: … default: …' entries, got ${describeValue(raw)}.`,
    );
  }
  const seen = new Set<string>();
  return raw.map((entry, i) => {
    if (!isMapping(entry) || typeof entry.name !== 'string' || entry.name === '') {
      throw new PipelineDefinitionError(
        `${file}: parameters[${i}] must be a mapping with a name: (got ${describeValue(entry)}). Fix: write '- name: myParam'.`,
      );
    }
    const name = entry.name;
    for (const key of Object.keys(entry)) {
      if (!DECLARATION_KEYS.has(key)) {
        throw new PipelineDefinitionError(
          `${file}: parameter '${name}' has an unknown key '${key}'. Fix: use only name, displayName, type, default and values.`,
        );
      }
    }
    if (seen.has(name.toLowerCase()))
      throw new PipelineDefinitionError(`${file}: parameter '${name}' is declared twice. Fix: remove one declaration.`);
    seen.add(name.toLowerCase());
    const type = (entry.type ?? 'string') as ParameterType;
    if (!PARAMETER_TYPES.includes(type)) {
      throw new PipelineDefinitionError(
        `${file}: parameter '${name}' has type '${String(entry.type)}', which is not a parameter type. Fix: use one of ${PARAMETER_TYPES.join(', ')}.`,
      );
    }
    if (entry.values !== undefined && !Array.isArray(entry.values)) {
      throw new PipelineDefinitionError(
        `${file}: parameter '${name}' values: must be a list of allowed values, got ${describeValue(entry.values)}.`,
      );
    }
    const decl: ParameterDeclaration = {
      name,
      type,
      hasDefault: Object.prototype.hasOwnProperty.call(entry, 'default'),
      default: entry.default,
      values: entry.values as unknown[] | undefined,
      displayName: typeof entry.displayName === 'string' ? entry.displayName : undefined,
    };
    if (decl.hasDefault) {
      // the service validates defaults against the type too
      decl.default = checkValue(decl, entry.default, file, `the default of parameter '${name}'`);
    }
    return decl;
  });
}

interface ParameterSource {
  /** the template (or pipeline) file declaring the parameters */
  file: string;
  /** who passes the values, for messages: `caller.yml` or `the command line` */
  passedBy: string;
}

/**
 * The final values: given values type-checked and converted (strings such as 'true' or '3' from a
 * command line or a variable become booleans and numbers, as the service converts them), defaults for the rest.
 */
export function bindParameters(
  declarations: ParameterDeclaration[],
  given: Record<string, unknown> | undefined,
  source: ParameterSource,
): Record<string, unknown> {
  const byName = new Map(declarations.map((d) => [d.name.toLowerCase(), d]));
  const result: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(given ?? {})) {
    const decl = byName.get(name.toLowerCase());
    if (!decl) {
      const declared = declarations.map((d) => d.name).join(', ') || 'none';
      throw new PipelineDefinitionError(
        `${source.file}: unknown parameter '${name}' passed by ${source.passedBy} (declared: ${declared}). ` +
          `Fix: remove it, fix its spelling, or declare it under parameters: in ${source.file}.`,
      );
    }
    result[decl.name] = checkValue(decl, value, source.file, `parameter '${decl.name}'`);
  }
  for (const decl of declarations) {
    if (Object.prototype.hasOwnProperty.call(result, decl.name)) continue;
    if (!decl.hasDefault) {
      throw new PipelineDefinitionError(
        `${source.file}: parameter '${decl.name}' (${decl.type ?? 'untyped'}) is required: it has no default and is not passed by ${source.passedBy}. ` +
          `Fix: pass ${decl.name}, or give it a default: in ${source.file}.`,
      );
    }
    result[decl.name] = decl.default;
  }
  return result;
}

const STEP_KEYS = [
  'script',
  'bash',
  'pwsh',
  'powershell',
  'task',
  'checkout',
  'download',
  'downloadBuild',
  'getPackage',
  'publish',
  'reviewApp',
  'template',
  'restoreCache',
  'saveCache',
];
const SHAPES: Record<string, { keys: string[]; noun: string; detail: string; example: string }> = {
  step: { keys: STEP_KEYS, noun: 'step', detail: 'a mapping such as script:, bash: or task:', example: 'script: echo hi' },
  job: { keys: ['job', 'deployment', 'template'], noun: 'job', detail: 'a mapping with job: or deployment:', example: 'job: Build' },
  deployment: {
    keys: ['deployment', 'template'],
    noun: 'deployment job',
    detail: 'a mapping with deployment:',
    example: 'deployment: Deploy',
  },
  stage: { keys: ['stage', 'template'], noun: 'stage', detail: 'a mapping with stage:', example: 'stage: Build' },
};

/** Checks one value against its declaration and returns it converted (e.g. 'true' → true). */
function checkValue(decl: ParameterDeclaration, value: unknown, file: string, subject: string): unknown {
  const refuse = (expected: string, fix: string): never => {
    throw new PipelineDefinitionError(`${file}: ${subject} expects ${expected}, got ${describeValue(value)}. Fix: ${fix}.`);
  };
  let converted: unknown = value;
  switch (decl.type) {
    case undefined:
    case 'object':
      break; // any YAML value
    case 'string':
      if (Array.isArray(value) || isMapping(value)) refuse('a string', 'pass a single value, or declare the parameter as type: object');
      converted = value === null || value === undefined ? '' : typeof value === 'boolean' ? String(value) : toDisplayString(value);
      break;
    case 'number':
      if (typeof value === 'number') break;
      if (typeof value === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)\s*$/.test(value)) {
        converted = Number(value);
        break;
      }
      refuse('a number', 'pass a number such as 3 or 0.5');
      break;
    case 'boolean':
      if (typeof value === 'boolean') break;
      if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) {
        converted = value.trim().toLowerCase() === 'true';
        break;
      }
      refuse('a boolean', 'pass true or false');
      break;
    default: {
      const list = decl.type.endsWith('List');
      const shape = SHAPES[list ? decl.type.slice(0, -4) : decl.type];
      const isShape = (v: unknown): boolean => isMapping(v) && Object.keys(v).some((k) => shape.keys.includes(k) || k.startsWith('${{'));
      if (list) {
        if (value === null || value === undefined) {
          converted = [];
          break;
        }
        if (!Array.isArray(value))
          refuse(`a ${decl.type} (a sequence of ${shape.noun}s)`, `write it as a YAML sequence ('- ${shape.example}')`);
        const bad = (value as unknown[]).findIndex((v) => !isShape(v));
        if (bad >= 0) {
          throw new PipelineDefinitionError(
            `${file}: ${subject} expects a ${decl.type}, but item ${bad} is not a ${shape.noun} (${shape.detail}): ${describeValue((value as unknown[])[bad])}. Fix: make every item a ${shape.noun}.`,
          );
        }
      } else if (!isShape(value)) {
        refuse(`a ${decl.type} (${shape.detail})`, `pass one mapping such as '${shape.example}'`);
      }
    }
  }
  if (decl.values && decl.values.length > 0) {
    const text = toDisplayString(converted);
    if (!decl.values.some((allowed) => toDisplayString(allowed) === text || allowed === converted)) {
      throw new PipelineDefinitionError(
        `${file}: ${subject} must be one of ${decl.values.map((v) => `'${toDisplayString(v)}'`).join(', ')} (its values:), got ${describeValue(value)}. ` +
          `Fix: pass one of the allowed values, or add it to values: in ${file}.`,
      );
    }
  }
  return converted;
}

/** A short description of a value for messages: `'yes' (a string)`, `a mapping`, `a sequence of 2 items`. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (null)';
  if (Array.isArray(value)) return `a sequence of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (isMapping(value)) {
    const keys = Object.keys(value);
    return `a mapping (keys: ${keys.slice(0, 5).join(', ')}${keys.length > 5 ? ', …' : ''})`;
  }
  if (typeof value === 'string') return `'${value}' (a string)`;
  return `${String(value)} (a ${typeof value})`;
}
