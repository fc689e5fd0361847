import type { ChildScenario, EmulatedJob } from '../types';
import { runStateAt, RunState } from './simulator';
import { sweepTrials, TrialRef } from './sweep-trials';

/**
 * What the emulator remembers about a job: the public view's stored fields (`properties` as PUT,
 * read-only fields such as status and services removed); statuses are derived from it on demand.
 */
export interface JobRecord extends Pick<
  EmulatedJob,
  | 'name'
  | 'createdAt'
  | 'scenario'
  | 'jobType'
  | 'displayName'
  | 'experimentName'
  | 'tags'
  | 'properties'
  | 'cancelRequestedAt'
  | 'canceledFromOutsideAt'
> {
  isArchived: boolean;
}

export interface ChildRef {
  parent: JobRecord;
  child: ChildScenario;
}

const earliest = (...times: Array<number | undefined>) => {
  const set = times.filter((t): t is number => t !== undefined);
  return set.length > 0 ? Math.min(...set) : undefined;
};

function cancelTime(job: JobRecord): number | undefined {
  return earliest(job.cancelRequestedAt, job.canceledFromOutsideAt);
}

export function jobState(job: JobRecord, now: number): RunState {
  return runStateAt(job.scenario, job.createdAt, now, cancelTime(job), job.scenario.cancelSeconds ?? 1);
}

/** Children start with their parent and are canceled with it. */
export function childState(ref: ChildRef, now: number): RunState {
  const { parent, child } = ref;
  return runStateAt(child, parent.createdAt, now, cancelTime(parent), parent.scenario.cancelSeconds ?? 1);
}

export class JobStore {
  private readonly jobs = new Map<string, JobRecord>();

  constructor(private readonly now: () => number) {}

  get(name: string): JobRecord | undefined {
    return this.jobs.get(name);
  }

  /** A child step looked up by its run id (= its job name). */
  findChild(name: string): ChildRef | undefined {
    for (const parent of this.jobs.values()) {
      const child = parent.scenario.children?.find((c) => c.name === name);
      if (child) return { parent, child };
    }
    return undefined;
  }

  /** A sweep trial looked up by its run id (`<sweep run id>_<n>`). */
  findTrial(name: string): TrialRef | undefined {
    const m = /^(.+)_(\d+)$/.exec(name);
    const sweep = m ? this.findChild(m[1]) : undefined;
    return sweep ? sweepTrials(sweep).find((t) => t.trial.name === name) : undefined;
  }

  add(record: JobRecord): void {
    this.jobs.set(record.name, record);
  }

  list(): JobRecord[] {
    return [...this.jobs.values()].sort((a, b) => b.createdAt - a.createdAt || a.name.localeCompare(b.name));
  }

  requestCancel(name: string): void {
    const job = this.jobs.get(name);
    if (job && job.cancelRequestedAt === undefined) job.cancelRequestedAt = this.now();
  }

  cancelFromOutside(name: string): void {
    const job = this.jobs.get(name);
    if (!job) throw new Error(`cancelFromOutside: no job named '${name}' in the emulator`);
    if (job.canceledFromOutsideAt === undefined) job.canceledFromOutsideAt = this.now();
  }

  snapshot(name: string): EmulatedJob | undefined {
    const job = this.jobs.get(name);
    if (!job) return undefined;
    const now = this.now();
    return {
      name: job.name,
      status: jobState(job, now).status,
      cancelRequested: job.cancelRequestedAt !== undefined,
      cancelRequestedAt: job.cancelRequestedAt,
      canceledFromOutsideAt: job.canceledFromOutsideAt,
      createdAt: job.createdAt,
      scenario: job.scenario,
      jobType: job.jobType,
      displayName: job.displayName,
      experimentName: job.experimentName,
      tags: { ...job.tags },
      properties: structuredClone(job.properties),
      children: (job.scenario.children ?? []).map((child) => ({
        name: child.name,
        displayName: child.displayName,
        status: childState({ parent: job, child }, now).status,
      })),
    };
  }
}
