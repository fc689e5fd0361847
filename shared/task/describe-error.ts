/**
 * One line that tells the user what Azure said: HTTP status, the service's error code, its message
 * and the request id support will ask for. Pure, so every shape is unit-tested.
 */
interface RestErrorLike {
  name?: string;
  message?: string;
  statusCode?: number;
  code?: string;
  request?: { method?: string; url?: string };
  response?: { headers?: { get(name: string): string | undefined }; bodyAsText?: string | null };
}

export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const e = error as Error & RestErrorLike;
  if (e.name !== 'RestError') return e.message;
  const call = describeCall(e.request);
  if (e.statusCode === undefined) {
    // No answer at all (the retry policy already tried again): say which call and how it broke.
    return `${call ? `${call}: ` : ''}${e.code && !e.message.includes(e.code) ? `${e.code} ` : ''}${e.message}`;
  }
  const service = serviceError(e.response?.bodyAsText);
  const code = service?.code ?? e.code;
  const message = service?.message ?? e.message;
  const requestId = e.response?.headers?.get('x-ms-request-id');
  const correlationId = e.response?.headers?.get('x-ms-correlation-request-id');
  const ids = [requestId && `request id ${requestId}`, correlationId && correlationId !== requestId && `correlation id ${correlationId}`]
    .filter(Boolean)
    .join(', ');
  return `Azure returned HTTP ${e.statusCode}${code ? ` ${code}` : ''}${call ? ` to ${call}` : ''}: ${message}${ids ? ` (${ids})` : ''}`;
}

/**
 * `PUT …/onlineEndpoints/credit/deployments/blue`: the method and the resource path from the
 * provider on (the subscription and resource group are the user's inputs anyway). Never the query:
 * a SAS token or a key could be in it.
 */
export function describeCall(request: RestErrorLike['request']): string | undefined {
  if (!request?.url || !request.method) return undefined;
  let path: string;
  try {
    path = new URL(request.url).pathname;
  } catch {
    return undefined;
  }
  const provider = /\/providers\/Microsoft\.MachineLearningServices\/workspaces\/[^/]+\/(.+)$/i.exec(path);
  return `${request.method} ${provider ? `…/${provider[1]}` : path}`;
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
