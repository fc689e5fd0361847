import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulator, Emulator, TaskConnection } from '../../emulator';
import { writePackageManifest } from '../../devkit/package-manifest';
import { runTask, assertNoSecretLeak, TaskRunResult } from '../../devkit/task-runner';
import { wsPath } from '../../devkit/emulator-clients';
import { conformsToSpec } from '../conformance/conforms';

/**
 * AzureMLDeployModel@1 on a bad-weather day: transient faults on the scoring endpoint and on
 * Resource Manager are ridden out (a healthy model is never rolled back for a blip), and a
 * release that really fails leaves nothing it created behind, not even the endpoint.
 */
describe('AzureMLDeployModel@1 in bad weather (task process)', function () {
  let emulator: Emulator;
  let spn: TaskConnection;
  let dir: string;

  const manifestFor = (version: string) => writePackageManifest(dir, wsPath(emulator), { name: 'churn', version });

  before(async () => {
    emulator = await startEmulator({ seed: 12 });
    spn = emulator.connection({ scheme: 'spnKey' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-weather-'));
    fs.writeFileSync(path.join(dir, 'payload.json'), JSON.stringify({ data: [[1, 2]] }));
    emulator.computes.seed({ name: 'aks', instanceTypes: { defaultinstancetype: {} } });
    for (const v of ['1', '2', '3']) emulator.models.seed('churn', v, { jobName: `train-${v}` });
    emulator.endpoints.defaultBehaviour = { provisionSeconds: 1, response: { predictions: [1] } };
    emulator.endpoints.behave('churn:3', { provisionSeconds: 1, provisioning: 'Failed' });
  });
  after(async () => {
    await emulator.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const run = (endpointName: string, version: string, extra: Record<string, string> = {}): Promise<TaskRunResult> =>
    runTask({
      task: 'AzureMLDeployModel',
      inputs: {
        connectedServiceNameARM: spn.id,
        resourceGroupName: emulator.resourceGroup,
        workspaceName: emulator.workspaceName,
        computeName: 'aks',
        endpointName,
        trafficSteps: '50,100',
        stepWaitSeconds: '0',
        smokePayload: path.join(dir, 'payload.json'),
        smokeAssertions: '$.predictions is array',
        packageManifest: manifestFor(version),
        ...extra,
      },
      env: spn.env,
      variables: { 'System.Debug': 'false' },
      timeoutMs: 90_000,
    });
  const errorLines = (r: TaskRunResult) => r.issues.filter((i) => i.type === 'error');

  it('a failed first release removes the endpoint it created, leaving the workspace as it was', async () => {
    const r = await run('churn-new', '3');
    assert.equal(r.result?.result, 'Failed', r.stdout);
    assert.match(
      r.result!.message,
      /Rolled back: traffic unchanged: \(no traffic\); endpoint 'churn-new' \(created by this run\) removed with deployment 'churn-3'\.$/,
    );
    assert.equal(emulator.endpoints.get('churn-new'), undefined, 'no empty endpoint left behind');
    assert.equal(errorLines(r).length, 1, 'one clean error line');
    assertNoSecretLeak(r, spn.secrets);
  });

  it('a smoke test and health checks that meet a 503, a 429 and a dropped connection still release the healthy model', async () => {
    // Rules apply in turn: the smoke test's first three tries meet them, the fourth is answered.
    emulator.faults.script([
      { path: '/score/churn-ep/score', method: 'POST', status: 503 },
      { path: '/score/churn-ep/score', method: 'POST', status: 429, retryAfterSeconds: 0 },
      { path: '/score/churn-ep/score', method: 'POST', reset: true },
    ]);
    const r = await run('churn-ep', '1', { trafficSteps: '100' });
    const faulted = emulator.requests().filter((q) => q.path.startsWith('/score/') && q.fault).length;
    emulator.faults.clear();
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    assert.equal(faulted, 3, 'each fault was met');
    assert.deepEqual(emulator.endpoints.get('churn-ep')!.traffic, { 'churn-1': 100 });
  });

  it('a connection that keeps dropping is reported as such (not as a timeout), then rolled back', async () => {
    emulator.faults.script([{ path: '/score/churn-ep/score', method: 'POST', reset: true, times: 5 }]);
    const r = await run('churn-ep', '2');
    emulator.faults.clear();
    assert.equal(r.result?.result, 'Failed', r.stdout);
    assert.match(
      r.result!.message,
      /Smoke test: POST \S+ to 'churn-2' failed: POST \/score\/churn-ep\/score: ECONNRESET socket hang up\. Rolled back: traffic unchanged: churn-1 100%; deployment 'churn-2' removed\.$/,
    );
    assert.doesNotMatch(r.result!.message, /no answer within/);
    assert.deepEqual(emulator.endpoints.get('churn-ep')!.traffic, { 'churn-1': 100 });
    assert.deepEqual(
      emulator.endpoints.get('churn-ep')!.deployments.map((d) => d.name),
      ['churn-1'],
    );
  });

  it('PUTs whose answers were lost are resumed, not failed: one endpoint, one deployment, the traffic asked for', async () => {
    // The service does the work, the answer never arrives; the retry then meets the operation still running (409).
    emulator.faults.script([
      { path: /\/onlineEndpoints\/churn-lost$/, method: 'PUT', lostResponse: true },
      { path: /\/onlineEndpoints\/churn-lost\/deployments\/churn-2$/, method: 'PUT', lostResponse: true },
    ]);
    const seen = emulator.requests().length;
    const r = await run('churn-lost', '2', { trafficSteps: '100' });
    emulator.faults.clear();
    const mine = emulator.requests().slice(seen);
    assert.equal(r.result?.result, 'Succeeded', `${r.result?.message}\n${r.stdout}`);
    assert.equal(mine.filter((q) => q.fault === 'lostResponse').length, 2);
    assert.ok(
      mine.some((q) => q.method === 'PUT' && q.status === 409),
      'a retried PUT met its first attempt still running',
    );
    const e = emulator.endpoints.get('churn-lost')!;
    assert.deepEqual(
      e.deployments.map((d) => d.name),
      ['churn-2'],
      'no second deployment',
    );
    assert.deepEqual(e.traffic, { 'churn-2': 100 });
  });

  it('a traffic step whose answer was lost is taken as written, and the next step goes on from it', async () => {
    emulator.faults.script([{ path: /\/onlineEndpoints\/churn-ep$/, method: 'PUT', lostResponse: true }]);
    const seen = emulator.requests().length;
    const r = await run('churn-ep', '1', { trafficSteps: '50,100', deploymentName: 'churn-again' });
    emulator.faults.clear();
    assert.equal(
      emulator
        .requests()
        .slice(seen)
        .filter((q) => q.fault === 'lostResponse').length,
      1,
    );
    assert.equal(r.result?.result, 'Succeeded', `${r.result?.message}\n${r.stdout}`);
    assert.deepEqual(emulator.endpoints.get('churn-ep')!.traffic, { 'churn-1': 0, 'churn-again': 100 });
  });

  it('a release whose old-deployment listing fails at the end still succeeds, with a warning (nothing rolled back)', async () => {
    // The first listing (before the deployment) passes; the cleanup's listing is throttled on every
    // one of its 9 tries (Retry-After 0 keeps the test quick).
    emulator.faults.script([
      { path: /\/onlineEndpoints\/churn-ep\/deployments$/, method: 'GET', status: 429, retryAfterSeconds: 0, after: 1, times: 9 },
    ]);
    const r = await run('churn-ep', '2', { trafficSteps: '100', deploymentName: 'churn-last' });
    emulator.faults.clear();
    assert.equal(r.result?.result, 'Succeeded', `${r.result?.message}\n${r.stdout}`);
    assert.ok(
      r.issues.some((i) => i.type === 'warning' && /Could not list the old deployments of endpoint 'churn-ep'/.test(i.message)),
      JSON.stringify(r.issues),
    );
    assert.equal(emulator.endpoints.get('churn-ep')!.traffic['churn-last'], 100);
  });

  conformsToSpec(() => emulator.traffic());
});
