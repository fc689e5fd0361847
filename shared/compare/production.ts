import { UserError } from '../task/user-error';

/**
 * Pure pieces of "which model is in production": the deployment that takes most of an endpoint's
 * traffic, the model a deployment references, and the metrics a registered version carries.
 */

/** The deployment with the highest traffic share; ties go to the alphabetically first name so the choice is stable. */
export function busiestDeployment(traffic: Record<string, number> | undefined): { name: string; percent: number } | undefined {
  const entries = Object.entries(traffic ?? {}).filter(([, p]) => typeof p === 'number' && p > 0);
  if (entries.length === 0) return undefined;
  entries.sort(([a, pa], [b, pb]) => pb - pa || a.localeCompare(b));
  return { name: entries[0][0], percent: entries[0][1] };
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
    throw new UserError(`'${input}' must be a tag as key=value (for example stage=production) or a tag name, without commas, got '${raw ?? ''}'`);
  }
  const value = m[2]?.trim();
  return { key: m[1], value: value || undefined, filter: value ? `${m[1]}=${value}` : m[1] };
}
