import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { startEmulator, Emulator, TaskConnection } from '../../emulator';
import { runTask, assertNoSecretLeak, TaskRunResult } from '../harness/task-runner';
import { saveTraffic } from '../harness/traffic';

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
  };

  before(async () => {
    emulator = await startEmulator({ seed: 12 });
    spn = emulator.connection({ scheme: 'spnKey' });
    emulator.jobs.seed('train-1', { phases: [], outcome: 'Completed', metrics: { accuracy: 0.94, rmse: 0.38 } }, { jobType: 'Command', outputs: { model: 'mlflow_model', report: 'uri_folder' } });
    emulator.jobs.seed('train-2', { phases: [], outcome: 'Completed', metrics: { accuracy: 0.95 } }, { jobType: 'Command', outputs: { model: 'mlflow_model' } });
  });
  after(async () => {
    saveTraffic(emulator.traffic(), 'register-model');
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
    assert.deepEqual(
      [r.outputs.modelName, r.outputs.modelVersion, r.outputs.modelId],
      ['credit', '1', 'azureml:credit:1'],
    );
    assert.match(r.outputs.modelAssetId, /\/workspaces\/mlw-emulator\/models\/credit\/versions\/1$/);
    assert.equal(r.variables['AzureML.ModelId']?.value, 'azureml:credit:1');
    assert.deepEqual(r.buildTags, ['model-registered']);
    assert.equal(r.artifacts[0].artifactName, 'model');
    const m = modelJson(r);
    assert.deepEqual(
      { name: m.name, version: m.version, id: m.id, jobName: m.jobName, buildId: m.buildId, metrics: m.metrics, reused: m.reused, modelUri: m.modelUri },
      { name: 'credit', version: '1', id: 'azureml:credit:1', jobName: 'train-1', buildId: '4711', metrics: { accuracy: 0.94, rmse: 0.38 }, reused: false, modelUri: 'azureml://jobs/train-1/outputs/model' },
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
    assert.equal(r.result?.message, 'Model credit version 1 was already registered from azureml://jobs/train-1/outputs/model (by build 4711); reusing it instead of creating another version.');
    assert.equal(modelJson(r).reused, true);
    assert.deepEqual(r.buildTags, ['model-registered']);
    assert.equal(emulator.models.list('credit').length, 1, 'no second version');
  });

  it("takes the next version, and tags the compare step's verdict and metrics", async () => {
    const r = await run({ jobName: 'train-2' }, {
      'AzureML.Compare.JobName': 'train-2',
      'AzureML.Compare.Promote': 'true',
      'AzureML.Compare.Reason': 'The candidate meets all 1 rule against production model credit:1.',
      'AzureML.Compare.ProductionModel': 'credit:1',
      'AzureML.Compare.CandidateMetrics': '{"accuracy":0.95,"f1":0.7}',
    });
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
    const r = await run({ modelSource: 'uri', modelUri: 'azureml://jobs/train-1/outputs/report/paths/onnx/', modelName: 'credit-onnx', modelType: 'custom_model', version: '10' });
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    const v = emulator.models.get('credit-onnx', '10')!;
    assert.equal(v.properties.modelUri, 'azureml://jobs/train-1/outputs/report/paths/onnx');
    assert.equal(v.properties.modelType, 'custom_model');
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
      assert.equal(emulator.requests().slice(before).filter((q) => q.method === 'PUT').length, 0, 'nothing was written');
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
      failsWith({ jobName: 'no-such-job' }, "Azure ML job 'no-such-job' was not found in workspace 'mlw-emulator'; check the 'jobName' input (it is the job's name, not its display name).", { azureCalls: true }));

    it('a job that has not completed', () => {
      emulator.jobs.seed('train-running', { phases: [{ status: 'Running', seconds: 3600 }], outcome: 'hang' }, { outputs: { model: 'mlflow_model' } });
      return failsWith(
        { jobName: 'train-running' },
        "Azure ML job 'train-running' is Running, not Completed: a model is registered only from a completed job (run AzureMLWaitForRun@1 before this task, and check the 'jobName' input).",
        { azureCalls: true },
      );
    });

    it('an explicit version that is not a version', () =>
      failsWith({ version: '2/3' }, "'version' must be 'auto' or a version such as 3 (letters, digits, '.', '-', '_', at most 50 characters), got '2/3'", { azureCalls: false }));
  });
});
