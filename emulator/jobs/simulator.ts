import type { JobOutcome, JobPhase } from '../types';

/**
 * The job simulator is pure: a run's status is a function of its scenario, its creation time,
 * when (if ever) a cancel was requested, and "now" on the emulator clock. No timers.
 */

export const DEFAULT_PHASES: readonly JobPhase[] = [
  { status: 'Queued', seconds: 1 },
  { status: 'Running', seconds: 2 },
];

/** Terminal as azure-ai-ml treats them. */
const TERMINAL_STATUSES: ReadonlySet<string> = new Set(['Completed', 'Failed', 'Canceled', 'NotResponding', 'Paused']);

interface Walk {
  phases?: JobPhase[];
  outcome: JobOutcome;
}

export interface RunState {
  status: string;
  /** When the run first reached Running (ms), if it has. */
  startedAt?: number;
  /** When the run reached a terminal status (ms), if it has. */
  endedAt?: number;
}

/** An explicit empty list means "straight to the outcome". */
const phasesOf = (walk: Walk) => walk.phases ?? DEFAULT_PHASES;

/** Status `elapsedMs` after creation, ignoring cancellation. */
function naturalStatus(walk: Walk, elapsedMs: number): string {
  const phases = phasesOf(walk);
  let boundary = 0;
  for (const phase of phases) {
    boundary += phase.seconds * 1000;
    if (elapsedMs < boundary) return phase.status;
  }
  if (walk.outcome !== 'hang') return walk.outcome;
  return phases.length > 0 ? phases[phases.length - 1].status : 'Running';
}

/** ms after creation at which the phases run out (the outcome applies from then on). */
function phasesEndMs(walk: Walk): number {
  return phasesOf(walk).reduce((sum, phase) => sum + phase.seconds * 1000, 0);
}

/** ms after creation at which the run first shows Running, if any phase is Running. */
function runningStartMs(walk: Walk): number | undefined {
  let boundary = 0;
  for (const phase of phasesOf(walk)) {
    if (phase.status === 'Running') return boundary;
    boundary += phase.seconds * 1000;
  }
  return undefined;
}

export function runStateAt(walk: Walk, createdAt: number, now: number, cancelAt?: number, cancelSeconds = 1): RunState {
  const running = runningStartMs(walk);
  const startedAt = running !== undefined && now - createdAt >= running ? createdAt + running : undefined;

  if (cancelAt !== undefined && cancelAt <= now && !TERMINAL_STATUSES.has(naturalStatus(walk, cancelAt - createdAt))) {
    const canceledAt = cancelAt + cancelSeconds * 1000;
    const startedBeforeCancel = startedAt !== undefined && startedAt <= cancelAt ? startedAt : undefined;
    return now < canceledAt
      ? { status: 'CancelRequested', startedAt: startedBeforeCancel }
      : { status: 'Canceled', startedAt: startedBeforeCancel, endedAt: canceledAt };
  }

  const status = naturalStatus(walk, now - createdAt);
  const endedAt = TERMINAL_STATUSES.has(status) ? createdAt + phasesEndMs(walk) : undefined;
  return { status, startedAt, endedAt };
}
