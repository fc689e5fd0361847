/**
 * One line that tells the user what Azure said: HTTP status, the service's error code, its message
 * and the request id support will ask for. Pure, so every shape is unit-tested.
 */
interface RestErrorLike {
  name?: string;
  message?: string;
  statusCode?: number;
  code?: string;
  response?: { headers?: { get(name: string): string | undefined }; bodyAsText?: string | null };
}

export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const e = error as Error & RestErrorLike;
  if (e.name !== 'RestError' || e.statusCode === undefined) return e.message;
  const service = serviceError(e.response?.bodyAsText);
  const code = service?.code ?? e.code;
  const message = service?.message ?? e.message;
  const requestId = e.response?.headers?.get('x-ms-request-id');
  const correlationId = e.response?.headers?.get('x-ms-correlation-request-id');
  const ids = [requestId && `request id ${requestId}`, correlationId && correlationId !== requestId && `correlation id ${correlationId}`]
    .filter(Boolean)
    .join(', ');
  return `Azure returned HTTP ${e.statusCode}${code ? ` ${code}` : ''}: ${message}${ids ? ` (${ids})` : ''}`;
}

function serviceError(body: string | null | undefined): { code?: string; message?: string } | undefined {
  if (!body) return undefined;
  try {
    const parsed = JSON.parse(body) as { error?: { code?: string; message?: string } };
    return parsed.error && (parsed.error.code || parsed.error.message) ? parsed.error : undefined;
  } catch {
    return undefined;
  }
}
