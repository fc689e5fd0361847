import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { startEmulator, Emulator, TaskConnection } from '../../emulator';
import { runTask, assertNoSecretLeak, TaskRunResult } from '../../devkit/task-runner';
import { conformsToSpec } from '../conformance/conforms';
import { SOURCE_KEY_PROPERTY, SOURCE_PROPERTY, sourceKey } from '../../shared/register/model-source';
import { COMPARE_VARIABLES, HANDOFF_VARIABLES } from '../../shared/task/handoff-variables';
import { ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { startAzurite, AzuriteHandle } from '../../devkit/azurite';
import { productWorkspace } from '../../devkit/emulator-clients';
import type { DataWorkspace } from '../../shared/data/open-data';
import { readProfile } from '../../shared/data/profile';
import { DATA_PROFILE_PROPERTY, findModelProfile, TRAINING_DATA_PROPERTY } from '../../shared/register/model-profile';
import { UserError } from '../../shared/task/user-error';

/**
 * AzureMLRegisterModel@1 run as the agent runs it, against the emulator over HTTPS with the real SDK:
 * registration with traceability, metric and verdict tags, idempotent re-runs, model.json as a
 * pipeline artifact, the build tag, and every bad input the issue names.
 */
describe('AzureMLRegisterModel@1 (task process)', function () {
  let emulator: Emulator;
  let spn: TaskConnection;
  const build = {
    'Build.BuildId': '4711',
    'Build.BuildNumber': '20250101.3',
    'Build.SourceVersion': '0123abcd',
    'Build.SourceBranch': 'refs/heads/main',
    'System.CollectionUri': 'https://dev.azure.com/contoso/',
    'System.TeamProject': 'ml',
    'System.HostType': 'build',
  };

  before(async () => {
    emulator = await startEmulator({ seed: 12 });
    spn = emulator.connection({ scheme: 'spnKey' });
    emulator.jobs.seed(
      'train-1',
      { phases: [], outcome: 'Completed', metrics: { accuracy: 0.94, rmse: 0.38 } },
      { jobType: 'Command', outputs: { model: 'mlflow_model', report: 'uri_folder' } },
    );
    emulator.jobs.seed(
      'train-2',
      { phases: [], outcome: 'Completed', metrics: { accuracy: 0.95 } },
      { jobType: 'Command', outputs: { model: 'mlflow_model' } },
    );
    // A pipeline whose own run logs nothing: its train step does.
    emulator.jobs.seed(
      'pipe-1',
      {
        phases: [],
        outcome: 'Completed',
        children: [
          { name: 'pipe-1-prep', displayName: 'prep', phases: [], outcome: 'Completed' },
          { name: 'pipe-1-train', displayName: 'train', phases: [], outcome: 'Completed', metrics: { accuracy: 0.9 } },
        ],
      },
      { jobType: 'Pipeline', outputs: { model: 'mlflow_model' } },
    );
  });
  after(async () => {
    await emulator.stop();
  });

  function run(extra: Record<string, string> = {}, variables: Record<string, string> = {}): Promise<TaskRunResult> {
    return runTask({
      task: 'AzureMLRegisterModel',
      inputs: {
        connectedServiceNameARM: spn.id,
        resourceGroupName: emulator.resourceGroup,
        workspaceName: emulator.workspaceName,
        jobName: 'train-1',
        modelName: 'credit',
        ...extra,
      },
      env: spn.env,
      variables: { 'System.Debug': 'true', ...build, ...variables },
      timeoutMs: 60_000,
    });
  }

  const modelJson = (r: TaskRunResult) => {
    assert.equal(r.artifacts.length, 1, r.stdout);
    return JSON.parse(fs.readFileSync(r.artifacts[0].path, 'utf8'));
  };

  it('registers the job output with traceability and metric tags, uploads model.json and tags the build', async () => {
    const r = await run({ description: 'credit risk', tags: 'team=risk' });
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    assert.deepEqual([r.outputs.modelName, r.outputs.modelVersion, r.outputs.modelId], ['credit', '1', 'azureml:credit:1']);
    assert.match(r.outputs.modelAssetId, /\/workspaces\/mlw-emulator\/models\/credit\/versions\/1$/);
    assert.equal(r.variables[HANDOFF_VARIABLES.modelId]?.value, 'azureml:credit:1');
    assert.deepEqual(r.buildTags, ['model-registered']);
    assert.equal(r.artifacts[0].artifactName, 'model');
    assert.equal(r.artifacts[0].containerFolder, 'model');
    const m = modelJson(r);
    assert.deepEqual(
      {
        name: m.name,
        version: m.version,
        id: m.id,
        jobName: m.jobName,
        buildId: m.buildId,
        metrics: m.metrics,
        reused: m.reused,
        modelUri: m.modelUri,
      },
      {
        name: 'credit',
        version: '1',
        id: 'azureml:credit:1',
        jobName: 'train-1',
        buildId: '4711',
        metrics: { accuracy: 0.94, rmse: 0.38 },
        reused: false,
        modelUri: 'azureml://jobs/train-1/outputs/model',
      },
    );
    const v = emulator.models.get('credit', '1')!;
    const tags = v.properties.tags as Record<string, string>;
    assert.equal(tags['azdo.buildId'], '4711');
    assert.equal(tags['azdo.commit'], '0123abcd');
    assert.equal(tags['azdo.runUrl'], 'https://dev.azure.com/contoso/ml/_build/results?buildId=4711');
    assert.equal(tags['metric.accuracy'], '0.94');
    assert.equal(tags.team, 'risk');
    assert.equal(v.properties.modelType, 'mlflow_model');
    assert.equal(v.properties.jobName, 'train-1');
    assert.equal(v.properties.description, 'credit risk');
    assertNoSecretLeak(r, spn.secrets);
  });

  it('a re-run reuses the version registered from the same job output and says so', async () => {
    const r = await run();
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    assert.equal(r.outputs.modelVersion, '1');
    assert.equal(
      r.result?.message,
      'Model credit version 1 was already registered from azureml://jobs/train-1/outputs/model (by build 4711); reusing it instead of creating another version.',
    );
    assert.equal(modelJson(r).reused, true);
    assert.deepEqual(r.buildTags, ['model-registered']);
    assert.equal(emulator.models.list('credit').length, 1, 'no second version');
  });

  it("takes the next version, and tags the compare step's verdict and metrics", async () => {
    const r = await run(
      { jobName: 'train-2' },
      {
        [COMPARE_VARIABLES.jobName]: 'train-2',
        [COMPARE_VARIABLES.promote]: 'true',
        [COMPARE_VARIABLES.reason]: 'The candidate meets all 1 rule against production model credit:1.',
        [COMPARE_VARIABLES.productionModel]: 'credit:1',
        [COMPARE_VARIABLES.candidateMetrics]: '{"accuracy":0.95,"f1":0.7}',
      },
    );
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    assert.equal(r.outputs.modelVersion, '2');
    const tags = emulator.models.get('credit', '2')!.properties.tags as Record<string, string>;
    assert.equal(tags['compare.promote'], 'true');
    assert.equal(tags['compare.productionModel'], 'credit:1');
    assert.equal(tags['metric.f1'], '0.7', 'metrics as the compare step read them');
    // An explicit version that exists with the same content is a re-run, not a conflict.
    const again = await run({ jobName: 'train-2', version: '2' });
    assert.equal(again.result?.result, 'Succeeded', again.stdout);
    assert.match(again.result!.message, /^Model credit version 2 was already registered/);
    assert.equal(emulator.models.list('credit').length, 2);
  });

  it('registers an azureml:// URI with an explicit version and a path inside the output', async () => {
    const r = await run({
      modelSource: 'uri',
      modelUri: 'azureml://jobs/train-1/outputs/report/paths/onnx/',
      modelName: 'credit-onnx',
      modelType: 'custom_model',
      version: '10',
    });
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    const v = emulator.models.get('credit-onnx', '10')!;
    assert.equal(v.properties.modelUri, 'azureml://jobs/train-1/outputs/report/paths/onnx');
    assert.equal(v.properties.modelType, 'custom_model');
  });

  it('two register steps with different artifact names upload model.json to different folders', async () => {
    const a = await run({ artifactName: 'model-a' });
    const b = await run({ jobName: 'train-2', modelName: 'credit-b', artifactName: 'model-b' });
    assert.deepEqual(
      [a, b].map((r) => [r.result?.result, r.artifacts[0].artifactName, r.artifacts[0].containerFolder]),
      [
        ['Succeeded', 'model-a', 'model-a'],
        ['Succeeded', 'model-b', 'model-b'],
      ],
    );
    assert.equal(modelJson(b).name, 'credit-b');
  });

  it("records a compare verdict only on the job it compared: not another job's model, not a datastore URI", async () => {
    const otherJob = {
      [COMPARE_VARIABLES.jobName]: 'train-2',
      [COMPARE_VARIABLES.promote]: 'false',
      [COMPARE_VARIABLES.reason]: 'The candidate fails 1 of 1 rule.',
      [COMPARE_VARIABLES.productionModel]: 'credit:1',
      [COMPARE_VARIABLES.candidateMetrics]: '{"accuracy":0.5}',
    };
    const fromJob = await run({ modelName: 'credit-c' }, otherJob);
    const fromUri = await run(
      { modelSource: 'uri', modelUri: 'azureml://datastores/workspaceblobstore/paths/models/m1', modelName: 'credit-c' },
      otherJob,
    );
    for (const r of [fromJob, fromUri]) {
      assert.equal(r.result?.result, 'Succeeded', r.stdout);
      assert.deepEqual(r.issues, [], 'no "said not to promote" warning for a verdict on another job');
    }
    assert.ok(
      fromJob.lines.includes(
        "The comparison earlier in this job was for Azure ML job 'train-2', not for job 'train-1'; its verdict and metrics are not recorded on this model.",
      ),
      fromJob.stdout,
    );
    for (const version of ['1', '2']) {
      const tags = emulator.models.get('credit-c', version)!.properties.tags as Record<string, string>;
      assert.deepEqual(
        Object.keys(tags).filter((k) => k.startsWith('compare.')),
        [],
        `version ${version}`,
      );
    }
    assert.equal(
      (emulator.models.get('credit-c', '1')!.properties.tags as Record<string, string>)['metric.accuracy'],
      '0.94',
      "train-1's own metrics, not the other job's",
    );
  });

  it('outside a build (classic release, deployment group) registers but neither uploads model.json nor tags the build', async () => {
    for (const hostType of ['release', 'deployment']) {
      const r = await run({ modelName: 'credit-rel' }, { 'System.HostType': hostType });
      assert.equal(r.result?.result, 'Succeeded', r.stdout);
      assert.equal(r.outputs.modelVersion, '1');
      assert.deepEqual([r.artifacts, r.buildTags], [[], []]);
      assert.ok(
        r.lines.some((l) => l.startsWith(`Not uploading model.json or adding the build tag: this runs with System.HostType '${hostType}'`)),
        r.stdout,
      );
    }
  });

  it('warns when the job logged no metrics, naming the pipeline steps for metricsStepName', async () => {
    const r = await run({ jobName: 'pipe-1', modelName: 'credit-p' });
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    assert.deepEqual(
      r.issues.map((i) => [i.type, i.message]),
      [
        [
          'warning',
          "Azure ML job 'pipe-1' logged no MLflow metrics, so the model gets no metric.* tags and a later AzureMLCompareModels@1 against it finds none; set 'metricsStepName' to the pipeline step that logs them (its steps are prep, train).",
        ],
      ],
    );
    const step = await run({ jobName: 'pipe-1', modelName: 'credit-p2', metricsStepName: 'train' });
    assert.deepEqual(step.issues, []);
    assert.equal((emulator.models.get('credit-p2', '1')!.properties.tags as Record<string, string>)['metric.accuracy'], '0.9');
  });

  it('finds an archived earlier registration of the same output and reuses it', async () => {
    const uri = 'azureml://jobs/train-1/outputs/model';
    emulator.models.seed('credit-arch', '1', {
      jobName: 'train-1',
      modelUri: uri,
      properties: { [SOURCE_PROPERTY]: uri, [SOURCE_KEY_PROPERTY]: sourceKey(uri) },
      archived: true,
    });
    const r = await run({ modelName: 'credit-arch' });
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    assert.equal(r.outputs.modelVersion, '1');
    assert.equal(modelJson(r).reused, true);
    assert.ok(
      r.issues.some(
        (i) =>
          i.type === 'warning' && /^Model credit-arch version 1 is archived; it is reused rather than registered again\./.test(i.message),
      ),
      r.stdout,
    );
    assert.equal(emulator.models.list('credit-arch').length, 1, 'no second version');
  });

  describe('automatic versions when the container does not tell the truth', () => {
    const taken = (r: TaskRunResult) => r.lines.filter((l) => / of credit-v\d was taken | already exists \(from /.test(l));

    it('no nextVersion (older api-versions): counts every version, archived ones included', async () => {
      emulator.models.seed('credit-v1', '1', { jobName: 'other-1' });
      emulator.models.seed('credit-v1', '2', { jobName: 'other-2', archived: true });
      emulator.models.reportNextVersion('credit-v1', null);
      const r = await run({ modelName: 'credit-v1' });
      assert.equal(r.result?.result, 'Succeeded', r.stdout);
      assert.equal(r.outputs.modelVersion, '3');
      assert.deepEqual(taken(r), [], 'the first pick was free');
    });

    it('a stale nextVersion: the version is read before it is written, and the next one is taken', async () => {
      emulator.models.seed('credit-v2', '1', { jobName: 'other-1' });
      emulator.models.seed('credit-v2', '2', { jobName: 'other-2' });
      emulator.models.reportNextVersion('credit-v2', '2');
      const r = await run({ modelName: 'credit-v2' });
      assert.equal(r.result?.result, 'Succeeded', r.stdout);
      assert.equal(r.outputs.modelVersion, '3');
      assert.deepEqual(taken(r), [
        'Version 2 of credit-v2 already exists (from azureml://jobs/other-2/outputs/model), although the model reported it as the next one; trying the next one.',
      ]);
      assert.equal(emulator.models.get('credit-v2', '2')!.properties.jobName, 'other-2', 'the existing version was not touched');
      assert.equal(
        emulator.requests().filter((q) => q.method === 'PUT' && q.path.endsWith('/models/credit-v2/versions/2')).length,
        0,
        'no PUT to a version that exists',
      );
    });

    it('a version taken between the read and the write: the PUT fails, a read shows why, the next one is taken', async () => {
      emulator.models.seed('credit-v3', '1', { jobName: 'other-1' });
      emulator.models.createBeforeNextPut('credit-v3', '2', { jobName: 'rival' });
      const r = await run({ modelName: 'credit-v3' });
      assert.equal(r.result?.result, 'Succeeded', r.stdout);
      assert.equal(r.outputs.modelVersion, '3');
      assert.equal(taken(r).length, 1, r.stdout);
      assert.match(taken(r)[0], /^Version 2 of credit-v3 was taken by another registration meanwhile \(.+\); trying the next one\.$/);
      assert.equal(emulator.models.get('credit-v3', '2')!.properties.jobName, 'rival');
    });
  });

  describe('bad input: one clear line, no version created', () => {
    async function failsWith(extra: Record<string, string>, message: string, options: { azureCalls: boolean }) {
      const before = emulator.requests().length;
      const versions = emulator.models.list('credit').length;
      const r = await run(extra);
      assert.equal(r.result?.result, 'Failed', r.stdout);
      assert.equal(r.result?.message, message);
      assert.ok(!/\n\s+at /.test(r.stdout), 'no stack trace for a user error');
      if (!options.azureCalls) assert.equal(emulator.requests().length, before, 'no request may reach Azure for bad input');
      assert.equal(
        emulator
          .requests()
          .slice(before)
          .filter((q) => q.method === 'PUT').length,
        0,
        'nothing was written',
      );
      assert.equal(emulator.models.list('credit').length, versions);
      assert.deepEqual(r.buildTags, [], 'no build tag for a failed registration');
      assert.deepEqual(r.artifacts, [], 'no model.json for a failed registration');
      assertNoSecretLeak(r, spn.secrets);
    }

    it('a model name Azure ML does not accept', () =>
      failsWith(
        { modelName: 'credit.model' },
        "'modelName' is 'credit.model', which Azure ML does not accept as a model name: use 1 to 255 letters, digits, '-' and '_', starting with a letter or digit (for example credit-risk_model).",
        { azureCalls: false },
      ));

    it('an output the job does not have', () =>
      failsWith(
        { outputName: 'modle' },
        "'outputName' is 'modle', but Azure ML job 'train-1' has no output of that name; its outputs are model, report (and every job has artifacts and default).",
        { azureCalls: true },
      ));

    it('an explicit version that exists with different content', () =>
      failsWith(
        { jobName: 'train-2', version: '1' },
        "'version' is '1', but model credit version 1 already exists with other content (azureml://jobs/train-1/outputs/model, mlflow_model) than this registration (azureml://jobs/train-2/outputs/model, mlflow_model); choose another version or set 'version' to auto.",
        { azureCalls: true },
      ));

    it('an unknown job', () =>
      failsWith(
        { jobName: 'no-such-job' },
        "Azure ML job 'no-such-job' was not found in workspace 'mlw-emulator'; check the 'jobName' input (it is the job's name, not its display name).",
        { azureCalls: true },
      ));

    it('a job that has not completed', () => {
      emulator.jobs.seed(
        'train-running',
        { phases: [{ status: 'Running', seconds: 3600 }], outcome: 'hang' },
        { outputs: { model: 'mlflow_model' } },
      );
      return failsWith(
        { jobName: 'train-running' },
        "Azure ML job 'train-running' is Running, not Completed: a model is registered only from a completed job (run AzureMLWaitForRun@1 before this task, and check the 'jobName' input).",
        { azureCalls: true },
      );
    });

    it('an explicit version that is not a version', () =>
      failsWith(
        { version: '2/3' },
        "'version' must be 'auto' or a version such as 3 (letters, digits, '.', '-', '_', at most 50 characters), got '2/3'",
        { azureCalls: false },
      ));
  });

  conformsToSpec(() => emulator.traffic());
});

/**
 * The training data's profile on the model: AzureMLValidateData@1 hands it over in job variables,
 * AzureMLRegisterModel@1 uploads it to the default datastore (Azurite), registers it as the data
 * asset `<model>-profile:<version>` and names it, with the training data, in the version's
 * properties; findModelProfile reads it back. Re-runs register nothing twice.
 */
describe('AzureMLRegisterModel@1: the training data profile (task process, emulator + Azurite)', function () {
  let azurite: AzuriteHandle;
  let emulator: Emulator;
  let spn: TaskConnection;
  let container: ContainerClient;
  let ctx: DataWorkspace;
  let handoff: Record<string, string>;
  let profileText: string;

  const writes = (from: number) =>
    emulator
      .requests()
      .slice(from)
      .filter((q) => q.method === 'PUT' || q.method === 'DELETE')
      .map((q) => `${q.method} ${q.path.replace(/^.*\/workspaces\/[^/]+/, '')}`);
  const blobNames = async () => {
    const names: string[] = [];
    for await (const b of container.listBlobsFlat()) names.push(b.name);
    return names.sort();
  };

  before(async () => {
    azurite = await startAzurite();
    emulator = await startEmulator({
      seed: 16,
      storage: { blobUrl: azurite.blobUrl, accountName: azurite.accountName, accountKey: azurite.accountKey },
    });
    spn = emulator.connection({ scheme: 'spnKey' });
    container = new ContainerClient(
      `${azurite.blobUrl}/${emulator.datastore.containerName}`,
      new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey),
    );
    const csv = 'age,income,region\n41,56000,north\n58,32000,south\n47,,north\n';
    await container.getBlockBlobClient('data/train.csv').upload(csv, csv.length);
    emulator.assets.seed('data', 'credit-train', '1', {
      dataType: 'uri_file',
      dataUri: 'azureml://datastores/workspaceblobstore/paths/data/train.csv',
    });
    for (const job of ['tp-1', 'tp-2', 'tp-3'])
      emulator.jobs.seed(
        job,
        { phases: [], outcome: 'Completed', metrics: { accuracy: 0.9 } },
        { jobType: 'Command', outputs: { model: 'mlflow_model' } },
      );
    ctx = await productWorkspace(emulator, 'register-profile-test');
    // The validation step of the same job, as the agent runs it: its job variables are the hand-off.
    const validated = await runTask({
      task: 'AzureMLValidateData',
      inputs: {
        connectedServiceNameARM: spn.id,
        resourceGroupName: emulator.resourceGroup,
        workspaceName: emulator.workspaceName,
        data: 'azureml:credit-train@latest',
        expectations: 'age not null',
      },
      env: spn.env,
      timeoutMs: 60_000,
    });
    assert.equal(validated.result?.result, 'Succeeded', validated.stdout);
    handoff = {
      'AzureML.DataProfilePath': validated.variables['AzureML.DataProfilePath'].value,
      'AzureML.TrainingData': validated.variables['AzureML.TrainingData'].value,
    };
    profileText = fs.readFileSync(handoff['AzureML.DataProfilePath'], 'utf8');
  });
  after(async () => {
    await emulator?.stop();
    await azurite?.stop();
  });

  function run(jobName: string, variables: Record<string, string>): Promise<TaskRunResult> {
    return runTask({
      task: 'AzureMLRegisterModel',
      inputs: {
        connectedServiceNameARM: spn.id,
        resourceGroupName: emulator.resourceGroup,
        workspaceName: emulator.workspaceName,
        jobName,
        modelName: 'credit',
      },
      env: spn.env,
      variables: { 'System.Debug': 'true', 'System.HostType': 'build', 'Build.BuildId': '77', ...variables },
      timeoutMs: 60_000,
    });
  }

  it('records the training data and attaches the profile as credit-profile:1, which findModelProfile reads back', async () => {
    assert.equal(handoff['AzureML.TrainingData'], 'azureml:credit-train:1', '@latest pinned by the validation');
    const from = emulator.requests().length;
    const r = await run('tp-1', handoff);
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    const props = emulator.models.get('credit', '1')!.properties.properties as Record<string, string>;
    assert.equal(props[TRAINING_DATA_PROPERTY], 'azureml:credit-train:1');
    assert.equal(props[DATA_PROFILE_PROPERTY], 'azureml:credit-profile:1');
    const asset = emulator.assets.get('data', 'credit-profile', '1')!;
    assert.equal(asset.properties.dataType, 'uri_file');
    const uri = String(asset.properties.dataUri);
    assert.match(uri, /^azureml:\/\/datastores\/workspaceblobstore\/paths\/LocalUpload\/[0-9a-f]{32}\/data-profile\.json$/);
    assert.deepEqual(asset.properties.properties, { 'mlops.model': 'azureml:credit:1', 'mlops.trainingData': 'azureml:credit-train:1' });
    assert.equal((asset.properties.tags as Record<string, string>)['azdo.buildId'], '77');
    const blob = await container.getBlobClient(uri.replace(/^azureml:\/\/datastores\/workspaceblobstore\/paths\//, '')).downloadToBuffer();
    assert.equal(blob.toString('utf8'), profileText, 'the profile file as the validation wrote it');
    // The model version naming the profile, then the profile's asset (its file was uploaded to Azurite first).
    assert.deepEqual(
      writes(from).filter((w) => !w.includes('/oauth2/')),
      ['PUT /models/credit/versions/1', 'PUT /data/credit-profile/versions/1'],
    );
    assert.ok(
      r.lines.some((l) =>
        l.startsWith(
          'Attached the data profile of azureml:credit-train:1 as azureml:credit-profile:1 (azureml://datastores/workspaceblobstore/paths/LocalUpload/',
        ),
      ),
      r.stdout,
    );
    assertNoSecretLeak(r, [...spn.secrets, azurite.accountKey]);

    const found = await findModelProfile(ctx, 'credit', '1');
    assert.ok(found);
    assert.deepEqual(
      { model: found.model, profileAssetId: found.profileAssetId, trainingData: found.trainingData },
      { model: 'azureml:credit:1', profileAssetId: 'azureml:credit-profile:1', trainingData: 'azureml:credit-train:1' },
    );
    assert.deepEqual(found.profile, readProfile(profileText));
    assert.equal(found.profile.rows, 3);
  });

  it('a re-run reuses the version and writes nothing: no version, no asset, no upload', async () => {
    const from = emulator.requests().length;
    const blobs = await blobNames();
    const r = await run('tp-1', handoff);
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    assert.equal(r.outputs.modelVersion, '1');
    assert.deepEqual(writes(from), []);
    assert.deepEqual(await blobNames(), blobs);
    assert.ok(r.lines.includes('The data profile azureml:credit-profile:1 of model credit version 1 is already registered.'), r.stdout);
    assert.equal(emulator.assets.list('data', 'credit-profile').length, 1);
  });

  it('a re-run after the first attempt stopped between the two writes registers the missing profile asset', async () => {
    // The first attempt registered version 2 naming its profile, then stopped before the asset.
    const uri = 'azureml://jobs/tp-2/outputs/model';
    emulator.models.seed('credit', '2', {
      modelUri: uri,
      properties: {
        [SOURCE_PROPERTY]: uri,
        [SOURCE_KEY_PROPERTY]: sourceKey(uri),
        [DATA_PROFILE_PROPERTY]: 'azureml:credit-profile:2',
        [TRAINING_DATA_PROPERTY]: 'azureml:credit-train:1',
      },
    });
    const from = emulator.requests().length;
    const r = await run('tp-2', handoff);
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    assert.equal(r.outputs.modelVersion, '2');
    assert.deepEqual(writes(from), ['PUT /data/credit-profile/versions/2']);
    assert.equal((await findModelProfile(ctx, 'credit', '2'))?.profile.rows, 3);
  });

  it('a reused version registered without a profile keeps none, and says why', async () => {
    const uri = 'azureml://jobs/tp-3/outputs/model';
    emulator.models.seed('credit', '3', { modelUri: uri, properties: { [SOURCE_PROPERTY]: uri, [SOURCE_KEY_PROPERTY]: sourceKey(uri) } });
    const from = emulator.requests().length;
    const r = await run('tp-3', handoff);
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    assert.deepEqual(writes(from), []);
    assert.ok(
      r.lines.some((l) =>
        l.startsWith("Model credit version 3 was registered without a data profile, and a version's properties cannot change"),
      ),
      r.stdout,
    );
    assert.equal(await findModelProfile(ctx, 'credit', '3'), undefined);
  });

  it('findModelProfile: a version that does not exist is a UserError', async () => {
    await assert.rejects(
      findModelProfile(ctx, 'credit', '99'),
      (e: unknown) => e instanceof UserError && /^Model credit version 99 was not found in workspace 'mlw-emulator'/.test(e.message),
    );
  });

  it('a hand-off naming a profile that cannot be read fails before any call to Azure', async () => {
    const from = emulator.requests().length;
    const r = await run('tp-1', { ...handoff, 'AzureML.DataProfilePath': '/nowhere/data-profile.json' });
    assert.equal(r.result?.result, 'Failed', r.stdout);
    assert.equal(
      r.result?.message,
      "AzureML.DataProfilePath is '/nowhere/data-profile.json', which cannot be read (ENOENT); it names the data-profile.json AzureMLValidateData@1 wrote earlier in this job.",
    );
    assert.equal(emulator.requests().length, from);
  });
});
