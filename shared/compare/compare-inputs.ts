import {
  parseBoolean,
  parseChoice,
  parseJobName,
  parseResourceName,
  parseWorkspaceTarget,
  type WorkspaceTarget,
} from '../task/input-parsers';
import { UserError } from '../task/user-error';
import { unresolvedMacro, unsetVariableMessage } from '../task/agent-path-input';
import { parseRules, Rule } from './rules';
import { parseTagFilter } from './production';

const PRODUCTION_SOURCES = ['endpoint', 'tag', 'latest', 'none'] as const;
type ProductionSource = (typeof PRODUCTION_SOURCES)[number];
const NOT_BETTER_RESULTS = ['succeed', 'succeedWithIssues', 'fail'] as const;
export type NotBetterResult = (typeof NOT_BETTER_RESULTS)[number];

export interface CompareInputs extends WorkspaceTarget {
  jobName: string;
  stepName?: string;
  productionSource: ProductionSource;
  endpointName?: string;
  modelName?: string;
  productionTag?: { key: string; value?: string; filter: string };
  rules: Rule[];
  whenNotBetter: NotBetterResult;
  force: boolean;
  forceReason?: string;
}

/** Online endpoint names as Azure ML accepts them (they become part of the scoring host name). */
const ENDPOINT_NAME_PATTERN = /^[a-zA-Z][a-zA-Z0-9-]{1,30}[a-zA-Z0-9]$/;

/** Azure ML model names: the spec's pattern for ModelVersions_CreateOrUpdate. */
const MODEL_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$/;

export function parseModelName(input: string, raw: string | undefined): string {
  const text = (raw ?? '').trim();
  if (text === '') throw new UserError(`'${input}' is required: give the name of the model in the workspace's registry`);
  const macro = unresolvedMacro(text);
  if (macro !== undefined) throw new UserError(unsetVariableMessage(input, text, macro, 'set it or give the value directly'));
  if (!MODEL_NAME_PATTERN.test(text)) {
    throw new UserError(
      `'${input}' is '${raw}', which Azure ML does not accept as a model name: use 1 to 255 letters, digits, '-' and '_', starting with a letter or digit (for example credit-risk_model).`,
    );
  }
  return text;
}

/** Validates every input before any call to Azure, so a typo fails in milliseconds with one clear line. */
export function parseCompareInputs(read: (name: string) => string | undefined): CompareInputs {
  const target = parseWorkspaceTarget(read);
  const jobName = parseJobName(read('jobName'));
  const stepRaw = read('stepName')?.trim();
  const stepName = stepRaw ? parseResourceName('stepName', stepRaw, 255) : undefined;
  const productionSource = parseChoice('productionSource', read('productionSource') ?? 'endpoint', PRODUCTION_SOURCES);
  let endpointName: string | undefined;
  let modelName: string | undefined;
  let productionTag: CompareInputs['productionTag'];
  if (productionSource === 'endpoint') {
    const raw = read('productionEndpoint')?.trim();
    if (!raw)
      throw new UserError(
        "'productionEndpoint' is required when 'productionSource' is endpoint: name the online endpoint that serves the production model",
      );
    if (!ENDPOINT_NAME_PATTERN.test(raw)) {
      throw new UserError(
        `'productionEndpoint' is '${raw}', which is not an online endpoint name: use 3 to 32 letters, digits and '-', starting with a letter`,
      );
    }
    endpointName = raw;
  }
  if (productionSource === 'tag' || productionSource === 'latest') modelName = parseModelName('modelName', read('modelName'));
  if (productionSource === 'tag') productionTag = parseTagFilter('productionTag', read('productionTag') ?? 'stage=production');
  const rules = parseRules(read('rules') ?? '', 'rules');
  const whenNotBetter = parseChoice('whenNotBetter', read('whenNotBetter') ?? 'succeed', NOT_BETTER_RESULTS);
  const force = parseBoolean('force', read('force') ?? 'false');
  const forceReason = read('forceReason')?.trim() || undefined;
  if (force && !forceReason) {
    throw new UserError(
      "'forceReason' is required when 'force' is true: say why the model is promoted regardless of the rules (it is recorded on the verdict and the model's tags)",
    );
  }
  return {
    ...target,
    jobName,
    stepName,
    productionSource,
    endpointName,
    modelName,
    productionTag,
    rules,
    whenNotBetter,
    force,
    forceReason: force ? forceReason : undefined,
  };
}
