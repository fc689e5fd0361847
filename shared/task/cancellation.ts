/**
 * The agent cancels a task with SIGINT, then SIGTERM 7.5 s later, then kills it 2.5 s after that; on
 * Windows it sends Ctrl+C and then Ctrl+Break, which Node reports as SIGBREAK. Turning the first
 * signal into an AbortSignal lets in-flight HTTP calls stop at once and leaves the task time to clean
 * up (for example cancel the Azure ML job) before the kill.
 */
interface CancellationSource {
  readonly signal: AbortSignal;
  /** The signal that cancelled the task, once one arrived. */
  readonly reason: () => NodeJS.Signals | undefined;
  dispose(): void;
}

/** The part of `process` cancellation needs: injected so tests drive it with a plain emitter. */
interface SignalEmitter {
  on(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

/** SIGBREAK exists only on Windows: elsewhere Node has no such signal to listen for. */
export function agentCancelSignals(platform: NodeJS.Platform | string): NodeJS.Signals[] {
  return platform === 'win32' ? ['SIGINT', 'SIGTERM', 'SIGBREAK'] : ['SIGINT', 'SIGTERM'];
}

export function cancelOnAgentSignals(
  proc: SignalEmitter = process,
  platform: NodeJS.Platform | string = process.platform,
): CancellationSource {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (received === undefined) {
      received = sig;
      controller.abort(new Error(`The pipeline was cancelled (${sig}).`));
    }
  };
  const signals = agentCancelSignals(platform);
  for (const s of signals) proc.on(s, onSignal);
  return {
    signal: controller.signal,
    reason: () => received,
    dispose: () => {
      for (const s of signals) proc.off(s, onSignal);
    },
  };
}
