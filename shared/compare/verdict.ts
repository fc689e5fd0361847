import { UserError } from '../task/user-error';
import type { RuleOutcome } from './rules';

/** Where the production model came from, as the summary and the reason tell it. */
export interface ProductionModel {
  name: string;
  version: string;
  /** e.g. "deployment blue (90% of endpoint credit-prod)", "latest version of credit-model". */
  how: string;
  /** Where its metrics came from: its metric.* tags or its source job's MLflow run. */
  metricsFrom: string;
}

interface VerdictInput {
  outcomes: RuleOutcome[];
  /** undefined: no production model; `noProductionWhy` says why. */
  production?: ProductionModel;
  noProductionWhy?: string;
  force: boolean;
  forceReason?: string;
  /** Describes the candidate for messages, e.g. "job train-42 (step train)". */
  candidate: string;
}

export interface Verdict {
  promote: boolean;
  forced: boolean;
  reason: string;
  passed: number;
  failed: number;
  skipped: number;
}

const ruleLabel = (o: RuleOutcome) => `line ${o.rule.line} '${o.rule.text}'`;

/**
 * Turns rule outcomes into the verdict. A metric missing where a rule needs it is the user's error
 * (a typo in a metric name must not pass silently), reported with the metrics that do exist.
 */
export function decide(input: VerdictInput, available: { candidate: string[]; production?: string[]; candidateSteps?: string[] }): Verdict {
  const missing = input.outcomes.filter((o) => o.status === 'missing');
  if (missing.length > 0) {
    const o = missing[0];
    const onCandidate = o.candidate === undefined;
    // No metric at all is not a typo in the rule: the wrong run was read (a pipeline's own run logs none).
    if (onCandidate && available.candidate.length === 0) {
      throw new UserError(
        `'rules' ${ruleLabel(o)}: the candidate (${input.candidate}) logged no metrics to MLflow, so no rule can be checked; ${noMetricsFix(available.candidateSteps)}`,
      );
    }
    const where = onCandidate
      ? `the candidate (${input.candidate})`
      : `production model ${input.production!.name}:${input.production!.version} (${input.production!.metricsFrom})`;
    const names = (onCandidate ? available.candidate : (available.production ?? [])).slice().sort();
    const known = names.length > 0 ? `it has ${names.join(', ')}` : 'it has no metrics';
    throw new UserError(
      `'rules' ${ruleLabel(o)}: metric '${o.rule.metric}' is missing on ${where}; ${known}. Fix the metric name, or end the rule with 'if present' to skip it when missing.`,
    );
  }
  const passed = input.outcomes.filter((o) => o.status === 'pass').length;
  const failedOutcomes = input.outcomes.filter((o) => o.status === 'fail');
  const failed = failedOutcomes.length;
  const skipped = input.outcomes.filter((o) => o.status === 'skipped').length;
  const counts = { passed, failed, skipped };
  const against = input.production ? `production model ${input.production.name}:${input.production.version}` : undefined;

  let promote: boolean;
  let reason: string;
  if (failed > 0) {
    promote = false;
    const list = failedOutcomes
      .map((o) => `${o.rule.text} (candidate ${fmt(o.candidate)}, needs ${o.rule.operator} ${fmt(o.threshold)})`)
      .join('; ');
    reason = `The candidate fails ${failed} of ${input.outcomes.length} rule${input.outcomes.length === 1 ? '' : 's'}${against ? ` against ${against}` : ''}: ${list}.`;
  } else if (!input.production) {
    promote = true;
    const absolute = passed > 0 ? `; the candidate meets the ${passed} rule${passed === 1 ? '' : 's'} with a fixed threshold` : '';
    reason = `No production model yet (${input.noProductionWhy ?? 'none was asked for'})${absolute}.`;
  } else {
    promote = true;
    const skippedNote = skipped > 0 ? ` (${skipped} skipped: metric missing)` : '';
    reason = `The candidate meets all ${passed} rule${passed === 1 ? '' : 's'} against ${against}${skippedNote}.`;
  }
  if (input.force && !promote) {
    return { promote: true, forced: true, reason: `Forced promotion (${input.forceReason}) overriding: ${reason}`, ...counts };
  }
  return { promote, forced: false, reason, ...counts };
}

/**
 * What to do when a run logged no metrics. `steps`: the job's pipeline steps when the job itself was
 * read (undefined when a step was named already); a pipeline's own run rarely logs anything.
 */
export function noMetricsFix(steps: string[] | undefined, input = 'stepName'): string {
  if (steps && steps.length > 0)
    return `set '${input}' to the pipeline step that logs them (its steps are ${steps.slice().sort().join(', ')}).`;
  return 'check that the training code logs its metrics with MLflow (mlflow.log_metric) in this run.';
}

/** Numbers as people read them in a log: up to 6 significant digits, no float noise. */
export function fmt(value: number | undefined): string {
  if (value === undefined) return '—';
  if (!Number.isFinite(value)) return String(value);
  return String(Number(value.toPrecision(6)));
}

export function fmtDelta(value: number | undefined): string {
  if (value === undefined) return '—';
  return value > 0 ? `+${fmt(value)}` : fmt(value);
}
