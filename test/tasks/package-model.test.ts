import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulator, Emulator, TaskConnection } from '../../emulator';
import { manifestIntact } from '../../shared/package/manifest';
import { runTask, assertNoSecretLeak, TaskRunResult } from '../harness/task-runner';
import { saveTraffic } from '../harness/traffic';
import { mlClient } from '../emulator/helpers';

/**
 * AzureMLPackageModel@1 run as the agent runs it: the exact model version from model.json, an
 * environment registered by content hash, registered scoring code checked for init() and run(), and a
 * manifest that is byte-identical when the same inputs are packaged again.
 */
describe('AzureMLPackageModel@1 (task process)', function () {
  let emulator: Emulator;
  let spn: TaskConnection;
  let dir: string;
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
    return p;
  };

  before(async () => {
    emulator = await startEmulator({ seed: 7 });
    spn = emulator.connection({ scheme: 'spnKey' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'package-test-'));
    emulator.models.seed('credit', '1');
    emulator.models.seed('credit', '2');
    emulator.models.seed('fraud', '4', { modelType: 'custom_model' });
    await mlClient(emulator).codeVersions.createOrUpdate(emulator.resourceGroup, emulator.workspaceName, 'fraud-score', '1', { properties: { codeUri: 'https://acct.blob.core.windows.net/azureml/LocalUpload/0f1e/src' } });
    file('src/score.py', 'import json\n\ndef init():\n    global model\n\ndef run(raw_data):\n    return json.loads(raw_data)\n');
    file('bad/score.py', 'class Model:\n    def init(self):\n        pass\n');
  });
  after(async () => {
    saveTraffic(emulator.traffic(), 'package-model');
    await emulator.stop();
  });

  function run(extra: Record<string, string>): Promise<TaskRunResult> {
    return runTask({
      task: 'AzureMLPackageModel',
      inputs: { connectedServiceNameARM: spn.id, resourceGroupName: emulator.resourceGroup, workspaceName: emulator.workspaceName, ...extra },
      env: spn.env,
      variables: { 'System.Debug': 'true' },
      timeoutMs: 60_000,
    });
  }
  const manifestOf = (r: TaskRunResult) => {
    assert.equal(r.artifacts.length, 1, r.stdout);
    return fs.readFileSync(r.artifacts[0].path, 'utf8');
  };

  it('packages exactly the version in model.json (MLflow, no code), the same manifest every time', async () => {
    const modelJson = file('model/model.json', JSON.stringify({ name: 'credit', version: '1', id: 'azureml:credit:1' }));
    const inputs = { modelJson, instanceType: 'defaultinstancetype', requestTimeoutMs: '3000', probeInitialDelaySeconds: '10', environmentVariables: 'LOG_LEVEL=info' };
    const r = await run(inputs);
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    const text = manifestOf(r);
    const m = JSON.parse(text);
    assert.equal(m.model.id, 'azureml:credit:1', 'not the newer version 2');
    assert.match(m.model.assetId, /\/models\/credit\/versions\/1$/);
    assert.deepEqual([m.environmentId, m.code, m.instanceType, m.requestSettings, m.readinessProbe, m.environmentVariables], [null, null, 'defaultinstancetype', { requestTimeout: 'PT3S' }, { initialDelay: 'PT10S' }, { LOG_LEVEL: 'info' }]);
    assert.ok(manifestIntact(m));
    assert.equal(r.outputs.packageId, m.packageId);
    assert.equal(r.artifacts[0].artifactName, 'package');
    assert.equal(r.variables['AzureML.PackageManifest']?.value, r.artifacts[0].path, 'the deploy step in the same job finds it by default');
    const again = await run(inputs);
    assert.equal(manifestOf(again), text, 'same inputs, byte-identical manifest');
    assertNoSecretLeak(r, spn.secrets);
  });

  it('registers an image + conda environment once, named by content, and checks the scoring script', async () => {
    const conda = file('conda.yml', 'name: fraud\ndependencies:\n  - python=3.10\n');
    const inputs = { modelSource: 'nameVersion', modelName: 'fraud', modelVersion: '4', environmentSource: 'image', condaFile: conda, image: 'mcr.microsoft.com/azureml/minimal-ubuntu22.04-py39-cpu-inference:latest', scoringCode: 'azureml:fraud-score:1', codeFolder: path.join(dir, 'src') };
    const r = await run(inputs);
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    const m = JSON.parse(manifestOf(r));
    const versions = emulator.assets.list('environments', 'fraud-env');
    assert.equal(versions.length, 1);
    assert.match(versions[0].version, /^[0-9a-f]{16}$/);
    assert.equal(versions[0].properties.condaFile, 'name: fraud\ndependencies:\n  - python=3.10\n');
    assert.match(m.environmentId, new RegExp(`/environments/fraud-env/versions/${versions[0].version}$`));
    assert.deepEqual(m.code, { id: r.outputs.codeId, scoringScript: 'score.py' });
    await run(inputs);
    assert.equal(emulator.assets.list('environments', 'fraud-env').length, 1, 'unchanged content registers nothing new');
    const registered = await run({ ...inputs, environmentSource: 'registered', environment: `azureml:fraud-env:${versions[0].version}` });
    assert.equal(registered.result?.result, 'Succeeded', registered.stdout);
    assert.equal(JSON.parse(manifestOf(registered)).packageId, m.packageId, 'the same environment named by reference is the same package');
  });

  it("'latest' is an explicit opt-in, and says so as a warning", async () => {
    const r = await run({ modelSource: 'latest', modelName: 'credit' });
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    assert.equal(r.outputs.modelId, 'azureml:credit:2');
    assert.ok(r.issues.some((i) => i.type === 'warning' && /Packaging the LATEST version of credit \(2\)/.test(i.message)), r.stdout);
  });

  describe('bad input: one clear line, nothing registered', () => {
    async function failsWith(extra: Record<string, string>, message: string | RegExp) {
      const before = emulator.requests().length;
      const r = await run(extra);
      assert.equal(r.result?.result, 'Failed', r.stdout);
      if (typeof message === 'string') assert.equal(r.result?.message, message);
      else assert.match(r.result!.message, message);
      assert.equal(emulator.requests().slice(before).filter((q) => q.method === 'PUT').length, 0, 'nothing was written');
      assert.deepEqual(r.artifacts, []);
    }

    it('a scoring script without run()', () =>
      failsWith(
        { modelSource: 'nameVersion', modelName: 'fraud', modelVersion: '4', environmentSource: 'registered', environment: 'azureml:fraud-env:1', scoringCode: 'azureml:fraud-score:1', codeFolder: path.join(dir, 'bad') },
        `'scoringScript' ${path.join(dir, 'bad', 'score.py')} does not define init() and run() at module level; Azure ML's inference server calls init() once and run(data) per request`,
      ));

    it('a model.json naming a version that is not registered', () =>
      failsWith({ modelJson: file('m9.json', JSON.stringify({ name: 'credit', version: '9' })) }, /^'modelJson' \(.*m9\.json\) names model credit version 9, which is not registered in workspace 'mlw-emulator'; check the workspace inputs$/));

    it('a custom model without scoring code', () =>
      failsWith({ modelSource: 'nameVersion', modelName: 'fraud', modelVersion: '4' }, "Model fraud:4 is a custom_model model: only MLflow models deploy without scoring code and an environment; set 'scoringCode' and 'environmentSource'"));

    it('a model.json that is not JSON', () => failsWith({ modelJson: file('broken.json', '{name: credit') }, /^'modelJson' is '.*broken\.json', which is not JSON \(/));
  });
});
