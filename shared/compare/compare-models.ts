import type { Workspace } from '../azureml/workspace';
import { listStepNames, readJobMetrics, requireCompletedJob } from '../azureml/job-metrics';
import { getMlflowRun } from '../azureml/mlflow';
import { getModelVersion, listModelVersions } from '../azureml/models';
import { UserError } from '../task/user-error';
import type { ModelVersion } from '@azure/arm-machinelearning';
import type { CompareInputs, NotBetterResult } from './compare-inputs';
import {
  busiestDeployment,
  describeBusiest,
  describeMetricsSource,
  isFromJob,
  mergeProductionMetrics,
  metricsFromTags,
  parseModelReference,
} from './production';
import { evaluateRules, RuleOutcome, usesProduction } from './rules';
import { compareSummaryMarkdown } from './summary';
import { decide, ProductionModel, Verdict } from './verdict';
import { isNotFound } from '../azureml/not-found';

interface CompareReport {
  result: 'Succeeded' | 'SucceededWithIssues' | 'Failed';
  message: string;
  verdict: Verdict;
  candidateMetrics: Record<string, number>;
  /** `name:version`, or '' when there is no production model. */
  productionModel: string;
  summaryMarkdown: string;
  outcomes: RuleOutcome[];
}

interface ResolvedProduction {
  model?: ProductionModel;
  metrics?: Record<string, number>;
  noProductionWhy?: string;
}

const RESULT_FOR_NOT_BETTER: Record<NotBetterResult, CompareReport['result']> = {
  succeed: 'Succeeded',
  succeedWithIssues: 'SucceededWithIssues',
  fail: 'Failed',
};

/** Candidate metrics vs production metrics by the rules; never throws for "not better", only for errors. */
export async function compareModels(
  ws: Workspace,
  inputs: CompareInputs,
  log: (line: string) => void,
  abortSignal?: AbortSignal,
): Promise<CompareReport> {
  await requireCompletedJob(ws, inputs.jobName, 'models are compared', abortSignal);
  const candidate = await readJobMetrics(ws, inputs.jobName, inputs.stepName, abortSignal);
  log(`Candidate: ${candidate.label}: ${describeMetrics(candidate.metrics)}`);

  const production = await resolveProduction(ws, inputs, log, abortSignal);
  if (production.model)
    log(
      `Production: ${production.model.name}:${production.model.version}, ${production.model.how}; metrics from ${production.model.metricsFrom}: ${describeMetrics(production.metrics ?? {})}`,
    );
  else log(`Production: none (${production.noProductionWhy}).`);

  const outcomes = evaluateRules(inputs.rules, {
    candidate: candidate.metrics,
    production: production.model ? (production.metrics ?? {}) : undefined,
  });
  // A run with no metrics at all is usually a pipeline's own run: name its steps in the error.
  const noCandidateMetrics = Object.keys(candidate.metrics).length === 0 && outcomes.some((o) => o.status === 'missing');
  const candidateSteps = noCandidateMetrics && !inputs.stepName ? await listStepNames(ws, inputs.jobName, abortSignal) : undefined;
  const verdict = decide(
    {
      outcomes,
      production: production.model,
      noProductionWhy: production.noProductionWhy,
      force: inputs.force,
      forceReason: inputs.forceReason,
      candidate: candidate.label,
    },
    { candidate: Object.keys(candidate.metrics), production: Object.keys(production.metrics ?? {}), candidateSteps },
  );
  const notBetterResult = RESULT_FOR_NOT_BETTER[inputs.whenNotBetter];
  const summaryMarkdown = compareSummaryMarkdown({
    candidate: candidate.label,
    production: production.model,
    noProductionWhy: production.noProductionWhy,
    outcomes,
    verdict,
    notBetterResult,
  });
  return {
    result: verdict.promote ? 'Succeeded' : notBetterResult,
    message: `${verdict.promote ? 'Promote' : 'Do not promote'}: ${verdict.reason}`,
    verdict,
    candidateMetrics: candidate.metrics,
    productionModel: production.model ? `${production.model.name}:${production.model.version}` : '',
    summaryMarkdown,
    outcomes,
  };
}

function describeMetrics(metrics: Record<string, number>): string {
  const keys = Object.keys(metrics).sort();
  return keys.length === 0 ? 'no metrics' : keys.map((k) => `${k}=${metrics[k]}`).join(', ');
}

async function resolveProduction(
  ws: Workspace,
  inputs: CompareInputs,
  log: (line: string) => void,
  abortSignal?: AbortSignal,
): Promise<ResolvedProduction> {
  const needed = inputs.rules.filter(usesProduction).map((r) => r.metric);
  switch (inputs.productionSource) {
    case 'none':
      return { noProductionWhy: "'productionSource' is none" };
    case 'latest': {
      const { version, skipped } = await newestNotFromCandidate(ws, inputs.modelName!, {}, inputs.jobName, log, abortSignal);
      if (!version)
        return {
          noProductionWhy: `model '${inputs.modelName}' has no versions in workspace '${ws.name}'${skipped ? ` other than ${skipped} registered from the candidate job ${inputs.jobName}` : ''}`,
        };
      return withMetrics(ws, inputs.modelName!, version, `the latest version of ${inputs.modelName}`, needed, abortSignal);
    }
    case 'tag': {
      const tag = inputs.productionTag!;
      const { version, skipped } = await newestNotFromCandidate(
        ws,
        inputs.modelName!,
        { tags: tag.filter },
        inputs.jobName,
        log,
        abortSignal,
      );
      if (!version)
        return {
          noProductionWhy: `no version of model '${inputs.modelName}' carries the tag ${tag.filter}${skipped ? ` other than ${skipped} registered from the candidate job ${inputs.jobName}` : ''}`,
        };
      return withMetrics(
        ws,
        inputs.modelName!,
        version,
        `the latest version of ${inputs.modelName} tagged ${tag.filter}`,
        needed,
        abortSignal,
      );
    }
    default:
      return fromEndpoint(ws, inputs.endpointName!, needed, abortSignal);
  }
}

/** Versions looked at for "latest": one page; more than that registered from one job is not a re-run. */
const LATEST_WINDOW = 20;

/**
 * The newest version matching the filters that the candidate job did not produce: when a re-run of
 * the stage follows a registration of this same candidate, "latest" is the candidate itself.
 */
async function newestNotFromCandidate(
  ws: Workspace,
  name: string,
  filters: { tags?: string },
  jobName: string,
  log: (line: string) => void,
  abortSignal?: AbortSignal,
): Promise<{ version?: ModelVersion; skipped: number }> {
  const versions = await listModelVersions(ws, name, filters, abortSignal, LATEST_WINDOW);
  let skipped = 0;
  for (const version of versions) {
    if (!isFromJob({ jobName: version.properties.jobName, properties: version.properties.properties }, jobName))
      return { version, skipped };
    skipped++;
    log(
      `Not production: ${name}:${version.name} was registered from the candidate job ${jobName} itself (this stage ran before); looking at the version before it.`,
    );
  }
  return { skipped };
}

/** The truth about production: the model behind the deployment that takes most of the endpoint's traffic. */
async function fromEndpoint(ws: Workspace, endpointName: string, needed: string[], abortSignal?: AbortSignal): Promise<ResolvedProduction> {
  let endpoint;
  try {
    endpoint = await ws.client.onlineEndpoints.get(ws.resourceGroup, ws.name, endpointName, { abortSignal });
  } catch (error) {
    if (isNotFound(error)) {
      throw new UserError(
        `'productionEndpoint' is '${endpointName}', but workspace '${ws.name}' has no online endpoint of that name; check the name, or set 'productionSource' to none until a model serves traffic.`,
        { cause: error },
      );
    }
    throw error;
  }
  const busiest = busiestDeployment(endpoint.properties.traffic);
  if (!busiest) {
    throw new UserError(
      `'productionEndpoint' is '${endpointName}', but the endpoint sends no traffic to any deployment, so no model is in production there; route traffic to a deployment, or set 'productionSource' to none.`,
    );
  }
  const deployment = await ws.client.onlineDeployments.get(ws.resourceGroup, ws.name, endpointName, busiest.name, { abortSignal });
  const reference = deployment.properties.model ?? '';
  const parsed = parseModelReference(reference);
  const how = describeBusiest(endpointName, busiest);
  if (!parsed) {
    throw new UserError(
      `Deployment '${busiest.name}' of endpoint '${endpointName}' serves '${reference || 'no model'}', which is not a model version of workspace '${ws.name}'; compare with 'productionSource' tag or latest instead.`,
    );
  }
  const version = await getModelVersion(ws, parsed.name, parsed.version, abortSignal);
  if (!version) {
    throw new UserError(
      `Deployment '${busiest.name}' of endpoint '${endpointName}' serves model ${parsed.name}:${parsed.version}, which workspace '${ws.name}' no longer has; its metrics cannot be read.`,
    );
  }
  return withMetrics(ws, parsed.name, version, how, needed, abortSignal);
}

/**
 * A production version's metrics, per metric: its metric.* tags (written at registration), and for
 * any metric a rule needs that has no tag, its source job's MLflow run (read only then).
 */
async function withMetrics(
  ws: Workspace,
  name: string,
  version: ModelVersion,
  how: string,
  needed: string[],
  abortSignal?: AbortSignal,
): Promise<ResolvedProduction> {
  const tagged = metricsFromTags(version.properties.tags ?? undefined);
  const jobName = version.properties.jobName ?? undefined;
  const untagged = needed.filter((m) => !(m in tagged));
  const run = untagged.length > 0 && jobName ? await getMlflowRun(ws, jobName, abortSignal) : undefined;
  const merged = mergeProductionMetrics(tagged, run?.metrics);
  const metricsFrom = describeMetricsSource(tagged, merged.fromRun, jobName, needed);
  return { model: { name, version: version.name ?? '', how, metricsFrom }, metrics: merged.metrics };
}
