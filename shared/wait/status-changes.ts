import type { ChildRun } from '../azureml/run-history';

/**
 * One log line per status change of the job and of each of its steps, and nothing when nothing
 * changed: a two-hour run prints a dozen lines, not seven hundred.
 */
interface StatusView {
  status?: string;
  children: Map<string, string>;
}

export function emptyView(): StatusView {
  return { status: undefined, children: new Map() };
}

export function statusChanges(
  previous: StatusView,
  jobName: string,
  status: string,
  children: ChildRun[] | undefined,
): { lines: string[]; next: StatusView } {
  const lines: string[] = [];
  const next: StatusView = { status, children: new Map(previous.children) };
  if (previous.status !== status) {
    lines.push(previous.status ? `Job ${jobName}: ${previous.status} → ${status}` : `Job ${jobName}: ${status}`);
  }
  for (const child of children ?? []) {
    const before = previous.children.get(child.runId);
    if (before !== child.status) {
      lines.push(before ? `  step ${child.name}: ${before} → ${child.status}` : `  step ${child.name}: ${child.status}`);
      next.children.set(child.runId, child.status);
    }
  }
  return { lines, next };
}
