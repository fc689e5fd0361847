import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { startEmulator, Emulator, TaskConnection } from '../../emulator';
import { runTask, assertNoSecretLeak, TaskRunResult } from '../../devkit/task-runner';
import { conformsToSpec } from '../conformance/conforms';
import { snapshotFolder } from '../../shared/azureml-pipeline/folder-hash';
import { startAzurite, AzuriteHandle } from '../../devkit/azurite';
import { HANDOFF_VARIABLES } from '../../shared/task/handoff-variables';
import { SCORE_COMPONENT } from '../support/pipeline-fixtures';

/**
 * AzureMLPublishPipeline@1 run as the agent runs it, against the emulator (HTTPS) whose default
 * datastore is a real Azurite container.
 */

const PIPELINE = `$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json
type: pipeline
display_name: nightly-train
experiment_name: churn
description: Train, score and report
tags:
  team: data-science
settings:
  default_compute: azureml:cpu-cluster
  continue_on_step_failure: true
inputs:
  epochs: 10
  learning_rate: 0.01
  training_data:
    type: uri_folder
    path: ./data
outputs:
  model:
    mode: upload
jobs:
  train:
    type: command
    code: ./src
    command: python train.py --epochs \${{inputs.epochs}} --data \${{inputs.data}} --model \${{outputs.model}}
    environment: azureml:sklearn-env:3
    inputs:
      epochs: \${{parent.inputs.epochs}}
      data: \${{parent.inputs.training_data}}
    outputs:
      model: \${{parent.outputs.model}}
  score:
    type: command
    component: ./components/score.yml
    inputs:
      model_input: \${{parent.jobs.train.outputs.model}}
    outputs:
      scores:
        mode: upload
  report:
    type: command
    component: azureml:report@latest
    compute: azureml:gpu-cluster
    inputs:
      scores: \${{parent.jobs.score.outputs.scores}}
`;

/** PIPELINE with a sweep step tuning an inline trial over the uploaded training data. */
const SWEEP_PIPELINE = `${PIPELINE}  tune:
    type: sweep
    inputs:
      data: \${{parent.inputs.training_data}}
    outputs:
      best_model:
        mode: upload
    trial:
      code: ./src
      command: python train.py --lr \${{inputs.lr}} --data \${{inputs.data}} --model \${{outputs.best_model}}
      environment: azureml:sklearn-env:3
      inputs:
        data:
          type: uri_folder
        lr:
          type: number
          default: 0.01
      outputs:
        best_model:
          type: uri_folder
    sampling_algorithm: random
    search_space:
      lr:
        type: loguniform
        min_value: -6
        max_value: -1
    objective:
      goal: maximize
      primary_metric: accuracy
    limits:
      max_total_trials: 4
      max_concurrent_trials: 2
      timeout: 3600
    early_termination:
      type: bandit
      evaluation_interval: 1
      slack_factor: 0.1
`;

/** PIPELINE with an inline parallel step scoring the training data in mini-batches with the trained model. */
const PARALLEL_PIPELINE = `${PIPELINE}  batch_score:
    type: parallel
    inputs:
      data: \${{parent.inputs.training_data}}
      model: \${{parent.jobs.train.outputs.model}}
    outputs:
      scored:
        type: uri_file
        mode: rw_mount
    input_data: \${{inputs.data}}
    mini_batch_size: "10kb"
    resources:
      instance_count: 2
    max_concurrency_per_instance: 2
    logging_level: DEBUG
    mini_batch_error_threshold: 5
    retry_settings:
      max_retries: 2
      timeout: 60
    task:
      type: run_function
      code: ./src
      entry_script: score.py
      environment: azureml:sklearn-env:3
      program_arguments: --model \${{inputs.model}}
      append_row_to: \${{outputs.scored}}
`;

function makeRepo(files: Record<string, string> = {}): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'publish-repo-'));
  const all: Record<string, string> = {
    'ml/pipeline.yml': PIPELINE,
    'ml/src/train.py': 'print("train")\n',
    'ml/src/score.py': 'print("score")\n',
    'ml/src/lib/util.py': 'X = 1\n',
    'ml/src/.amlignore': '*.tmp\n',
    'ml/src/scratch.tmp': 'not uploaded',
    'ml/components/score.yml': SCORE_COMPONENT,
    'ml/components/conda.yml': 'name: score\ndependencies:\n  - python=3.10\n',
    'ml/data/train.csv': 'a,b\n1,2\n',
    ...files,
  };
  for (const [rel, text] of Object.entries(all)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

describe('AzureMLPublishPipeline@1 (task process)', function () {
  let azurite: AzuriteHandle;
  let emulator: Emulator;
  let spn: TaskConnection;
  let container: ContainerClient;

  before(async () => {
    azurite = await startAzurite();
    emulator = await startEmulator({
      seed: 3,
      storage: { blobUrl: azurite.blobUrl, accountName: azurite.accountName, accountKey: azurite.accountKey },
    });
    spn = emulator.connection({ scheme: 'spnKey' });
    container = new ContainerClient(
      `${azurite.blobUrl}/${emulator.datastore.containerName}`,
      new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey),
    );
    emulator.assets.seed('environments', 'sklearn-env', '3', { image: 'mcr.microsoft.com/azureml/sklearn:latest' });
    for (const version of ['1', '2']) {
      emulator.assets.seed('components', 'report', version, {
        componentSpec: {
          name: 'report',
          version,
          type: 'command',
          command: 'python report.py',
          inputs: { scores: { type: 'uri_folder' } },
        },
      });
      emulator.clock.advance(1000);
    }
    // A registered parallel component that leaves mini_batch_size to its nodes.
    emulator.assets.seed('components', 'batch_score', '1', {
      componentSpec: {
        name: 'batch_score',
        version: '1',
        type: 'parallel',
        inputs: { data: { type: 'uri_folder' } },
        input_data: '${{inputs.data}}',
        task: { type: 'run_function', entry_script: 'score.py', environment: 'azureml:sklearn-env:3' },
      },
    });
    emulator.assets.seed('data', 'churn-data', '1', {
      dataType: 'uri_folder',
      dataUri: 'azureml://datastores/workspaceblobstore/paths/churn/',
    });
  });
  after(async () => {
    if (emulator) {
      await emulator.stop();
    }
    await azurite?.stop();
  });

  const BUILD = {
    'Build.BuildId': '4711',
    'Build.BuildNumber': '20240601.3',
    'Build.Repository.Name': 'churn-model',
    'Build.SourceVersion': 'abc123',
    'Build.SourceBranch': 'refs/heads/main',
    'System.CollectionUri': 'https://dev.azure.com/contoso/',
    'System.TeamProject': 'ml',
  };

  function run(repo: string, extra: Record<string, string> = {}, variables: Record<string, string> = {}): Promise<TaskRunResult> {
    return runTask({
      task: 'AzureMLPublishPipeline',
      inputs: {
        connectedServiceNameARM: spn.id,
        resourceGroupName: emulator.resourceGroup,
        workspaceName: emulator.workspaceName,
        pipelineFile: 'ml/pipeline.yml',
        ...extra,
      },
      env: spn.env,
      // the repository the agent checked out: filePath inputs are rooted there and the task starts there
      repo,
      variables: { 'System.Debug': 'true', ...BUILD, ...variables },
      timeoutMs: 90_000,
    });
  }

  const writes = () =>
    emulator
      .requests()
      .filter(
        (r) => r.path.startsWith('/subscriptions/') && (r.method === 'PUT' || (r.method === 'POST' && !/listSecrets$/i.test(r.path))),
      );
  const blobNames = async () => {
    const names: string[] = [];
    for await (const b of container.listBlobsFlat()) names.push(b.name);
    return names.sort();
  };

  it('submits the pipeline as az ml does: code uploaded, anonymous components, registered ones resolved, traceability tags', async () => {
    const repo = makeRepo();
    const r = await run(repo);
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    const jobName = r.outputs.jobName;
    assert.match(jobName, /^azdo_4711_[0-9a-f]{10}$/);
    assert.equal(r.variables[HANDOFF_VARIABLES.jobName]?.value, jobName);
    assert.equal(r.variables[HANDOFF_VARIABLES.jobName]?.isOutput, false);
    assert.match(r.outputs.studioUrl, new RegExp(`^https://ml\\.azure\\.com/runs/${jobName}\\?wsid=`));

    const job = emulator.jobs.get(jobName)!;
    const p = job.properties as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- asserting on the untyped REST body
    assert.equal(p.jobType, 'Pipeline');
    assert.equal(job.experimentName, 'churn');
    assert.equal(job.displayName, 'nightly-train (build 20240601.3)');
    assert.match(
      p.description,
      /^Train, score and report\n\nSubmitted by Azure Pipelines: https:\/\/dev\.azure\.com\/contoso\/ml\/_build\/results\?buildId=4711$/,
    );
    assert.equal(job.tags.team, 'data-science');
    assert.equal(job.tags['azdo.buildId'], '4711');
    assert.equal(job.tags['azdo.commit'], 'abc123');
    assert.deepEqual(p.inputs.epochs, { jobInputType: 'literal', value: '10' });
    assert.deepEqual(p.inputs.learning_rate, { jobInputType: 'literal', value: '0.01' });
    assert.equal(p.inputs.training_data.jobInputType, 'uri_folder');
    assert.match(p.inputs.training_data.uri, /^azureml:\/\/datastores\/workspaceblobstore\/paths\/LocalUpload\/[0-9a-f]{32}\/data\/$/);
    assert.deepEqual(p.outputs.model, { jobOutputType: 'uri_folder', mode: 'Upload' });
    assert.equal(p.settings.default_compute, `${wsId()}/computes/cpu-cluster`);
    assert.equal(p.settings.continue_on_step_failure, true);
    assert.equal(p.settings._source, 'YAML.JOB');

    assert.equal(p.jobs.train._source, 'YAML.JOB');
    assert.deepEqual(p.jobs.train.inputs.epochs, { job_input_type: 'literal', value: '${{parent.inputs.epochs}}' });
    assert.deepEqual(p.jobs.train.outputs.model, { type: 'literal', value: '${{parent.outputs.model}}' });
    assert.match(p.jobs.train.componentId, /\/components\/azureml_anonymous\/versions\/[0-9a-f-]{36}$/);
    assert.equal(p.jobs.score._source, 'YAML.COMPONENT');
    assert.deepEqual(p.jobs.score.outputs.scores, { job_output_type: 'uri_folder', mode: 'Upload' });
    assert.equal(p.jobs.report._source, 'REMOTE.WORKSPACE.COMPONENT');
    assert.equal(p.jobs.report.componentId, `${wsId()}/components/report/versions/2`);
    assert.equal(p.jobs.report.computeId, `${wsId()}/computes/gpu-cluster`);

    // The anonymous train component carries the code version and the environment as written.
    const trainComponent = emulator.assets.list('components', 'azureml_anonymous').find((c) => c.id === p.jobs.train.componentId)!;
    const spec = trainComponent.properties.componentSpec as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- untyped componentSpec
    assert.equal(spec.environment, 'azureml:sklearn-env:3');
    // Bound inputs are typed by what they point at (the emulator rejects data bound to a string input, as the service does).
    assert.deepEqual(spec.inputs, { epochs: { type: 'integer' }, data: { type: 'uri_folder' } });
    assert.deepEqual(spec.outputs, { model: { type: 'uri_folder', mode: 'upload' } });
    assert.equal(spec._source, 'YAML.JOB');
    assert.equal((trainComponent.properties.tags as Record<string, string>)['azdo.buildId'], '4711');
    const code = /\/codes\/([^/]+)\/versions\/([^/]+)$/.exec(spec.code)!;
    const codeVersion = emulator.assets.get('codes', code[1], code[2])!;
    assert.match(
      String(codeVersion.properties.codeUri),
      new RegExp(`^${escape(azurite.blobUrl)}/${emulator.datastore.containerName}/LocalUpload/[0-9a-f]{32}/src$`),
    );
    assert.equal((codeVersion.properties.properties as Record<string, string>).hash_version, '202208');
    assert.equal((codeVersion.properties.tags as Record<string, string>)['azdo.repository'], 'churn-model');

    // The score component's inline environment became an anonymous environment version.
    const scoreSpec = emulator.assets.list('components', 'azureml_anonymous').find((c) => c.id === p.jobs.score.componentId)!.properties
      .componentSpec as Record<string, string>;
    // Named and versioned as az ml would (computed by azure-ai-ml's algorithm in Python on the same
    // image and conda file), with the conda file as PyYAML dumps it: az ml's registration is reused.
    assert.match(
      scoreSpec.environment,
      /^azureml:\/subscriptions\/.*\/environments\/CliV2AnonymousEnvironment\/versions\/9bb288bd6f66a546c2162c1ad928cf16$/,
    );
    const env = emulator.assets.get('environments', 'CliV2AnonymousEnvironment', '9bb288bd6f66a546c2162c1ad928cf16')!;
    assert.equal(env.properties.condaFile, 'dependencies:\n- python=3.10\nname: score\n');
    // The same ./src folder is uploaded once for both steps, without the ignored file; the indicator is confirmed.
    const blobs = await blobNames();
    const src = blobs.filter((b) => /\/src\//.test(b));
    assert.deepEqual(
      src.map((b) => b.replace(/^LocalUpload\/[0-9a-f]{32}\//, '')),
      ['src/.amlignore', 'src/lib/util.py', 'src/score.py', 'src/train.py'],
    );
    const indicator = await container.getBlobClient(src.find((b) => b.endsWith('src/.amlignore'))!).getProperties();
    assert.equal(indicator.metadata?.upload_status, 'completed');
    assert.equal(indicator.metadata?.name, code[1]);
    assert.match(
      r.result!.message,
      /^Submitted pipeline job azdo_4711_[0-9a-f]{10} to experiment churn \(3 steps, \d+ bytes uploaded\)\.$/,
    );
    assertNoSecretLeak(r, [...spn.secrets, azurite.accountKey]);
  });

  it('re-publishing unchanged code uploads 0 bytes and creates no new code version', async () => {
    const repo = makeRepo();
    const first = await run(repo);
    assert.equal(first.result?.result, 'Succeeded', first.stdout);
    const codesBefore = emulator.assets.list('codes').length;
    const blobsBefore = await blobNames();
    const second = await run(repo);
    assert.equal(second.result?.result, 'Succeeded', second.stdout);
    assert.match(second.result!.message, /\(3 steps, 0 bytes uploaded\)\.$/);
    assert.ok(
      second.lines.some((l) => /^Code src is unchanged: reusing [0-9a-f-]{36}:1, nothing uploaded\.$/.test(l)),
      second.stdout,
    );
    assert.equal(emulator.assets.list('codes').length, codesBefore);
    assert.deepEqual(await blobNames(), blobsBefore);
    // The anonymous components of both runs are the same versions.
    const a = emulator.jobs.get(first.outputs.jobName)!.properties.jobs as Record<string, { componentId: string }>;
    const b = emulator.jobs.get(second.outputs.jobName)!.properties.jobs as Record<string, { componentId: string }>;
    assert.equal(a.train.componentId, b.train.componentId);
  });

  for (const prefix of ['LocalUpload', 'az-ml-artifacts']) {
    it(`recognises a code folder az ml uploaded under ${prefix}/: 0 code bytes uploaded, its code version reused`, async () => {
      // What `az ml job create` leaves behind: the indicator blob (first file in upload order) with the
      // completed-upload metadata, and the code version named in it.
      const repo = makeRepo({ 'ml/src/train.py': `print("uploaded by az ml under ${prefix}")\n` });
      const snapshot = snapshotFolder(path.join(repo, 'ml', 'src'));
      const codeName = `azml-${prefix.toLowerCase()}-code`;
      const base = `${prefix}/${snapshot.objectHash}/src`;
      await container
        .getBlockBlobClient(`${base}/${snapshot.files[0].relative}`)
        .upload('*.tmp\n', 6, { metadata: { upload_status: 'completed', name: codeName, version: '1' } });
      emulator.assets.seed('codes', codeName, '1', {
        isAnonymous: true,
        codeUri: `${azurite.blobUrl}/${emulator.datastore.containerName}/${base}`,
      });
      const codesBefore = emulator.assets.list('codes').length;
      const r = await run(repo);
      assert.equal(r.result?.result, 'Succeeded', r.stdout);
      assert.ok(r.lines.includes(`Code src is unchanged: reusing ${codeName}:1, nothing uploaded.`), r.stdout);
      assert.equal(emulator.assets.list('codes').length, codesBefore, 'no new code version');
      assert.deepEqual(
        (await blobNames()).filter((b) => b.includes(snapshot.objectHash)),
        [`${base}/${snapshot.files[0].relative}`],
        'nothing uploaded under the folder hash',
      );
      const trainId = (emulator.jobs.get(r.outputs.jobName)!.properties.jobs as Record<string, { componentId: string }>).train.componentId;
      const spec = emulator.assets.list('components', 'azureml_anonymous').find((c) => c.id === trainId)!.properties
        .componentSpec as Record<string, string>;
      assert.equal(spec.code, `azureml:${wsId()}/codes/${codeName}/versions/1`);
    });
  }

  it('publish mode registers a versioned pipeline component and submits nothing', async () => {
    const repo = makeRepo();
    const jobsBefore = emulator.requests().filter((q) => q.method === 'PUT' && /\/jobs\//.test(q.path)).length;
    const r1 = await run(repo, { mode: 'publish', componentName: 'churn_training' });
    assert.equal(r1.result?.result, 'Succeeded', r1.stdout);
    assert.equal(r1.outputs.pipelineComponentId, `${wsId()}/components/churn_training/versions/1`);
    assert.equal(r1.outputs.jobName, undefined);
    const r2 = await run(repo, { mode: 'publish', componentName: 'churn_training' });
    assert.equal(r2.outputs.pipelineComponentId, `${wsId()}/components/churn_training/versions/2`);
    const spec = emulator.assets.get('components', 'churn_training', '2')!.properties.componentSpec as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- untyped componentSpec
    assert.equal(spec.type, 'pipeline');
    assert.deepEqual(Object.keys(spec.jobs), ['train', 'score', 'report']);
    assert.deepEqual(spec.inputs.epochs, { type: 'integer', default: '10' });
    assert.equal(emulator.requests().filter((q) => q.method === 'PUT' && /\/jobs\//.test(q.path)).length, jobsBefore);
  });

  it('applies typed input overrides, a default compute override and extra tags', async () => {
    const repo = makeRepo();
    const r = await run(repo, {
      inputOverrides: 'epochs=25\nlearning_rate=0.5\ntraining_data=azureml:churn-data:1',
      defaultCompute: 'gpu-cluster',
      tags: 'owner=ml-team',
    });
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    const p = emulator.jobs.get(r.outputs.jobName)!.properties as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- untyped REST body
    assert.equal(p.inputs.epochs.value, '25');
    assert.equal(p.inputs.learning_rate.value, '0.5');
    assert.equal(p.inputs.training_data.uri, `${wsId()}/data/churn-data/versions/1`);
    assert.equal(p.settings.default_compute, `${wsId()}/computes/gpu-cluster`);
    assert.equal(emulator.jobs.get(r.outputs.jobName)!.tags.owner, 'ml-team');
  });

  it('resolves model inputs as models, and a defaultCompute override replaces a stale top-level compute', async () => {
    emulator.models.seed('churn-model', '3', {});
    const yml = `type: pipeline
compute: azureml:old-cluster
inputs:
  base_model:
    type: mlflow_model
    path: azureml:churn-model:3
  notes:
    type: custom_model
    path: azureml:churn-model@latest
jobs:
  finetune:
    command: python finetune.py --model \${{inputs.model}}
    environment: azureml:sklearn-env:3
    inputs:
      model: \${{parent.inputs.base_model}}
      extra:
        path: \${{parent.inputs.notes}}
        mode: download
`;
    const repo = makeRepo({ 'ml/pipeline.yml': yml });
    const r = await run(repo, { defaultCompute: 'gpu-cluster' });
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    const p = emulator.jobs.get(r.outputs.jobName)!.properties as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- untyped REST body
    assert.deepEqual(p.inputs.base_model, { jobInputType: 'mlflow_model', uri: `${wsId()}/models/churn-model/versions/3` });
    assert.equal(p.inputs.notes.uri, `${wsId()}/models/churn-model/versions/3`);
    assert.equal(p.computeId, `${wsId()}/computes/gpu-cluster`);
    assert.equal(p.settings.default_compute, `${wsId()}/computes/gpu-cluster`);
    assert.deepEqual(p.jobs.finetune.inputs.extra, { job_input_type: 'literal', value: '${{parent.inputs.notes}}', mode: 'Download' });
    const spec = emulator.assets.list('components', 'azureml_anonymous').find((c) => c.id === p.jobs.finetune.componentId)!.properties
      .componentSpec as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- untyped componentSpec
    assert.deepEqual(spec.inputs, { model: { type: 'mlflow_model' }, extra: { type: 'custom_model', mode: 'download' } });
  });

  it('publish numbers the new version with the container nextVersion and never reuses an existing one', async () => {
    // An existing numbered version and a newer non-numeric one: "newest + 1, else 1" would re-PUT version 1.
    emulator.assets.seed('components', 'churn_release', '1', {
      componentSpec: { name: 'churn_release', version: '1', type: 'pipeline', jobs: {} },
    });
    emulator.clock.advance(1000);
    emulator.assets.seed('components', 'churn_release', 'beta', {
      componentSpec: { name: 'churn_release', version: 'beta', type: 'pipeline', jobs: {} },
    });
    const r = await run(makeRepo(), { mode: 'publish', componentName: 'churn_release' });
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    assert.equal(r.outputs.pipelineComponentId, `${wsId()}/components/churn_release/versions/2`);
    assert.deepEqual(
      emulator.assets.get('components', 'churn_release', '1')!.properties.componentSpec,
      { name: 'churn_release', version: '1', type: 'pipeline', jobs: {} },
      'version 1 is untouched',
    );
    assert.match(r.result!.message, /^Published pipeline component churn_release:2 \(3 steps, \d+ bytes uploaded\)\.$/);
  });

  it('sends what az ml would for YAML 1.1 values, output paths, distribution, limits and resources (the emulator refuses YAML-form nodes)', async () => {
    const pipeline = PIPELINE.replace('  epochs: 10\n', '  epochs: 010\n  window: 1:30\n  verbose: yes\n  lr_text: 1e-3\n')
      .replace(
        'outputs:\n  model:\n    mode: upload\n',
        'outputs:\n  model:\n    mode: upload\n    path: azureml://datastores/workspaceblobstore/paths/models/churn/\n',
      )
      .replace(
        '    environment: azureml:sklearn-env:3\n',
        '    environment: azureml:sklearn-env:3\n    distribution:\n      type: pytorch\n      process_count_per_instance: 2\n    limits:\n      timeout: 5400\n    resources:\n      instance_count: 2\n      shm_size: 8g\n',
      );
    const r = await run(makeRepo({ 'ml/pipeline.yml': pipeline }));
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    const p = emulator.jobs.get(r.outputs.jobName)!.properties as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- untyped REST body
    assert.deepEqual(p.inputs.epochs, { jobInputType: 'literal', value: '8' });
    assert.deepEqual(p.inputs.window, { jobInputType: 'literal', value: '90' });
    assert.deepEqual(p.inputs.verbose, { jobInputType: 'literal', value: 'True' });
    assert.deepEqual(p.inputs.lr_text, { jobInputType: 'literal', value: '1e-3' });
    assert.deepEqual(p.outputs.model, {
      jobOutputType: 'uri_folder',
      uri: 'azureml://datastores/workspaceblobstore/paths/models/churn/',
      mode: 'Upload',
    });
    assert.deepEqual(p.jobs.train.distribution, { distribution_type: 'PyTorch', process_count_per_instance: 2 });
    assert.deepEqual(p.jobs.train.limits, { job_limits_type: 'Command', timeout: 'PT1H30M' });
    assert.deepEqual(p.jobs.train.resources, { instance_count: 2, shm_size: '8g' });
    const spec = emulator.assets.list('components', 'azureml_anonymous').find((c) => c.id === p.jobs.train.componentId)!.properties
      .componentSpec as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- untyped componentSpec
    assert.deepEqual(spec.distribution, { type: 'pytorch', process_count_per_instance: 2 });
    assert.deepEqual(spec.resources, { instance_count: 2, shm_size: '8g' });
  });

  it('submits a sweep step as az ml does: trial registered as an anonymous command component, sweep fields on the node (the emulator refuses other forms)', async () => {
    const repo = makeRepo({ 'ml/pipeline.yml': SWEEP_PIPELINE });
    const r = await run(repo);
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    const p = emulator.jobs.get(r.outputs.jobName)!.properties as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- the untyped REST body
    const node = p.jobs.tune;
    assert.equal(node.type, 'sweep');
    assert.equal(node._source, 'YAML.JOB');
    assert.equal(node.componentId, undefined);
    assert.match(node.trial.componentId, /\/components\/azureml_anonymous\/versions\/[0-9a-f-]{36}$/);
    assert.equal(node.sampling_algorithm, 'random');
    assert.deepEqual(node.objective, { goal: 'maximize', primary_metric: 'accuracy' });
    assert.deepEqual(node.limits, { max_total_trials: 4, max_concurrent_trials: 2, timeout: 3600 });
    assert.deepEqual(node.search_space, { lr: { type: 'loguniform', min_value: -6, max_value: -1 } });
    assert.deepEqual(node.early_termination, {
      policy_type: 'Bandit',
      delay_evaluation: 0,
      evaluation_interval: 1,
      slack_amount: 0,
      slack_factor: 0.1,
    });
    assert.deepEqual(node.inputs.data, { job_input_type: 'literal', value: '${{parent.inputs.training_data}}' });
    const trial = emulator.assets.list('components', 'azureml_anonymous').find((c) => c.id === node.trial.componentId)!;
    const spec = trial.properties.componentSpec as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- untyped componentSpec
    assert.equal(spec.type, 'command');
    assert.deepEqual(spec.inputs, { data: { type: 'uri_folder' }, lr: { type: 'number', default: '0.01' } });
    assert.match(spec.code, /\/codes\/[0-9a-f-]+\/versions\/1$/);
    // The trial shares the code folder of the train step: one code version, not two.
    assert.equal(
      spec.code,
      (
        emulator.assets.list('components', 'azureml_anonymous').find((c) => c.id === p.jobs.train.componentId)!.properties
          .componentSpec as Record<string, unknown>
      ).code,
    );

    // AzureMLWaitForRun@1 on the submitted job shows the sweep's trials (max_total_trials: 4) as steps.
    const wait = await runTask({
      task: 'AzureMLWaitForRun',
      inputs: {
        connectedServiceNameARM: spn.id,
        resourceGroupName: emulator.resourceGroup,
        workspaceName: emulator.workspaceName,
        jobName: r.outputs.jobName,
        pollIntervalSeconds: '1',
        maxPollIntervalSeconds: '1',
      },
      env: spn.env,
      variables: { 'System.Debug': 'true' },
      timeoutMs: 90_000,
    });
    assert.equal(wait.result?.result, 'Succeeded', wait.stdout);
    for (const n of [0, 1, 2, 3])
      assert.ok(
        wait.lines.some((l) => new RegExp(`^  step tune trial ${n}: .*Completed$`).test(l)),
        wait.lines.join('\n'),
      );
    assert.ok(!wait.lines.some((l) => /step tune trial 4/.test(l)), 'no more trials than max_total_trials');
  });

  it('submits a parallel step as az ml does: an anonymous parallel component, the task and parallel fields on the node (the emulator refuses other forms)', async () => {
    const r = await run(makeRepo({ 'ml/pipeline.yml': PARALLEL_PIPELINE }));
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    const p = emulator.jobs.get(r.outputs.jobName)!.properties as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- the untyped REST body
    const node = p.jobs.batch_score;
    assert.equal(node.type, 'parallel');
    assert.equal(node._source, 'YAML.JOB');
    assert.equal(node.mini_batch_size, 10240);
    assert.deepEqual(node.retry_settings, { max_retries: 2, timeout: 60 });
    assert.equal(node.logging_level, 'DEBUG');
    assert.equal(node.input_data, '${{inputs.data}}');
    assert.deepEqual(node.resources, { instance_count: 2 });
    assert.equal(node.max_concurrency_per_instance, 2);
    assert.equal(node.mini_batch_error_threshold, 5);
    assert.deepEqual(node.inputs.model, { job_input_type: 'literal', value: '${{parent.jobs.train.outputs.model}}' });
    const spec = emulator.assets.list('components', 'azureml_anonymous').find((c) => c.id === node.componentId)!.properties
      .componentSpec as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- untyped componentSpec
    assert.equal(spec.type, 'parallel');
    assert.equal(spec.mini_batch_size, '10240');
    assert.deepEqual(spec.inputs, { data: { type: 'uri_folder' }, model: { type: 'uri_folder' } });
    assert.deepEqual(spec.outputs, { scored: { type: 'uri_file', mode: 'rw_mount' } });
    // The node carries the component's task, code and environment resolved.
    assert.deepEqual(node.task, spec.task);
    assert.equal(node.task.environment, 'azureml:sklearn-env:3');
    assert.equal(node.task.entry_script, 'score.py');
    // The task shares the code folder of the train step: one code version, not two.
    const trainSpec = emulator.assets.list('components', 'azureml_anonymous').find((c) => c.id === p.jobs.train.componentId)!.properties
      .componentSpec as Record<string, unknown>;
    assert.equal(node.task.code, trainSpec.code);
    assert.match(node.task.code, /^azureml:\/subscriptions\/.*\/codes\/[0-9a-f-]+\/versions\/1$/);
  });

  it('submits a parallel step over a registered parallel component with the mini_batch_size the node gives', async () => {
    const r = await run(
      makeRepo({
        'ml/pipeline.yml': `${PIPELINE}  batch_score:\n    type: parallel\n    component: azureml:batch_score:1\n    inputs:\n      data: \${{parent.inputs.training_data}}\n    mini_batch_size: 100\n`,
      }),
    );
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    const node = (emulator.jobs.get(r.outputs.jobName)!.properties as Record<string, any>).jobs.batch_score; // eslint-disable-line @typescript-eslint/no-explicit-any -- the untyped REST body
    assert.equal(node._source, 'REMOTE.WORKSPACE.COMPONENT');
    assert.equal(node.componentId, `${wsId()}/components/batch_score/versions/1`);
    assert.equal(node.mini_batch_size, 100);
    assert.equal(node.task, undefined, 'the registered component carries the task');
  });

  it("'both' submits first: a job the service rejects leaves no pipeline component version behind", async () => {
    // The registered report component declares scores as uri_folder; binding a literal to it is rejected at the job PUT.
    const repo = makeRepo({
      'ml/pipeline.yml': PIPELINE.replace('scores: ${{parent.jobs.score.outputs.scores}}', 'scores: ${{parent.inputs.epochs}}'),
    });
    const r = await run(repo, { mode: 'both', componentName: 'churn_both' });
    assert.equal(r.result?.result, 'Failed', r.stdout);
    assert.match(r.result!.message, /Input 'scores' of node 'report' is declared as 'uri_folder'/);
    assert.equal(emulator.assets.list('components', 'churn_both').length, 0);
  });

  const wsId = () =>
    `/subscriptions/${emulator.subscriptionId}/resourceGroups/${emulator.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${emulator.workspaceName}`;
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

  // Each bad input: the exact line the user sees, and nothing written in Azure (or the datastore).
  const BAD: Array<{ name: string; files?: Record<string, string>; inputs?: Record<string, string>; message: string; noCalls?: boolean }> =
    [
      {
        name: 'a YAML syntax error',
        files: { 'ml/pipeline.yml': 'type: pipeline\njobs:\n  train:\n    command: [echo\n' },
        message:
          'YAML syntax error in ml/pipeline.yml:5:1: Flow sequence in block collection must be sufficiently indented and end with a ]',
        noCalls: true,
      },
      {
        name: 'a spark step',
        files: { 'ml/pipeline.yml': PIPELINE.replace('  report:\n    type: command', '  report:\n    type: spark') },
        message:
          "Step 'report' in ml/pipeline.yml is a 'spark' step, which AzureMLPublishPipeline@1 does not support yet; supported step types: command, sweep, parallel.",
        noCalls: true,
      },
      {
        name: 'a sweep without an objective',
        files: { 'ml/pipeline.yml': SWEEP_PIPELINE.replace('    objective:\n      goal: maximize\n      primary_metric: accuracy\n', '') },
        message:
          "Step 'tune' in ml/pipeline.yml is a sweep without 'objective': give 'goal' (minimize or maximize) and 'primary_metric' (the metric the trial logs).",
        noCalls: true,
      },
      {
        name: 'a sweep with an unknown sampling algorithm',
        files: { 'ml/pipeline.yml': SWEEP_PIPELINE.replace('sampling_algorithm: random', 'sampling_algorithm: hyperband') },
        message:
          "Step 'tune' in ml/pipeline.yml has 'sampling_algorithm: hyperband', which Azure ML does not know; Azure ML sampling algorithms: random, grid, bayesian.",
        noCalls: true,
      },
      {
        name: 'a search-space entry of an unknown type',
        files: { 'ml/pipeline.yml': SWEEP_PIPELINE.replace('type: loguniform', 'type: logarithmic') },
        message:
          "Step 'tune' in ml/pipeline.yml 'search_space.lr' has type 'logarithmic', which Azure ML does not know; search space types: choice, uniform, loguniform, quniform, qloguniform, normal, lognormal, qnormal, qlognormal, randint.",
        noCalls: true,
      },
      {
        name: 'a parallel step without mini_batch_size',
        files: { 'ml/pipeline.yml': PARALLEL_PIPELINE.replace('    mini_batch_size: "10kb"\n', '') },
        message:
          "Step 'batch_score' in ml/pipeline.yml is a parallel step without 'mini_batch_size': give the number of files (for example 10) or the data size (for example 10mb) each run() call gets, or 'partition_keys'.",
        noCalls: true,
      },
      {
        name: 'a parallel task of an unknown type',
        files: { 'ml/pipeline.yml': PARALLEL_PIPELINE.replace('type: run_function', 'type: run_command') },
        message:
          "Step 'batch_score' in ml/pipeline.yml has 'task.type: run_command', which Azure ML does not run; parallel task types: run_function.",
        noCalls: true,
      },
      {
        name: 'a parallel retry timeout that is not a whole number of seconds',
        files: { 'ml/pipeline.yml': PARALLEL_PIPELINE.replace('timeout: 60', 'timeout: 1m') },
        message:
          "Step 'batch_score' in ml/pipeline.yml 'retry_settings.timeout' must be a whole number of seconds from 1 to 259200 (for example 60), got '1m'.",
        noCalls: true,
      },
      {
        name: 'a parallel step over a registered component where neither gives mini_batch_size',
        files: {
          'ml/pipeline.yml': `${PIPELINE}  batch_score:\n    type: parallel\n    component: azureml:batch_score:1\n    inputs:\n      data: \${{parent.inputs.training_data}}\n`,
        },
        message:
          "Step 'batch_score' in ml/pipeline.yml (component azureml:batch_score:1) is a parallel step without 'mini_batch_size': give the number of files (for example 10) or the data size (for example 10mb) each run() call gets, or 'partition_keys'.",
      },
      {
        name: 'a parallel step over a registered command component',
        files: {
          'ml/pipeline.yml': `${PIPELINE}  batch_score:\n    type: parallel\n    component: azureml:report@latest\n    inputs:\n      scores: \${{parent.inputs.training_data}}\n`,
        },
        message: "Step 'batch_score' in ml/pipeline.yml is a parallel step, but component azureml:report@latest is a 'command' component.",
      },
      {
        name: 'a distribution type Azure ML does not know',
        files: {
          'ml/pipeline.yml': PIPELINE.replace(
            '    environment: azureml:sklearn-env:3\n',
            '    environment: azureml:sklearn-env:3\n    distribution:\n      type: horovod\n',
          ),
        },
        message:
          "Step 'train' in ml/pipeline.yml has 'distribution.type: horovod', which Azure ML does not know; Azure ML distribution types: mpi, pytorch, tensorflow.",
        noCalls: true,
      },
      {
        name: 'an output path on a datastore that does not exist',
        files: {
          'ml/pipeline.yml': PIPELINE.replace(
            'outputs:\n  model:\n    mode: upload\n',
            'outputs:\n  model:\n    mode: upload\n    path: azureml://datastores/nostore/paths/m/\n',
          ),
        },
        message: "Datastore 'nostore' (pipeline output 'model') does not exist in workspace 'mlw-emulator'.",
      },
      {
        name: 'a missing code folder',
        files: { 'ml/pipeline.yml': PIPELINE.replace('code: ./src', 'code: ./srcc') },
        message: "Code folder './srcc' of step 'train' (ml/pipeline.yml) does not exist: ml/srcc",
        noCalls: true,
      },
      {
        name: 'a missing conda file',
        files: { 'ml/components/score.yml': SCORE_COMPONENT.replace('./conda.yml', './conda-missing.yml') },
        message:
          "Conda file './conda-missing.yml' of step 'score' (ml/components/score.yml) does not exist: ml/components/conda-missing.yml",
        noCalls: true,
      },
      {
        name: 'a binding to an undeclared input',
        files: { 'ml/pipeline.yml': PIPELINE.replace('epochs: ${{parent.inputs.epochs}}', 'epochs: ${{parent.inputs.epoch}}') },
        message:
          "Step 'train' input 'epochs' in ml/pipeline.yml binds to ${{parent.inputs.epoch}}, but the pipeline declares no input 'epoch'; declared inputs: epochs, learning_rate, training_data.",
        noCalls: true,
      },
      {
        name: 'a binding to an unknown step',
        files: { 'ml/pipeline.yml': PIPELINE.replace('${{parent.jobs.train.outputs.model}}', '${{parent.jobs.trian.outputs.model}}') },
        message:
          "Step 'score' input 'model_input' in ml/pipeline.yml binds to ${{parent.jobs.trian.outputs.model}}, but the pipeline has no step 'trian'; steps: train, score, report.",
        noCalls: true,
      },
      {
        name: 'an override for an undeclared input',
        inputs: { inputOverrides: 'epochs=3\nbatch_size=64' },
        message:
          "'inputOverrides' line 2 sets 'batch_size', which ml/pipeline.yml does not declare as a pipeline input; declared inputs: epochs, learning_rate, training_data.",
        noCalls: true,
      },
      {
        name: 'an override of the wrong type',
        inputs: { inputOverrides: 'epochs=ten' },
        message: "'inputOverrides' line 1 sets 'epochs' to 'ten', but it is an integer input in ml/pipeline.yml.",
        noCalls: true,
      },
      {
        name: 'a registered component that does not exist',
        files: { 'ml/pipeline.yml': PIPELINE.replace('azureml:report@latest', 'azureml:report:7') },
        message: "Component 'report' version '7' (azureml:report:7, step 'report') does not exist in workspace 'mlw-emulator'.",
      },
      {
        name: 'a component name with no versions',
        files: { 'ml/pipeline.yml': PIPELINE.replace('azureml:report@latest', 'azureml:reprot@latest') },
        message: "Component 'reprot' (azureml:reprot@latest, step 'report') has no versions in workspace 'mlw-emulator'.",
      },
      {
        name: 'an environment that does not exist',
        files: { 'ml/pipeline.yml': PIPELINE.replace('azureml:sklearn-env:3', 'azureml:sklearn-env:9') },
        message: "Environment 'sklearn-env' version '9' (azureml:sklearn-env:9, step 'train') does not exist in workspace 'mlw-emulator'.",
      },
      {
        name: 'a data asset that does not exist',
        inputs: { inputOverrides: 'training_data=azureml:churn-data:4' },
        message:
          "Data asset 'churn-data' version '4' (azureml:churn-data:4, pipeline input 'training_data') does not exist in workspace 'mlw-emulator'.",
      },
      {
        name: 'an unknown compute',
        files: { 'ml/pipeline.yml': PIPELINE.replace('compute: azureml:gpu-cluster', 'compute: azureml:gpu-clstr') },
        message: "Compute 'gpu-clstr' (step 'report') does not exist in workspace 'mlw-emulator'; computes: cpu-cluster, gpu-cluster.",
      },
      {
        name: 'a default datastore that does not exist',
        files: {
          'ml/pipeline.yml': PIPELINE.replace(
            '  continue_on_step_failure: true',
            '  continue_on_step_failure: true\n  default_datastore: azureml:missing_store',
          ),
        },
        message: "Datastore 'missing_store' (settings.default_datastore in ml/pipeline.yml) does not exist in workspace 'mlw-emulator'.",
      },
      {
        name: 'an input URI on a datastore that does not exist',
        inputs: { inputOverrides: 'training_data=azureml://datastores/nostore/paths/churn/' },
        message: "Datastore 'nostore' (pipeline input 'training_data') does not exist in workspace 'mlw-emulator'.",
      },
      {
        name: 'an input a registered component does not declare',
        files: {
          'ml/pipeline.yml': PIPELINE.replace(
            'scores: ${{parent.jobs.score.outputs.scores}}',
            'scorez: ${{parent.jobs.score.outputs.scores}}',
          ),
        },
        message:
          "Step 'report' in ml/pipeline.yml sets input 'scorez', which component azureml:report@latest does not declare; its inputs: scores.",
      },
      {
        name: 'a binding to an output a registered component does not have',
        files: {
          'ml/pipeline.yml': PIPELINE.replace(
            'model_input: ${{parent.jobs.train.outputs.model}}',
            'model_input: ${{parent.jobs.report.outputs.summary}}',
          ),
        },
        message:
          "Step 'score' input 'model_input' in ml/pipeline.yml binds to ${{parent.jobs.report.outputs.summary}}, but step 'report' has no output 'summary'; its outputs: none.",
      },
    ];

  for (const bad of BAD) {
    it(`rejects ${bad.name} with one clear line and creates nothing`, async () => {
      const repo = makeRepo(bad.files);
      const requestsBefore = emulator.requests().length;
      const writesBefore = writes().length;
      const blobsBefore = await blobNames();
      const r = await run(repo, bad.inputs);
      assert.equal(r.result?.result, 'Failed', r.stdout);
      assert.equal(r.result?.message, bad.message);
      assert.ok(!/\n\s+at /.test(r.stdout), 'no stack trace for a user error');
      assert.equal(writes().length, writesBefore, 'nothing may be written in Azure');
      assert.deepEqual(await blobNames(), blobsBefore, 'nothing may be uploaded');
      if (bad.noCalls) assert.equal(emulator.requests().length, requestsBefore, 'a YAML or input error must not reach Azure');
    });
  }

  conformsToSpec(() => emulator.traffic());
});
