import * as tl from 'azure-pipelines-task-lib/task';
import { AzureLogger, setLogLevel } from '@azure/logger';

/**
 * With System.Debug, the Azure SDK's own log (requests, retries, throttling waits, token acquisition)
 * goes to the debug stream. The SDK redacts Authorization headers and unknown query parameters, and
 * every secret we hold is registered with the agent before it is used.
 */
export function routeAzureSdkLogsToDebug(): void {
  setLogLevel('info');
  AzureLogger.log = (...args: unknown[]) => {
    tl.debug(args.map((a) => (typeof a === 'string' ? a : safeStringify(a))).join(' '));
  };
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
