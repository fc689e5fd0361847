import {
  parseBoolean,
  parseChoice,
  parseJobName,
  parseWholeNumber,
  parseWorkspaceTarget,
  type WorkspaceTarget,
} from '../task/input-parsers';
import { UserError } from '../task/user-error';

type JobDisposal = 'cancelJob' | 'leaveRunning';

export interface WaitForRunInputs extends WorkspaceTarget {
  jobName: string;
  timeoutMinutes: number;
  pollIntervalSeconds: number;
  maxPollIntervalSeconds: number;
  onTimeout: JobDisposal;
  onPipelineCancel: JobDisposal;
  failOnCanceledJob: boolean;
}

/** Validates every input before any call to Azure, so a typo fails in milliseconds with one clear line. */
export function parseWaitForRunInputs(read: (name: string) => string | undefined): WaitForRunInputs {
  const target = parseWorkspaceTarget(read);
  const jobName = parseJobName(read('jobName'));
  const pollIntervalSeconds = parseWholeNumber('pollIntervalSeconds', read('pollIntervalSeconds') ?? '10', {
    min: 1,
    max: 3600,
    unit: 'seconds',
  });
  const maxPollIntervalSeconds = parseWholeNumber('maxPollIntervalSeconds', read('maxPollIntervalSeconds') ?? '60', {
    min: 1,
    max: 3600,
    unit: 'seconds',
  });
  if (maxPollIntervalSeconds < pollIntervalSeconds) {
    throw new UserError(
      `'maxPollIntervalSeconds' (${maxPollIntervalSeconds}) must not be less than 'pollIntervalSeconds' (${pollIntervalSeconds})`,
    );
  }
  const disposals = ['cancelJob', 'leaveRunning'] as const;
  return {
    ...target,
    jobName,
    timeoutMinutes: parseWholeNumber('timeoutMinutes', read('timeoutMinutes') ?? '120', { min: 1, max: 10080, unit: 'minutes' }),
    pollIntervalSeconds,
    maxPollIntervalSeconds,
    onTimeout: parseChoice('onTimeout', read('onTimeout') ?? 'cancelJob', disposals),
    onPipelineCancel: parseChoice('onPipelineCancel', read('onPipelineCancel') ?? 'cancelJob', disposals),
    failOnCanceledJob: parseBoolean('failOnCanceledJob', read('failOnCanceledJob') ?? 'true'),
  };
}
