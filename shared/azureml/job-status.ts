/**
 * Azure ML job statuses. Terminal as azure-ai-ml treats them; everything else (NotStarted, Starting,
 * Provisioning, Preparing, Queued, Running, Finalizing, CancelRequested, Unknown) means "still going".
 */
const TERMINAL_STATUSES = ['Completed', 'Failed', 'Canceled', 'NotResponding', 'Paused'] as const;
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];

export function isTerminal(status: string | undefined): status is TerminalStatus {
  return TERMINAL_STATUSES.some((s) => s.toLowerCase() === (status ?? '').toLowerCase());
}

/** The task result a terminal job status maps to. */
type MirroredResult = 'Succeeded' | 'SucceededWithIssues' | 'Failed';

export function resultForStatus(status: TerminalStatus, options: { failOnCanceledJob: boolean }): MirroredResult {
  switch (status) {
    case 'Completed':
      return 'Succeeded';
    case 'Canceled':
      return options.failOnCanceledJob ? 'Failed' : 'SucceededWithIssues';
    default:
      // Failed, NotResponding and Paused all mean no usable output: the pipeline must not go on.
      return 'Failed';
  }
}
