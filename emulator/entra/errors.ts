import { randomUUID } from 'node:crypto';
import type { EmulatorResponse } from '../http/types';

/**
 * Entra ID token-endpoint errors, shaped like login.microsoftonline.com's: MSAL and
 * @azure/identity surface error_description (with its AADSTS code) to the user.
 */
export function entraError(error: string, aadsts: number, description: string, now: Date = new Date()): EmulatorResponse {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = now
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  return {
    // Entra answers invalid_client with 401 and everything else with 400.
    status: error === 'invalid_client' ? 401 : 400,
    body: {
      error,
      error_description: `AADSTS${aadsts}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [aadsts],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${aadsts}`,
    },
  };
}
