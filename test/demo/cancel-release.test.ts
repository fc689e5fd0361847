/**
 * Issue 12, part 3: the example's ML Release cancelled at every step and phase of package and
 * deploy, as the agent cancels (SIGINT, then SIGTERM, then kill). The cancel points are not a
 * guess: a fault-free release is recorded first (the product's own log lines and the requests the
 * emulator receives, step by step) and the points are derived from it. Each cancelled release then
 * starts from the same state (a fresh emulator and Azurite, seeded as the demo seeds them, plus
 * the model version the one ML Build registered) and must leave:
 *   - the endpoint it was deploying to exactly as it was before that stage (traffic and deployments:
 *     what it created is gone, not only at 0%); stages that had finished keep their result;
 *   - no Azure ML job running;
 *   - the run Canceled, the cancelled step Canceled, with no stack trace in its log;
 *   - no secret in the log.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Mocha from 'mocha';
import { runMlFlow, runMlRelease, type MlReleaseResult } from '../../demo/ml-flow';
import { PRODUCTION } from '../../demo/credit-risk-workspace';
import type { Emulator, EmulatedEndpoint, EmulatedModelVersion, RequestRecord } from '../../emulator';
import type { PipelineRunResult, StepResult } from '../../local-runner/execution/run-pipeline';
import { mlClient } from '../../devkit/emulator-clients';

const STAGING = 'credit-risk-staging';
/** Kill at 7 s: the deploy task's cancelled rollback budget (6.5 s) still fits, 3 s sooner than the agent's 10 s. */
const SHORT_ESCALATION = { sigintToSigterm: 5_500, sigtermToKill: 1_500 };
const TERMINAL_JOB = new Set(['Completed', 'Failed', 'Canceled', 'NotResponding', 'Paused']);

/** What a cancel waits for: a line the runner logs in a step, or a request of a step reaching the emulator. */
type Trigger = { kind: 'line'; step: string; text: string; nth: number } | { kind: 'request'; step: string; key: string; nth: number };

interface CancelPoint {
  label: string;
  trigger: Trigger;
  /** the agent's real 7.5 s + 2.5 s instead of the shortened escalation */
  realTimings?: boolean;
  /**
   * Hold the request's answer this long (the emulator handles it only then): the cancel lands while
   * it is in flight. Scoring points always have it (no side effects); for one ARM write it is the
   * case of a service that applies a write after its client went away.
   */
  holdMs?: number;
}

type Event = { kind: 'line'; step: string; text: string } | { kind: 'request'; step: string; key: string; phase: string };

interface EndpointState {
  traffic: Record<string, number>;
  deployments: string[];
}

interface Recorded {
  result: MlReleaseResult;
  lines: string[];
  /** the product steps' log lines and requests, in order */
  events: Event[];
  before: Record<string, EndpointState | undefined>;
  after: Record<string, EndpointState | undefined>;
  jobs: Array<{ name: string; status: string }>;
  secrets: string[];
  /** the step running when the cancel was sent, and when */
  cancelled?: { step: string; atLine: number };
}

/** Every job of the workspace (as ARM lists them) with its status in the emulator's job store. */
async function jobsOf(e: Emulator): Promise<Array<{ name: string; status: string }>> {
  const out: Array<{ name: string; status: string }> = [];
  for await (const j of mlClient(e).jobs.list(e.resourceGroup, e.workspaceName, { listViewType: 'All' }))
    out.push({ name: j.name!, status: e.jobs.get(j.name!)?.status ?? 'unknown' });
  return out;
}

const stateOf = (e: EmulatedEndpoint | undefined): EndpointState | undefined =>
  e && { traffic: { ...e.traffic }, deployments: e.deployments.map((d) => d.name).sort() };

/** A request as the same request in another run: the workspace prefix and the per-run operation ids left out. */
function requestKey(r: RequestRecord): string | undefined {
  // sign-in and the DevOps OIDC call are the identity's business, not a phase of package or deploy
  if (!r.path.startsWith('/subscriptions/') && !r.path.startsWith('/score/')) return undefined;
  const p = r.path
    .replace(/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.MachineLearningServices\/workspaces\/[^/]+/i, '')
    .replace(/^\/subscriptions\/.*\/(mfeOperationsStatus|mfeOperationResults)\/.*$/i, 'operation status')
    // an anonymous code version's name is a fresh GUID each run
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<guid>');
  return `${r.method} ${p || '(workspace)'}`;
}

/** Runs the release once, cancelling it when `point` is reached (never without one), and records what it did and left. */
async function recordRelease(build: PipelineRunResult, model: EmulatedModelVersion, point?: CancelPoint): Promise<Recorded> {
  const lines: string[] = [];
  const events: Event[] = [];
  const before: Recorded['before'] = {};
  const after: Recorded['after'] = {};
  const jobs: Recorded['jobs'] = [];
  const keys: string[] = [];
  const controller = new AbortController();
  let step: string | undefined;
  let phase = '(before its first line)';
  const counts = new Map<string, number>();
  let cancelled: Recorded['cancelled'];
  let emulator: Emulator | undefined;
  let seen = 0;

  const cancel = () => {
    if (cancelled) return;
    cancelled = { step: step!, atLine: lines.length };
    controller.abort();
  };
  const count = (key: string) => {
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    return n;
  };
  const onRequest = (r: RequestRecord) => {
    const key = requestKey(r);
    if (key === undefined || step === undefined) return;
    events.push({ kind: 'request', step, key, phase });
    const n = count(`request ${step} ${key}`);
    if (/\/listKeys$/.test(r.path) && emulator) {
      const e = emulator.endpoints.get(r.path.split('/').at(-2)!);
      if (e) keys.push(e.keys.primaryKey, e.keys.secondaryKey);
    }
    const t = point?.trigger;
    if (t?.kind === 'request' && t.step === step && t.key === key && t.nth === n) cancel();
  };
  // The emulator is in this process: its request log is read every few ms, so a cancel lands while that request's phase runs.
  const poll = setInterval(() => {
    if (!emulator) return;
    const all = emulator.requests();
    for (; seen < all.length; seen++) onRequest(all[seen]!);
  }, 2);

  const log = (line: string) => {
    lines.push(line);
    const starting = /^##\[section\]Starting: (.*)$/.exec(line);
    if (starting) {
      step = starting[1]!;
      phase = '(before its first line)';
    } else if (/^##\[section\]Finishing: /.test(line)) {
      step = undefined;
    } else if (step !== undefined && !line.startsWith('##')) {
      phase = line.length > 70 ? `${line.slice(0, 70)}…` : line;
      events.push({ kind: 'line', step, text: line });
    }
    const t = point?.trigger;
    if (t?.kind === 'line' && step === t.step && line.startsWith(t.text) && count(`line ${step} ${t.text}`) === t.nth) {
      // after the runner has handed the step its signal: a cancel before that would not reach the step
      setImmediate(cancel);
    }
  };

  try {
    const result = await runMlRelease({
      build,
      log,
      abortSignal: controller.signal,
      escalationMs: point && !point.realTimings ? SHORT_ESCALATION : undefined,
      configure: (e) => {
        emulator = e;
        const t = point?.trigger;
        // Scoring and reads have no side effects: holding their answer makes the cancel land inside the
        // smoke test, the health check or the old-deployment listing, not just after it (the in-process
        // emulator answers a request before the test sees it, and a task that has already finished cannot roll back).
        const hold =
          point?.holdMs ?? (t?.kind === 'request' && (t.key.startsWith('POST /score/') || t.key.startsWith('GET ')) ? 1000 : undefined);
        if (t?.kind === 'request' && hold) {
          // (each held path occurs in one step only, so the step's count is the run's)
          const [method, route] = t.key.split(' ');
          e.faults.script([
            { method, path: new RegExp(`${route!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`), delayMs: hold, after: t.nth - 1 },
          ]);
        }
        // The version the ML Build registered, exactly as it holds it.
        const p = model.properties as {
          modelUri?: string;
          modelType?: string;
          jobName?: string;
          description?: string;
          tags?: Record<string, string>;
          properties?: Record<string, string>;
        };
        e.models.seed(model.name, model.version, {
          modelUri: p.modelUri,
          modelType: p.modelType,
          jobName: p.jobName,
          description: p.description,
          tags: p.tags,
          properties: p.properties,
        });
        for (const name of [PRODUCTION.endpoint, STAGING]) before[name] = stateOf(e.endpoints.get(name));
      },
      inspect: async (e) => {
        // The state as left once the service has handled every request it received (a held one lands late).
        for (let i = 0; i < 250 && e.requests().some((r) => r.status === 0 && !r.fault?.startsWith('reset')); i++)
          await new Promise((res) => setTimeout(res, 20));
        const all = e.requests();
        for (; seen < all.length; seen++) onRequest(all[seen]!);
        for (const name of [PRODUCTION.endpoint, STAGING]) {
          const now = e.endpoints.get(name);
          after[name] = stateOf(now);
          if (now) keys.push(now.keys.primaryKey, now.keys.secondaryKey);
        }
        jobs.push(...(await jobsOf(e)));
      },
    });
    return { result, lines, events, before, after, jobs, secrets: [...result.secrets, ...keys], cancelled };
  } finally {
    clearInterval(poll);
  }
}

/**
 * The cancel points, from a fault-free run: each step that calls Azure ML as it starts; each write
 * it sends (PUT/DELETE, and the scoring POSTs of the smoke test and health checks; list* POSTs
 * read); each wait it announces; and its last request (deploy: the old-deployment listing).
 */
function deriveCancelPoints(events: Event[]): CancelPoint[] {
  const steps = [...new Set(events.filter((e) => e.kind === 'request').map((e) => e.step))];
  const points: CancelPoint[] = [];
  const ordinal = (n: number) => (n === 1 ? '' : ` #${n}`);
  for (const step of steps) {
    const mine = events.filter((e) => e.step === step);
    points.push({ label: `${step}: as the step starts`, trigger: { kind: 'line', step, text: `##[section]Starting: ${step}`, nth: 1 } });
    const counts = new Map<string, number>();
    const requests = mine.filter((e): e is Extract<Event, { kind: 'request' }> => e.kind === 'request');
    const last = requests.at(-1);
    for (const e of mine) {
      const key = e.kind === 'request' ? e.key : e.text;
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      if (e.kind === 'line') {
        if (/^Waiting \d+ s before the next step/.test(e.text))
          points.push({ label: `${step}: during '${e.text}'${ordinal(n)}`, trigger: { kind: 'line', step, text: e.text, nth: n } });
        continue;
      }
      const write = /^(PUT|DELETE) /.test(e.key) || /^POST \/score\//.test(e.key);
      if (write || e === last) {
        points.push({
          label: `${step}: ${e.key}${ordinal(n)} reaches Azure ML (after '${e.phase}')`,
          trigger: { kind: 'request', step, key: e.key, nth: n },
        });
      }
    }
  }
  return points;
}

const allSteps = (r: PipelineRunResult): StepResult[] => r.stages.flatMap((s) => s.jobs.flatMap((j) => j.steps));

/** The log of one step: from its Starting line to its Finishing line. */
function stepLog(lines: string[], step: string): string[] {
  const start = lines.indexOf(`##[section]Starting: ${step}`);
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && l.startsWith(`##[section]Finishing: ${step}`));
  return lines.slice(start, end < 0 ? undefined : end + 1);
}

const STACK_LINE = /^\s+at .+(:\d+:\d+\)?|\(native\)|\(<anonymous>\))$/;

describe('ML Release cancelled at every step and phase of package and deploy (local runner, emulator, Azurite)', function () {
  this.timeout(600_000);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cancel-release-'));
  const buildLines: string[] = [];
  let build: PipelineRunResult;
  let model: EmulatedModelVersion | undefined;
  let buildJobs: Array<{ name: string; status: string }> = [];
  let reference: Recorded;
  let points: CancelPoint[] = [];
  const table: string[] = [];

  before(async function () {
    // One ML Build for every release: its run folder (the model artifact) is kept in `work`.
    const flow = await runMlFlow({
      release: false,
      workDir: work,
      log: (l) => buildLines.push(l),
      inspect: async (e) => {
        model = e.models.get('credit-risk', '2');
        buildJobs = await jobsOf(e);
      },
    });
    build = flow.build;
    assert.equal(build.result, 'Succeeded', buildLines.join('\n'));
    assert.ok(model, 'the build registered credit-risk:2');
    reference = await recordRelease(build, model);
    points = deriveCancelPoints(reference.events);
    // The real escalation once, where the rollback has the most to undo: a production traffic step.
    const real = points.find(
      (p) =>
        p.trigger.kind === 'request' &&
        p.trigger.step.includes(PRODUCTION.endpoint) &&
        /^PUT \/onlineEndpoints\//.test(p.trigger.key) &&
        p.trigger.nth === 2,
    );
    if (real) {
      points.push({ ...real, label: `${real.label} [agent's real 7.5 s + 2.5 s]`, realTimings: true });
      points.push({ ...real, label: `${real.label} [answered 1 s late: the cancel lands while it is in flight]`, holdMs: 1000 });
    }
    console.log(`      ${points.length} cancel points, derived from the fault-free release:`);
    for (const p of points) console.log(`        - ${p.label}`);
    const suite = this.test!.parent!;
    for (const p of points) suite.addTest(new Mocha.Test(`cancelled at ${p.label}`, () => cancelAt(p)));
  });

  after(() => {
    fs.rmSync(work, { recursive: true, force: true });
    if (table.length) console.log(['      cancel point → result, rollback:', ...table.map((t) => `        ${t}`)].join('\n'));
  });

  it('the fault-free release the points come from succeeds, and the build left no job running', () => {
    assert.equal(reference.result.release.result, 'Succeeded', reference.lines.join('\n'));
    assert.deepEqual(reference.after[PRODUCTION.endpoint]?.traffic, { blue: 0, 'credit-risk-2': 100 });
    assert.deepEqual(reference.after[STAGING]?.traffic, { 'credit-risk-2': 100 });
    assert.ok(buildJobs.length > 0 && buildJobs.every((j) => TERMINAL_JOB.has(j.status)), JSON.stringify(buildJobs));
    assert.ok(
      reference.jobs.every((j) => TERMINAL_JOB.has(j.status)),
      JSON.stringify(reference.jobs),
    );
  });

  it('the points cover every phase the issue names', () => {
    const labels = points.map((p) => p.label).join('\n');
    const prod = `Deploy to endpoint ${PRODUCTION.endpoint}`;
    const staging = `Deploy to endpoint ${STAGING}`;
    for (const needed of [
      /Package the model .*: as the step starts/,
      /Package the model .*: PUT \/environments\//,
      /Package the model .*: PUT \/codes\//,
      new RegExp(`${staging}: PUT /onlineEndpoints/${STAGING} reaches .*Creating Kubernetes online endpoint`),
      new RegExp(`${staging}: PUT /onlineEndpoints/${STAGING}/deployments/`),
      // The first scoring call of a step is its smoke test (no #N); the line printed just before it is
      // a race between the task's stdout and its request, so the label's context is not asserted.
      new RegExp(`${staging}: POST /score/\\S+ reaches `),
      new RegExp(`${staging}: PUT /onlineEndpoints/${STAGING} #2 .*Traffic step 1/1`),
      new RegExp(`${staging}: GET /onlineEndpoints/${STAGING}/deployments #2 .*Health check passed`),
      new RegExp(`${prod}: PUT /onlineEndpoints/${PRODUCTION.endpoint}/deployments/`),
      new RegExp(`${prod}: POST /score/\\S+ reaches `),
      ...[1, 2, 3].map(
        (i) => new RegExp(`${prod}: PUT /onlineEndpoints/${PRODUCTION.endpoint}${i === 1 ? '' : ` #${i}`} reaches .*Traffic step ${i}/3`),
      ),
      new RegExp(`${prod}: during 'Waiting 1 s before the next step.'\n`),
      new RegExp(`${prod}: during 'Waiting 1 s before the next step.' #2`),
      new RegExp(`${prod}: GET /onlineEndpoints/${PRODUCTION.endpoint}/deployments #2 .*Health check passed`),
    ]) {
      assert.match(labels + '\n', needed);
    }
  });

  async function cancelAt(point: CancelPoint): Promise<void> {
    const r = await recordRelease(build, model!, point);
    const rollback = r.lines.find((l) => /Rolled back|ROLLBACK INCOMPLETE|Removed endpoint/.test(l));
    table.push(`${point.label} → ${r.result.release.result}; ${rollback ? rollback.replace(/^##\[warning\]/, '') : 'no rollback line'}`);
    const context = () => r.lines.slice(Math.max(0, (r.cancelled?.atLine ?? 0) - 15)).join('\n');
    assert.ok(r.cancelled, `the cancel point was never reached:\n${r.lines.join('\n')}`);
    assert.equal(r.result.release.result, 'Canceled', context());

    // The step the cancel reached ends Canceled, with no stack trace in its log.
    const stepRecord = allSteps(r.result.release).find((s) => s.displayName === r.cancelled!.step);
    assert.equal(stepRecord?.result, 'Canceled', context());
    const stepLines = stepLog(r.lines, r.cancelled.step);
    assert.deepEqual(
      stepLines.filter((l) => STACK_LINE.test(l)),
      [],
      context(),
    );

    // Production exactly as before the release; staging as before its stage (or as its finished stage left it).
    const inProduction = r.cancelled.step.includes(PRODUCTION.endpoint);
    const expected = {
      [PRODUCTION.endpoint]: r.before[PRODUCTION.endpoint],
      [STAGING]: inProduction ? reference.after[STAGING] : r.before[STAGING],
    };
    for (const name of [PRODUCTION.endpoint, STAGING]) {
      const was = expected[name];
      const now = r.after[name];
      assert.deepEqual(now?.traffic, was?.traffic, `endpoint '${name}' traffic\n${context()}`);
      // No deployment this run made holds traffic; and the emulator deletes at once, so it must be gone, not left at 0%.
      for (const d of now?.deployments ?? [])
        if (!was?.deployments.includes(d))
          assert.equal(now!.traffic[d] ?? 0, 0, `deployment '${d}' of '${name}' holds traffic\n${context()}`);
      assert.deepEqual(now?.deployments, was?.deployments, `endpoint '${name}' deployments\n${context()}`);
    }
    assert.deepEqual(
      r.jobs.filter((j) => !TERMINAL_JOB.has(j.status)),
      [],
      'no Azure ML job left running',
    );
    assert.deepEqual(
      r.secrets.filter((s) => s.length >= 6 && r.lines.some((l) => l.includes(s))),
      [],
      'no secret in the log',
    );
  }
});
