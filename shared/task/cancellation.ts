/**
 * The agent cancels a task with SIGINT, then SIGTERM 7.5 s later, then kills it 2.5 s after that.
 * Turning the first signal into an AbortSignal lets in-flight HTTP calls stop at once and leaves
 * the task time to clean up (for example cancel the Azure ML job) before the kill.
 */
export interface CancellationSource {
  readonly signal: AbortSignal;
  /** The signal that cancelled the task, once one arrived. */
  readonly reason: () => NodeJS.Signals | undefined;
  dispose(): void;
}

export function cancelOnAgentSignals(proc: NodeJS.Process = process): CancellationSource {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (received === undefined) {
      received = sig;
      controller.abort(new Error(`The pipeline was cancelled (${sig}).`));
    }
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
  for (const s of signals) proc.on(s, onSignal);
  return {
    signal: controller.signal,
    reason: () => received,
    dispose: () => {
      for (const s of signals) proc.off(s, onSignal);
    },
  };
}
