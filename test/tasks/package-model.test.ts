import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulator, Emulator, TaskConnection } from '../../emulator';
import { manifestIntact } from '../../shared/package/manifest';
import { runTask, assertNoSecretLeak, TaskRunResult, RunTaskOptions } from '../../devkit/task-runner';
import { conformsToSpec } from '../conformance/conforms';
import { mlClient } from '../../devkit/emulator-clients';
import { ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { snapshotFolder } from '../../shared/azureml-pipeline/folder-hash';
import { startAzurite, AzuriteHandle } from '../../devkit/azurite';
import { HANDOFF_VARIABLES } from '../../shared/task/handoff-variables';

/** Writes a file (and its folders) under `dir`; returns its path. */
function writeFileIn(dir: string, name: string, text: string): string {
  const p = path.join(dir, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  return p;
}

/**
 * AzureMLPackageModel@1 run as the agent runs it: the exact model version from model.json, an
 * environment registered by content hash, registered scoring code checked for init() and run(), and a
 * manifest that is byte-identical when the same inputs are packaged again.
 */
describe('AzureMLPackageModel@1 (task process)', function () {
  let emulator: Emulator;
  let spn: TaskConnection;
  let dir: string;
  const file = (name: string, text: string) => writeFileIn(dir, name, text);

  before(async () => {
    emulator = await startEmulator({ seed: 7 });
    spn = emulator.connection({ scheme: 'spnKey' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'package-test-'));
    emulator.models.seed('credit', '1');
    emulator.models.seed('credit', '2');
    emulator.models.seed('fraud', '4', { modelType: 'custom_model' });
    await mlClient(emulator).codeVersions.createOrUpdate(emulator.resourceGroup, emulator.workspaceName, 'fraud-score', '1', {
      properties: { codeUri: 'https://acct.blob.core.windows.net/azureml/LocalUpload/0f1e/src' },
    });
    file('src/score.py', 'import json\n\ndef init():\n    global model\n\ndef run(raw_data):\n    return json.loads(raw_data)\n');
    file('bad/score.py', 'class Model:\n    def init(self):\n        pass\n');
  });
  after(async () => {
    await emulator.stop();
  });

  function run(extra: Record<string, string>, more: Partial<RunTaskOptions> = {}): Promise<TaskRunResult> {
    return runTask({
      task: 'AzureMLPackageModel',
      inputs: {
        connectedServiceNameARM: spn.id,
        resourceGroupName: emulator.resourceGroup,
        workspaceName: emulator.workspaceName,
        ...extra,
      },
      env: spn.env,
      timeoutMs: 60_000,
      ...more,
      variables: { 'System.Debug': 'true', ...more.variables },
    });
  }
  const manifestOf = (r: TaskRunResult) => {
    assert.equal(r.artifacts.length, 1, r.stdout);
    return fs.readFileSync(r.artifacts[0].path, 'utf8');
  };

  it('packages exactly the version in model.json (MLflow, no code), the same manifest every time', async () => {
    const modelJson = file('model/model.json', JSON.stringify({ name: 'credit', version: '1', id: 'azureml:credit:1' }));
    const inputs = {
      modelJson,
      instanceType: 'defaultinstancetype',
      requestTimeoutMs: '3000',
      probeInitialDelaySeconds: '10',
      environmentVariables: 'LOG_LEVEL=info',
    };
    const r = await run(inputs);
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    const text = manifestOf(r);
    const m = JSON.parse(text);
    assert.equal(m.model.id, 'azureml:credit:1', 'not the newer version 2');
    assert.match(m.model.assetId, /\/models\/credit\/versions\/1$/);
    assert.deepEqual(
      [m.environmentId, m.code, m.instanceType, m.requestSettings, m.readinessProbe, m.environmentVariables],
      [null, null, 'defaultinstancetype', { requestTimeout: 'PT3S' }, { initialDelay: 'PT10S' }, { LOG_LEVEL: 'info' }],
    );
    assert.ok(manifestIntact(m));
    assert.equal(r.outputs.packageId, m.packageId);
    assert.equal(r.artifacts[0].artifactName, 'package');
    assert.equal(
      r.variables[HANDOFF_VARIABLES.packageManifest]?.value,
      r.artifacts[0].path,
      'the deploy step in the same job finds it by default',
    );
    const again = await run(inputs);
    assert.equal(manifestOf(again), text, 'same inputs, byte-identical manifest');
    assertNoSecretLeak(r, spn.secrets);
  });

  it('registers an image + conda environment once, named by content, and checks the scoring script', async () => {
    const conda = file('conda.yml', 'name: fraud\ndependencies:\n  - python=3.10\n');
    const inputs = {
      modelSource: 'nameVersion',
      modelName: 'fraud',
      modelVersion: '4',
      environmentSource: 'image',
      condaFile: conda,
      image: 'mcr.microsoft.com/azureml/minimal-ubuntu22.04-py39-cpu-inference:latest',
      scoringCode: 'azureml:fraud-score:1',
      codeFolder: path.join(dir, 'src'),
    };
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
    assert.ok(
      r.issues.some((i) => i.type === 'warning' && /Packaging the LATEST version of credit \(2\)/.test(i.message)),
      r.stdout,
    );
  });

  it('condaFile and codeFolder left empty (the agent hands them over as the repository root) are not set: the image as it is, the registered code', async () => {
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'package-repo-'));
    writeFileIn(repo, 'README.md', '# a repository with no scoring code at its root\n');
    const r = await run(
      {
        modelSource: 'nameVersion',
        modelName: 'fraud',
        modelVersion: '4',
        environmentSource: 'image',
        image: 'mcr.microsoft.com/azureml/minimal-ubuntu22.04-py39-cpu-inference:latest',
        condaFile: '',
        codeFolder: '',
        scoringCode: 'azureml:fraud-score:1',
      },
      { repo },
    );
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    const m = JSON.parse(manifestOf(r));
    const version = /\/environments\/fraud-env\/versions\/([^/]+)$/.exec(m.environmentId)?.[1];
    const env = emulator.assets.list('environments', 'fraud-env').find((v) => v.version === version);
    assert.ok(env, m.environmentId);
    assert.equal(env.properties.condaFile, undefined, 'no conda file: the image as it is');
    assert.match(m.code.id, /\/codes\/fraud-score\/versions\/1$/);
  });

  describe('classic release (System.HostType release, no Pipeline.Workspace, no artifact uploads)', () => {
    const artifactsWith = (files: Record<string, unknown>) => {
      const artifacts = fs.mkdtempSync(path.join(os.tmpdir(), 'release-artifacts-'));
      for (const [name, json] of Object.entries(files)) writeFileIn(artifacts, name, JSON.stringify(json));
      return artifacts;
    };

    it('finds model.json by its default at <artifacts>/<alias>/<artifact>/ and leaves the manifest to the job instead of uploading it', async () => {
      const artifacts = artifactsWith({ '_credit-build/model/model.json': { name: 'credit', version: '1', id: 'azureml:credit:1' } });
      const r = await run({}, { repo: artifacts, classicRelease: true });
      assert.equal(r.result?.result, 'Succeeded', r.stdout);
      assert.equal(r.outputs.modelId, 'azureml:credit:1');
      assert.deepEqual([r.artifacts, r.refused], [[], []], 'no artifact.upload, which the agent refuses in a release');
      const manifest = r.variables[HANDOFF_VARIABLES.packageManifest]?.value ?? '';
      assert.equal(
        JSON.parse(fs.readFileSync(manifest, 'utf8')).packageId,
        r.outputs.packageId,
        'AzureMLDeployModel@1 later in the job finds it',
      );
      assert.ok(
        r.lines.some((l) => l.startsWith("Not uploading the package manifest as an artifact: this runs with System.HostType 'release'")),
        r.stdout,
      );
    });

    it('the old default $(Pipeline.Workspace)/model/model.json gets the tailored unset-variable message', async () => {
      const r = await run({ modelJson: '$(Pipeline.Workspace)/model/model.json' }, { repo: artifactsWith({}), classicRelease: true });
      assert.equal(r.result?.result, 'Failed', r.stdout);
      assert.equal(
        r.result?.message,
        "'modelJson' is '$(Pipeline.Workspace)/model/model.json', which holds $(Pipeline.Workspace), a pipeline variable that is not set in this job; leave 'modelJson' empty to find model.json among the job's downloaded artifacts, or give its path",
      );
    });

    it('two model.json among the artifacts: names both and asks for one', async () => {
      const artifacts = artifactsWith({
        'a/model/model.json': { name: 'credit', version: '1' },
        'b/model/model.json': { name: 'credit', version: '2' },
      });
      const r = await run({}, { repo: artifacts, classicRelease: true });
      assert.equal(r.result?.result, 'Failed', r.stdout);
      assert.equal(
        r.result?.message,
        `'modelJson' is not set to one file and 2 model.json files were found under '${artifacts}' (${path.join(artifacts, 'a', 'model', 'model.json')}, ${path.join(artifacts, 'b', 'model', 'model.json')}); give the path of the one to package`,
      );
    });
  });

  it("in a YAML pipeline an empty modelJson finds the 'model' artifact downloaded into Pipeline.Workspace", async () => {
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-workspace-'));
    writeFileIn(workspace, 'model/model.json', JSON.stringify({ name: 'credit', version: '2' }));
    const r = await run({}, { variables: { 'Pipeline.Workspace': workspace } });
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    assert.equal(r.outputs.modelId, 'azureml:credit:2');
    assert.equal(r.artifacts.length, 1, 'a build job publishes the manifest');
  });

  describe('bad input: one clear line, nothing registered', () => {
    async function failsWith(extra: Record<string, string>, message: string | RegExp) {
      const before = emulator.requests().length;
      const r = await run(extra);
      assert.equal(r.result?.result, 'Failed', r.stdout);
      if (typeof message === 'string') assert.equal(r.result?.message, message);
      else assert.match(r.result!.message, message);
      assert.equal(
        emulator
          .requests()
          .slice(before)
          .filter((q) => q.method === 'PUT').length,
        0,
        'nothing was written',
      );
      assert.deepEqual(r.artifacts, []);
    }

    it('a scoring script without run()', () =>
      failsWith(
        {
          modelSource: 'nameVersion',
          modelName: 'fraud',
          modelVersion: '4',
          environmentSource: 'registered',
          environment: 'azureml:fraud-env:1',
          scoringCode: 'azureml:fraud-score:1',
          codeFolder: path.join(dir, 'bad'),
        },
        `'scoringScript' ${path.join(dir, 'bad', 'score.py')} does not define init() and run() at module level; Azure ML's inference server calls init() once and run(data) per request`,
      ));

    it('a model.json naming a version that is not registered', () =>
      failsWith(
        { modelJson: file('m9.json', JSON.stringify({ name: 'credit', version: '9' })) },
        /^'modelJson' \(.*m9\.json\) names model credit version 9, which is not registered in workspace 'mlw-emulator'; check the workspace inputs$/,
      ));

    it('a custom model without scoring code', () =>
      failsWith(
        { modelSource: 'nameVersion', modelName: 'fraud', modelVersion: '4' },
        "Model fraud:4 is a custom_model model: only MLflow models deploy without scoring code and an environment; set 'scoringCode' and 'environmentSource'",
      ));

    it('a model.json that is not JSON', () =>
      failsWith({ modelJson: file('broken.json', '{name: credit') }, /^'modelJson' is '.*broken\.json', which is not JSON \(/));
  });

  conformsToSpec(() => emulator.traffic());
});

/**
 * Local folders (scoring code, a Docker build context) uploaded as the publish task uploads them, into
 * the emulator's default datastore backed by a real Azurite: content-addressed, reused when unchanged.
 */
describe('AzureMLPackageModel@1 with local folders (task process, Azurite)', function () {
  let azurite: AzuriteHandle;
  let emulator: Emulator;
  let spn: TaskConnection;
  let container: ContainerClient;
  let dir: string;
  const file = (name: string, text: string) => writeFileIn(dir, name, text);

  before(async () => {
    azurite = await startAzurite();
    emulator = await startEmulator({
      seed: 11,
      storage: { blobUrl: azurite.blobUrl, accountName: azurite.accountName, accountKey: azurite.accountKey },
    });
    spn = emulator.connection({ scheme: 'spnKey' });
    container = new ContainerClient(
      `${azurite.blobUrl}/${emulator.datastore.containerName}`,
      new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey),
    );
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'package-folders-'));
    emulator.models.seed('fraud', '4', { modelType: 'custom_model' });
    file('scoring/score.py', 'import json\n\ndef init():\n    pass\n\ndef run(raw_data):\n    return json.loads(raw_data)\n');
    file('scoring/features.py', 'COLUMNS = ["amount", "age"]\n');
    file('scoring/.amlignore', '*.log\n');
    file('scoring/debug.log', 'local noise\n');
    file(
      'docker/Dockerfile',
      'FROM mcr.microsoft.com/azureml/minimal-ubuntu22.04-py39-cpu-inference:latest\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n',
    );
    file('docker/requirements.txt', 'scikit-learn==1.5.0\n');
  });
  after(async () => {
    if (emulator) {
      await emulator.stop();
    }
    await azurite?.stop();
  });

  function run(extra: Record<string, string>, more: Partial<RunTaskOptions> = {}): Promise<TaskRunResult> {
    return runTask({
      task: 'AzureMLPackageModel',
      inputs: {
        connectedServiceNameARM: spn.id,
        resourceGroupName: emulator.resourceGroup,
        workspaceName: emulator.workspaceName,
        modelSource: 'nameVersion',
        modelName: 'fraud',
        modelVersion: '4',
        ...extra,
      },
      env: spn.env,
      variables: { 'System.Debug': 'true' },
      timeoutMs: 90_000,
      ...more,
    });
  }
  const manifestOf = (r: TaskRunResult) => {
    assert.equal(r.artifacts.length, 1, r.stdout);
    return fs.readFileSync(r.artifacts[0].path, 'utf8');
  };
  const blobs = async () => {
    const out: Record<string, string> = {};
    for await (const b of container.listBlobsFlat()) out[b.name] = b.properties.etag ?? '';
    return out;
  };
  const puts = (from: number, kind: string) =>
    emulator
      .requests()
      .slice(from)
      .filter((q) => q.method === 'PUT' && q.path.includes(`/${kind}/`));

  it('uploads a local code folder content-addressed as a code version; unchanged code uploads 0 bytes, registers nothing, same manifest', async () => {
    const inputs = {
      environmentSource: 'image',
      image: 'mcr.microsoft.com/azureml/minimal-ubuntu22.04-py39-cpu-inference:latest',
      codeFolder: path.join(dir, 'scoring'),
      scoringScript: 'score.py',
    };
    const first = await run(inputs);
    assert.equal(first.result?.result, 'Succeeded', first.stdout);
    const text = manifestOf(first);
    const m = JSON.parse(text);
    const snapshot = snapshotFolder(path.join(dir, 'scoring'));
    const base = `LocalUpload/${snapshot.objectHash}/scoring`;
    assert.deepEqual(
      Object.keys(await blobs()).sort(),
      [`${base}/.amlignore`, `${base}/features.py`, `${base}/score.py`],
      'the ignored debug.log is not uploaded',
    );
    const codes = emulator.assets.list('codes');
    assert.equal(codes.length, 1);
    assert.match(codes[0].name, /^[0-9a-f-]{36}$/);
    assert.equal(codes[0].version, '1');
    assert.equal(codes[0].properties.codeUri, `${azurite.blobUrl}/${emulator.datastore.containerName}/${base}`);
    assert.equal(codes[0].properties.isAnonymous, true);
    assert.deepEqual(codes[0].properties.properties, { hash_sha256: snapshot.contentHash, hash_version: '202208' });
    assert.match(m.code.id, new RegExp(`/codes/${codes[0].name}/versions/1$`));
    assert.deepEqual(m.code, { id: first.outputs.codeId, scoringScript: 'score.py' });
    assert.ok(
      first.lines.includes(`Uploaded code scoring (3 files, ${snapshot.totalBytes} bytes) as code ${codes[0].name}:1.`),
      first.stdout,
    );
    assertNoSecretLeak(first, [...spn.secrets, azurite.accountKey]);

    const blobsBefore = await blobs();
    const from = emulator.requests().length;
    const second = await run(inputs);
    assert.equal(second.result?.result, 'Succeeded', second.stdout);
    assert.ok(second.lines.includes(`Code scoring is unchanged: reusing ${codes[0].name}:1, nothing uploaded.`), second.stdout);
    assert.deepEqual(await blobs(), blobsBefore, 'no blob written again (same names, same etags)');
    assert.deepEqual(puts(from, 'codes'), [], 'no code version created');
    assert.equal(emulator.assets.list('codes').length, 1);
    assert.equal(manifestOf(second), text, 'byte-identical manifest, the same code id');
  });

  it('uploads a Docker build context like code and registers it as an environment version {build: {contextUri, dockerfilePath}}, once', async () => {
    const inputs = {
      environmentSource: 'build',
      buildContext: path.join(dir, 'docker'),
      environmentName: 'fraud-docker',
      codeFolder: path.join(dir, 'scoring'),
    };
    const first = await run(inputs);
    assert.equal(first.result?.result, 'Succeeded', first.stdout);
    const m = JSON.parse(manifestOf(first));
    const snapshot = snapshotFolder(path.join(dir, 'docker'));
    const names = Object.keys(await blobs())
      .filter((b) => b.includes(snapshot.objectHash))
      .sort();
    assert.deepEqual(names, [
      `LocalUpload/${snapshot.objectHash}/docker/Dockerfile`,
      `LocalUpload/${snapshot.objectHash}/docker/requirements.txt`,
    ]);
    const envs = emulator.assets.list('environments', 'fraud-docker');
    assert.equal(envs.length, 1);
    assert.match(envs[0].version, /^[0-9a-f]{16}$/);
    const build = envs[0].properties.build as { contextUri: string; dockerfilePath: string };
    assert.match(build.contextUri, new RegExp(`/${emulator.datastore.containerName}/LocalUpload/${snapshot.objectHash}/docker/$`));
    assert.equal(build.dockerfilePath, 'Dockerfile');
    assert.equal(envs[0].properties.image, undefined);
    assert.match(m.environmentId, new RegExp(`/environments/fraud-docker/versions/${envs[0].version}$`));

    const blobsBefore = await blobs();
    const second = await run(inputs);
    assert.equal(second.result?.result, 'Succeeded', second.stdout);
    assert.deepEqual(await blobs(), blobsBefore, 'nothing uploaded again');
    assert.equal(emulator.assets.list('environments', 'fraud-docker').length, 1, 'unchanged context registers no new version');
    assert.equal(JSON.parse(manifestOf(second)).packageId, m.packageId);
  });

  describe('bad input: one clear line, nothing uploaded or registered', () => {
    async function failsWith(extra: Record<string, string>, message: string, more: Partial<RunTaskOptions> = {}) {
      const before = emulator.requests().length;
      const blobsBefore = await blobs();
      const r = await run(extra, more);
      assert.equal(r.result?.result, 'Failed', r.stdout);
      assert.equal(r.result?.message, message);
      assert.equal(
        emulator
          .requests()
          .slice(before)
          .filter((q) => q.method === 'PUT').length,
        0,
        'nothing was registered',
      );
      assert.deepEqual(await blobs(), blobsBefore, 'nothing was uploaded');
    }

    it('a code folder without the entry script', () =>
      failsWith(
        {
          environmentSource: 'registered',
          environment: 'azureml:any-env:1',
          codeFolder: path.join(dir, 'docker'),
          scoringScript: 'score.py',
        },
        `'scoringScript' is 'score.py', but ${path.join(dir, 'docker', 'score.py')} does not exist; check 'codeFolder' and 'scoringScript'`,
      ));

    it('an empty buildContext (the repository root, as the agent hands it over) is not taken as the build context', () =>
      failsWith(
        { environmentSource: 'build', codeFolder: path.join(dir, 'scoring') },
        "'buildContext' is required with environmentSource 'build' and is empty (or the repository root): give the Docker build context folder (it holds the Dockerfile and what it copies), for example deploy/docker",
      ));

    it('an empty codeFolder never uploads the whole repository, even one with a score.py at its root', () => {
      file('score.py', 'def init():\n    pass\n\ndef run(data):\n    return data\n');
      return failsWith(
        { environmentSource: 'image', image: 'mcr.microsoft.com/azureml/minimal-ubuntu22.04-py39-cpu-inference:latest', codeFolder: '' },
        "Model fraud:4 is a custom_model model: only MLflow models deploy without scoring code and an environment; set 'scoringCode' and 'environmentSource'",
        { repo: dir },
      );
    });

    it('a code folder that does not exist', () =>
      failsWith(
        { environmentSource: 'registered', environment: 'azureml:any-env:1', codeFolder: path.join(dir, 'nowhere') },
        `'codeFolder' is '${path.join(dir, 'nowhere')}', which does not exist: give the folder with the scoring code`,
      ));

    it('a build context without its Dockerfile', () =>
      failsWith(
        { environmentSource: 'build', buildContext: path.join(dir, 'scoring'), codeFolder: path.join(dir, 'scoring') },
        `'dockerfilePath' is 'Dockerfile', but ${path.join(dir, 'scoring', 'Dockerfile')} does not exist; check 'buildContext' and 'dockerfilePath'`,
      ));

    it('a scoring script excluded by the ignore file', () => {
      file('ignored/score.py', 'def init():\n    pass\n\ndef run(data):\n    return data\n');
      file('ignored/.amlignore', 'score.py\n');
      return failsWith(
        {
          environmentSource: 'image',
          image: 'mcr.microsoft.com/azureml/minimal-ubuntu22.04-py39-cpu-inference:latest',
          codeFolder: path.join(dir, 'ignored'),
        },
        `'scoringScript' score.py is excluded by .amlignore in ${path.join(dir, 'ignored')}, so it would not be uploaded`,
      );
    });
  });

  conformsToSpec(() => emulator.traffic());
});
