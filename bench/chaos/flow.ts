/**
 * One chaos flow: the example's ML Build + ML Release (demo/ml-flow.ts's runMlFlow: a fresh emulator
 * and Azurite, the local runner) with a seeded share of requests answered by transient faults, then
 * judged from the emulator's state and the log. Definitions: see bench/chaos.ts.
 */
import type { Emulator, FaultArea, RequestRecord, TransientFaultKind } from '../../emulator';
import { runMlFlow, flowSucceeded, type MlFlowResult } from '../../demo/ml-flow';
import { PRODUCTION } from '../../demo/credit-risk-workspace';
import { failedSteps, secretsInLog, type FailedStep } from './log-checks';

/** Where a chaos run's faults land by default: what a flow calls, the way the issue words it. */
export const CHAOS_AREAS: FaultArea[] = ['arm', 'entra', 'history', 'mlflow', 'scoring'];

/** Kinds of injected faults as the report counts them. */
export const FAULT_KINDS = ['429', '500', '502', '503', 'reset', 'lost'] as const;

interface ChaosFlowOptions {
  /** share of requests to `areas` answered by a transient fault */
  rate: number;
  /** the emulator's seed (its fault streams) */
  seed: number;
  areas?: FaultArea[];
  kinds?: TransientFaultKind[];
  /** Retry-After of the 429s (default 1 s) */
  retryAfterSeconds?: number;
}

export interface ChaosFlowReport {
  seed: number;
  rate: number;
  build?: string;
  release?: string;
  /** build and release Succeeded, production serves the new model at 100% and answers */
  succeeded: boolean;
  /** excess over what the flow asked for: one pipeline job, one model version, one deployment per endpoint it deploys to */
  duplicates: { jobs: number; modelVersions: number; deployments: number };
  /** what the duplicates are, for the message */
  duplicateDetails: string[];
  /** why the flow left a partial state (empty when it did not) */
  partial: string[];
  /** masked descriptions of secrets found in the log */
  secrets: string[];
  failedSteps: FailedStep[];
  /** a failed flow's failure: its first failed step's error line(s), or why none says */
  failure?: string;
  /** a failed flow's failing steps each logged one `##[error]` line and no stack trace */
  clean: boolean;
  /** injected faults by kind (FAULT_KINDS) and by area */
  faults: Record<string, number>;
  faultsByArea: Record<string, number>;
  wallMs: number;
  lines: string[];
}

const TERMINAL = new Set(['Completed', 'Failed', 'Canceled', 'NotResponding', 'Paused']);
const JOB_PUT = /\/providers\/Microsoft\.MachineLearningServices\/workspaces\/[^/]+\/jobs\/([^/]+)$/i;
const ENDPOINT_PUT = /\/onlineEndpoints\/([^/]+)$/i;
const DEPLOYMENT_PUT = /\/onlineEndpoints\/([^/]+)\/deployments\/([^/]+)$/i;

/** Names the handled PUTs created (201), the request's answer lost or not: what the flow made. */
function created(requests: RequestRecord[], pattern: RegExp): string[][] {
  const seen = new Map<string, string[]>();
  for (const r of requests) {
    if (r.method !== 'PUT' || r.status !== 201) continue;
    const m = pattern.exec(r.path);
    if (m) seen.set(m.slice(1).join('/').toLowerCase(), m.slice(1));
  }
  return [...seen.values()];
}

function faultKind(r: RequestRecord): string | undefined {
  switch (r.fault) {
    case 'throttle':
    case 'serverError':
      return String(r.status);
    case 'reset':
      return 'reset';
    case 'lostResponse':
      return 'lost';
    default:
      return undefined; // latency alone is not a fault a flow has to survive
  }
}

interface StateFindings {
  duplicates: ChaosFlowReport['duplicates'];
  duplicateDetails: string[];
  partial: string[];
  endpointKeys: string[];
  faults: Record<string, number>;
  faultsByArea: Record<string, number>;
}

/** Reads the emulator after the flow (faults already lifted by runMlFlow). */
function inspectState(emulator: Emulator, flow: MlFlowResult, trafficBefore: Record<string, number>): StateFindings {
  const requests = emulator.requests();
  const duplicateDetails: string[] = [];

  const jobs = created(requests, JOB_PUT).map(([name]) => name!);
  if (jobs.length > 1) duplicateDetails.push(`${jobs.length} pipeline jobs submitted (${jobs.join(', ')}), the build asked for 1`);
  const versions = emulator.models.list(PRODUCTION.model).filter((v) => v.version !== PRODUCTION.version);
  if (versions.length > 1)
    duplicateDetails.push(`${versions.length} model versions registered (${versions.map((v) => v.version).join(', ')}), 1 expected`);
  const deployments = created(requests, DEPLOYMENT_PUT);
  const perEndpoint = new Map<string, string[]>();
  for (const [e, d] of deployments) perEndpoint.set(e!.toLowerCase(), [...(perEndpoint.get(e!.toLowerCase()) ?? []), d!]);
  let extraDeployments = 0;
  for (const [e, names] of perEndpoint) {
    if (names.length <= 1) continue;
    extraDeployments += names.length - 1;
    duplicateDetails.push(`${names.length} deployments created on ${e} (${names.join(', ')}), the release asked for 1`);
  }

  const partial: string[] = [];
  const releaseSucceeded = flow.release?.result.startsWith('Succeeded') ?? false;
  const prod = emulator.endpoints.get(PRODUCTION.endpoint);
  const trafficNow = Object.fromEntries(Object.entries(prod?.traffic ?? {}).filter(([, v]) => v > 0));
  const before = Object.fromEntries(Object.entries(trafficBefore).filter(([, v]) => v > 0));
  if (!releaseSucceeded && JSON.stringify(sorted(trafficNow)) !== JSON.stringify(sorted(before))) {
    partial.push(
      `production traffic is ${JSON.stringify(trafficNow)}, was ${JSON.stringify(before)} before the release, which did not succeed`,
    );
  }
  // A deployment is the flow's to leave only if the step deploying it succeeded.
  const deployedOk = new Set(
    (flow.release?.stages ?? [])
      .flatMap((s) => s.jobs.flatMap((j) => j.steps))
      .flatMap((st) => {
        const m = /^Deploy to endpoint (\S+)$/.exec(st.displayName);
        return m && st.result.startsWith('Succeeded') ? [m[1]!.toLowerCase()] : [];
      }),
  );
  for (const [e, d] of deployments) {
    const endpoint = emulator.endpoints.get(e!);
    const left = endpoint?.deployments.find((x) => x.name.toLowerCase() === d!.toLowerCase());
    if (left && !deployedOk.has(e!.toLowerCase())) {
      partial.push(
        `deployment ${e}/${left.name} (${left.provisioningState}, ${endpoint!.traffic[left.name] ?? 0}% traffic) is left behind by a deploy step that did not succeed`,
      );
    }
  }
  for (const [e] of created(requests, ENDPOINT_PUT)) {
    const endpoint = emulator.endpoints.get(e!);
    if (endpoint && !Object.values(endpoint.traffic).some((v) => v > 0))
      partial.push(`endpoint ${endpoint.name}, created by the flow, exists without traffic`);
  }
  for (const name of jobs) {
    const status = emulator.jobs.get(name)?.status;
    if (status && !TERMINAL.has(status)) partial.push(`Azure ML job ${name} is still ${status}`);
  }

  const faults: Record<string, number> = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0]));
  const faultsByArea: Record<string, number> = {};
  for (const r of requests) {
    const kind = faultKind(r);
    if (!kind) continue;
    faults[kind] = (faults[kind] ?? 0) + 1;
    faultsByArea[r.area ?? '?'] = (faultsByArea[r.area ?? '?'] ?? 0) + 1;
  }

  const endpointKeys = [PRODUCTION.endpoint, ...created(requests, ENDPOINT_PUT).map(([e]) => e!)].flatMap((e) => {
    const k = emulator.endpoints.get(e)?.keys;
    return k ? [k.primaryKey, k.secondaryKey] : [];
  });
  return {
    duplicates: { jobs: Math.max(0, jobs.length - 1), modelVersions: Math.max(0, versions.length - 1), deployments: extraDeployments },
    duplicateDetails,
    partial,
    endpointKeys,
    faults,
    faultsByArea,
  };
}

const sorted = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

/** Production serves the model version this flow registered, at 100%. */
function servesNewModel(flow: MlFlowResult): boolean {
  if (!flow.modelVersion || !flow.traffic || !flow.deployments) return false;
  const model = `azureml:${PRODUCTION.model}:${flow.modelVersion}`;
  return flow.deployments.some((d) => d.model === model && flow.traffic![d.name] === 100);
}

export async function runChaosFlow(options: ChaosFlowOptions): Promise<ChaosFlowReport> {
  const lines: string[] = [];
  const started = Date.now();
  let trafficBefore: Record<string, number> = {};
  let state: StateFindings | undefined;
  let flow: MlFlowResult | undefined;
  let thrown: string | undefined;
  try {
    flow = await runMlFlow({
      log: (l) => lines.push(l),
      seed: options.seed,
      faults: {
        transient: options.rate,
        transientKinds: options.kinds,
        areas: options.areas ?? CHAOS_AREAS,
        retryAfterSeconds: options.retryAfterSeconds ?? 1,
      },
      configure: (e) => {
        trafficBefore = { ...e.endpoints.get(PRODUCTION.endpoint)?.traffic };
      },
      inspect: (e, r) => {
        state = inspectState(e, r, trafficBefore);
      },
    });
  } catch (e) {
    // The runner itself or the flow's own observation broke: a failure, but not one the log explains.
    thrown = (e as Error).stack ?? String(e);
  }
  const wallMs = Date.now() - started;
  const steps = failedSteps(lines);
  const succeeded = !thrown && flow !== undefined && flowSucceeded(flow) && servesNewModel(flow);
  let failure: string | undefined;
  if (!succeeded) {
    const first = steps[0];
    failure = thrown
      ? `the flow threw: ${thrown.split('\n')[0]}`
      : first
        ? `${first.pipeline} / ${first.stage} / ${first.step}: ${first.errors.length ? first.errors.join(' ⏎ ') : '(no ##[error] line)'}`
        : `no step failed: build ${flow?.build.result}, release ${flow?.release?.result ?? 'not run'}, production traffic ${JSON.stringify(flow?.traffic)}`;
  }
  const secrets = [...(flow?.secrets ?? []), ...(state?.endpointKeys ?? [])];
  return {
    seed: options.seed,
    rate: options.rate,
    build: flow?.build.result,
    release: flow?.release?.result,
    succeeded,
    duplicates: state?.duplicates ?? { jobs: 0, modelVersions: 0, deployments: 0 },
    duplicateDetails: state?.duplicateDetails ?? [],
    partial: state ? state.partial : ['not checked: the flow threw before its state could be read'],
    secrets: secretsInLog(lines, secrets),
    failedSteps: steps,
    failure,
    clean: succeeded || (!thrown && steps.length > 0 && steps.every((s) => s.clean)),
    faults: state?.faults ?? {},
    faultsByArea: state?.faultsByArea ?? {},
    wallMs,
    lines,
  };
}

/** One paragraph saying what went wrong in a flow (for test messages and the CLI). */
export function describeFlow(r: ChaosFlowReport, index: number): string {
  const parts = [
    `flow ${index} (rate ${r.rate}, seed ${r.seed}): ${r.succeeded ? 'succeeded' : 'FAILED'}, build ${r.build ?? '-'}, release ${r.release ?? '-'}`,
  ];
  if (r.failure) parts.push(`  failure${r.clean ? '' : ' (not one clean line)'}: ${r.failure}`);
  for (const s of r.failedSteps.slice(1))
    parts.push(`  also failed: ${s.pipeline} / ${s.stage} / ${s.step}: ${s.errors.join(' ⏎ ') || '(no ##[error] line)'}`);
  for (const d of r.duplicateDetails) parts.push(`  duplicate: ${d}`);
  for (const p of r.partial) parts.push(`  partial state: ${p}`);
  for (const s of r.secrets) parts.push(`  secret: ${s}`);
  parts.push(
    `  faults: ${Object.entries(r.faults)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')} (by area: ${Object.entries(r.faultsByArea)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')})`,
  );
  return parts.join('\n');
}
