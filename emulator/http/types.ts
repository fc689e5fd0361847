import type { IncomingHttpHeaders } from 'node:http';

/** Which cloud service a route plays; decides auth, faults and traffic logging. */
export type Area = 'entra' | 'identity' | 'devops' | 'arm' | 'discovery' | 'history' | 'mlflow' | 'scoring';

export interface EmulatorRequest {
  method: string;
  /** Path without the query, percent-decoded per segment. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Parsed JSON or form body; undefined when empty; the raw text when unparseable. */
  body: unknown;
  rawBody: string;
  /** Parse failure message, if the body claimed to be JSON but was not. */
  bodyError?: string;
}

export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface Route {
  method: string;
  /** Matched against the decoded path, case-insensitively like ARM. Capture groups become params. */
  pattern: RegExp;
  area: Area;
  /** Log this route's pairs for oav's LiveValidator (spec'd Azure ML ARM operations only). */
  traffic?: boolean;
  /** Skip the bearer-token check (public discovery documents, token endpoints). */
  anonymous?: boolean;
  handle(request: EmulatorRequest, params: string[]): EmulatorResponse | Promise<EmulatorResponse>;
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): EmulatorResponse => ({
  status,
  body,
  headers,
});
