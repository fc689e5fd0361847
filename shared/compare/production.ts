import { UserError } from '../task/user-error';

/**
 * Pure pieces of "which model is in production": the deployment that takes most of an endpoint's
 * traffic, the model a deployment references, and the metrics a registered version carries.
 */

/**
 * The deployment with the highest traffic share; ties go to the alphabetically first name so the
 * choice is stable, and `tiedWith` names the others so the log and summary can say it was a tie.
 */
export function busiestDeployment(
  traffic: Record<string, number> | undefined,
): { name: string; percent: number; tiedWith: string[] } | undefined {
  const entries = Object.entries(traffic ?? {}).filter(([, p]) => typeof p === 'number' && p > 0);
  if (entries.length === 0) return undefined;
  entries.sort(([a, pa], [b, pb]) => pb - pa || a.localeCompare(b));
  const [name, percent] = entries[0];
  return {
    name,
    percent,
    tiedWith: entries
      .slice(1)
      .filter(([, p]) => p === percent)
      .map(([n]) => n),
  };
}

/** How the production deployment was chosen, in words for the log and the summary. */
export function describeBusiest(endpointName: string, busiest: { name: string; percent: number; tiedWith: string[] }): string {
  const tie =
    busiest.tiedWith.length > 0 ? `; a tie with ${busiest.tiedWith.join(', ')}, broken by taking the first name alphabetically` : '';
  return `served by deployment ${busiest.name} (${busiest.percent}% of endpoint ${endpointName}'s traffic${tie})`;
}

/**
 * Whether a registered version came from the candidate job itself: a re-run of the stage after the
 * first attempt registered it. Such a version is the candidate, not production; comparing the
 * candidate with itself would fail every `production + n` rule.
 */
export function isFromJob(
  version: { jobName?: string | null; properties?: Record<string, string | null> | null },
  jobName: string,
): boolean {
  const same = (name: string | null | undefined) => !!name && name.toLowerCase() === jobName.toLowerCase();
  const source = /^azureml:\/\/jobs\/([^/]+)\/outputs\//i.exec(version.properties?.[MODEL_SOURCE_PROPERTY] ?? '');
  return same(version.jobName) || same(source?.[1]);
}

/** The immutable property AzureMLRegisterModel@1 stores a version's source URI in. */
export const MODEL_SOURCE_PROPERTY = 'azdo.modelSource';

interface ProductionMetrics {
  metrics: Record<string, number>;
  /** Metrics taken from the source job's MLflow run because the version has no tag for them. */
  fromRun: string[];
}

/**
 * A production version's metrics, per metric: its metric.* tag (what registration recorded) first,
 * else the source job's MLflow run. `run` is undefined when it was not read or does not exist.
 */
export function mergeProductionMetrics(tagged: Record<string, number>, run: Record<string, number> | undefined): ProductionMetrics {
  const fromRun = Object.keys(run ?? {})
    .filter((k) => !(k in tagged))
    .sort();
  return { metrics: { ...run, ...tagged }, fromRun };
}

/** Where production metrics came from, for the log, the summary and error messages. */
export function describeMetricsSource(
  tagged: Record<string, number>,
  fromRun: readonly string[],
  jobName: string | undefined,
  needed: readonly string[],
): string {
  const hasTags = Object.keys(tagged).length > 0;
  const used = fromRun.filter((m) => needed.includes(m));
  const run = `the MLflow run of its source job ${jobName}`;
  if (!hasTags && needed.length === 0) return 'not read: no rule compares with production';
  if (hasTags && used.length > 0) return `its metric.* tags, and ${run} for ${used.join(', ')}`;
  if (hasTags) return 'its metric.* tags';
  if (fromRun.length > 0) return run;
  return jobName ? `nowhere: it has no metric.* tags and ${run} has none` : 'nowhere: it has no metric.* tags and no source job';
}

/**
 * A deployment's `model`: an ARM id (`/subscriptions/…/workspaces/<ws>/models/<n>/versions/<v>`) as
 * the service stores it, or the `azureml:<n>:<v>` short form a YAML gives. Registry models
 * (`azureml://registries/…`) live outside the workspace and carry no metrics we can compare.
 */
export function parseModelReference(reference: string): { name: string; version: string } | undefined {
  const arm = /\/models\/([^/]+)\/versions\/([^/]+)\/?$/i.exec(reference);
  if (arm && /\/workspaces\//i.test(reference)) return { name: arm[1], version: arm[2] };
  const short = /^azureml:([^:/]+):([^:/]+)$/i.exec(reference.trim());
  if (short) return { name: short[1], version: short[2] };
  return undefined;
}

export const METRIC_TAG_PREFIX = 'metric.';

/** `metric.<name>` tags as AzureMLRegisterModel@1 writes them, back to numbers (non-numbers ignored). */
export function metricsFromTags(tags: Record<string, string | null> | undefined): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const [key, value] of Object.entries(tags ?? {})) {
    if (!key.startsWith(METRIC_TAG_PREFIX) || value === null || value.trim() === '') continue;
    const n = Number(value);
    if (Number.isFinite(n)) metrics[key.slice(METRIC_TAG_PREFIX.length)] = n;
  }
  return metrics;
}

/** `key=value` (or a bare `key`) as the model version list's `tags` filter takes it. */
export function parseTagFilter(input: string, raw: string | undefined): { key: string; value?: string; filter: string } {
  const text = (raw ?? '').trim();
  const m = /^([^=,\s]+)(?:=([^,]*))?$/.exec(text);
  if (!m) {
    throw new UserError(
      `'${input}' must be a tag as key=value (for example stage=production) or a tag name, without commas, got '${raw ?? ''}'`,
    );
  }
  const value = m[2]?.trim();
  return { key: m[1], value: value || undefined, filter: value ? `${m[1]}=${value}` : m[1] };
}
