import { strict as assert } from 'node:assert';
import { startEmulator, Emulator } from '../../emulator';
import { armToken, call, mlClient, wsPath } from '../../devkit/emulator-clients';

/**
 * Online endpoints and deployments as the deploy task drives them, through the real
 * @azure/arm-machinelearning client: long-running PUT/DELETE on the emulator clock, traffic rules,
 * keys, tokens, logs, computes, code/environment versions, and the scoring URI's simulated model.
 */
describe('emulator: online endpoints, deployments, computes and scoring', () => {
  let emulator: Emulator;
  let client: ReturnType<typeof mlClient>;
  let token: string;
  const rg = () => emulator.resourceGroup;
  const ws = () => emulator.workspaceName;
  const fast = { updateIntervalInMs: 10 };
  const modelId = (v: string) => `${wsPath(emulator)}/models/credit/versions/${v}`;
  const deployment = (v: string) => ({
    location: emulator.location,
    sku: { name: 'Default', capacity: 1 },
    properties: { endpointComputeType: 'Kubernetes' as const, model: modelId(v), instanceType: 'defaultinstancetype' },
  });
  const score = (headers: Record<string, string>, body: unknown = { data: [[1, 2]] }) =>
    call(emulator, 'POST', '/score/credit-ep/score', { body, headers });

  before(async () => {
    // The real clock: the SDK's poller waits for provisioning to finish in emulator time.
    emulator = await startEmulator();
    client = mlClient(emulator);
    token = await armToken(emulator);
    emulator.computes.seed({
      name: 'aks',
      instanceTypes: { defaultinstancetype: {}, 'gpu-small': { limits: { cpu: '4', memory: '16Gi' } } },
    });
    emulator.computes.seed({ name: 'cpu-cluster', computeType: 'AmlCompute' });
    for (const v of ['1', '2', '3']) emulator.models.seed('credit', v);
    emulator.endpoints.behave('credit:3', { provisioning: 'Failed', provisionSeconds: 0 });
    emulator.endpoints.behave('credit:2', { provisionSeconds: 0, scoring: 'wrongShape' });
    emulator.endpoints.defaultBehaviour = { provisionSeconds: 0 };
  });
  after(() => emulator.stop());

  it('serves a Kubernetes compute with its instance types', async () => {
    const c = await client.computeOperations.get(rg(), ws(), 'aks');
    assert.equal(c.properties?.computeType, 'Kubernetes');
    const props = (c.properties as { properties?: { instanceTypes?: Record<string, unknown>; defaultInstanceType?: string } }).properties;
    assert.deepEqual(Object.keys(props?.instanceTypes ?? {}), ['defaultinstancetype', 'gpu-small']);
    assert.equal(props?.defaultInstanceType, 'defaultinstancetype');
    await assert.rejects(client.computeOperations.get(rg(), ws(), 'nope'), (e: { statusCode?: number }) => e.statusCode === 404);
  });

  it('creates an endpoint and a deployment as long-running operations, then refuses bad traffic', async () => {
    const endpoint = await client.onlineEndpoints.beginCreateOrUpdateAndWait(
      rg(),
      ws(),
      'credit-ep',
      {
        location: emulator.location,
        identity: { type: 'SystemAssigned' },
        properties: { authMode: 'Key', compute: `${wsPath(emulator)}/computes/aks`, traffic: {} },
      },
      fast,
    );
    assert.equal(endpoint.properties.provisioningState, 'Succeeded');
    const blue = await client.onlineDeployments.beginCreateOrUpdateAndWait(rg(), ws(), 'credit-ep', 'blue', deployment('1'), fast);
    assert.equal(blue.properties.provisioningState, 'Succeeded');
    const put = (traffic: Record<string, number>) =>
      call(emulator, 'PUT', `${wsPath(emulator)}/onlineEndpoints/credit-ep?api-version=2022-10-01`, {
        token,
        body: { location: emulator.location, properties: { authMode: 'Key', compute: `${wsPath(emulator)}/computes/aks`, traffic } },
      });
    const sum = await put({ blue: 60 });
    assert.equal(sum.status, 400);
    assert.match(sum.body.error.message, /sum to 100.*sum to 60/);
    const ghost = await put({ blue: 50, green: 50 });
    assert.equal(ghost.status, 400);
    assert.match(ghost.body.error.message, /'green', which does not exist/);
    const ok = await put({ blue: 100 });
    assert.equal(ok.status, 200);
    assert.match(String(ok.headers['azure-asyncoperation']), /mfeOperationsStatus\/op-/);
    assert.deepEqual(emulator.endpoints.get('credit-ep')?.traffic, { blue: 100 });
  });

  it('a seeded endpoint reads back with its compute ARM id, takes that id back in a PUT, and refuses another compute', async () => {
    emulator.endpoints.seed({
      name: 'credit-seeded',
      compute: 'aks',
      traffic: { blue: 100 },
      deployments: [{ name: 'blue', model: { name: 'credit', version: '1' } }],
    });
    const read = await client.onlineEndpoints.get(rg(), ws(), 'credit-seeded');
    assert.equal(read.properties.compute, `${wsPath(emulator)}/computes/aks`);
    const put = (compute: string) =>
      call(emulator, 'PUT', `${wsPath(emulator)}/onlineEndpoints/credit-seeded?api-version=2022-10-01`, {
        token,
        body: { location: emulator.location, properties: { authMode: 'Key', compute, traffic: { blue: 100 } } },
      });
    assert.equal((await put(read.properties.compute!.toUpperCase())).status, 200);
    const other = await put(`${wsPath(emulator)}/computes/cpu-cluster`);
    assert.equal(other.status, 400);
    assert.equal(other.body.error.message, "The compute of endpoint 'credit-seeded' cannot be changed.");
  });

  it('rejects an instance type the compute lacks, a missing model and a mismatched compute type', async () => {
    await assert.rejects(
      client.onlineDeployments.beginCreateOrUpdateAndWait(
        rg(),
        ws(),
        'credit-ep',
        'bad',
        { ...deployment('1'), properties: { ...deployment('1').properties, instanceType: 'huge' } },
        fast,
      ),
      (e: { statusCode?: number; message: string }) =>
        e.statusCode === 400 && /Instance type 'huge' does not exist on Kubernetes compute 'aks'/.test(e.message),
    );
    await assert.rejects(
      client.onlineDeployments.beginCreateOrUpdateAndWait(rg(), ws(), 'credit-ep', 'bad', deployment('9'), fast),
      (e: { message: string }) => /Model '.*credit\/versions\/9' was not found/.test(e.message),
    );
    await assert.rejects(
      client.onlineDeployments.beginCreateOrUpdateAndWait(
        rg(),
        ws(),
        'credit-ep',
        'bad',
        { ...deployment('1'), properties: { ...deployment('1').properties, endpointComputeType: 'Managed' } },
        fast,
      ),
      (e: { message: string }) => /endpointComputeType Kubernetes/.test(e.message),
    );
  });

  it('a model that never becomes ready fails the operation with ResourceNotReady, and its logs say why', async () => {
    await assert.rejects(
      client.onlineDeployments.beginCreateOrUpdateAndWait(rg(), ws(), 'credit-ep', 'red', deployment('3'), fast),
      (e: { code?: string; message: string }) => /ResourceNotReady|readiness probe/.test(`${e.code} ${e.message}`),
    );
    assert.equal(emulator.endpoints.get('credit-ep')?.deployments.find((d) => d.name === 'red')?.provisioningState, 'Failed');
    const logs = await client.onlineDeployments.getLogs(rg(), ws(), 'credit-ep', 'red', { containerType: 'InferenceServer', tail: 3 });
    assert.equal(logs.content?.split('\n').length, 3);
    assert.match(logs.content ?? '', /Readiness probe failed/);
    const init = await client.onlineDeployments.getLogs(rg(), ws(), 'credit-ep', 'red', { containerType: 'StorageInitializer' });
    assert.match(init.content ?? '', /Downloading model .*credit\/versions\/3/);
  });

  it('keys and tokens authorize scoring; azureml-model-deployment pins a deployment; behaviour shapes answers', async () => {
    const keys = await client.onlineEndpoints.listKeys(rg(), ws(), 'credit-ep');
    assert.ok(keys.primaryKey && keys.secondaryKey);
    await assert.rejects(client.onlineEndpoints.getToken(rg(), ws(), 'credit-ep'), (e: { statusCode?: number }) => e.statusCode === 400);
    assert.equal((await score({ authorization: 'Bearer wrong' })).status, 401);
    const routed = await score({ authorization: `Bearer ${keys.primaryKey}` });
    assert.deepEqual([routed.status, routed.body, routed.headers['azureml-model-deployment']], [200, { predictions: [0] }, 'blue']);
    await client.onlineDeployments.beginCreateOrUpdateAndWait(rg(), ws(), 'credit-ep', 'green', deployment('2'), fast);
    const pinned = await score({ authorization: `Bearer ${keys.secondaryKey}`, 'azureml-model-deployment': 'green' });
    assert.deepEqual([pinned.status, pinned.body], [200, { result: 'ok' }]);
    assert.equal((await score({ authorization: `Bearer ${keys.primaryKey}`, 'azureml-model-deployment': 'red' })).status, 503);
    assert.equal((await score({ authorization: `Bearer ${keys.primaryKey}` }, 'not json')).status, 400);
  });

  it('refuses to delete a deployment that takes traffic, deletes one at 0% as a long-running operation', async () => {
    await assert.rejects(
      client.onlineDeployments.beginDeleteAndWait(rg(), ws(), 'credit-ep', 'blue', fast),
      (e: { statusCode?: number; message: string }) => e.statusCode === 400 && /takes 100% of the traffic/.test(e.message),
    );
    await client.onlineDeployments.beginDeleteAndWait(rg(), ws(), 'credit-ep', 'green', fast);
    assert.deepEqual(
      emulator.endpoints
        .get('credit-ep')
        ?.deployments.map((d) => d.name)
        .sort(),
      ['blue', 'red'],
    );
  });

  it('an AMLToken endpoint issues tokens that authorize scoring, and a non-Kubernetes compute is refused', async () => {
    await client.onlineEndpoints.beginCreateOrUpdateAndWait(
      rg(),
      ws(),
      'tok-ep',
      { location: emulator.location, properties: { authMode: 'AMLToken', compute: `${wsPath(emulator)}/computes/aks` } },
      fast,
    );
    const t = await client.onlineEndpoints.getToken(rg(), ws(), 'tok-ep');
    assert.equal(t.tokenType, 'Bearer');
    await assert.rejects(client.onlineEndpoints.listKeys(rg(), ws(), 'tok-ep'), (e: { statusCode?: number }) => e.statusCode === 400);
    const none = await call(emulator, 'POST', '/score/tok-ep/score', { body: {}, headers: { authorization: `Bearer ${t.accessToken}` } });
    assert.equal(none.status, 424, 'authorized, but no deployment takes traffic');
    await assert.rejects(
      client.onlineEndpoints.beginCreateOrUpdateAndWait(
        rg(),
        ws(),
        'cpu-ep',
        { location: emulator.location, properties: { authMode: 'Key', compute: `${wsPath(emulator)}/computes/cpu-cluster` } },
        fast,
      ),
      (e: { message: string }) => /is AmlCompute; an online endpoint needs a Kubernetes compute/.test(e.message),
    );
  });

  it('stores code and environment versions and refuses to change their content', async () => {
    const code = await client.codeVersions.createOrUpdate(rg(), ws(), 'score-code', 'abc', {
      properties: { codeUri: 'https://acct.blob.core.windows.net/c/LocalUpload/abc/src', isAnonymous: true },
    });
    assert.match(code.id!, /\/codes\/score-code\/versions\/abc$/);
    const env = await client.environmentVersions.createOrUpdate(rg(), ws(), 'credit-env', '1', {
      properties: { image: 'mcr.microsoft.com/azureml/minimal-ubuntu22.04-py39-cpu-inference:latest', condaFile: 'name: x' },
    });
    assert.equal(env.properties.environmentType, 'UserCreated');
    await assert.rejects(
      client.environmentVersions.createOrUpdate(rg(), ws(), 'credit-env', '1', { properties: { image: 'other:1' } }),
      (e: { statusCode?: number }) => e.statusCode === 409,
    );
    assert.equal(emulator.assets.list('environments', 'credit-env').length, 1);
  });

  it('one compute model and one asset store: the AmlCompute clusters pipelines name beside Kubernetes computes, assets a deployment references', async () => {
    const computes = [];
    for await (const c of client.computeOperations.list(rg(), ws())) computes.push([c.name, c.properties?.computeType]);
    assert.deepEqual(computes, [
      ['cpu-cluster', 'AmlCompute'],
      ['gpu-cluster', 'AmlCompute'],
      ['aks', 'Kubernetes'],
    ]);
    emulator.computes.add('aks');
    assert.equal(
      (await client.computeOperations.get(rg(), ws(), 'aks')).properties?.computeType,
      'Kubernetes',
      'add leaves an existing compute alone',
    );
    assert.deepEqual(emulator.computes.names(), ['cpu-cluster', 'gpu-cluster', 'aks']);
    const code = emulator.assets.seed('codes', 'shared-code', '1', {
      codeUri: 'https://acct.blob.core.windows.net/c/LocalUpload/shared/src',
    });
    emulator.assets.seed('environments', 'shared-env', '1', {
      image: 'mcr.microsoft.com/azureml/minimal-ubuntu22.04-py39-cpu-inference:latest',
    });
    await client.onlineEndpoints.beginCreateOrUpdateAndWait(
      rg(),
      ws(),
      'shared-ep',
      { location: emulator.location, properties: { authMode: 'Key', compute: `${wsPath(emulator)}/computes/aks`, traffic: {} } },
      fast,
    );
    const body = (environmentId: string) => ({
      ...deployment('1'),
      properties: { ...deployment('1').properties, codeConfiguration: { codeId: code.id, scoringScript: 'score.py' }, environmentId },
    });
    const d = await client.onlineDeployments.beginCreateOrUpdateAndWait(
      rg(),
      ws(),
      'shared-ep',
      'blue',
      body('azureml:shared-env:1'),
      fast,
    );
    assert.equal(d.properties.provisioningState, 'Succeeded');
    await assert.rejects(
      client.onlineDeployments.beginCreateOrUpdateAndWait(rg(), ws(), 'shared-ep', 'green', body('azureml:shared-env:2'), fast),
      (e: { message: string }) => /Environment 'azureml:shared-env:2' was not found/.test(e.message),
    );
  });
});
