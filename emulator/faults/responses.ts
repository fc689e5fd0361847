import { randomUUID } from 'node:crypto';
import { armError } from '../arm/errors';
import type { EmulatorResponse } from '../http/types';
import type { FaultDecision } from './injector';

/** What a throttled or failing ARM front door answers. */
export function faultResponse(decision: FaultDecision, subscriptionId: string): EmulatorResponse {
  const retryAfter: Record<string, string> =
    decision.retryAfterSeconds !== undefined ? { 'Retry-After': String(decision.retryAfterSeconds) } : {};
  if (decision.status === 429) {
    return armError(
      429,
      'TooManyRequests',
      `The request is being throttled as the limit has been reached for operation type - Read_ObservationWindow_00:05:00. Please try again after ${decision.retryAfterSeconds ?? 1} seconds.`,
      retryAfter,
    );
  }
  if (decision.status === 503) {
    return armError(503, 'ServiceUnavailable', 'The service is currently unavailable. Please try again later.', retryAfter);
  }
  return armError(
    500,
    'InternalServerError',
    `Encountered internal server error. Diagnostic information: timestamp '${new Date().toISOString()}', subscription id '${subscriptionId}', tracking id '${randomUUID()}', request correlation id '${randomUUID()}'.`,
    retryAfter,
  );
}
