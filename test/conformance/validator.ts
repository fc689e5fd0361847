/**
 * Replays recorded request/response pairs through oav's LiveValidator against the official
 * Azure ML REST spec, api-version 2022-10-01 (the one @azure/arm-machinelearning 2.1.1 speaks).
 * Uses the LiveValidator API and its JSON results only (oav 4.0.x's HTML report crashes).
 */
import * as fs from 'fs';
import * as path from 'path';
import { LiveValidator } from 'oav/dist/lib/liveValidation/liveValidator';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** `directory` for LiveValidator: the folder holding `specification/` (relative `$ref`s resolve inside it) */
export const SPEC_ROOT = path.resolve(REPO_ROOT, '..', 'shared', 'reference', 'azureml-rest');
export const SPEC_FOLDER = 'specification/machinelearningservices/resource-manager/Microsoft.MachineLearningServices/stable/2022-10-01';
const COMMON_TYPES = 'specification/common-types/resource-management/v3/types.json';

/** A request/response pair in oav's live-validation form (the emulator's traffic log writes it so). */
export interface TrafficPair {
  liveRequest: { method: string; url: string; headers: Record<string, string>; body?: unknown };
  liveResponse: { statusCode: string | number; headers: Record<string, string>; body?: unknown };
}

interface ConformanceProblem {
  phase: 'request' | 'response' | 'route';
  operationId: string;
  method: string;
  url: string;
  statusCode: string;
  /** JSON path in the payload, e.g. `$.properties.jobType` */
  path: string;
  code: string;
  message: string;
}

export function formatProblem(p: ConformanceProblem): string {
  return `${p.operationId} ${p.method} ${p.url} → ${p.statusCode}: ${p.phase} ${p.path ? `${p.path} ` : ''}[${p.code}] ${p.message}`;
}

function requireReference(): void {
  for (const rel of [path.join(SPEC_FOLDER, 'mfe.json'), COMMON_TYPES]) {
    const p = path.join(SPEC_ROOT, rel);
    if (!fs.existsSync(p)) {
      throw new Error(
        `reference data missing: ${p} (expected the official Azure ML REST spec under ../shared/reference/azureml-rest beside the checkout)`,
      );
    }
  }
}

interface ConformanceValidator {
  /** ms LiveValidator.initialize() took */
  initMs: number;
  validate(pair: TrafficPair): Promise<ConformanceProblem[]>;
}

let cached: Promise<ConformanceValidator> | undefined;

/** One LiveValidator per process, loading only the 2022-10-01 folder (lazy per-operation validators). */
export function getConformanceValidator(): Promise<ConformanceValidator> {
  cached ??= create();
  return cached;
}

async function create(): Promise<ConformanceValidator> {
  requireReference();
  const started = Date.now();
  const options = {
    directory: SPEC_ROOT,
    // top-level files only: examples/ are not specs; common-types are reached through $ref
    swaggerPathsPattern: [`${SPEC_FOLDER}/*.json`],
    git: { shouldClone: false },
    isPathCaseSensitive: false,
    // build each operation's validator when first used; nothing runs in the background
    loadValidatorInBackground: false,
    loadValidatorInInitialize: false,
    // ARM rules on top of the schema (LRO status codes and headers)
    isArmCall: true,
  };
  // oav's option type marks every field required; the rest have defaults in its constructor
  const lv = new LiveValidator(options as unknown as ConstructorParameters<typeof LiveValidator>[0], () => {
    /* silence oav's logging */
  });
  await lv.initialize();
  const initMs = Date.now() - started;
  if (lv.swaggerList.length === 0) throw new Error(`LiveValidator loaded no spec from ${path.join(SPEC_ROOT, SPEC_FOLDER)}`);
  return { initMs, validate: (pair) => validateWith(lv, pair) };
}

function normalizeBody(body: unknown): unknown {
  if (typeof body === 'string') {
    if (body.trim() === '') return undefined;
    try {
      return JSON.parse(body);
    } catch {
      return body;
    }
  }
  return body === null ? undefined : body;
}

function lowerHeaders(h: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) if (v !== undefined && v !== null) out[k.toLowerCase()] = String(v);
  return out;
}

async function validateWith(lv: LiveValidator, pair: TrafficPair): Promise<ConformanceProblem[]> {
  // oav mutates its input: hand it a normalized deep copy
  const method = String(pair.liveRequest.method).toUpperCase();
  const url = pair.liveRequest.url;
  const statusCode = String(pair.liveResponse.statusCode);
  const copy = JSON.parse(
    JSON.stringify({
      liveRequest: { method, url, headers: lowerHeaders(pair.liveRequest.headers), body: normalizeBody(pair.liveRequest.body) },
      liveResponse: { statusCode, headers: lowerHeaders(pair.liveResponse.headers), body: normalizeBody(pair.liveResponse.body) },
    }),
  );
  const result = await lv.validateLiveRequestResponse(copy);
  const problems: ConformanceProblem[] = [];
  const base = { method, url, statusCode };
  if (result.runtimeException) {
    problems.push({
      ...base,
      phase: 'route',
      operationId: '?',
      path: '',
      code: result.runtimeException.code,
      message: result.runtimeException.message,
    });
  }
  for (const [phase, r] of [
    ['request', result.requestValidationResult],
    ['response', result.responseValidationResult],
  ] as const) {
    const operationId = r.operationInfo?.operationId ?? '?';
    if (r.runtimeException) {
      const notFound = /OPERATION_NOT_FOUND|PATH_NOT_FOUND|MULTIPLE_OPERATIONS_FOUND/i.test(r.runtimeException.code);
      problems.push({
        ...base,
        phase: notFound ? 'route' : phase,
        operationId,
        path: '',
        code: r.runtimeException.code,
        message: notFound ? `route not in the 2022-10-01 spec: ${r.runtimeException.message.split('\n')[0]}` : r.runtimeException.message,
      });
      // the response result repeats the request's "not found"
      if (notFound) break;
    }
    for (const e of r.errors) {
      const paths = (e as { jsonPathsInPayload?: string[] }).jsonPathsInPayload ?? [];
      problems.push({
        ...base,
        phase,
        operationId,
        path: paths.join(', '),
        code: String(e.code),
        message: e.message,
      });
    }
  }
  return problems;
}
