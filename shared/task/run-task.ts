import * as tl from 'azure-pipelines-task-lib/task';
import { cancelOnAgentSignals } from './cancellation';
import { isAbortError, isUserError } from './user-error';
import { describeError } from './describe-error';
import { routeAzureSdkLogsToDebug } from './sdk-logging';

interface TaskContext {
  /** Aborted when the agent cancels the task (SIGINT/SIGTERM). */
  abortSignal: AbortSignal;
  debug: boolean;
}

/**
 * Runs a task body the way every task in this extension behaves:
 * - a UserError becomes one clear line and Failed, without a stack;
 * - any other error prints its message (with the service's error code and request id when it came
 *   from Azure), and its stack only when System.Debug is true;
 * - a cancelled pipeline ends as Canceled (the agent's spelling);
 * - the exit code is always 0: the agent reads the result from the ##vso command, not the exit code.
 */
export async function runTask(body: (ctx: TaskContext) => Promise<void>): Promise<void> {
  const debug = (tl.getVariable('System.Debug') ?? '').toLowerCase() === 'true';
  const cancellation = cancelOnAgentSignals();
  if (debug) routeAzureSdkLogsToDebug();
  try {
    await body({ abortSignal: cancellation.signal, debug });
  } catch (error) {
    if (cancellation.signal.aborted && (isAbortError(error) || error === cancellation.signal.reason)) {
      // task-lib's TaskResult.Cancelled is written as "Cancelled", which the agent's enum
      // (Canceled) does not parse: it would log "Unable to process command" instead.
      tl.command('task.complete', { result: 'Canceled' }, `The pipeline was cancelled (${cancellation.reason() ?? 'signal'}).`);
    } else if (isUserError(error)) {
      tl.setResult(tl.TaskResult.Failed, error.message);
    } else {
      if (debug && error instanceof Error && error.stack) tl.debug(error.stack);
      tl.setResult(tl.TaskResult.Failed, describeError(error));
    }
  } finally {
    cancellation.dispose();
    process.exitCode = 0;
  }
}
