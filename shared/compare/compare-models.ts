import type { Workspace } from '../azureml/workspace';
import { listStepNames, readJobMetrics, requireCompletedJob } from '../azureml/job-metrics';
import { getMlflowRun } from '../azureml/mlflow';
import { getModelVersion, newestModelVersion } from '../azureml/models';
import { UserError } from '../task/user-error';
import type { ModelVersion } from '@azure/arm-machinelearning';
import type { CompareInputs, NotBetterResult } from './compare-inputs';
import { busiestDeployment, metricsFromTags, parseModelReference } from './production';
import { evaluateRules, RuleOutcome } from './rules';
import { compareSummaryMarkdown } from './summary';
import { decide, ProductionModel, Verdict } from './verdict';

export interface CompareReport {
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
export async function compareModels(ws: Workspace, inputs: CompareInputs, log: (line: string) => void, abortSignal?: AbortSignal): Promise<CompareReport> {
  await requireCompletedJob(ws, inputs.jobName, 'models are compared', abortSignal);
  const candidate = await readJobMetrics(ws, inputs.jobName, inputs.stepName, abortSignal);
  log(`Candidate: ${candidate.label}: ${describeMetrics(candidate.metrics)}`);

  const production = await resolveProduction(ws, inputs, abortSignal);
  if (production.model) log(`Production: ${production.model.name}:${production.model.version}, ${production.model.how}; metrics from ${production.model.metricsFrom}: ${describeMetrics(production.metrics ?? {})}`);
  else log(`Production: none (${production.noProductionWhy}).`);

  const outcomes = evaluateRules(inputs.rules, { candidate: candidate.metrics, production: production.model ? production.metrics ?? {} : undefined });
  // A run with no metrics at all is usually a pipeline's own run: name its steps in the error.
  const noCandidateMetrics = Object.keys(candidate.metrics).length === 0 && outcomes.some((o) => o.status === 'missing');
  const candidateSteps = noCandidateMetrics && !inputs.stepName ? await listStepNames(ws, inputs.jobName, abortSignal) : undefined;
  const verdict = decide(
    { outcomes, production: production.model, noProductionWhy: production.noProductionWhy, force: inputs.force, forceReason: inputs.forceReason, candidate: candidate.label },
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

async function resolveProduction(ws: Workspace, inputs: CompareInputs, abortSignal?: AbortSignal): Promise<ResolvedProduction> {
  switch (inputs.productionSource) {
    case 'none':
      return { noProductionWhy: "'productionSource' is none" };
    case 'latest': {
      const version = await newestModelVersion(ws, inputs.modelName!, {}, abortSignal);
      if (!version) return { noProductionWhy: `model '${inputs.modelName}' has no versions in workspace '${ws.name}'` };
      return withMetrics(ws, inputs.modelName!, version, `the latest version of ${inputs.modelName}`, abortSignal);
    }
    case 'tag': {
      const tag = inputs.productionTag!;
      const version = await newestModelVersion(ws, inputs.modelName!, { tags: tag.filter }, abortSignal);
      if (!version) return { noProductionWhy: `no version of model '${inputs.modelName}' carries the tag ${tag.filter}` };
      return withMetrics(ws, inputs.modelName!, version, `the latest version of ${inputs.modelName} tagged ${tag.filter}`, abortSignal);
    }
    default:
      return fromEndpoint(ws, inputs.endpointName!, abortSignal);
  }
}

/** The truth about production: the model behind the deployment that takes most of the endpoint's traffic. */
async function fromEndpoint(ws: Workspace, endpointName: string, abortSignal?: AbortSignal): Promise<ResolvedProduction> {
  let endpoint;
  try {
    endpoint = await ws.client.onlineEndpoints.get(ws.resourceGroup, ws.name, endpointName, { abortSignal });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) {
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
  const how = `served by deployment ${busiest.name} (${busiest.percent}% of endpoint ${endpointName}'s traffic)`;
  if (!parsed) {
    throw new UserError(
      `Deployment '${busiest.name}' of endpoint '${endpointName}' serves '${reference || 'no model'}', which is not a model version of workspace '${ws.name}'; compare with 'productionSource' tag or latest instead.`,
    );
  }
  const version = await getModelVersion(ws, parsed.name, parsed.version, abortSignal);
  if (!version) {
    throw new UserError(`Deployment '${busiest.name}' of endpoint '${endpointName}' serves model ${parsed.name}:${parsed.version}, which workspace '${ws.name}' no longer has; its metrics cannot be read.`);
  }
  return withMetrics(ws, parsed.name, version, how, abortSignal);
}

/** A production version's metrics: its metric.* tags (written at registration), else its source job's MLflow run. */
async function withMetrics(ws: Workspace, name: string, version: ModelVersion, how: string, abortSignal?: AbortSignal): Promise<ResolvedProduction> {
  const model = { name, version: version.name ?? '', how };
  const tagged = metricsFromTags(version.properties.tags ?? undefined);
  if (Object.keys(tagged).length > 0) return { model: { ...model, metricsFrom: 'its metric.* tags' }, metrics: tagged };
  const jobName = version.properties.jobName;
  if (jobName) {
    const run = await getMlflowRun(ws, jobName, abortSignal);
    if (run) return { model: { ...model, metricsFrom: `the MLflow run of its source job ${jobName}` }, metrics: run.metrics };
  }
  return { model: { ...model, metricsFrom: 'nowhere: it has no metric.* tags and no source job run' }, metrics: {} };
}
