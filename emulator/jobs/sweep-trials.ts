import type { ChildScenario } from '../types';
import type { ChildRef, JobRecord } from './store';

/**
 * A sweep node's trials: run history lists them as the children of the sweep's own run. Their
 * number is the node's limits.max_total_trials (bounded, the emulator is not a tuner); they walk
 * the sweep node's phases and end as it ends, so a scenario for the node drives its trials too.
 * Trial run ids are `<sweep run id>_<n>` as HyperDrive numbers them.
 */
const MAX_TRIALS = 8;
const DEFAULT_TRIALS = 2;

export interface TrialRef {
  /** The pipeline job and its sweep node's child run. */
  sweep: ChildRef;
  trial: ChildScenario;
  index: number;
}

/** The node of the pipeline body a child run stands for. */
function nodeOf(job: JobRecord, child: ChildScenario): Record<string, unknown> | undefined {
  const jobs = job.properties.jobs as Record<string, Record<string, unknown>> | undefined;
  const node = jobs?.[child.displayName];
  return node && typeof node === 'object' ? node : undefined;
}

export const isSweepChild = (ref: ChildRef) => nodeOf(ref.parent, ref.child)?.type === 'sweep';

export function sweepTrials(ref: ChildRef): TrialRef[] {
  const node = nodeOf(ref.parent, ref.child);
  if (node?.type !== 'sweep') return [];
  const limit = (node.limits as { max_total_trials?: unknown } | undefined)?.max_total_trials;
  const count = typeof limit === 'number' && Number.isInteger(limit) && limit > 0 ? Math.min(limit, MAX_TRIALS) : DEFAULT_TRIALS;
  return Array.from({ length: count }, (_, index) => {
    const name = `${ref.child.name}_${index}`;
    const trial: ChildScenario = {
      name,
      displayName: name,
      phases: ref.child.phases,
      outcome: ref.child.outcome,
      error: ref.child.error,
      metrics: ref.child.metrics,
    };
    return { sweep: ref, trial, index };
  });
}
