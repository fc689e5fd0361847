import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmulator, Emulator, TaskConnection } from '../../emulator';
import type { PackageManifest } from '../../shared/package/manifest';
import { writePackageManifest } from '../../devkit/package-manifest';
import { endpointWithTraffic } from '../../shared/deploy/deploy-model';
import { runTask, assertNoSecretLeak, TaskRunResult } from '../../devkit/task-runner';
import { conformsToSpec } from '../conformance/conforms';
import { mlClient, wsPath } from '../../devkit/emulator-clients';
import { HANDOFF_VARIABLES, macro } from '../../shared/task/handoff-variables';

/**
 * AzureMLDeployModel@1 run as the agent runs it, against the emulator over HTTPS with the real SDK:
 * blue/green to a Kubernetes endpoint with staged traffic and a smoke test, and every fault the issue
 * names ending with the endpoint's traffic map exactly as it was and the new deployment removed.
 */
describe('AzureMLDeployModel@1 (task process)', function () {
  let emulator: Emulator;
  let spn: TaskConnection;
  let dir: string;
  const build = {
    'Build.BuildId': '5150',
    'Build.SourceVersion': 'feedbeef',
    'System.CollectionUri': 'https://dev.azure.com/contoso/',
    'System.TeamProject': 'ml',
  };

  const manifestFor = (version: string, extra: Partial<PackageManifest> = {}) =>
    writePackageManifest(
      dir,
      wsPath(emulator),
      { name: 'credit', version },
      {
        requestSettings: { requestTimeout: 'PT5S' },
        readinessProbe: { initialDelay: 'PT10S', period: 'PT10S' },
        environmentVariables: { LOG_LEVEL: 'info' },
        ...extra,
      },
    );
  const payload = () => {
    const file = path.join(dir, 'payload.json');
    fs.writeFileSync(file, JSON.stringify({ data: [[0.1, 2, 3]] }));
    return file;
  };

  before(async () => {
    emulator = await startEmulator({ seed: 5 });
    spn = emulator.connection({ scheme: 'spnKey' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-test-'));
    emulator.computes.seed({ name: 'aks-prod', instanceTypes: { defaultinstancetype: {}, 'cpu-large': {} } });
    emulator.computes.seed({ name: 'cpu-cluster', computeType: 'AmlCompute' });
    for (const v of ['1', '2', '3', '4', '5', '6', '7', '8']) emulator.models.seed('credit', v, { jobName: `train-${v}` });
    emulator.endpoints.defaultBehaviour = { provisionSeconds: 1, response: { predictions: [0.2, 0.8] } };
    emulator.endpoints.behave('credit:3', { provisionSeconds: 1, provisioning: 'Failed' });
    emulator.endpoints.behave('credit:4', { provisionSeconds: 1, scoring: 'wrongShape' });
    emulator.endpoints.behave('credit:7', { provisionSeconds: 60 });
  });
  after(async () => {
    await emulator.stop();
  });

  function run(
    extra: Record<string, string>,
    options: { signal?: Parameters<typeof runTask>[0]['signal']; debug?: boolean } = {},
  ): Promise<TaskRunResult> {
    return runTask({
      task: 'AzureMLDeployModel',
      inputs: {
        connectedServiceNameARM: spn.id,
        resourceGroupName: emulator.resourceGroup,
        workspaceName: emulator.workspaceName,
        computeName: 'aks-prod',
        endpointName: 'credit-ep',
        trafficSteps: '10,50,100',
        stepWaitSeconds: '0',
        smokePayload: payload(),
        smokeAssertions: '$.predictions is array\n$.predictions.length == 2\n$.predictions[1] >= 0.5',
        ...extra,
      },
      env: spn.env,
      variables: { 'System.Debug': options.debug === false ? 'false' : 'true', ...build },
      signal: options.signal,
      timeoutMs: 90_000,
    });
  }
  const endpoint = () => emulator.endpoints.get('credit-ep')!;
  const deploymentNames = () =>
    endpoint()
      .deployments.map((d) => d.name)
      .sort();
  const leakCheck = (r: TaskRunResult) => {
    const e = emulator.endpoints.get('credit-ep');
    assertNoSecretLeak(r, [...spn.secrets, ...(e ? [e.keys.primaryKey, e.keys.secondaryKey] : [])]);
  };

  it('creates the endpoint with no traffic, deploys version 1 and gives it all traffic after the smoke test', async () => {
    const r = await run({ packageManifest: manifestFor('1'), trafficSteps: '100' });
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    assert.deepEqual(endpoint().traffic, { 'credit-1': 100 });
    assert.deepEqual(
      [r.outputs.endpointName, r.outputs.deploymentName, r.outputs.previousTraffic, r.outputs.scoringUri],
      ['credit-ep', 'credit-1', '{}', `${emulator.url}/score/credit-ep/score`],
    );
    assert.equal(r.outputs.swaggerUri, `${emulator.url}/score/credit-ep/swagger.json`);
    assert.equal(endpoint().tags['azdo.buildId'], '5150');
    const d = endpoint().deployments[0];
    assert.equal(d.tags['azdo.commit'], 'feedbeef');
    assert.equal(d.properties.model, `${wsPath(emulator)}/models/credit/versions/1`, 'exactly the version in the manifest');
    assert.deepEqual(d.properties.environmentVariables, { LOG_LEVEL: 'info' });
    assert.ok(
      r.lines.some((l) => l.includes('Smoke test passed: HTTP 200, 3 assertion(s) hold.')),
      r.stdout,
    );
    assert.ok(r.secrets.includes(endpoint().keys.primaryKey), 'the endpoint key is registered as a secret');
    leakCheck(r);
  });

  it('blue/green: version 2 goes 10% → 50% → 100% with a health check per step; a re-run changes nothing', async () => {
    const r = await run({ packageManifest: manifestFor('2') });
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    assert.equal(r.outputs.previousTraffic, '{"credit-1":100}');
    const steps = r.lines.filter((l) => l.startsWith('Traffic step'));
    assert.deepEqual(steps, [
      'Traffic step 1/3: credit-1 90%, credit-2 10%.',
      'Traffic step 2/3: credit-1 50%, credit-2 50%.',
      'Traffic step 3/3: credit-1 0%, credit-2 100%.',
    ]);
    assert.equal(r.lines.filter((l) => l.startsWith('Health check passed')).length, 3);
    assert.deepEqual(endpoint().traffic, { 'credit-1': 0, 'credit-2': 100 });
    assert.deepEqual(deploymentNames(), ['credit-1', 'credit-2'], 'the previous deployment is kept at 0% (keepDeployments 1)');
    const again = await run({ packageManifest: manifestFor('2') });
    assert.equal(again.result?.result, 'Succeeded', again.stdout);
    assert.match(again.result!.message, /already takes all traffic of endpoint 'credit-ep' as deployment 'credit-2'; nothing to do/);
    leakCheck(r);
  });

  it('an aml_token endpoint: the smoke test authenticates with a fresh token, masked', async () => {
    const r = await run({ packageManifest: manifestFor('8'), endpointName: 'credit-tok', authMode: 'aml_token', trafficSteps: '100' });
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    assert.equal(emulator.endpoints.get('credit-tok')?.authMode, 'AMLToken');
    assert.deepEqual(emulator.endpoints.get('credit-tok')?.traffic, { 'credit-8': 100 });
    assert.ok(
      r.secrets.some((s) => s.startsWith('aml.')),
      'the token is registered as a secret',
    );
    assertNoSecretLeak(r, [...spn.secrets, ...r.secrets.filter((s) => s.startsWith('aml.'))]);
  });

  it('without a smoke test: smokePayload left empty (the agent hands it over as the repository root) deploys with the "no smoke test" warning', async () => {
    const r = await run({
      packageManifest: manifestFor('5'),
      endpointName: 'credit-nosmoke',
      trafficSteps: '100',
      smokePayload: '',
      smokeAssertions: '',
    });
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    assert.ok(
      r.issues.some((i) => i.type === 'warning' && /^No smoke test: 'smokePayload' is empty/.test(i.message)),
      r.stdout,
    );
    assert.deepEqual(emulator.endpoints.get('credit-nosmoke')!.traffic, { 'credit-5': 100 });
  });

  describe('faults once the new deployment exists: previous traffic restored exactly, new deployment removed', () => {
    let before: Record<string, number>;
    beforeEach(() => {
      before = { ...endpoint().traffic };
    });

    it('a deployment that never becomes healthy: rollback with its logs, traffic unchanged', async () => {
      const r = await run({ packageManifest: manifestFor('3') });
      assert.equal(r.result?.result, 'Failed', r.stdout);
      assert.match(
        r.result!.message,
        /^Deployment 'credit-3' of credit:3 to endpoint 'credit-ep' failed: .*ResourceNotReady.*Rolled back: traffic unchanged: credit-1 0%, credit-2 100%; deployment 'credit-3' removed\.$/,
      );
      assert.ok(
        r.lines.some((l) => l.includes("--- last 40 lines of InferenceServer logs of 'credit-3' ---")),
        r.stdout,
      );
      assert.ok(
        r.lines.some((l) => l.includes("ModuleNotFoundError: No module named 'sklearn'")),
        'the inference server log tail is printed',
      );
      assert.ok(
        r.lines.some((l) => l.includes('StorageInitializer logs')),
        'the storage initializer log tail is printed',
      );
      assert.ok(!/\n\s+at /.test(r.stdout), 'no stack trace');
      assert.deepEqual(endpoint().traffic, before);
      assert.deepEqual(deploymentNames(), ['credit-1', 'credit-2']);
      leakCheck(r);
    });

    it('a smoke test whose assertion fails: rollback before any traffic moved', async () => {
      const r = await run({ packageManifest: manifestFor('4') });
      assert.equal(r.result?.result, 'Failed', r.stdout);
      assert.match(
        r.result!.message,
        /Smoke test: 3 of 3 assertion\(s\) failed on the answer of 'credit-4': \$\.predictions is array: got missing; \$\.predictions\.length == 2: got missing; \$\.predictions\[1\] >= 0\.5: got missing\. Answer: \{"result":"ok"\} Rolled back: traffic unchanged/,
      );
      assert.equal(r.lines.filter((l) => l.startsWith('Traffic step')).length, 0);
      assert.deepEqual(endpoint().traffic, before);
      assert.deepEqual(deploymentNames(), ['credit-1', 'credit-2']);
      leakCheck(r);
    });

    it('keepFailedDeployment keeps the failed deployment at 0% for debugging', async () => {
      const r = await run({ packageManifest: manifestFor('4'), keepFailedDeployment: 'true' });
      assert.equal(r.result?.result, 'Failed', r.stdout);
      assert.match(r.result!.message, /deployment 'credit-4' kept at 0% for debugging/);
      assert.deepEqual(deploymentNames(), ['credit-1', 'credit-2', 'credit-4']);
      assert.equal(endpoint().traffic['credit-4'] ?? 0, 0);
      assert.deepEqual(Object.fromEntries(Object.entries(endpoint().traffic).filter(([k]) => k !== 'credit-4')), before);
      // Debugging done: the next scenarios start from the same two deployments.
      await mlClient(emulator).onlineDeployments.beginDeleteAndWait(
        emulator.resourceGroup,
        emulator.workspaceName,
        'credit-ep',
        'credit-4',
        { updateIntervalInMs: 50 },
      );
    });

    it('a failure in the middle of the traffic steps restores the previous map, through transient ARM errors in the rollback', async () => {
      // Smoke test and the 10% health check pass; from the 50% one on, the model answers 500 to
      // every try (a blip would be retried: 1 try + 4 retries of the scoring budget all fail).
      emulator.faults.script([
        { path: '/score/credit-ep/score', method: 'POST', status: 500, after: 2, times: 5 },
        // The rollback's own calls hit throttling and server errors; the SDK's retry policy carries them.
        { path: /\/onlineEndpoints\/credit-ep$/, method: 'PUT', status: 503, after: 2, times: 2 },
        { path: /\/deployments\/credit-5$/, method: 'DELETE', status: 429, retryAfterSeconds: 1 },
        { path: /\/getLogs$/, method: 'POST', status: 500 },
      ]);
      const r = await run({ packageManifest: manifestFor('5') });
      emulator.faults.clear();
      assert.equal(r.result?.result, 'Failed', r.stdout);
      assert.deepEqual(
        r.lines.filter((l) => l.startsWith('Traffic step')),
        ['Traffic step 1/3: credit-1 0%, credit-2 90%, credit-5 10%.', 'Traffic step 2/3: credit-1 0%, credit-2 50%, credit-5 50%.'],
      );
      assert.match(
        r.result!.message,
        /Health check: 'credit-5' answered HTTP 500, expected 200.*Rolled back: traffic restored to credit-1 0%, credit-2 100%; deployment 'credit-5' removed\.$/,
      );
      assert.deepEqual(endpoint().traffic, before);
      assert.deepEqual(deploymentNames(), ['credit-1', 'credit-2']);
      const faulted = emulator.requests().filter((q) => q.fault);
      assert.ok(
        faulted.some((q) => q.method === 'PUT') && faulted.some((q) => q.method === 'DELETE'),
        'the rollback went through injected faults',
      );
      leakCheck(r);
    });

    it('SIGINT while the new deployment provisions: traffic left as it was, the deployment removed, result Canceled', async () => {
      const r = await run(
        { packageManifest: manifestFor('7') },
        { signal: { name: 'SIGINT', whenStdoutMatches: /waiting for it to provision/ } },
      );
      assert.equal(r.result?.result, 'Canceled', r.stdout);
      assert.equal(r.endedBy, 'exit', 'the task finished its rollback before SIGTERM');
      assert.ok(
        r.lines.some((l) => l.startsWith('Rolling back (the pipeline was cancelled)')),
        r.stdout,
      );
      assert.deepEqual(endpoint().traffic, before);
      assert.deepEqual(deploymentNames(), ['credit-1', 'credit-2']);
    });

    it('another release changing traffic mid-rollout: stops without touching its traffic', async () => {
      const client = mlClient(emulator);
      const pending = run({ packageManifest: manifestFor('6'), stepWaitSeconds: '5' });
      // When our first step is in, another release puts everything back on credit-1.
      for (let i = 0; i < 400 && endpoint().traffic['credit-6'] !== 10; i++) await sleep(50);
      assert.equal(endpoint().traffic['credit-6'], 10, 'the first step happened');
      const current = await client.onlineEndpoints.get(emulator.resourceGroup, emulator.workspaceName, 'credit-ep');
      await client.onlineEndpoints.beginCreateOrUpdateAndWait(
        emulator.resourceGroup,
        emulator.workspaceName,
        'credit-ep',
        endpointWithTraffic(current, { 'credit-1': 100, 'credit-2': 0, 'credit-6': 0 }),
        { updateIntervalInMs: 50 },
      );
      const r = await pending;
      assert.equal(r.result?.result, 'Failed', r.stdout);
      assert.match(
        r.result!.message,
        /changed while this deployment ran \(expected credit-1 0%, credit-2 90%, credit-6 10%, found credit-1 100%, credit-2 0%, credit-6 0%\).*Traffic was left as the other release set it.*deployment 'credit-6' removed/,
      );
      assert.deepEqual(endpoint().traffic, { 'credit-1': 100, 'credit-2': 0 });
      assert.deepEqual(deploymentNames(), ['credit-1', 'credit-2']);
    });
  });

  describe('bad input and failed preflight: one clear line, nothing written', () => {
    async function failsWith(extra: Record<string, string>, message: string | RegExp, options: { azureCalls: boolean }) {
      const before = emulator.requests().length;
      const traffic = JSON.stringify(emulator.endpoints.get('credit-ep')?.traffic);
      const r = await run(extra);
      assert.equal(r.result?.result, 'Failed', r.stdout);
      if (typeof message === 'string') assert.equal(r.result?.message, message);
      else assert.match(r.result!.message, message);
      assert.ok(!/\n\s+at /.test(r.stdout), 'no stack trace for a user error');
      const after = emulator.requests().slice(before);
      if (!options.azureCalls) assert.equal(after.length, 0, 'no request may reach Azure for bad input');
      assert.deepEqual(
        after.filter((q) => q.method !== 'GET' && !q.path.includes('/oauth2/')).map((q) => `${q.method} ${q.path}`),
        [],
        'nothing was written',
      );
      assert.equal(JSON.stringify(emulator.endpoints.get('credit-ep')?.traffic), traffic);
      leakCheck(r);
    }

    it('a compute that does not exist', () =>
      failsWith(
        { packageManifest: manifestFor('8'), computeName: 'aks-nope' },
        "'computeName' is 'aks-nope', but workspace 'mlw-emulator' has no compute of that name; attach the AKS cluster as a Kubernetes compute first (Azure ML studio > Compute > Kubernetes clusters)",
        { azureCalls: true },
      ));

    it('a compute that is not Kubernetes', () =>
      failsWith(
        { packageManifest: manifestFor('8'), computeName: 'cpu-cluster' },
        "'computeName' is 'cpu-cluster', which is of type AmlCompute; a Kubernetes online endpoint needs a Kubernetes compute (an attached AKS or Arc cluster)",
        { azureCalls: true },
      ));

    it('an instance type the compute does not have', () =>
      failsWith(
        { packageManifest: manifestFor('8', { instanceType: 'gpu-xl' }) },
        "The package's instance type 'gpu-xl' does not exist on Kubernetes compute 'aks-prod'; it has defaultinstancetype, cpu-large. Package again with one of them ('instanceType' of AzureMLPackageModel@1) or create the instance type on the cluster",
        { azureCalls: true },
      ));

    it('a managed SKU that managed endpoints do not offer', () =>
      failsWith(
        { packageManifest: manifestFor('8', { instanceType: 'Standard_Z9_v9' }), target: 'managed', endpointName: 'credit-managed' },
        "The package's instance type 'Standard_Z9_v9' is not a VM size managed online endpoints support; use one such as Standard_DS3_v2, Standard_F4s_v2 or Standard_E4s_v3 (package again with 'instanceType')",
        { azureCalls: true },
      ));

    it('an existing Kubernetes endpoint targeted as managed', () =>
      failsWith(
        { packageManifest: manifestFor('8', { instanceType: 'Standard_DS3_v2' }), target: 'managed' },
        "'target' is 'managed', but endpoint 'credit-ep' runs on Kubernetes compute aks-prod; set 'target' to kubernetes or choose another 'endpointName'",
        { azureCalls: true },
      ));

    it('an explicit blue/green deploymentName that already serves traffic with another package', () => {
      const [live, share] = Object.entries(endpoint().traffic).sort((a, b) => b[1] - a[1])[0];
      return failsWith(
        { packageManifest: manifestFor('8'), deploymentName: live },
        `'deploymentName' is '${live}', which already serves ${share}% of endpoint 'credit-ep' with another package; blue/green needs a new deployment: leave 'deploymentName' empty (it is then named from the model version), choose a name not in use, or use strategy 'replace' to update it in place`,
        { azureCalls: true },
      );
    });

    it('autoscale with the managed target, before any call', () =>
      failsWith(
        { packageManifest: manifestFor('8'), target: 'managed', autoscale: 'true' },
        "'autoscale' is true, but target 'managed' does not take target-utilisation scaling; set 'instanceCount' instead and scale a managed deployment with Azure Monitor autoscale, or use target 'kubernetes'",
        { azureCalls: false },
      ));

    it('a payload file that is not JSON', () => {
      const bad = path.join(dir, 'payload.txt');
      fs.writeFileSync(bad, 'age=42,income=1000');
      return failsWith(
        { packageManifest: manifestFor('8'), smokePayload: bad },
        new RegExp(
          `^'smokePayload' is '${bad.replace(/[.\\]/g, '\\$&')}', which is not JSON \\(Unexpected token .*\\); the smoke test sends it as the request body$`,
        ),
        { azureCalls: false },
      );
    });

    it("an endpoint name over Azure ML's 32 characters", () =>
      failsWith(
        { packageManifest: manifestFor('8'), endpointName: 'credit-risk-scoring-production-westeurope' },
        "'endpointName' is 'credit-risk-scoring-production-westeurope', which Azure ML does not accept as an endpoint name: use 3 to 32 letters, digits and '-', starting with a letter and not ending with '-' (it has 41 characters)",
        { azureCalls: false },
      ));

    it('a deployment name over the limit, and traffic steps that do not end at 100', async () => {
      await failsWith(
        { packageManifest: manifestFor('8'), deploymentName: 'credit-model-version-8-blue-green-a' },
        "'deploymentName' is 'credit-model-version-8-blue-green-a', which Azure ML does not accept as a deployment name: use 3 to 32 letters, digits and '-', starting with a letter and not ending with '-' (it has 35 characters)",
        { azureCalls: false },
      );
      await failsWith(
        { packageManifest: manifestFor('8'), trafficSteps: '10,50' },
        "'trafficSteps' is '10,50': the last step must be 100 so the new deployment ends up taking all traffic; write increasing whole percentages ending in 100, for example 10,50,100",
        { azureCalls: false },
      );
    });

    it('a manifest edited after packaging', () => {
      const file = manifestFor('8');
      const m = JSON.parse(fs.readFileSync(file, 'utf8'));
      m.model.version = '1';
      fs.writeFileSync(file, JSON.stringify(m));
      return failsWith(
        { packageManifest: file },
        new RegExp(
          `whose content no longer matches its packageId ${m.packageId}: it was edited after packaging; package again instead of editing it$`,
        ),
        { azureCalls: false },
      );
    });

    it('no package step earlier in the job (the default manifest variable is unset)', () =>
      failsWith(
        { packageManifest: macro(HANDOFF_VARIABLES.packageManifest) },
        `'packageManifest' is '${macro(HANDOFF_VARIABLES.packageManifest)}', a pipeline variable that is not set in this job; run AzureMLPackageModel@1 earlier in the job, or download the 'package' artifact and give the path of its package-manifest.json`,
        { azureCalls: false },
      ));

    it('an assertion that cannot be parsed', () =>
      failsWith(
        { packageManifest: manifestFor('8'), smokeAssertions: '$.predictions ~ 3' },
        "'smokeAssertions' line 1 is '$.predictions ~ 3': write '<path> exists', '<path> is <type>' or '<path> <op> <JSON value>' with op ==, !=, <, <=, >, >=",
        { azureCalls: false },
      ));
  });

  conformsToSpec(() => emulator.traffic());
});

/**
 * The two paths besides blue/green to Kubernetes, each on an emulator of its own: the `replace`
 * strategy for dev environments (one deployment updated in place, its previous body re-PUT when the
 * update fails) and a `managed` online endpoint (no compute to check; a VM size as the instance type).
 */
describe('AzureMLDeployModel@1 replace strategy and managed target (task process)', function () {
  let emulator: Emulator;
  let spn: TaskConnection;
  let dir: string;

  const manifestFor = (version: string, extra: Partial<PackageManifest> = {}) =>
    writePackageManifest(
      dir,
      wsPath(emulator),
      { name: 'credit', version },
      { environmentVariables: { MODEL_VERSION: version }, ...extra },
    );

  before(async () => {
    emulator = await startEmulator({ seed: 9 });
    spn = emulator.connection({ scheme: 'spnKey' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deploy-replace-test-'));
    fs.writeFileSync(path.join(dir, 'payload.json'), JSON.stringify({ data: [[1, 2]] }));
    emulator.computes.seed({ name: 'aks-dev', instanceTypes: { defaultinstancetype: {} } });
    for (const v of ['1', '2', '3', '4']) emulator.models.seed('credit', v, { jobName: `train-${v}` });
    emulator.endpoints.defaultBehaviour = { provisionSeconds: 1, response: { predictions: [0.9] } };
    emulator.endpoints.behave('credit:3', { provisionSeconds: 1, provisioning: 'Failed' });
    emulator.endpoints.behave('credit:4', { provisionSeconds: 1, scoring: 'wrongShape' });
  });
  after(async () => {
    await emulator.stop();
  });

  function run(extra: Record<string, string>): Promise<TaskRunResult> {
    return runTask({
      task: 'AzureMLDeployModel',
      inputs: {
        connectedServiceNameARM: spn.id,
        resourceGroupName: emulator.resourceGroup,
        workspaceName: emulator.workspaceName,
        trafficSteps: '100',
        stepWaitSeconds: '0',
        smokePayload: path.join(dir, 'payload.json'),
        smokeAssertions: '$.predictions.length == 1',
        ...extra,
      },
      env: spn.env,
      variables: { 'System.Debug': 'true' },
      timeoutMs: 90_000,
    });
  }
  const leakCheck = (r: TaskRunResult, endpointName: string) => {
    const e = emulator.endpoints.get(endpointName);
    assertNoSecretLeak(r, [...spn.secrets, ...(e ? [e.keys.primaryKey, e.keys.secondaryKey] : [])]);
  };

  describe('replace', () => {
    const replace = (version: string) =>
      run({
        packageManifest: manifestFor(version),
        strategy: 'replace',
        deploymentName: 'dev',
        computeName: 'aks-dev',
        endpointName: 'credit-dev',
      });
    const dev = () => emulator.endpoints.get('credit-dev')!;
    const deployment = () => dev().deployments.find((d) => d.name === 'dev')!;

    it('updates the one named deployment in place: no second deployment, all traffic stays on it', async () => {
      const first = await replace('1');
      assert.equal(first.result?.result, 'Succeeded', first.stdout);
      assert.deepEqual(dev().traffic, { dev: 100 });
      assert.equal(deployment().properties.model, `${wsPath(emulator)}/models/credit/versions/1`);

      const second = await replace('2');
      assert.equal(second.result?.result, 'Succeeded', second.stdout);
      assert.ok(
        second.lines.some((l) => l.startsWith("Updating deployment 'dev' (credit:2,")),
        second.stdout,
      );
      assert.deepEqual(
        dev().deployments.map((d) => d.name),
        ['dev'],
        'updated in place, nothing created beside it',
      );
      assert.deepEqual(dev().traffic, { dev: 100 });
      assert.equal(deployment().properties.model, `${wsPath(emulator)}/models/credit/versions/2`);
      assert.deepEqual(deployment().properties.environmentVariables, { MODEL_VERSION: '2' });
      assert.deepEqual([second.outputs.deploymentName, second.outputs.previousTraffic], ['dev', '{"dev":100}']);
      leakCheck(second, 'credit-dev');
    });

    for (const [version, fault, cause] of [
      ['3', 'an update that never becomes healthy', /ResourceNotReady/],
      ['4', 'an update whose smoke test fails', /Smoke test: 1 of 1 assertion\(s\) failed on the answer of 'dev'/],
    ] as const) {
      it(`${fault}: the previous body is re-PUT, the deployment serves version 2 again, traffic unchanged`, async () => {
        const before = deployment();
        const from = emulator.requests().length;
        const r = await replace(version);
        assert.equal(r.result?.result, 'Failed', r.stdout);
        assert.match(r.result!.message, cause);
        assert.match(r.result!.message, /Rolled back: traffic unchanged: dev 100%; deployment 'dev' put back as it was\.$/);
        const puts = emulator
          .requests()
          .slice(from)
          .filter((q) => q.method === 'PUT' && /\/deployments\/dev$/.test(q.path));
        assert.equal(puts.length, 2, 'the update, then the previous body');
        assert.equal(deployment().properties.model, `${wsPath(emulator)}/models/credit/versions/2`);
        assert.deepEqual(deployment().properties.environmentVariables, before.properties.environmentVariables);
        assert.equal(deployment().provisioningState, 'Succeeded');
        assert.deepEqual(
          dev().deployments.map((d) => d.name),
          ['dev'],
        );
        assert.deepEqual(dev().traffic, { dev: 100 });
        leakCheck(r, 'credit-dev');
      });
    }
  });

  it('managed: creates a managed endpoint, deploys the package on its VM size and gives it all traffic after the smoke test', async () => {
    const from = emulator.requests().length;
    const r = await run({
      packageManifest: manifestFor('1', { instanceType: 'Standard_DS3_v2' }),
      target: 'managed',
      endpointName: 'credit-managed',
      authMode: 'key',
    });
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    const e = emulator.endpoints.get('credit-managed')!;
    assert.equal(e.computeType, 'Managed');
    assert.equal(e.compute, undefined);
    assert.deepEqual(e.traffic, { 'credit-1': 100 });
    const d = e.deployments.find((x) => x.name === 'credit-1')!;
    assert.equal(d.provisioningState, 'Succeeded');
    assert.equal(d.properties.endpointComputeType, 'Managed');
    assert.equal(d.properties.instanceType, 'Standard_DS3_v2');
    assert.equal(d.properties.model, `${wsPath(emulator)}/models/credit/versions/1`);
    assert.ok(
      r.lines.some((l) => l.includes('Smoke test passed: HTTP 200, 1 assertion(s) hold.')),
      r.stdout,
    );
    assert.deepEqual([r.outputs.endpointName, r.outputs.deploymentName, r.outputs.previousTraffic], ['credit-managed', 'credit-1', '{}']);
    assert.equal(
      emulator
        .requests()
        .slice(from)
        .filter((q) => /\/computes\//.test(q.path)).length,
      0,
      'a managed target needs no compute',
    );
    leakCheck(r, 'credit-managed');
  });

  conformsToSpec(() => emulator.traffic());
});
