import type { EmulatorResponse } from '../http/types';

/**
 * ARM's error envelope (common-types ErrorResponse): {error:{code,message,details,additionalInfo}}.
 * Azure ML adds more fields in reality; the emulator keeps to the spec'd ones so oav stays clean.
 */
export function armError(status: number, code: string, message: string, headers: Record<string, string> = {}): EmulatorResponse {
  return { status, headers, body: { error: { code, message, details: [], additionalInfo: [] } } };
}

export const notFoundRoute = (method: string, path: string): EmulatorResponse =>
  armError(
    404,
    'NotFound',
    `No route for ${method} ${path}: the Azure ML emulator does not serve this operation. ` +
      'See emulator/README.md for the routes it serves.',
  );
