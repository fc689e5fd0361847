/**
 * The conformance test's own traffic: one ML Build and ML Release worth of task runs (the bundled
 * tasks, run as the agent runs them) against a fresh emulator and Azurite, chosen so that together
 * they call every Azure ML ARM operation the tasks and their pickers use. The conformance test
 * validates what this produces, so it depends on no other test file having run before it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulator, type Emulator, type TaskConnection, type TrafficEntry } from '../../emulator';
import { startAzurite, type AzuriteHandle } from '../../devkit/azurite';
import { runTask, type RunTaskOptions, type TaskRunResult } from '../../devkit/task-runner';
import { secretCredential, wsPath } from '../../devkit/emulator-clients';
import { writePackageManifest } from '../../devkit/package-manifest';
import { evaluateBinding } from '../harness/data-source-binding';
import { SCORE_COMPONENT } from '../support/pipeline-fixtures';

interface TourStep {
  step: string;
  result: string;
  ms: number;
}

export interface Tour {
  /** every ARM request/response pair the task runs and the pickers made (none of the seeding) */
  traffic: TrafficEntry[];
  steps: TourStep[];
}

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** A pipeline that reaches every read and write publishing does: data asset, registered components by version and @latest, a local component with its own environment, code upload, a named datastore. */
const pipeline = (datastore: string) => `type: pipeline
display_name: conformance-tour
experiment_name: conformance
settings:
  default_compute: azureml:cpu-cluster
  default_datastore: azureml:${datastore}
inputs:
  training_data:
    type: uri_folder
    path: azureml:churn-data:1
jobs:
  train:
    type: command
    code: ./src
    command: python train.py --data \${{inputs.data}} --model \${{outputs.model}}
    environment: azureml:sklearn-env:3
    inputs:
      data: \${{parent.inputs.training_data}}
    outputs:
      model:
        mode: upload
  score:
    type: command
    component: ./components/score.yml
    inputs:
      model_input: \${{parent.jobs.train.outputs.model}}
  report:
    type: command
    component: azureml:report@latest
    inputs:
      scores: \${{parent.jobs.score.outputs.scores}}
  archive:
    type: command
    component: azureml:report:1
    inputs:
      scores: \${{parent.jobs.score.outputs.scores}}
`;

const SCORE_PY = 'import json\n\ndef init():\n    pass\n\ndef run(raw_data):\n    return {"predictions": [0.2, 0.8]}\n';

function writeTree(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
}

function seed(emulator: Emulator): void {
  emulator.assets.seed('environments', 'sklearn-env', '3', { image: 'mcr.microsoft.com/azureml/sklearn:latest' });
  for (const version of ['1', '2']) {
    emulator.assets.seed('components', 'report', version, {
      componentSpec: { name: 'report', version, type: 'command', command: 'python report.py', inputs: { scores: { type: 'uri_folder' } } },
    });
    emulator.clock.advance(1000);
  }
  emulator.assets.seed('data', 'churn-data', '1', {
    dataType: 'uri_folder',
    dataUri: `azureml://datastores/${emulator.datastore.name}/paths/churn/`,
  });
  // The candidate: a finished pipeline whose train step logged its metrics and output a model.
  emulator.jobs.seed(
    'tour-train',
    {
      phases: [],
      outcome: 'Completed',
      children: [{ name: 'tour-train-step', displayName: 'train', phases: [], outcome: 'Completed', metrics: { accuracy: 0.95 } }],
    },
    { jobType: 'Pipeline', outputs: { model: 'mlflow_model' } },
  );
  emulator.jobs.seed('tour-hang', { phases: [{ status: 'Running', seconds: 1 }], outcome: 'hang' });
  // Production before the release: credit:1 behind credit-prod, its metric in a tag.
  emulator.models.seed('credit', '1', { jobName: 'old-1', tags: { 'metric.accuracy': '0.9' } });
  emulator.endpoints.seed({
    name: 'credit-prod',
    traffic: { blue: 100 },
    deployments: [{ name: 'blue', model: { name: 'credit', version: '1' } }],
  });
  // A model whose answers the smoke test rejects: the release rolls it back and prints its logs.
  emulator.models.seed('broken', '1');
  emulator.endpoints.behave('broken:1', { provisionSeconds: 1, scoring: 'wrongShape' });
  emulator.computes.seed({ name: 'aks', instanceTypes: { defaultinstancetype: {} } });
  emulator.endpoints.defaultBehaviour = { provisionSeconds: 1, response: { predictions: [0.2, 0.8] } };
}

/** Runs the tour; always stops the servers it started. Throws, with the task's output, when a step ends otherwise than planned. */
export async function runTaskTour(): Promise<Tour> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'conformance-tour-'));
  let azurite: AzuriteHandle | undefined;
  let emulator: Emulator | undefined;
  const steps: TourStep[] = [];
  try {
    azurite = await startAzurite();
    emulator = await startEmulator({
      seed: 21,
      storage: { blobUrl: azurite.blobUrl, accountName: azurite.accountName, accountKey: azurite.accountKey },
    });
    const e = emulator;
    seed(e);
    e.clearTraffic();
    const spn: TaskConnection = e.connection({ scheme: 'spnKey' });
    const repo = path.join(work, 'repo');
    writeTree(repo, {
      'ml/pipeline.yml': pipeline(e.datastore.name),
      'ml/src/train.py': 'print("train")\n',
      'ml/src/score.py': SCORE_PY,
      'ml/components/score.yml': SCORE_COMPONENT,
      'ml/components/conda.yml': 'name: score\ndependencies:\n  - python=3.10\n',
      'deploy/payload.json': JSON.stringify({ data: [[0.1, 2, 3]] }),
    });
    const workspace = { connectedServiceNameARM: spn.id, resourceGroupName: e.resourceGroup, workspaceName: e.workspaceName };
    const build = {
      'System.Debug': 'true',
      'Build.BuildId': '77',
      'Build.SourceVersion': 'c0ffee',
      'System.CollectionUri': 'https://dev.azure.com/contoso/',
      'System.TeamProject': 'ml',
    };

    async function step(
      name: string,
      task: string,
      inputs: Record<string, string>,
      expected: string,
      more: Partial<RunTaskOptions> = {},
    ): Promise<TaskRunResult> {
      const started = Date.now();
      const r = await runTask({
        task,
        inputs: { ...workspace, ...inputs },
        env: spn.env,
        repo,
        variables: build,
        timeoutMs: 90_000,
        ...more,
      });
      steps.push({ step: name, result: r.result?.result ?? 'none', ms: Date.now() - started });
      if (r.result?.result !== expected)
        throw new Error(
          `conformance tour: ${name} (${task}) ended ${r.result?.result ?? 'without a result'}, not ${expected}:\n${r.stdout}\n${r.stderr}`,
        );
      return r;
    }

    await step(
      'publish: submit and publish as a component',
      'AzureMLPublishPipeline',
      { pipelineFile: 'ml/pipeline.yml', mode: 'both', componentName: 'conformance_tour' },
      'Succeeded',
    );
    await step(
      'wait, cancelled by the pipeline',
      'AzureMLWaitForRun',
      { jobName: 'tour-hang', pollIntervalSeconds: '1', maxPollIntervalSeconds: '2' },
      'Canceled',
      {
        signal: { name: 'SIGINT', whenStdoutMatches: /Job tour-hang: Running/ },
      },
    );
    await step(
      'compare with production',
      'AzureMLCompareModels',
      { jobName: 'tour-train', stepName: 'train', productionEndpoint: 'credit-prod', rules: 'accuracy >= production' },
      'Succeeded',
    );
    const registered = await step('register', 'AzureMLRegisterModel', { jobName: 'tour-train', modelName: 'credit' }, 'Succeeded');
    const packaged = await step(
      'package with an environment and scoring code',
      'AzureMLPackageModel',
      {
        modelJson: registered.artifacts[0].path,
        environmentSource: 'image',
        image: 'mcr.microsoft.com/azureml/minimal-ubuntu22.04-py39-cpu-inference:latest',
        condaFile: path.join(repo, 'ml', 'components', 'conda.yml'),
        codeFolder: path.join(repo, 'ml', 'src'),
      },
      'Succeeded',
    );
    const deploy = {
      computeName: 'aks',
      trafficSteps: '100',
      stepWaitSeconds: '0',
      smokePayload: path.join(repo, 'deploy', 'payload.json'),
      smokeAssertions: '$.predictions is array',
    };
    const manifests = path.join(work, 'manifests');
    fs.mkdirSync(manifests);
    await step(
      'deploy production v1 (key auth)',
      'AzureMLDeployModel',
      { ...deploy, endpointName: 'tour-ep', packageManifest: writePackageManifest(manifests, wsPath(e), { name: 'credit', version: '1' }) },
      'Succeeded',
    );
    await step(
      'deploy the package, removing the old deployment',
      'AzureMLDeployModel',
      { ...deploy, endpointName: 'tour-ep', keepDeployments: '0', packageManifest: packaged.artifacts[0].path },
      'Succeeded',
    );
    await step(
      'deploy a bad model to a token endpoint: rolled back with its logs',
      'AzureMLDeployModel',
      {
        ...deploy,
        endpointName: 'tour-tok',
        authMode: 'aml_token',
        packageManifest: writePackageManifest(manifests, wsPath(e), { name: 'broken', version: '1' }),
      },
      'Failed',
    );

    // The classic editor's pickers, evaluated as the Azure DevOps server does with the connection's identity.
    const started = Date.now();
    const credential = secretCredential(e);
    const picker = {
      endpoint: { url: spn.env[`ENDPOINT_URL_${spn.id}`], data: { subscriptionId: spn.env[`ENDPOINT_DATA_${spn.id}_SUBSCRIPTIONID`] } },
      getToken: async (scope: string) => (await credential.getToken(scope))!.token,
      ca: e.caCertPem,
    };
    const taskJson = (task: string) => JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'tasks', task, 'task.json'), 'utf8'));
    const inWorkspace = { resourceGroupName: e.resourceGroup, workspaceName: e.workspaceName };
    await evaluateBinding({
      ...picker,
      taskJson: taskJson('AzureMLWaitForRun'),
      target: 'workspaceName',
      inputs: { resourceGroupName: e.resourceGroup },
    });
    await evaluateBinding({ ...picker, taskJson: taskJson('AzureMLWaitForRun'), target: 'jobName', inputs: inWorkspace });
    await evaluateBinding({ ...picker, taskJson: taskJson('AzureMLCompareModels'), target: 'productionEndpoint', inputs: inWorkspace });
    await evaluateBinding({ ...picker, taskJson: taskJson('AzureMLRegisterModel'), target: 'modelName', inputs: inWorkspace });
    steps.push({ step: 'pickers', result: 'Succeeded', ms: Date.now() - started });

    return { traffic: e.traffic(), steps };
  } finally {
    await emulator?.stop();
    await azurite?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}
