import { strict as assert } from 'node:assert';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Emulator, startEmulator } from '../../emulator';
import { armToken, call, mlClient, wsPath } from '../../devkit/emulator-clients';

describe('emulator: fault injection', function () {
  let emulator: Emulator;
  let token: string;
  before(async () => {
    emulator = await startEmulator({ clock: 'manual' });
    token = await armToken(emulator);
  });
  afterEach(() => emulator.faults.clear());
  after(() => emulator.stop());

  const getWorkspace = () => call(emulator, 'GET', `${wsPath(emulator)}?api-version=2022-10-01`, { token });

  it('answers a scripted 429 with Retry-After and an ARM error body, then recovers', async () => {
    emulator.faults.script([{ path: '/workspaces/', status: 429, retryAfterSeconds: 7 }]);
    const throttled = await getWorkspace();
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers['retry-after'], '7');
    assert.equal(throttled.body.error.code, 'TooManyRequests');
    assert.equal((await getWorkspace()).status, 200);
    const [record] = emulator.requests().filter((r) => r.status === 429);
    assert.equal(record.fault, 'throttle');
  });

  it('consumes scripted rules in order, each `times` times, matching method and regex paths', async () => {
    emulator.faults.script([
      { method: 'GET', path: /\/workspaces\/[^/]+$/, status: 503, times: 2 },
      { path: 'workspaces', status: 500 },
    ]);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await getWorkspace()).status);
    assert.deepEqual(statuses, [503, 503, 500, 200]);
  });

  it('does not fault token endpoints unless a rule targets them', async () => {
    emulator.faults.setRates({ throttle: 1 });
    assert.ok(await armToken(emulator));
    assert.equal((await getWorkspace()).status, 429);
    emulator.faults.clear();
    emulator.faults.script([{ path: '/oauth2/v2.0/token', status: 503 }]);
    const res = await call(emulator, 'POST', `/${emulator.tenantId}/oauth2/v2.0/token`, { form: { grant_type: 'client_credentials' } });
    assert.equal(res.status, 503);
  });

  it('resets the socket and delays responses on request', async () => {
    emulator.faults.script([
      { path: 'workspaces', reset: true },
      { path: 'workspaces', delayMs: 150 },
    ]);
    await assert.rejects(getWorkspace(), /socket hang up|ECONNRESET/);
    const started = Date.now();
    assert.equal((await getWorkspace()).status, 200);
    assert.ok(Date.now() - started >= 140);
    assert.deepEqual(
      emulator
        .requests()
        .slice(-2)
        .map((r) => [r.status, r.fault]),
      [
        [0, 'reset'],
        [200, 'latency'],
      ],
    );
  });

  it('lets the SDK retry through a 429 (Retry-After honoured) and a 500', async () => {
    emulator.faults.script([
      { path: 'workspaces', status: 429, retryAfterSeconds: 0 },
      { path: 'workspaces', status: 500 },
    ]);
    const ws = await mlClient(emulator, undefined, { maxRetries: 3 }).workspaces.get(emulator.resourceGroup, emulator.workspaceName);
    assert.equal(ws.name, emulator.workspaceName);
    assert.deepEqual(
      emulator
        .requests()
        .filter((r) => r.path === wsPath(emulator))
        .slice(-3)
        .map((r) => r.status),
      [429, 500, 200],
    );
  });

  it('loses the answer of a handled PUT: the version exists, the client sees a dropped connection, a retry meets its own write', async () => {
    const path = `${wsPath(emulator)}/models/lost/versions/1?api-version=2022-10-01`;
    const body = { properties: { modelType: 'mlflow_model', modelUri: 'azureml://jobs/j-lost/outputs/model', jobName: 'j-lost' } };
    emulator.faults.script([{ method: 'PUT', path: '/models/lost/', lostResponse: true }]);
    await assert.rejects(call(emulator, 'PUT', path, { token, body }), /socket hang up|ECONNRESET/);
    assert.equal(emulator.models.get('lost', '1')?.properties.jobName, 'j-lost', 'the handler ran before the answer was lost');
    assert.equal((await call(emulator, 'PUT', path, { token, body })).status, 200, 'the retry re-PUTs an existing version');
    const puts = emulator.requests().filter((r) => r.method === 'PUT' && r.path.includes('/models/lost/'));
    assert.deepEqual(
      puts.map((r) => [r.status, r.fault, r.area]),
      [
        [201, 'lostResponse', 'arm'],
        [200, undefined, 'arm'],
      ],
    );
  });

  it('answers scripted 502 and 504 as a gateway would (ARM envelope)', async () => {
    emulator.faults.script([
      { path: 'workspaces', status: 502 },
      { path: 'workspaces', status: 504 },
    ]);
    const bad = await getWorkspace();
    assert.deepEqual([bad.status, bad.body.error.code], [502, 'BadGateway']);
    const timeout = await getWorkspace();
    assert.deepEqual([timeout.status, timeout.body.error.code], [504, 'GatewayTimeout']);
    assert.deepEqual(
      emulator
        .requests()
        .slice(-2)
        .map((r) => [r.status, r.fault]),
      [
        [502, 'serverError'],
        [504, 'serverError'],
      ],
    );
  });

  it('spreads a transient share evenly over 429, 500, 502, 503, reset and lost response', async () => {
    emulator.faults.setRates({ transient: 1, retryAfterSeconds: 3 });
    const seen: string[] = [];
    for (let i = 0; i < 12; i++) {
      try {
        const r = await getWorkspace();
        if (r.status === 429) assert.equal(r.headers['retry-after'], '3');
        seen.push(String(r.status));
      } catch {
        seen.push('dropped');
      }
    }
    const records = emulator.requests().slice(-12);
    const kinds = records.map((r) => (r.fault === 'serverError' || r.fault === 'throttle' ? String(r.status) : r.fault)).sort();
    assert.deepEqual(kinds, ['429', '429', '500', '500', '502', '502', '503', '503', 'lostResponse', 'lostResponse', 'reset', 'reset']);
    // Each cycle of six hands out every kind once, so the first six already hold one of each.
    assert.equal(new Set(records.slice(0, 6).map((r) => `${r.fault}${r.status}`)).size, 6);
    assert.equal(seen.filter((s) => s === 'dropped').length, 4);
  });

  it('hits only the areas asked for: the token endpoint without OpenID discovery, scoring, devops', async () => {
    const discovery = () => call(emulator, 'GET', `/${emulator.tenantId}/v2.0/.well-known/openid-configuration`);
    const tokenPost = () =>
      call(emulator, 'POST', `/${emulator.tenantId}/oauth2/v2.0/token`, { form: { grant_type: 'client_credentials' } });
    emulator.faults.setRates({ transient: 1, transientKinds: ['unavailable'], areas: ['entra'] });
    const refused = await tokenPost();
    assert.deepEqual([refused.status, refused.body.error, refused.body.error_codes], [503, 'temporarily_unavailable', [90033]]);
    assert.equal((await discovery()).status, 200);
    assert.equal((await getWorkspace()).status, 200, 'ARM is left alone when not selected');
    emulator.faults.setRates({ transient: 1, transientKinds: ['unavailable'], areas: ['openid'] });
    assert.equal((await discovery()).status, 503);

    emulator.endpoints.seed({ name: 'fault-ep', computeType: 'Managed', traffic: { blue: 100 }, deployments: [{ name: 'blue' }] });
    const key = emulator.endpoints.get('fault-ep')!.keys.primaryKey;
    const score = () =>
      call(emulator, 'POST', '/score/fault-ep/score', { body: { data: [[1]] }, headers: { authorization: `Bearer ${key}` } });
    emulator.faults.setRates({ transient: 1, transientKinds: ['throttle'] });
    assert.equal((await score()).status, 200, 'scoring is not faulted by default');
    emulator.faults.setRates({ transient: 1, transientKinds: ['throttle'], areas: ['scoring'] });
    const throttled = await score();
    assert.deepEqual([throttled.status, throttled.headers['retry-after'], typeof throttled.body.message], [429, '1', 'string']);

    const { id, env } = emulator.connection({ scheme: 'workloadIdentity' });
    const oidc = () =>
      call(emulator, 'POST', `${new URL(env.SYSTEM_OIDCREQUESTURI).pathname}?api-version=7.1&serviceConnectionId=${id}`, {
        token: env.ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN,
        body: {},
      });
    assert.equal((await oidc()).status, 200);
    emulator.faults.setRates({ transient: 1, transientKinds: ['internalError'], areas: ['devops'] });
    assert.equal((await oidc()).status, 500);
    assert.deepEqual(
      emulator
        .requests()
        .slice(-2)
        .map((r) => [r.area, r.fault]),
      [
        ['devops', undefined],
        ['devops', 'serverError'],
      ],
    );
  });

  it('gives each area its own seeded stream: token requests in between do not shift which ARM requests fail', async () => {
    const armStatuses = async (tokensBetween: number) => {
      const e = await startEmulator({
        seed: 9,
        faults: { transient: 0.4, transientKinds: ['throttle', 'internalError'], areas: ['arm', 'entra'] },
      });
      try {
        const t = await armToken(e);
        const statuses = [];
        for (let i = 0; i < 20; i++) {
          for (let k = 0; k < (i % 3) * tokensBetween; k++)
            await call(e, 'POST', `/${e.tenantId}/oauth2/v2.0/token`, { form: { grant_type: 'client_credentials' } });
          statuses.push((await call(e, 'GET', `${wsPath(e)}?api-version=2022-10-01`, { token: t })).status);
        }
        return statuses;
      } finally {
        await e.stop();
      }
    };
    const quiet = await armStatuses(0);
    assert.ok(quiet.includes(200) && quiet.some((s) => s !== 200), `a mix of faults and answers: ${quiet.join(',')}`);
    assert.deepEqual(await armStatuses(1), quiet);
  });

  it('repeats the same random faults for the same seed, alternating 500 and 503', async () => {
    const runOnce = async (seed: number) => {
      const e = await startEmulator({ seed, faults: { throttle: 0.3, serverError: 0.3 } });
      try {
        const t = await armToken(e);
        const statuses = [];
        for (let i = 0; i < 30; i++) statuses.push((await call(e, 'GET', `${wsPath(e)}?api-version=2022-10-01`, { token: t })).status);
        return statuses;
      } finally {
        await e.stop();
      }
    };
    const a = await runOnce(42);
    assert.deepEqual(await runOnce(42), a);
    assert.notDeepEqual(await runOnce(7), a);
    assert.ok(a.includes(429) && a.includes(200));
    const serverErrors = a.filter((s) => s >= 500);
    assert.deepEqual(
      serverErrors,
      serverErrors.map((_, i) => (i % 2 === 0 ? 500 : 503)),
    );
  });
});

describe('emulator: traffic log for oav LiveValidator', function () {
  let emulator: Emulator;
  before(async () => (emulator = await startEmulator()));
  after(() => emulator.stop());

  it('records ARM Azure ML pairs with full URLs and no credentials, excluding faults and non-ARM routes', async () => {
    const client = mlClient(emulator);
    await client.workspaces.get(emulator.resourceGroup, emulator.workspaceName);
    emulator.faults.script([{ path: 'workspaces', status: 503 }]);
    await call(emulator, 'GET', `${wsPath(emulator)}?api-version=2022-10-01`, { token: await armToken(emulator) });
    await call(emulator, 'GET', '/discovery');
    const traffic = emulator.traffic();
    assert.equal(traffic.length, 1);
    const [entry] = traffic;
    assert.equal(entry.liveRequest.method, 'GET');
    assert.equal(entry.liveRequest.url, `${emulator.url}${wsPath(emulator)}?api-version=2022-10-01`);
    assert.equal(entry.liveRequest.headers.authorization, undefined);
    assert.equal(entry.liveResponse.statusCode, '200');
    assert.equal((entry.liveResponse.body as { name: string }).name, emulator.workspaceName);
    assert.match(entry.liveResponse.headers['x-ms-request-id'], /^[0-9a-f-]{36}$/);

    const dir = await mkdtemp(join(tmpdir(), 'emulator-traffic-'));
    try {
      assert.equal(await emulator.writeTraffic(dir), 1);
      const files = await readdir(dir);
      assert.equal(files.length, 1);
      assert.deepEqual(JSON.parse(await readFile(join(dir, files[0]), 'utf8')), entry);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    emulator.clearTraffic();
    assert.deepEqual(emulator.traffic(), []);
  });
});
