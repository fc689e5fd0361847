/**
 * When to check the job again. Checks start at the first interval, grow by half while nothing
 * changes (a long training run needs few reads), snap back when something changes (a pipeline that
 * is moving gets timely step updates), never exceed the cap, and never come sooner than the service
 * asked with Retry-After.
 */
export interface PollSchedule {
  initialMs: number;
  maxMs: number;
  /** Growth per quiet poll; 1.5 by default. */
  factor?: number;
}

export function nextPollDelay(
  previousMs: number | undefined,
  schedule: PollSchedule,
  event: { changed: boolean; retryAfterMs?: number },
): number {
  const factor = schedule.factor ?? 1.5;
  const base = previousMs === undefined || event.changed ? schedule.initialMs : Math.min(schedule.maxMs, Math.round(previousMs * factor));
  return Math.max(base, event.retryAfterMs ?? 0);
}

/** How many status reads a job that runs `durationMs` without changing costs: used by the bench and the docs. */
export function pollsWithin(durationMs: number, schedule: PollSchedule): number {
  let elapsed = 0;
  let delay: number | undefined;
  let polls = 0;
  while (elapsed <= durationMs) {
    polls++;
    delay = nextPollDelay(delay, schedule, { changed: polls === 1 });
    elapsed += delay;
  }
  return polls;
}
