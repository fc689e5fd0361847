import { isTransientOutcome, retryAfterFromHeaders } from '../http/retry-policy';

/**
 * Whether a failed status read is worth trying again on the next poll: throttling, server errors and
 * dropped connections are; "not found" and "forbidden" are not (the retry policy's own rule). The
 * policy has already retried the call itself; this only decides whether a long wait survives a blip
 * that outlasted those retries.
 */
export function isTransient(error: unknown): boolean {
  const e = error as { statusCode?: number; code?: string; name?: string };
  if (typeof e?.statusCode === 'number') return isTransientOutcome({ status: e.statusCode });
  // A request the HTTP client could not send at all (its own wrapper code) is as transient as a reset.
  return typeof e?.code === 'string' && (e.code === 'REQUEST_SEND_ERROR' || isTransientOutcome({ errorCode: e.code }));
}

/** Retry-After of a throttled response, in ms (seconds or HTTP date), when the error carries one. */
export function retryAfterMs(error: unknown, now: number = Date.now()): number | undefined {
  const headers = (error as { response?: { headers?: { get(name: string): string | undefined } } })?.response?.headers;
  return retryAfterFromHeaders(headers ? (n) => headers.get(n) : undefined, now);
}

export function shortReason(error: unknown): string {
  const e = error as { statusCode?: number; code?: string; message?: string; name?: string };
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') return 'no answer in time';
  if (typeof e?.statusCode === 'number') return `HTTP ${e.statusCode}${e.code ? ` ${e.code}` : ''}`;
  return e?.code ?? e?.message ?? String(error);
}
