import type * as sinon from 'sinon';

/**
 * Settles `promise` under sinon's fake clock: runs the clock `ms` ahead (default 10 minutes, more
 * than any wait under test) and returns the value or the error, without an unhandled rejection.
 */
export async function settle<T>(clock: sinon.SinonFakeTimers, promise: Promise<T>, ms = 600_000): Promise<{ value?: T; error?: Error }> {
  const outcome = promise.then(
    (value) => ({ value }),
    (error: Error) => ({ error }),
  );
  await clock.tickAsync(ms);
  return outcome;
}
