import { strict as assert } from 'node:assert';
import { startEmulator, Emulator } from '../../emulator';
import { armToken, call, mlClient, wsPath } from '../../devkit/emulator-clients';

/**
 * The model registry, online endpoints and MLflow routes the compare and register tasks read, driven
 * through the real @azure/arm-machinelearning client (ARM) and raw HTTPS (MLflow, not in the ARM spec).
 */
describe('emulator: models, online endpoints, MLflow metrics', () => {
  let emulator: Emulator;
  let client: ReturnType<typeof mlClient>;
  let token: string;
  const rg = () => emulator.resourceGroup;
  const ws = () => emulator.workspaceName;

  before(async () => {
    emulator = await startEmulator({ clock: 'manual' });
    client = mlClient(emulator);
    token = await armToken(emulator);
  });
  after(() => emulator.stop());

  it('creates a version (201), reads it, re-PUTs it (200) and refuses to change its source (409)', async () => {
    const body = {
      properties: {
        modelType: 'mlflow_model',
        modelUri: 'azureml://jobs/j1/outputs/model',
        jobName: 'j1',
        tags: { stage: 'candidate' },
        properties: { k: 'v' },
      },
    };
    const created = await client.modelVersions.createOrUpdate(rg(), ws(), 'credit', '1', body);
    assert.equal(created.name, '1');
    assert.match(created.id!, /\/workspaces\/mlw-emulator\/models\/credit\/versions\/1$/);
    const read = await client.modelVersions.get(rg(), ws(), 'credit', '1');
    assert.equal(read.properties.modelUri, 'azureml://jobs/j1/outputs/model');
    assert.equal(read.properties.jobName, 'j1');
    const raw = await call(emulator, 'PUT', `${wsPath(emulator)}/models/credit/versions/1?api-version=2022-10-01`, { token, body });
    assert.equal(raw.status, 200);
    await assert.rejects(
      client.modelVersions.createOrUpdate(rg(), ws(), 'credit', '1', {
        properties: { ...body.properties, modelUri: 'azureml://jobs/j2/outputs/model' },
      }),
      (e: { statusCode?: number; message: string }) => e.statusCode === 409 && /cannot be changed/.test(e.message),
    );
    assert.equal(emulator.models.get('credit', '1')?.properties.modelUri, 'azureml://jobs/j1/outputs/model');
  });

  it('hides archived versions unless listViewType asks, and plays a stale or missing nextVersion and a lost race', async () => {
    emulator.models.seed('arch', '1', { jobName: 'a' });
    emulator.models.seed('arch', '2', { jobName: 'b', archived: true });
    const names = async (listViewType?: 'ActiveOnly' | 'ArchivedOnly' | 'All') => {
      const out: string[] = [];
      for await (const v of client.modelVersions.list(rg(), ws(), 'arch', listViewType ? { listViewType } : {})) out.push(v.name!);
      return out;
    };
    assert.deepEqual([await names(), await names('All'), await names('ArchivedOnly')], [['1'], ['2', '1'], ['2']]);
    const next = async () => (await client.modelContainers.get(rg(), ws(), 'arch')).properties.nextVersion;
    assert.equal(await next(), '3');
    emulator.models.reportNextVersion('arch', '2');
    assert.equal(await next(), '2');
    emulator.models.reportNextVersion('arch', null);
    assert.equal(await next(), undefined);
    emulator.models.reportNextVersion('arch', undefined);
    assert.equal(await next(), '3');
    emulator.models.createBeforeNextPut('arch', '3', { jobName: 'rival' });
    await assert.rejects(
      client.modelVersions.createOrUpdate(rg(), ws(), 'arch', '3', {
        properties: { modelType: 'mlflow_model', modelUri: 'azureml://jobs/mine/outputs/model', jobName: 'mine' },
      }),
      (e: { statusCode?: number }) => e.statusCode === 409,
    );
    assert.equal(emulator.models.get('arch', '3')?.properties.jobName, 'rival');
  });

  it('lists versions newest first, filters by tags and properties, honours $top, and reports the next version', async () => {
    emulator.models.seed('churn', '1', { jobName: 'a', tags: { stage: 'production' } });
    emulator.models.seed('churn', '2', { jobName: 'b', properties: { src: 'x' } });
    emulator.models.seed('churn', 'beta', { jobName: 'c', tags: { stage: 'production' } });
    const names = async (options: Record<string, unknown>) => {
      const out: string[] = [];
      for await (const v of client.modelVersions.list(rg(), ws(), 'churn', options)) out.push(v.name!);
      return out;
    };
    assert.deepEqual(await names({ orderBy: 'createdtime desc' }), ['beta', '2', '1']);
    assert.deepEqual(await names({ orderBy: 'createdtime asc' }), ['1', '2', 'beta']);
    assert.deepEqual(await names({ orderBy: 'createdtime desc', top: 1, tags: 'stage=production' }), ['beta']);
    assert.deepEqual(await names({ tags: 'stage' }), ['beta', '1']);
    assert.deepEqual(await names({ properties: 'src=x' }), ['2']);
    assert.deepEqual(await names({ tags: 'stage=staging' }), []);
    const container = await client.modelContainers.get(rg(), ws(), 'churn');
    assert.deepEqual([container.properties.latestVersion, container.properties.nextVersion], ['beta', '3']);
    await assert.rejects(client.modelContainers.get(rg(), ws(), 'nope'), (e: { statusCode?: number }) => e.statusCode === 404);
    assert.deepEqual(
      await (async () => {
        const out = [];
        for await (const v of client.modelVersions.list(rg(), ws(), 'nope')) out.push(v);
        return out;
      })(),
      [],
    );
  });

  it('serves seeded online endpoints and deployments with their traffic and model ids', async () => {
    emulator.endpoints.seed({
      name: 'credit-prod',
      traffic: { blue: 90, green: 10 },
      deployments: [
        { name: 'blue', model: { name: 'credit', version: '1' } },
        { name: 'green', model: 'azureml:credit:2' },
      ],
    });
    const endpoint = await client.onlineEndpoints.get(rg(), ws(), 'credit-prod');
    assert.deepEqual(endpoint.properties.traffic, { blue: 90, green: 10 });
    assert.equal(endpoint.location, emulator.location);
    const blue = await client.onlineDeployments.get(rg(), ws(), 'credit-prod', 'blue');
    assert.match(blue.properties.model!, /\/models\/credit\/versions\/1$/);
    assert.equal(blue.properties.endpointComputeType, 'Kubernetes');
    const listed = [];
    for await (const d of client.onlineDeployments.list(rg(), ws(), 'credit-prod')) listed.push(d.name);
    assert.deepEqual(listed, ['blue', 'green']);
    await assert.rejects(client.onlineEndpoints.get(rg(), ws(), 'missing'), (e: { statusCode?: number }) => e.statusCode === 404);
  });

  describe('MLflow (shapes of the MLflow REST API 2.0)', () => {
    const base = () => `/mlflow/v1.0${wsPath(emulator)}/api/2.0/mlflow`;
    before(() => {
      emulator.jobs.seed('train-run', {
        phases: [],
        outcome: 'Completed',
        metricHistory: { loss: [0.9, 0.5, 0.3] },
        metrics: { accuracy: 0.91 },
        children: [{ name: 'train-step-run', displayName: 'train', phases: [], outcome: 'Completed', metrics: { accuracy: 0.93 } }],
      });
    });

    it('runs/get: latest value of each metric in run.data.metrics, parent tag on a step', async () => {
      const r = await call(emulator, 'GET', `${base()}/runs/get?run_id=train-run`, { token });
      assert.equal(r.status, 200);
      assert.deepEqual(Object.keys(r.body.run).sort(), ['data', 'info']);
      assert.equal(r.body.run.info.status, 'FINISHED');
      const byKey = Object.fromEntries(r.body.run.data.metrics.map((m: { key: string; value: number }) => [m.key, m.value]));
      assert.deepEqual(byKey, { accuracy: 0.91, loss: 0.3 });
      for (const m of r.body.run.data.metrics) assert.deepEqual(Object.keys(m).sort(), ['key', 'step', 'timestamp', 'value']);
      const step = await call(emulator, 'GET', `${base()}/runs/get?run_id=train-step-run`, { token });
      assert.ok(
        step.body.run.data.tags.some((t: { key: string; value: string }) => t.key === 'mlflow.parentRunId' && t.value === 'train-run'),
      );
    });

    it('metrics/get-history: every logged value in step order; unknown run 404 RESOURCE_DOES_NOT_EXIST', async () => {
      const r = await call(emulator, 'GET', `${base()}/metrics/get-history?run_id=train-run&metric_key=loss`, { token });
      assert.deepEqual(
        r.body.metrics.map((m: { value: number; step: number }) => [m.step, m.value]),
        [
          [0, 0.9],
          [1, 0.5],
          [2, 0.3],
        ],
      );
      const missing = await call(emulator, 'GET', `${base()}/metrics/get-history?run_id=nope&metric_key=loss`, { token });
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error_code, 'RESOURCE_DOES_NOT_EXIST');
    });

    it('runs/search: filter by parent run and metric, paged with next_page_token', async () => {
      const r = await call(emulator, 'POST', `${base()}/runs/search`, {
        token,
        body: { experiment_ids: [], filter: "tags.mlflow.parentRunId = 'train-run' and metrics.accuracy > 0.92", max_results: 10 },
      });
      assert.equal(r.status, 200);
      assert.deepEqual(
        r.body.runs.map((x: { info: { run_id: string } }) => x.info.run_id),
        ['train-step-run'],
      );
      const paged = await call(emulator, 'POST', `${base()}/runs/search`, {
        token,
        body: { filter: "attributes.status = 'FINISHED'", max_results: 1 },
      });
      assert.equal(paged.body.runs.length, 1);
      assert.equal(paged.body.next_page_token, '1');
      const bad = await call(emulator, 'POST', `${base()}/runs/search`, { token, body: { filter: 'accuracy' } });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error_code, 'INVALID_PARAMETER_VALUE');
    });
  });
});
