import { strict as assert } from 'node:assert';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Emulator, startEmulator } from '../../emulator';
import { armToken, call, mlClient, wsPath } from './helpers';

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
    emulator.faults.script([{ path: 'workspaces', reset: true }, { path: 'workspaces', delayMs: 150 }]);
    await assert.rejects(getWorkspace(), /socket hang up|ECONNRESET/);
    const started = Date.now();
    assert.equal((await getWorkspace()).status, 200);
    assert.ok(Date.now() - started >= 140);
    assert.deepEqual(emulator.requests().slice(-2).map((r) => [r.status, r.fault]), [[0, 'reset'], [200, 'latency']]);
  });

  it('lets the SDK retry through a 429 (Retry-After honoured) and a 500', async () => {
    emulator.faults.script([{ path: 'workspaces', status: 429, retryAfterSeconds: 0 }, { path: 'workspaces', status: 500 }]);
    const ws = await mlClient(emulator, undefined, { maxRetries: 3 }).workspaces.get(emulator.resourceGroup, emulator.workspaceName);
    assert.equal(ws.name, emulator.workspaceName);
    assert.deepEqual(emulator.requests().filter((r) => r.path === wsPath(emulator)).slice(-3).map((r) => r.status), [429, 500, 200]);
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
    assert.deepEqual(serverErrors, serverErrors.map((_, i) => (i % 2 === 0 ? 500 : 503)));
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
