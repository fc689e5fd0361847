/**
 * Whether a failed status read is worth trying again on the next poll: throttling, server errors and
 * dropped connections are; "not found" and "forbidden" are not. The SDK has already retried the call
 * itself; this only decides whether a long wait survives a blip that outlasted those retries.
 */
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'REQUEST_SEND_ERROR', 'UND_ERR_SOCKET']);

export function isTransient(error: unknown): boolean {
  const e = error as { statusCode?: number; code?: string; name?: string };
  if (typeof e?.statusCode === 'number') return e.statusCode === 408 || e.statusCode === 429 || e.statusCode >= 500;
  return typeof e?.code === 'string' && TRANSIENT_CODES.has(e.code);
}

/** Retry-After of a throttled response, in ms (seconds or HTTP date), when the error carries one. */
export function retryAfterMs(error: unknown, now: number = Date.now()): number | undefined {
  const headers = (error as { response?: { headers?: { get(name: string): string | undefined } } })?.response?.headers;
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function shortReason(error: unknown): string {
  const e = error as { statusCode?: number; code?: string; message?: string; name?: string };
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') return 'no answer in time';
  if (typeof e?.statusCode === 'number') return `HTTP ${e.statusCode}${e.code ? ` ${e.code}` : ''}`;
  return e?.code ?? e?.message ?? String(error);
}
