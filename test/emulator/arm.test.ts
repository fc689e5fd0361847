import { strict as assert } from 'node:assert';
import { Emulator, startEmulator } from '../../emulator';
import { armToken, call, mlClient, wsPath } from '../../devkit/emulator-clients';

const pipelineBody = (e: Emulator, extra: Record<string, unknown> = {}) => ({
  properties: {
    jobType: 'Pipeline',
    displayName: 'train-and-evaluate',
    experimentName: 'mlops-main',
    tags: { BuildId: '42' },
    properties: {},
    isArchived: false,
    computeId: `${wsPath(e)}/computes/cpu-cluster`,
    settings: { default_compute: `${wsPath(e)}/computes/cpu-cluster`, _source: 'YAML.JOB' },
    jobs: {
      prep: { name: 'prep', type: 'command', _source: 'YAML.JOB', componentId: `${wsPath(e)}/components/azureml_anonymous/versions/1` },
      train: { name: 'train', type: 'command', _source: 'YAML.JOB', componentId: `${wsPath(e)}/components/azureml_anonymous/versions/2` },
    },
    inputs: { n: { jobInputType: 'literal', value: '10' } },
    outputs: { out: { jobOutputType: 'uri_folder', mode: 'ReadWriteMount' } },
    ...extra,
  },
});

describe('emulator: ARM / Azure ML with the real @azure/arm-machinelearning client', function () {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator({ clock: 'manual' });
    // The pipeline body below names these anonymous components: Azure ML refuses a pipeline whose components do not exist.
    for (const version of ['1', '2'])
      emulator.assets.seed('components', 'azureml_anonymous', version, {
        isAnonymous: true,
        componentSpec: { name: 'azureml_anonymous', version: '1', type: 'command', command: `echo ${version}` },
      });
  });
  after(() => emulator.stop());

  it('gets and lists the workspace, whose discovery and MLflow URIs point back at the emulator', async () => {
    const client = mlClient(emulator);
    const ws = await client.workspaces.get(emulator.resourceGroup, emulator.workspaceName);
    assert.equal(ws.name, emulator.workspaceName);
    assert.equal(ws.location, emulator.location);
    assert.equal(ws.discoveryUrl, `${emulator.url}/discovery`);
    assert.equal(ws.mlFlowTrackingUri, `azureml://${new URL(emulator.url).host}/mlflow/v1.0${wsPath(emulator)}`);
    const listed = [];
    for await (const w of client.workspaces.listByResourceGroup(emulator.resourceGroup)) listed.push(w.name);
    assert.deepEqual(listed, [emulator.workspaceName]);
    const discovery = await call(emulator, 'GET', '/discovery');
    assert.equal(discovery.body.history, emulator.url);
    assert.equal(discovery.body.api, emulator.url);
  });

  it('creates a pipeline job (201), gets it, lists it with filters, and cancels it (202 + Location)', async () => {
    const client = mlClient(emulator);
    const created = await client.jobs.createOrUpdate(
      emulator.resourceGroup,
      emulator.workspaceName,
      'job-arm-1',
      pipelineBody(emulator) as never,
    );
    assert.equal(created.name, 'job-arm-1');
    assert.equal(created.properties.status, 'Queued');
    assert.equal(
      created.properties.services?.Studio?.endpoint,
      `https://ml.azure.com/runs/job-arm-1?wsid=/subscriptions/${emulator.subscriptionId}/resourcegroups/${emulator.resourceGroup}/workspaces/${emulator.workspaceName}&tid=${emulator.tenantId}`,
    );

    emulator.clock.advance(1500);
    const got = await client.jobs.get(emulator.resourceGroup, emulator.workspaceName, 'job-arm-1');
    assert.equal(got.properties.status, 'Running');
    assert.equal(got.properties.experimentName, 'mlops-main');

    const byTag = [];
    for await (const j of client.jobs.list(emulator.resourceGroup, emulator.workspaceName, { tag: 'BuildId', jobType: 'Pipeline' }))
      byTag.push(j.name);
    assert.deepEqual(byTag, ['job-arm-1']);
    const none = [];
    for await (const j of client.jobs.list(emulator.resourceGroup, emulator.workspaceName, { tag: 'NoSuchTag' })) none.push(j.name);
    assert.deepEqual(none, []);

    const token = await armToken(emulator);
    const cancel = await call(emulator, 'POST', `${wsPath(emulator)}/jobs/job-arm-1/cancel?api-version=2022-10-01`, { token });
    assert.equal(cancel.status, 202);
    assert.match(String(cancel.headers.location), /^https:\/\/127\.0\.0\.1:\d+\/subscriptions\/.*\/mfeOperationResults\//);
    assert.equal(emulator.jobs.get('job-arm-1')?.cancelRequested, true);
    assert.equal((await client.jobs.get(emulator.resourceGroup, emulator.workspaceName, 'job-arm-1')).properties.status, 'CancelRequested');
    emulator.clock.advance(1000);
    assert.equal(emulator.jobs.get('job-arm-1')?.status, 'Canceled');
  });

  it('lets the SDK poll a cancel to completion (beginCancelAndWait)', async () => {
    const client = mlClient(emulator);
    emulator.jobs.seed('job-arm-2', { outcome: 'hang' });
    await client.jobs.beginCancelAndWait(emulator.resourceGroup, emulator.workspaceName, 'job-arm-2', { updateIntervalInMs: 10 });
    assert.equal(emulator.jobs.get('job-arm-2')?.cancelRequested, true);
  });

  it('turns a malformed job into an ARM-style 400 and an unknown job into Azure ML’s 404', async () => {
    const token = await armToken(emulator);
    const noCommand = await call(emulator, 'PUT', `${wsPath(emulator)}/jobs/bad-1?api-version=2022-10-01`, {
      token,
      body: { properties: { jobType: 'Command', environmentId: 'env' } },
    });
    assert.equal(noCommand.status, 400);
    assert.equal(noCommand.body.error.code, 'UserError');
    assert.match(noCommand.body.error.message, /command cannot be null or undefined/);

    const badType = await call(emulator, 'PUT', `${wsPath(emulator)}/jobs/bad-2?api-version=2022-10-01`, {
      token,
      body: { properties: { jobType: 'Spark' } },
    });
    assert.equal(badType.status, 400);
    assert.match(badType.body.error.message, /jobType/);

    const notJson = await call(emulator, 'PUT', `${wsPath(emulator)}/jobs/bad-3?api-version=2022-10-01`, { token, body: '{"properties":' });
    assert.equal(notJson.status, 400);
    assert.equal(emulator.jobs.get('bad-1'), undefined);

    const client = mlClient(emulator);
    await assert.rejects(
      client.jobs.get(emulator.resourceGroup, emulator.workspaceName, 'no-such-job'),
      (error: { statusCode?: number; code?: string; message: string }) => {
        assert.equal(error.statusCode, 404);
        assert.equal(error.code, 'UserError');
        assert.match(error.message, /Job no-such-job not found/);
        return true;
      },
    );
  });

  it('keeps named asset versions immutable (same content 200, other content 409) and reports the container nextVersion', async () => {
    const client = mlClient(emulator);
    const body = (command: string) => ({
      properties: { isAnonymous: false, tags: { run: command }, componentSpec: { name: 'immutable_pipe', type: 'command', command } },
    });
    const rg = emulator.resourceGroup;
    const ws = emulator.workspaceName;
    assert.equal((await client.componentVersions.createOrUpdate(rg, ws, 'immutable_pipe', '1', body('echo 1'))).name, '1');
    // The same content again (tags may change) is idempotent; other content under that version is refused, not silently ignored.
    assert.equal(
      (
        await client.componentVersions.createOrUpdate(rg, ws, 'immutable_pipe', '1', {
          properties: { ...body('echo 1').properties, tags: { run: 'retry' } },
        })
      ).name,
      '1',
    );
    await assert.rejects(
      client.componentVersions.createOrUpdate(rg, ws, 'immutable_pipe', '1', body('echo 2')),
      (e: { statusCode?: number; message?: string }) =>
        e.statusCode === 409 && /already exists with different content/.test(e.message ?? ''),
    );
    assert.equal(
      (emulator.assets.get('components', 'immutable_pipe', '1')!.properties.componentSpec as { command: string }).command,
      'echo 1',
    );
    await client.componentVersions.createOrUpdate(rg, ws, 'immutable_pipe', 'beta', body('echo beta'));
    const container = await client.componentContainers.get(rg, ws, 'immutable_pipe');
    assert.equal(container.properties.latestVersion, 'beta');
    assert.equal(container.properties.nextVersion, '2');
    await assert.rejects(client.componentContainers.get(rg, ws, 'no_such_pipe'), (e: { statusCode?: number }) => e.statusCode === 404);
  });

  it('requires a bearer token from the emulator on ARM routes (401 + WWW-Authenticate)', async () => {
    const none = await call(emulator, 'GET', `${wsPath(emulator)}?api-version=2022-10-01`);
    assert.equal(none.status, 401);
    assert.equal(none.body.error.code, 'AuthenticationFailed');
    assert.match(String(none.headers['www-authenticate']), /^Bearer authorization_uri="https:\/\/127\.0\.0\.1:\d+\/[0-9a-f-]{36}"/);
    const forged = await call(emulator, 'GET', `${wsPath(emulator)}?api-version=2022-10-01`, {
      token: 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2ln',
    });
    assert.equal(forged.status, 401);
    assert.equal(forged.body.error.code, 'InvalidAuthenticationToken');
  });

  it('puts request ids on every ARM response and names unknown routes in a 404', async () => {
    const token = await armToken(emulator);
    const res = await call(emulator, 'GET', `${wsPath(emulator)}/batchEndpoints?api-version=2022-10-01`, { token });
    assert.equal(res.status, 404);
    assert.match(res.body.error.message, /GET \/subscriptions\/.*\/workspaces\/mlw-emulator\/batchEndpoints/);
    assert.match(String(res.headers['x-ms-request-id']), /^[0-9a-f-]{36}$/);
    assert.match(String(res.headers['x-ms-correlation-request-id']), /^[0-9a-f-]{36}$/);
    const noVersion = await call(emulator, 'GET', wsPath(emulator), { token });
    assert.equal(noVersion.status, 400);
    assert.equal(noVersion.body.error.code, 'MissingApiVersionParameter');
    const otherWs = await call(emulator, 'GET', `${wsPath(emulator).replace(/mlw-emulator$/, 'other')}?api-version=2022-10-01`, { token });
    assert.equal(otherWs.status, 404);
    assert.equal(otherWs.body.error.code, 'ResourceNotFound');
  });

  it('lists resource groups in the Microsoft.Resources shape (classic editor picker)', async () => {
    const token = await armToken(emulator);
    const res = await call(emulator, 'GET', `/subscriptions/${emulator.subscriptionId}/resourcegroups?api-version=2021-04-01`, { token });
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.value.map((g: { name: string }) => g.name),
      [emulator.resourceGroup],
    );
    assert.equal(res.body.value[0].type, 'Microsoft.Resources/resourceGroups');
  });
});
