import type { ChildRun } from '../azureml/run-history';
import { isTerminal } from '../azureml/job-status';

/**
 * A pipeline's sweep steps with their trials as steps of their own, listed right after their
 * sweep: `tune trial 0`, `tune trial 1`, … (HyperDrive numbers trial runs `<sweep run id>_<n>`).
 * A finished sweep's trials are read once more after it ended, then remembered, so a long
 * pipeline does not re-read them on every poll.
 */
interface TrialCache {
  /** Sweep run id → its trials as last read once the sweep was terminal. */
  finished: Map<string, ChildRun[]>;
}

export const emptyTrialCache = (): TrialCache => ({ finished: new Map() });

function trialName(sweep: ChildRun, trial: ChildRun): string {
  const prefix = `${sweep.runId}_`;
  const label = trial.runId.startsWith(prefix) ? trial.runId.slice(prefix.length) : trial.name;
  return `${sweep.name} trial ${label}`;
}

export async function withSweepTrials(
  children: ChildRun[],
  listTrials: (runId: string) => Promise<ChildRun[]>,
  cache: TrialCache,
): Promise<ChildRun[]> {
  const out: ChildRun[] = [];
  for (const child of children) {
    out.push(child);
    if (!child.sweep) continue;
    let trials = cache.finished.get(child.runId);
    if (!trials) {
      trials = (await listTrials(child.runId)).map((t) => ({ runId: t.runId, name: trialName(child, t), status: t.status }));
      if (isTerminal(child.status)) cache.finished.set(child.runId, trials);
    }
    out.push(...trials);
  }
  return out;
}
