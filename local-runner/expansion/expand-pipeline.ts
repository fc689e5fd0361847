/**
 * Template expansion: a pipeline YAML file + runtime parameters → the compiled model
 * (`./pipeline-model`), with every `${{ }}` resolved, templates included, `extends:` applied and
 * the service's defaults made explicit. Runtime expressions and `$( )` macros stay text.
 */
import * as path from 'node:path';
import type { Pipeline } from '../pipeline-model';
import { PipelineDefinitionError } from './pipeline-errors';
import { normalizePipeline } from './normalize-pipeline';
import { ExpressionError, MISSING_PROPERTY } from '../evaluation/expressions';
import { PREDEFINED_PREFIXES, TEMPLATE_VARIABLES } from '../evaluation/predefined';
import { loadTemplate, Scope, walkValue } from './template-evaluator';
import { bindParameters, describeValue, parseDeclarations } from './template-parameters';
import { isMapping, readYamlFile } from './yaml-file';

export { PipelineDefinitionError } from './pipeline-errors';

export interface ExpandOptions {
  /** root folder of the `self` repository (template paths without @alias resolve relative to the including file, absolute-style `/x.yml` to this root) */
  selfRoot: string;
  /** repository alias → local folder (for `template: path@alias` and `extends: template: x@alias`) */
  repositories?: Record<string, string>;
  /** runtime parameter values given by the user for the top-level `parameters:` (strings from a CLI or typed values) */
  parameters?: Record<string, unknown>;
  /**
   * predefined variables for `${{ variables['Build.Reason'] }}` & co. (case-insensitive), as the service
   * sets them before expansion: use `compileTimeVariables()` from predefined.ts for a local run's values.
   * Reading a predefined variable that is not given here is a PipelineDefinitionError.
   */
  variables?: Record<string, string>;
}

/** What an extended template may contain (the rest of the pipeline comes from the extending file). */
const EXTENDS_TEMPLATE_KEYS = [
  'parameters',
  'stages',
  'jobs',
  'steps',
  'variables',
  'resources',
  'extends',
  'pool',
  'name',
  'trigger',
  'pr',
  'schedules',
  'lockBehavior',
];

export function expandPipeline(file: string, options: ExpandOptions): Pipeline {
  const selfRoot = path.resolve(options.selfRoot);
  const absolute = path.resolve(file);
  const raw = readYamlFile(absolute, selfRoot);
  if (!isMapping(raw))
    throw new PipelineDefinitionError(
      `${absolute}: a pipeline must be a YAML mapping (stages:, jobs: or steps: …), got ${describeValue(raw)}.`,
    );

  const parameters = bindParameters(parseDeclarations(raw.parameters, absolute), options.parameters, {
    file: absolute,
    passedBy: 'the runtime parameters of this run',
  });
  const scope: Scope = {
    origin: { file: absolute, root: selfRoot },
    values: { parameters, variables: predefinedScope(options.variables ?? {}) },
    chain: [absolute],
    roots: { selfRoot, repositories: options.repositories ?? {} },
  };
  const { parameters: _declared, ...rest } = raw;
  let pipeline = walkValue(rest, scope) as Record<string, unknown>;

  // extends: the template supplies the body; an extended template may extend another one
  let current = scope;
  while (pipeline.extends !== undefined) {
    const { extends: reference, ...outer } = pipeline;
    if (!isMapping(reference))
      throw new PipelineDefinitionError(
        `${current.origin.file}: extends: must be a mapping with template: and parameters:, got ${describeValue(reference)}.`,
      );
    // variables defined so far are visible to the template's compile-time expressions
    const withVariables: Scope = {
      ...current,
      values: { ...current.values, variables: { ...(current.values.variables as object), ...definedVariables(outer.variables) } },
    };
    const { body, scope: inner } = loadTemplate(reference, withVariables, EXTENDS_TEMPLATE_KEYS, 'an extended');
    pipeline = merge(outer, body, inner.origin.file);
    current = inner;
  }
  return normalizePipeline(pipeline, absolute, parameters);
}

/**
 * The compile-time `variables` at the start: the supplied predefined ones, and a refusal for any
 * other predefined name (the service has either a value or, for runtime-only ones, nothing).
 */
function predefinedScope(supplied: Record<string, string>): Record<string, unknown> {
  const variables: Record<string | symbol, unknown> = { ...supplied };
  variables[MISSING_PROPERTY] = (name: string) => {
    if (!PREDEFINED_PREFIXES.some((p) => name.toLowerCase().startsWith(p.toLowerCase()))) return null;
    const known = TEMPLATE_VARIABLES.find((v) => v.toLowerCase() === name.toLowerCase());
    if (known) {
      throw new ExpressionError(
        `the predefined variable '${known}' is read at compile time (\${{ }}) but was not supplied: Azure DevOps sets it before expanding templates, so pass it in ExpandOptions.variables ` +
          `(compileTimeVariables() in local-runner/evaluation/predefined.ts gives the values a local run uses; the cli passes them, --reason sets Build.Reason).`,
      );
    }
    throw new ExpressionError(
      `the predefined variable '${name}' is read at compile time (\${{ }}), but Azure DevOps does not make it available in template expressions (it would be empty there). ` +
        `Fix: read it at runtime with $(${name}) or $[ variables['${name}'] ].`,
    );
  };
  return variables as Record<string, unknown>;
}

function definedVariables(variables: unknown): Record<string, unknown> {
  if (isMapping(variables)) return { ...variables };
  const result: Record<string, unknown> = {};
  if (Array.isArray(variables)) for (const v of variables) if (isMapping(v) && typeof v.name === 'string') result[v.name] = v.value;
  return result;
}

function asList(variables: unknown): unknown[] {
  if (Array.isArray(variables)) return variables;
  if (isMapping(variables)) return Object.entries(variables).map(([name, value]) => ({ name, value }));
  return [];
}

/** The extending file's keys + the template's; variables from both (the pipeline's first), anything else once. */
function merge(outer: Record<string, unknown>, body: Record<string, unknown>, templateFile: string): Record<string, unknown> {
  const result = { ...outer };
  for (const [key, value] of Object.entries(body)) {
    if (!(key in result)) result[key] = value;
    else if (key === 'variables') result.variables = [...asList(result.variables), ...asList(value)];
    else {
      throw new PipelineDefinitionError(
        `${templateFile}: '${key}:' is defined both in the extended template and in the pipeline that extends it. Fix: define it in one place.`,
      );
    }
  }
  return result;
}
