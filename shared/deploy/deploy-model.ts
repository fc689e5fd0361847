import { setTimeout as sleep } from 'node:timers/promises';
import type { OnlineDeployment, OnlineEndpoint } from '@azure/arm-machinelearning';
import type { Workspace } from '../azureml/workspace';
import {
  deleteDeployment,
  deleteEndpoint,
  deploymentLogs,
  getDeployment,
  getEndpoint,
  listDeployments,
  putDeployment,
  putEndpoint,
} from '../azureml/online';
import { describeError } from '../task/describe-error';
import { isAbortError, isUserError, UserError } from '../task/user-error';
import { traceabilityTags, TraceabilityContext } from '../task/traceability';
import type { DeployInputs } from './deploy-inputs';
import { deploymentNameFor } from './naming';
import { kubernetesPreflight, managedPreflight } from './preflight';
import { ScoringTimeout, type ScoreResult } from './scoring-client';
import { failedAssertions } from './smoke';
import { deploymentsToRemove, formatTraffic, restorableTraffic, sameTraffic, TrafficMap, trafficAt } from './traffic-plan';
import { isNotFound } from '../azureml/not-found';

interface DeployRuntime {
  traceability: TraceabilityContext;
  log(line: string): void;
  warn(line: string): void;
  /** Registers a value with the agent's secret masking before anything could print it. */
  secret(value: string): void;
  score(
    url: string,
    opts: { credential: string; deployment: string; body: unknown; timeoutMs: number; abortSignal?: AbortSignal },
  ): Promise<ScoreResult>;
  abortSignal: AbortSignal;
}

interface DeployReport {
  endpointName: string;
  deploymentName: string;
  scoringUri: string;
  swaggerUri: string;
  previousTraffic: TrafficMap;
  traffic: TrafficMap;
  removed: string[];
  message: string;
}

/** Tag on each deployment: which package it runs, so a re-run recognises its own deployment. */
const PACKAGE_TAG = 'package.id';
/** Time from the cancel to the end of the rollback: the agent sends SIGTERM 7.5 s after SIGINT (and kills 2.5 s later). */
const CANCELLED_ROLLBACK_MS = 6500;
/**
 * A write in flight when the pipeline is cancelled gets this long for its answer before it is
 * abandoned: an aborted PUT may still land on the service after the rollback read the endpoint,
 * undoing the rollback. With the answer in, the rollback knows exactly what was written.
 */
const WRITE_GRACE_MS = 2500;
const ROLLBACK_MS = 10 * 60_000;
const LOG_TAIL = { InferenceServer: 40, StorageInitializer: 15 } as const;

/** The deployment failed once it existed: rolled back, then reported as one line (no stack: nothing in the code is wrong). */
class DeploymentFailed extends UserError {}

/** Traffic moved underneath us (another release on the same endpoint): stop without touching it. */
class ConcurrentChange extends Error {}

const trafficOf = (e: OnlineEndpoint): TrafficMap => ({ ...(e.properties.traffic ?? {}) });

const writableIdentity = (identity: OnlineEndpoint['identity']) =>
  identity
    ? {
        identity: {
          type: identity.type,
          ...(identity.userAssignedIdentities
            ? { userAssignedIdentities: Object.fromEntries(Object.keys(identity.userAssignedIdentities).map((k) => [k, {}])) }
            : {}),
        },
      }
    : {};

/** An endpoint's or deployment's writable top-level fields as read (the identity without its principal). */
const writableEnvelope = (r: Pick<OnlineEndpoint, 'location' | 'tags' | 'kind' | 'identity' | 'sku'>) => ({
  location: r.location,
  ...(r.tags ? { tags: r.tags } : {}),
  ...(r.kind ? { kind: r.kind } : {}),
  ...writableIdentity(r.identity),
  ...(r.sku ? { sku: r.sku } : {}),
});

/**
 * A deployment as read, made a PUT body again (the replace strategy's rollback): without the
 * read-only fields (id, name, type, systemData, provisioningState, the identity's principal) the
 * spec refuses in a request.
 */
export function deploymentForPut(d: OnlineDeployment): OnlineDeployment {
  const { provisioningState: _state, ...properties } = d.properties as OnlineDeployment['properties'] & { provisioningState?: unknown };
  return { ...writableEnvelope(d), properties: properties as OnlineDeployment['properties'] };
}

/**
 * The endpoint as last read, with another traffic map, for the whole-endpoint re-PUT (PATCH cannot
 * change traffic). Only writable fields: read-only ones (systemData, provisioningState, scoringUri,
 * the identity's principal) are refused in a request by the spec.
 */
export function endpointWithTraffic(e: OnlineEndpoint, traffic: TrafficMap): OnlineEndpoint {
  const p = e.properties;
  return {
    ...writableEnvelope(e),
    properties: {
      authMode: p.authMode,
      ...(p.compute ? { compute: p.compute } : {}),
      ...(p.description ? { description: p.description } : {}),
      ...(p.properties ? { properties: p.properties } : {}),
      ...(p.publicNetworkAccess ? { publicNetworkAccess: p.publicNetworkAccess } : {}),
      traffic,
    },
  };
}

export async function deployModel(ws: Workspace, inputs: DeployInputs, rt: DeployRuntime): Promise<DeployReport> {
  const { abortSignal } = rt;
  const m = inputs.manifest;
  const name = inputs.endpointName;
  const computeId = `${ws.id}/computes/${inputs.compute}`;

  // Preflight: nothing is written until compute, instance type and endpoint all fit.
  const instanceType =
    inputs.target === 'kubernetes' ? await preflightKubernetes(ws, inputs, abortSignal) : managedPreflight(m.instanceType);
  let endpoint = await getEndpoint(ws, name, abortSignal);
  if (endpoint) checkEndpointFits(endpoint, inputs, computeId);

  const tags = { ...inputs.tags, ...traceabilityTags(rt.traceability) };
  const createdEndpoint = !endpoint;
  let existing: OnlineDeployment[];
  try {
    if (!endpoint) {
      rt.log(
        `Creating ${inputs.target === 'kubernetes' ? `Kubernetes online endpoint '${name}' on compute '${inputs.compute}'` : `managed online endpoint '${name}'`} (auth ${inputs.authMode}, no traffic yet)...`,
      );
      endpoint = await putEndpoint(
        ws,
        name,
        {
          location: ws.location,
          identity: { type: 'SystemAssigned' },
          tags,
          properties: { authMode: inputs.authMode, traffic: {}, ...(inputs.target === 'kubernetes' ? { compute: computeId } : {}) },
        },
        // A retried create that finds the endpoint made by its first attempt takes it (checked to fit, as any found endpoint is).
        { abortSignal, alreadyDone: (e) => (checkEndpointFits(e, inputs, computeId), true) },
      );
    }
    existing = await listDeployments(ws, name, abortSignal);
  } catch (error) {
    // (not when the create met an endpoint that does not fit: that one is someone else's)
    if (createdEndpoint && !isUserError(error)) await removeCreatedEndpoint(ws, name, rt, abortSignal.aborted);
    throw error;
  }
  const previous = trafficOf(endpoint);
  rt.log(`Endpoint '${name}' traffic before this deployment: ${formatTraffic(previous)}.`);
  const deploymentName = chooseDeploymentName(inputs, existing, previous);
  const mine = existing.find((d) => d.name?.toLowerCase() === deploymentName.toLowerCase());
  const report = (traffic: TrafficMap, removed: string[], message: string): DeployReport => ({
    endpointName: name,
    deploymentName,
    scoringUri: endpoint!.properties.scoringUri ?? '',
    swaggerUri: endpoint!.properties.swaggerUri ?? '',
    previousTraffic: previous,
    traffic,
    removed,
    message,
  });

  if (
    inputs.strategy === 'blueGreen' &&
    mine?.tags?.[PACKAGE_TAG] === m.packageId &&
    mine.properties.provisioningState === 'Succeeded' &&
    previous[mine.name!] === 100
  ) {
    return report(
      previous,
      [],
      `Package ${m.packageId} (${m.model.name}:${m.model.version}) already takes all traffic of endpoint '${name}' as deployment '${mine.name}'; nothing to do.`,
    );
  }

  const body = deploymentBody(ws, inputs, instanceType, {
    ...tags,
    [PACKAGE_TAG]: m.packageId,
    model: m.model.id.replace(/^azureml:/, ''),
  });
  const writeSignal = afterGrace(abortSignal, WRITE_GRACE_MS);
  const state: RollbackState = {
    deploymentName,
    previous,
    written: previous,
    ourMaps: [previous],
    cancelledAt: undefined,
    previousBody: inputs.strategy === 'replace' && mine ? deploymentForPut(mine) : undefined,
    created: false,
    createdEndpoint,
  };
  abortSignal.addEventListener('abort', () => (state.cancelledAt ??= Date.now()), { once: true });
  const removed: string[] = [];
  try {
    if (inputs.strategy === 'blueGreen' && mine?.tags?.[PACKAGE_TAG] === m.packageId && mine.properties.provisioningState === 'Succeeded') {
      rt.log(`Deployment '${deploymentName}' of package ${m.packageId} exists from an earlier run; continuing with it.`);
    } else {
      rt.log(
        `${mine ? 'Updating' : 'Creating'} deployment '${deploymentName}' (${m.model.name}:${m.model.version}, ${instanceType ?? 'default instance type'}, ${describeScale(inputs)}) at 0% traffic; waiting for it to provision...`,
      );
      state.created = !mine;
      await putDeployment(ws, name, deploymentName, body, { abortSignal: writeSignal, alreadyDone: (d) => runsSame(d, body) });
      abortSignal.throwIfAborted();
      rt.log(`Deployment '${deploymentName}' is provisioned.`);
    }
    const credential = inputs.smoke ? await endpointCredential(ws, name, inputs.authMode, rt) : '';
    if (inputs.smoke) await smokeTest(rt, inputs, endpoint, deploymentName, credential, 'Smoke test');
    else rt.warn(`No smoke test: 'smokePayload' is empty, so '${deploymentName}' takes traffic without a request being checked first.`);

    for (const [i, percent] of inputs.trafficSteps.entries()) {
      const current = await getEndpoint(ws, name, abortSignal);
      if (!current || !sameTraffic(trafficOf(current), state.written)) {
        throw new ConcurrentChange(
          `The traffic of endpoint '${name}' changed while this deployment ran (expected ${formatTraffic(state.written)}, found ${current ? formatTraffic(trafficOf(current)) : 'the endpoint gone'}): another release is deploying to it. Stopping without touching its traffic.`,
        );
      }
      const next =
        inputs.strategy === 'replace'
          ? { ...Object.fromEntries(Object.keys(previous).map((k) => [k, 0])), [deploymentName]: 100 }
          : trafficAt(previous, deploymentName, percent);
      rt.log(`Traffic step ${i + 1}/${inputs.trafficSteps.length}: ${formatTraffic(next)}.`);
      // The whole endpoint is re-PUT from what was just read: PATCH cannot change traffic.
      state.written = next;
      state.ourMaps.push(next);
      await putEndpoint(ws, name, endpointWithTraffic(current, next), {
        abortSignal: writeSignal,
        alreadyDone: (e) => sameTraffic(trafficOf(e), next),
      });
      abortSignal.throwIfAborted();
      await healthCheck(ws, rt, inputs, current, deploymentName, credential);
      if (i < inputs.trafficSteps.length - 1 && inputs.stepWaitSeconds > 0) {
        rt.log(`Waiting ${inputs.stepWaitSeconds} s before the next step.`);
        await sleep(inputs.stepWaitSeconds * 1000, undefined, { signal: abortSignal });
      }
    }
    // Removing old deployments is still part of the release: a cancel here also puts traffic back.
    if (inputs.strategy === 'blueGreen') await removeOldDeployments(ws, inputs, state, removed, rt, abortSignal);
    // A cancel that arrived while the last call's answer was on its way still undoes the release:
    // the pipeline shows this step cancelled, so production must not run what it released.
    abortSignal.throwIfAborted();
  } catch (error) {
    await rollback(ws, inputs, state, rt, error);
    if (isAbortError(error) || abortSignal.aborted) throw error;
    const why = error instanceof ConcurrentChange ? error.message : describeError(error);
    throw new DeploymentFailed(
      `Deployment '${deploymentName}' of ${m.model.name}:${m.model.version} to endpoint '${name}' failed: ${why} ${state.outcome ?? ''}`.trim(),
    );
  }

  const final = state.written;
  if (removed.length > 0) rt.log(`Removed old deployment(s) ${removed.join(', ')} (keeping the last ${inputs.keepDeployments}).`);
  return report(
    final,
    removed,
    `Deployed ${m.model.name}:${m.model.version} (package ${m.packageId}) to endpoint '${name}' as '${deploymentName}': ${formatTraffic(final)}.`,
  );
}

/**
 * Old deployments beyond `keepDeployments` that take no traffic now. Those that took none before
 * this release go first, the one that served before it last, so a cancel in between still finds
 * the previous traffic's deployments to put traffic back on.
 */
async function removeOldDeployments(
  ws: Workspace,
  inputs: DeployInputs,
  state: RollbackState,
  removed: string[],
  rt: DeployRuntime,
  abortSignal: AbortSignal,
): Promise<void> {
  let all: OnlineDeployment[];
  try {
    all = await listDeployments(ws, inputs.endpointName, abortSignal);
  } catch (error) {
    if (abortSignal.aborted) throw error;
    // The release itself succeeded: old deployments left in place cost money, not correctness.
    rt.warn(`Could not list the old deployments of endpoint '${inputs.endpointName}' to remove them: ${describeError(error)}`);
    return;
  }
  const candidates = deploymentsToRemove(
    all.map((d) => ({ name: d.name!, createdAt: d.systemData?.createdAt })),
    state.deploymentName,
    inputs.keepDeployments,
  )
    .filter((old) => (state.written[old] ?? 0) === 0)
    .sort((a, b) => (state.previous[a] ?? 0) - (state.previous[b] ?? 0));
  for (const old of candidates) {
    abortSignal.throwIfAborted();
    try {
      await deleteDeployment(ws, inputs.endpointName, old, { wait: true, abortSignal });
      removed.push(old);
    } catch (error) {
      if (abortSignal.aborted) throw error;
      // The release itself succeeded; an old deployment left at 0% costs money, not correctness.
      rt.warn(`Could not remove old deployment '${old}' (it takes no traffic): ${describeError(error)}`);
    }
  }
}

/** Aborts `graceMs` after `abortSignal` does (the timer never keeps the process alive). */
function afterGrace(abortSignal: AbortSignal, graceMs: number): AbortSignal {
  const later = new AbortController();
  const start = () => setTimeout(() => later.abort(abortSignal.reason), graceMs).unref();
  if (abortSignal.aborted) start();
  else abortSignal.addEventListener('abort', start, { once: true });
  return later.signal;
}

async function preflightKubernetes(ws: Workspace, inputs: DeployInputs, abortSignal: AbortSignal): Promise<string | undefined> {
  let compute;
  try {
    compute = await ws.client.computeOperations.get(ws.resourceGroup, ws.name, inputs.compute!, { abortSignal });
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  const props = compute?.properties as
    | {
        computeType?: string;
        provisioningState?: string;
        properties?: { instanceTypes?: Record<string, unknown>; defaultInstanceType?: string };
      }
    | undefined;
  return kubernetesPreflight(
    inputs.compute!,
    ws.name,
    props && {
      computeType: props.computeType,
      provisioningState: props.provisioningState,
      instanceTypes: Object.keys(props.properties?.instanceTypes ?? {}),
      defaultInstanceType: props.properties?.defaultInstanceType,
    },
    inputs.manifest.instanceType,
  );
}

function checkEndpointFits(e: OnlineEndpoint, inputs: DeployInputs, computeId: string): void {
  const isKubernetes = !!e.properties.compute;
  if (inputs.target === 'kubernetes' && !isKubernetes) {
    throw new UserError(
      `'target' is 'kubernetes', but endpoint '${inputs.endpointName}' is a managed online endpoint; set 'target' to managed or choose another 'endpointName'`,
    );
  }
  if (inputs.target === 'managed' && isKubernetes) {
    throw new UserError(
      `'target' is 'managed', but endpoint '${inputs.endpointName}' runs on Kubernetes compute ${e.properties.compute!.split('/').pop()}; set 'target' to kubernetes or choose another 'endpointName'`,
    );
  }
  if (isKubernetes && e.properties.compute!.toLowerCase() !== computeId.toLowerCase()) {
    throw new UserError(
      `'computeName' is '${inputs.compute}', but endpoint '${inputs.endpointName}' runs on compute '${e.properties.compute!.split('/').pop()}' (an endpoint's compute cannot change); use that compute or another 'endpointName'`,
    );
  }
  if (e.properties.authMode !== inputs.authMode) {
    throw new UserError(
      `'authMode' is '${inputs.authMode === 'Key' ? 'key' : 'aml_token'}', but endpoint '${inputs.endpointName}' uses ${e.properties.authMode} (it cannot change after creation); set 'authMode' to match`,
    );
  }
}

/** The deployment already runs what `body` asks for (a retried PUT found its first attempt done). */
function runsSame(d: OnlineDeployment, body: OnlineDeployment): boolean {
  return d.properties.model === body.properties.model && d.tags?.[PACKAGE_TAG] === body.tags?.[PACKAGE_TAG];
}

/** The endpoint has no deployment but `mine` (none at all when `mine` is undefined). */
async function onlyDeploymentIs(ws: Workspace, endpoint: string, mine: string | undefined, abortSignal: AbortSignal): Promise<boolean> {
  const all = await listDeployments(ws, endpoint, abortSignal);
  return all.every((x) => mine !== undefined && x.name?.toLowerCase() === mine.toLowerCase());
}

/** A failed first deploy removes the empty endpoint it created (time-boxed like a rollback; a failure here is a warning). */
async function removeCreatedEndpoint(ws: Workspace, name: string, rt: DeployRuntime, cancelled: boolean): Promise<void> {
  const abortSignal = AbortSignal.timeout(cancelled ? CANCELLED_ROLLBACK_MS : ROLLBACK_MS);
  try {
    // Another release may have found the endpoint meanwhile and deployed to it: then it stays.
    if (!(await onlyDeploymentIs(ws, name, undefined, abortSignal))) {
      rt.warn(`Endpoint '${name}', which this run created, now has deployments of another release; it was left in place.`);
      return;
    }
    await deleteEndpoint(ws, name, { wait: !cancelled, abortSignal });
    rt.log(`Removed endpoint '${name}', which this run had created.`);
  } catch (error) {
    rt.warn(`Could not remove endpoint '${name}', which this run created and left empty: ${describeError(error)}. Delete it by hand.`);
  }
}

/**
 * The model-version name, unless a deployment of that name runs another package: then the package
 * id is appended, so a re-packaged version never overwrites the deployment serving traffic.
 */
function chooseDeploymentName(inputs: DeployInputs, existing: OnlineDeployment[], traffic: TrafficMap): string {
  if (inputs.deploymentName) {
    // Blue/green must never write a new model into the deployment that serves traffic: a failed
    // smoke test would then "roll back" traffic onto the very deployment now running the bad model.
    const taken = existing.find((d) => d.name?.toLowerCase() === inputs.deploymentName!.toLowerCase());
    const share = taken ? (traffic[taken.name!] ?? 0) : 0;
    if (inputs.strategy === 'blueGreen' && taken && share > 0 && taken.tags?.[PACKAGE_TAG] !== inputs.manifest.packageId) {
      throw new UserError(
        `'deploymentName' is '${inputs.deploymentName}', which already serves ${share}% of endpoint '${inputs.endpointName}' with another package; ` +
          "blue/green needs a new deployment: leave 'deploymentName' empty (it is then named from the model version), choose a name not in use, or use strategy 'replace' to update it in place",
      );
    }
    return inputs.deploymentName;
  }
  const m = inputs.manifest;
  const plain = deploymentNameFor(m.model.name, m.model.version);
  const other = existing.find((d) => d.name?.toLowerCase() === plain && d.tags?.[PACKAGE_TAG] !== m.packageId);
  return other ? deploymentNameFor(m.model.name, m.model.version, m.packageId.slice(0, 6)) : plain;
}

function describeScale(inputs: DeployInputs): string {
  const a = inputs.scale.autoscale;
  return a
    ? `autoscale ${a.minInstances}-${a.maxInstances} at ${a.targetUtilizationPercentage}% CPU`
    : `${inputs.scale.instanceCount} instance(s)`;
}

function deploymentBody(
  ws: Workspace,
  inputs: DeployInputs,
  instanceType: string | undefined,
  tags: Record<string, string>,
): OnlineDeployment {
  const m = inputs.manifest;
  const a = inputs.scale.autoscale;
  return {
    location: ws.location,
    tags,
    sku: { name: 'Default', capacity: a ? a.minInstances : inputs.scale.instanceCount },
    properties: {
      endpointComputeType: inputs.target === 'kubernetes' ? 'Kubernetes' : 'Managed',
      model: m.model.assetId,
      ...(m.code ? { codeConfiguration: { codeId: m.code.id, scoringScript: m.code.scoringScript } } : {}),
      ...(m.environmentId ? { environmentId: m.environmentId } : {}),
      ...(instanceType ? { instanceType } : {}),
      ...(m.requestSettings ? { requestSettings: m.requestSettings } : {}),
      ...(m.livenessProbe ? { livenessProbe: m.livenessProbe } : {}),
      ...(m.readinessProbe ? { readinessProbe: m.readinessProbe } : {}),
      environmentVariables: { ...m.environmentVariables },
      appInsightsEnabled: inputs.appInsights,
      scaleSettings: a
        ? {
            scaleType: 'TargetUtilization',
            minInstances: a.minInstances,
            maxInstances: a.maxInstances,
            targetUtilizationPercentage: a.targetUtilizationPercentage,
            pollingInterval: 'PT10S',
          }
        : { scaleType: 'Default' },
      properties: { [PACKAGE_TAG]: m.packageId },
    },
  } as OnlineDeployment;
}

async function endpointCredential(ws: Workspace, name: string, authMode: DeployInputs['authMode'], rt: DeployRuntime): Promise<string> {
  if (authMode === 'Key') {
    const keys = await ws.client.onlineEndpoints.listKeys(ws.resourceGroup, ws.name, name, { abortSignal: rt.abortSignal });
    rt.secret(keys.primaryKey ?? '');
    rt.secret(keys.secondaryKey ?? '');
    if (!keys.primaryKey) throw new Error(`Endpoint '${name}' returned no key.`);
    return keys.primaryKey;
  }
  const token = await ws.client.onlineEndpoints.getToken(ws.resourceGroup, ws.name, name, { abortSignal: rt.abortSignal });
  rt.secret(token.accessToken ?? '');
  if (!token.accessToken) throw new Error(`Endpoint '${name}' returned no token.`);
  return token.accessToken;
}

/** One request straight to the deployment: expected status, JSON answer, every assertion. */
async function smokeTest(
  rt: DeployRuntime,
  inputs: DeployInputs,
  endpoint: OnlineEndpoint,
  deployment: string,
  credential: string,
  what: string,
): Promise<void> {
  const smoke = inputs.smoke!;
  const uri = endpoint.properties.scoringUri!;
  let answer: ScoreResult;
  try {
    answer = await rt.score(uri, { credential, deployment, body: smoke.payload, timeoutMs: smoke.timeoutMs, abortSignal: rt.abortSignal });
  } catch (error) {
    if (rt.abortSignal.aborted) throw error;
    if (error instanceof ScoringTimeout)
      throw new Error(`${what}: POST ${uri} to '${deployment}' got no answer within ${smoke.timeoutMs / 1000} s ('smokeTimeoutSeconds').`);
    // Transient faults were already retried; what is left is a connection that kept failing.
    throw new Error(`${what}: POST ${uri} to '${deployment}' failed: ${describeError(error)}.`);
  }
  const excerpt = answer.text.length > 300 ? `${answer.text.slice(0, 300)}…` : answer.text;
  if (answer.status !== smoke.expectedStatus)
    throw new Error(`${what}: '${deployment}' answered HTTP ${answer.status}, expected ${smoke.expectedStatus}: ${excerpt}`);
  if (smoke.assertions.length > 0 && answer.json === undefined)
    throw new Error(`${what}: '${deployment}' answered HTTP ${answer.status} with a body that is not JSON: ${excerpt}`);
  const failed = failedAssertions(smoke.assertions, answer.json);
  if (failed.length > 0)
    throw new Error(
      `${what}: ${failed.length} of ${smoke.assertions.length} assertion(s) failed on the answer of '${deployment}': ${failed.join('; ')}. Answer: ${excerpt}`,
    );
  rt.log(`${what} passed: HTTP ${answer.status}${smoke.assertions.length ? `, ${smoke.assertions.length} assertion(s) hold` : ''}.`);
}

/** After each traffic step: the deployment is still Succeeded and (with a payload) still answers well. */
async function healthCheck(
  ws: Workspace,
  rt: DeployRuntime,
  inputs: DeployInputs,
  endpoint: OnlineEndpoint,
  deployment: string,
  credential: string,
): Promise<void> {
  const d = await getDeployment(ws, inputs.endpointName, deployment, rt.abortSignal);
  if (d?.properties.provisioningState !== 'Succeeded')
    throw new Error(`Health check: deployment '${deployment}' is ${d ? d.properties.provisioningState : 'gone'}, not Succeeded.`);
  if (inputs.smoke) await smokeTest(rt, inputs, endpoint, deployment, credential, 'Health check');
}

interface RollbackState {
  deploymentName: string;
  previous: TrafficMap;
  /** The traffic map this run last wrote (the previous one until the first step). */
  written: TrafficMap;
  /** Every map this run wrote, and the previous one: traffic in any of them is this run's to undo. */
  ourMaps: TrafficMap[];
  /** When the pipeline was cancelled: the rollback's deadline counts from there. */
  cancelledAt: number | undefined;
  /** replace: the deployment as it was before the update, re-PUT on rollback. */
  previousBody?: OnlineDeployment;
  created: boolean;
  /** The endpoint did not exist before this run. */
  createdEndpoint: boolean;
  /** One sentence on what the rollback did, appended to the failure. */
  outcome?: string;
}

/**
 * Puts the endpoint back exactly as it was: the previous traffic map, then the new deployment
 * removed (or kept at 0% when asked). Runs with its own time budget, because the task's signal may
 * be the reason we are here; the SDK's retry policy carries it through transient ARM errors.
 */
async function rollback(ws: Workspace, inputs: DeployInputs, state: RollbackState, rt: DeployRuntime, cause: unknown): Promise<void> {
  const cancelled = rt.abortSignal.aborted;
  const abortSignal = AbortSignal.timeout(
    cancelled ? Math.max(1000, (state.cancelledAt ?? Date.now()) + CANCELLED_ROLLBACK_MS - Date.now()) : ROLLBACK_MS,
  );
  const name = inputs.endpointName;
  const d = state.deploymentName;
  rt.log(
    `Rolling back (${cancelled ? 'the pipeline was cancelled' : cause instanceof ConcurrentChange ? 'concurrent change' : 'deployment failed'}): restoring traffic ${formatTraffic(state.previous)}.`,
  );
  const done: string[] = [];
  try {
    const current = await getEndpoint(ws, name, abortSignal);
    if (!current) throw new Error(`endpoint '${name}' no longer exists`);
    const now = trafficOf(current);
    const ours = state.ourMaps.some((map) => sameTraffic(now, map));
    if (!ours) {
      // Someone else moved traffic: theirs stands. Ours may be removed only if it takes none.
      state.outcome = `Traffic was left as the other release set it: ${formatTraffic(now)}.`;
    } else if (!sameTraffic(now, state.previous) || Object.keys(now).length !== Object.keys(state.previous).length) {
      const restore = restorableTraffic(state.previous, now);
      if (!restore) throw new Error(`a deployment that served before this release was already removed (traffic now ${formatTraffic(now)})`);
      // A deployment this run created is not in the previous map; Azure ML keeps it with 0 until deleted.
      if (state.created && !(d in restore) && d in now) restore[d] = 0;
      // Cancelled: the agent kills the task seconds from now; an accepted PUT is enough, the service carries it out.
      await putEndpoint(ws, name, endpointWithTraffic(current, restore), {
        abortSignal,
        wait: !cancelled,
        alreadyDone: (e) => sameTraffic(trafficOf(e), restore),
      });
      done.push(`traffic restored to ${formatTraffic(state.previous)}`);
    } else {
      done.push(`traffic unchanged: ${formatTraffic(state.previous)}`);
    }
    if (!cancelled) await printLogs(ws, name, d, rt, abortSignal);
    const share = (ours ? state.previous[d] : now[d]) ?? 0;
    if (state.previousBody) {
      const before = state.previousBody;
      await putDeployment(ws, name, d, before, { abortSignal, wait: !cancelled, alreadyDone: (x) => runsSame(x, before) });
      done.push(`deployment '${d}' put back as it was`);
    } else if (!state.created) {
      done.push(`deployment '${d}' (from an earlier run) kept at 0%`);
    } else if (inputs.keepFailedDeployment) {
      done.push(`deployment '${d}' kept at 0% for debugging ('keepFailedDeployment')`);
    } else if (share > 0) {
      done.push(`deployment '${d}' kept: it takes ${share}% of the traffic another release set`);
    } else {
      // The endpoint came with this run: deleting it (which deletes its deployments too) leaves the
      // workspace as a failed first release found it, but only while the traffic is still this
      // run's and no other release has put a deployment on it meanwhile.
      if (state.createdEndpoint && ours && (await onlyDeploymentIs(ws, name, d, abortSignal))) {
        await deleteEndpoint(ws, name, { wait: !cancelled, abortSignal });
        done.push(
          cancelled
            ? `deletion of endpoint '${name}' (created by this run) started`
            : `endpoint '${name}' (created by this run) removed with deployment '${d}'`,
        );
      } else {
        await deleteDeployment(ws, name, d, { wait: !cancelled, abortSignal });
        done.push(cancelled ? `deletion of deployment '${d}' started` : `deployment '${d}' removed`);
      }
    }
    state.outcome = `Rolled back: ${[state.outcome, ...done].filter(Boolean).join('; ')}.`;
    rt.log(state.outcome);
  } catch (error) {
    state.outcome = `ROLLBACK INCOMPLETE (${describeError(error)}): ${done.length ? `${done.join('; ')}; ` : ''}check endpoint '${name}' by hand — its traffic should be ${formatTraffic(state.previous)} and deployment '${d}' should be removed.`;
    rt.warn(state.outcome);
  }
}

async function printLogs(ws: Workspace, endpoint: string, deployment: string, rt: DeployRuntime, abortSignal: AbortSignal): Promise<void> {
  for (const container of ['InferenceServer', 'StorageInitializer'] as const) {
    try {
      const content = await deploymentLogs(ws, endpoint, deployment, container, LOG_TAIL[container], abortSignal);
      rt.log(`--- last ${LOG_TAIL[container]} lines of ${container} logs of '${deployment}' ---`);
      for (const line of content.split(/\r?\n/)) rt.log(`  ${line}`);
    } catch (error) {
      rt.log(`(no ${container} logs of '${deployment}': ${describeError(error)})`);
    }
  }
}
