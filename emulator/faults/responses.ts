import { randomUUID } from 'node:crypto';
import { armError } from '../arm/errors';
import type { EmulatorResponse } from '../http/types';
import type { FaultArea } from '../types';
import type { FaultDecision } from './injector';

/** What a throttled or failing front door answers, in the envelope of the service the request went to. */
export function faultResponse(decision: FaultDecision, subscriptionId: string, area: FaultArea = 'arm'): EmulatorResponse {
  const status = decision.status ?? 500;
  const headers: Record<string, string> =
    decision.retryAfterSeconds !== undefined ? { 'Retry-After': String(decision.retryAfterSeconds) } : {};
  if (area === 'entra' || area === 'openid' || area === 'identity') return entraFault(status, headers);
  if (area === 'scoring') return { status, headers, body: { message: SCORING_MESSAGES[status] ?? 'Upstream service error.' } };
  if (area === 'devops') {
    return {
      status,
      headers,
      body: {
        $id: '1',
        innerException: null,
        message: DEVOPS_MESSAGES[status] ?? 'The service is unavailable.',
        typeName: 'Microsoft.VisualStudio.Services.WebApi.VssServiceException, Microsoft.VisualStudio.Services.WebApi',
        typeKey: 'VssServiceException',
        errorCode: 0,
        eventId: 3000,
      },
    };
  }
  return armFault(status, decision.retryAfterSeconds, subscriptionId, headers);
}

function armFault(
  status: number,
  retryAfterSeconds: number | undefined,
  subscriptionId: string,
  headers: Record<string, string>,
): EmulatorResponse {
  switch (status) {
    case 429:
      return armError(
        429,
        'TooManyRequests',
        `The request is being throttled as the limit has been reached for operation type - Read_ObservationWindow_00:05:00. Please try again after ${retryAfterSeconds ?? 1} seconds.`,
        headers,
      );
    case 502:
      return armError(
        502,
        'BadGateway',
        'The gateway did not receive a response from Microsoft.MachineLearningServices within the specified time period.',
        headers,
      );
    case 503:
      return armError(503, 'ServiceUnavailable', 'The service is currently unavailable. Please try again later.', headers);
    case 504:
      return armError(
        504,
        'GatewayTimeout',
        'The gateway did not receive a response from Microsoft.MachineLearningServices within the specified time period.',
        headers,
      );
    default:
      return armError(
        500,
        'InternalServerError',
        `Encountered internal server error. Diagnostic information: timestamp '${new Date().toISOString()}', subscription id '${subscriptionId}', tracking id '${randomUUID()}', request correlation id '${randomUUID()}'.`,
        headers,
      );
  }
}

/** Entra's own shape for a busy or failing token service (AADSTS90033 / 90024 / 50196 style). */
function entraFault(status: number, headers: Record<string, string>): EmulatorResponse {
  const [error, code, text] =
    status === 429
      ? ['temporarily_unavailable', 50196, 'The server terminated an operation because it encountered a client request loop.']
      : status === 503 || status === 502 || status === 504
        ? ['temporarily_unavailable', 90033, 'A transient error has occurred. Please try again.']
        : ['server_error', 90024, 'Encountered an internal error. Please try again.'];
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  return {
    status,
    headers,
    body: {
      error,
      error_description: `AADSTS${code}: ${text} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
    },
  };
}

/** What an online endpoint's router answers (azureml-fe): short JSON messages. */
const SCORING_MESSAGES: Record<number, string> = {
  429: 'Too many requests: the deployment has reached max_concurrent_requests_per_instance; retry after the given time.',
  500: 'Internal server error in the endpoint router.',
  502: 'Bad gateway: the deployment did not answer the router.',
  503: 'Service unavailable: no healthy instance could take the request.',
  504: 'Gateway timeout: the deployment did not answer within request_timeout_ms.',
};

const DEVOPS_MESSAGES: Record<number, string> = {
  429: 'Request was blocked due to exceeding usage of resource in namespace.',
  500: 'An unexpected error occurred.',
  502: 'Bad gateway.',
  503: 'The service is temporarily unavailable.',
  504: 'Gateway timeout.',
};
