import { strict as assert } from 'node:assert';
import { Emulator, JobScenario, startEmulator } from '../../emulator';
import { runStateAt } from '../../emulator/jobs/simulator';
import { armToken, call } from '../../devkit/emulator-clients';

describe('emulator: job simulator (pure status walk)', () => {
  const t0 = 1_700_000_000_000;
  const scenario: JobScenario = {
    phases: [
      { status: 'Queued', seconds: 2 },
      { status: 'Running', seconds: 3 },
    ],
    outcome: 'Failed',
  };

  it('walks the phases on the clock, then reaches the outcome with start and end times', () => {
    assert.deepEqual(runStateAt(scenario, t0, t0), { status: 'Queued', startedAt: undefined, endedAt: undefined });
    assert.equal(runStateAt(scenario, t0, t0 + 1999).status, 'Queued');
    assert.deepEqual(runStateAt(scenario, t0, t0 + 2000), { status: 'Running', startedAt: t0 + 2000, endedAt: undefined });
    assert.deepEqual(runStateAt(scenario, t0, t0 + 5000), { status: 'Failed', startedAt: t0 + 2000, endedAt: t0 + 5000 });
  });

  it("never finishes a 'hang' scenario", () => {
    assert.equal(runStateAt({ outcome: 'hang' }, t0, t0 + 365 * 24 * 3600 * 1000).status, 'Running');
  });

  it('goes CancelRequested then Canceled after cancelSeconds, but ignores a cancel after the end', () => {
    assert.equal(runStateAt(scenario, t0, t0 + 2500, t0 + 2100, 2).status, 'CancelRequested');
    assert.deepEqual(runStateAt(scenario, t0, t0 + 4100, t0 + 2100, 2), { status: 'Canceled', startedAt: t0 + 2000, endedAt: t0 + 4100 });
    assert.equal(runStateAt(scenario, t0, t0 + 9000, t0 + 6000, 2).status, 'Failed');
  });
});

describe('emulator: seeded jobs, the manual clock and run history', function () {
  let emulator: Emulator;
  let token: string;
  const history = (e: Emulator) =>
    `/history/v1.0/subscriptions/${e.subscriptionId}/resourceGroups/${e.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${e.workspaceName}`;

  before(async () => {
    emulator = await startEmulator({ clock: 'manual' });
    token = await armToken(emulator);
  });
  after(() => emulator.stop());

  it('only moves time through clock.advance in manual mode', async () => {
    const before = emulator.clock.now();
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(emulator.clock.now(), before);
    emulator.clock.advance(5000);
    assert.equal(emulator.clock.now(), before + 5000);
  });

  it('walks a failing pipeline and its children; run history reports statuses, node ids and the error', async () => {
    emulator.jobs.seed(
      'pipe-1',
      {
        phases: [{ status: 'Running', seconds: 10 }],
        outcome: 'Failed',
        error: { code: 'UserError', message: 'Pipeline has failed child jobs.' },
        children: [
          { name: 'step-prep', displayName: 'prep', phases: [{ status: 'Running', seconds: 3 }], outcome: 'Completed' },
          {
            name: 'step-train',
            displayName: 'train',
            phases: [
              { status: 'Queued', seconds: 3 },
              { status: 'Running', seconds: 5 },
            ],
            outcome: 'Failed',
            error: { code: 'UserError', message: 'train.py exited with code 1' },
          },
        ],
      },
      { displayName: 'nightly', experimentName: 'mlops', tags: { BuildId: '7' } },
    );
    assert.equal(emulator.jobs.get('pipe-1')?.status, 'Running');

    emulator.clock.advance(4000);
    const children = await call(emulator, 'GET', `${history(emulator)}/runs/pipe-1/children`, { token });
    assert.equal(children.status, 200);
    const byName = Object.fromEntries(children.body.value.map((r: { displayName: string }) => [r.displayName, r]));
    assert.equal(byName.prep.status, 'Completed');
    assert.equal(byName.prep.runId, 'step-prep');
    assert.equal(byName.prep.parentRunId, 'pipe-1');
    assert.match(byName.prep.properties['azureml.nodeid'], /^[0-9a-f]{8}$/);
    assert.equal(byName.train.status, 'Running');

    emulator.clock.advance(6000);
    const run = await call(emulator, 'GET', `${history(emulator)}/runs/pipe-1`, { token });
    assert.equal(run.body.status, 'Failed');
    assert.equal(run.body.error.error.message, 'Pipeline has failed child jobs.');
    assert.ok(run.body.endTimeUtc);
    const step = await call(emulator, 'GET', `${history(emulator)}/runs/step-train`, { token });
    assert.equal(step.body.error.error.message, 'train.py exited with code 1');
    const asJob = await call(
      emulator,
      'GET',
      `/subscriptions/${emulator.subscriptionId}/resourceGroups/${emulator.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${emulator.workspaceName}/jobs/step-train?api-version=2022-10-01`,
      { token },
    );
    assert.equal(asJob.body.properties.status, 'Failed');
    assert.equal(asJob.body.properties.displayName, 'train');
  });

  it('pages children with $top and a continuation token', async () => {
    emulator.jobs.seed('pipe-many', {
      outcome: 'Completed',
      children: Array.from({ length: 5 }, (_, i) => ({ name: `c-${i}`, displayName: `node${i}`, outcome: 'Completed' as const })),
    });
    const first = await call(emulator, 'GET', `${history(emulator)}/runs/pipe-many/children?$top=3`, { token });
    assert.equal(first.body.value.length, 3);
    assert.ok(first.body.nextLink);
    const second = await call(emulator, 'GET', new URL(first.body.nextLink).pathname + new URL(first.body.nextLink).search, { token });
    assert.deepEqual(
      second.body.value.map((r: { runId: string }) => r.runId),
      ['c-3', 'c-4'],
    );
    assert.equal(second.body.nextLink, null);
  });

  it('cancels from outside like the Studio: CancelRequested, then Canceled, without cancelRequested', () => {
    emulator.jobs.seed('hung', { outcome: 'hang', cancelSeconds: 2 });
    emulator.jobs.cancelFromOutside('hung');
    assert.equal(emulator.jobs.get('hung')?.status, 'CancelRequested');
    emulator.clock.advance(2000);
    const job = emulator.jobs.get('hung');
    assert.equal(job?.status, 'Canceled');
    assert.equal(job?.cancelRequested, false);
  });

  it('serves a scenario’s metrics on the MLflow runs/get route and 404s unknown runs', async () => {
    emulator.jobs.seed('scored', { phases: [], outcome: 'Completed', metrics: { accuracy: 0.91 } }, { jobType: 'Command' });
    const base = `/mlflow/v1.0/subscriptions/${emulator.subscriptionId}/resourceGroups/${emulator.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${emulator.workspaceName}/api/2.0/mlflow/runs/get`;
    const res = await call(emulator, 'GET', `${base}?run_id=scored`, { token });
    assert.equal(res.body.run.info.status, 'FINISHED');
    assert.deepEqual(
      res.body.run.data.metrics.map((m: { key: string; value: number }) => [m.key, m.value]),
      [['accuracy', 0.91]],
    );
    assert.equal((await call(emulator, 'GET', `${base}?run_id=nope`, { token })).status, 404);
    assert.equal((await call(emulator, 'GET', `${history(emulator)}/runs/nope`, { token })).status, 404);
  });

  it('gives jobs created through ARM PUT one child per pipeline node, shaped by the default scenario', async () => {
    emulator.jobs.defaultScenario = {
      outcome: 'Failed',
      error: { code: 'UserError', message: 'step failed' },
      children: [{ name: 'ignored', displayName: 'train', outcome: 'Failed' }],
    };
    const ws = `/subscriptions/${emulator.subscriptionId}/resourceGroups/${emulator.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${emulator.workspaceName}`;
    const put = await call(emulator, 'PUT', `${ws}/jobs/from-put?api-version=2022-10-01`, {
      token,
      body: { properties: { jobType: 'Pipeline', jobs: { prep: { type: 'command' }, train: { type: 'command' } } } },
    });
    assert.equal(put.status, 201);
    emulator.clock.advance(3000);
    const job = emulator.jobs.get('from-put');
    assert.equal(job?.status, 'Failed');
    assert.deepEqual(
      job?.children.map((c) => [c.displayName, c.status]),
      [
        ['prep', 'Completed'],
        ['train', 'Failed'],
      ],
    );
    assert.match(job!.children[0].name, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
