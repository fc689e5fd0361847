/**
 * An error the user can fix: wrong input, missing permission, a resource that does not exist.
 * The run wrapper prints its message as one line and fails the task, without a stack trace.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}

/** True for the error an aborted AbortSignal makes an operation throw (SDK, fetch or timers). */
export function isAbortError(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'AbortError' || error.name === 'TimeoutError' || (error as { code?: string }).code === 'ABORT_ERR')
  );
}
