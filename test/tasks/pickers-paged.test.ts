import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startEmulator, Emulator } from '../../emulator';
import { DataSourceBinding, evaluateBindingPages, MAX_CALLS } from '../harness/data-source-binding';
import { conformsToSpec } from '../conformance/conforms';
import { secretCredential } from '../../devkit/emulator-clients';

const PAGE_SIZE = 4;
const TASKS = [
  'AzureMLCompareModels',
  'AzureMLDeployModel',
  'AzureMLPackageModel',
  'AzureMLPublishPipeline',
  'AzureMLRegisterModel',
  'AzureMLValidateData',
  'AzureMLWaitForRun',
];
const range = (n: number, name: (i: number) => string) => Array.from({ length: n }, (_v, i) => name(i + 1));

/**
 * A busy subscription: every list a picker calls holds more than two pages (page size 4), and each
 * dropdown of the six tasks, evaluated as Azure DevOps pages it (callbackRequiredTemplate /
 * callbackContextTemplate on nextLink), shows every item — in 3 calls, below the server's limit of 5.
 */
describe(`every task's pickers follow nextLink through a busy subscription (page size ${PAGE_SIZE})`, () => {
  let emulator: Emulator;
  let endpoint: { url: string; data: Record<string, string> };
  let getToken: (scope: string) => Promise<string>;
  const extraGroups = range(10, (i) => `rg-team-${String(i).padStart(2, '0')}`);
  const extraWorkspaces = range(9, (i) => `mlw-team-${String(i).padStart(2, '0')}`);
  const jobs = range(10, (i) => `job-${String(i).padStart(2, '0')}`);
  const onlineEndpoints = range(10, (i) => `endpoint-${String(i).padStart(2, '0')}`);
  const models = range(10, (i) => `model-${String(i).padStart(2, '0')}`);
  const kubernetes = range(8, (i) => `aks-${String(i).padStart(2, '0')}`);

  /** What each picker must list, in the service's order. */
  const expected = (): Record<string, string[]> => ({
    resourceGroupName: [emulator.resourceGroup, ...extraGroups],
    workspaceName: [emulator.workspaceName, ...extraWorkspaces],
    jobName: jobs,
    productionEndpoint: onlineEndpoints,
    endpointName: onlineEndpoints,
    modelName: models,
    defaultCompute: ['cpu-cluster', 'gpu-cluster', ...kubernetes],
    computeName: kubernetes,
  });

  before(async () => {
    emulator = await startEmulator({ pageSize: PAGE_SIZE });
    const conn = emulator.connection({ scheme: 'spnKey' });
    const credential = secretCredential(emulator);
    endpoint = { url: conn.env[`ENDPOINT_URL_${conn.id}`], data: { subscriptionId: conn.env[`ENDPOINT_DATA_${conn.id}_SUBSCRIPTIONID`] } };
    getToken = async (scope) => (await credential.getToken(scope))!.token;
    for (const rg of extraGroups) emulator.resourceGroups.add(rg);
    for (const ws of extraWorkspaces) emulator.workspaces.add(ws);
    emulator.workspaces.add('mlw-elsewhere', extraGroups[0]);
    for (const [i, name] of jobs.entries())
      emulator.jobs.seed(name, { phases: [{ status: 'Running', seconds: 3600 }], outcome: 'hang' }, { displayName: `train ${i + 1}` });
    for (const name of onlineEndpoints) emulator.endpoints.seed({ name, traffic: {}, deployments: [] });
    for (const [i, name] of models.entries()) for (let v = 1; v <= (i % 3) + 1; v++) emulator.models.seed(name, String(v));
    for (const name of kubernetes) emulator.computes.seed({ name });
  });
  after(async () => {
    await emulator.stop();
  });

  for (const task of TASKS) {
    const taskJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'tasks', task, 'task.json'), 'utf8')) as {
      dataSourceBindings: DataSourceBinding[];
    };
    it(`${task}: ${taskJson.dataSourceBindings.map((b) => b.target).join(', ')}`, async () => {
      for (const binding of taskJson.dataSourceBindings) {
        const inputs: Record<string, string> =
          binding.target === 'resourceGroupName'
            ? {}
            : binding.target === 'workspaceName'
              ? { resourceGroupName: emulator.resourceGroup }
              : { resourceGroupName: emulator.resourceGroup, workspaceName: emulator.workspaceName };
        const result = await evaluateBindingPages({ taskJson, target: binding.target, inputs, endpoint, getToken, ca: emulator.caCertPem });
        const want = expected()[binding.target];
        assert.ok(want, `no expectation for ${task}'s ${binding.target}`);
        assert.deepEqual(
          result.items.map((i) => i.value),
          want,
          `${task}: ${binding.target}`,
        );
        assert.equal(result.calls.length, 3, `${task}: ${binding.target} took ${result.calls.length} calls`);
        assert.ok(result.calls.length < MAX_CALLS && !result.truncated);
        assert.deepEqual(
          result.calls.map((c) => c.callbackRequired),
          [true, true, false],
        );
        // The token goes back as it came: $skiptoken for Microsoft.Resources, $skip for Azure ML.
        assert.match(result.calls[1]!.url, binding.target === 'resourceGroupName' ? /&\$skiptoken=4$/ : /&\$skip=4$/);
        assert.match(result.calls[2]!.url, /=8$/);
      }
    });
  }

  it('shows what each entry is: the job display name and status, the model latest version, the endpoint kind', async () => {
    const inputs = { resourceGroupName: emulator.resourceGroup, workspaceName: emulator.workspaceName };
    const read = (task: string) => JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'tasks', task, 'task.json'), 'utf8'));
    const jobsPicker = await evaluateBindingPages({
      taskJson: read('AzureMLWaitForRun'),
      target: 'jobName',
      inputs,
      endpoint,
      getToken,
      ca: emulator.caCertPem,
    });
    assert.equal(jobsPicker.items[9]!.displayValue, 'job-10 (train 10, Running)');
    const modelsPicker = await evaluateBindingPages({
      taskJson: read('AzureMLRegisterModel'),
      target: 'modelName',
      inputs,
      endpoint,
      getToken,
      ca: emulator.caCertPem,
    });
    assert.deepEqual(
      modelsPicker.items.slice(0, 3).map((i) => i.displayValue),
      ['model-01 (latest 1)', 'model-02 (latest 2)', 'model-03 (latest 3)'],
    );
    const endpointsPicker = await evaluateBindingPages({
      taskJson: read('AzureMLDeployModel'),
      target: 'endpointName',
      inputs,
      endpoint,
      getToken,
      ca: emulator.caCertPem,
    });
    assert.equal(endpointsPicker.items[9]!.displayValue, 'endpoint-10 (K8S)');
  });

  it('a workspace in another resource group is listed there, not in the seeded one', async () => {
    const taskJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'tasks', 'AzureMLWaitForRun', 'task.json'), 'utf8'));
    const result = await evaluateBindingPages({
      taskJson,
      target: 'workspaceName',
      inputs: { resourceGroupName: extraGroups[0]! },
      endpoint,
      getToken,
      ca: emulator.caCertPem,
    });
    assert.deepEqual(
      result.items.map((i) => i.value),
      ['mlw-elsewhere'],
    );
    assert.equal(result.calls.length, 1);
  });

  conformsToSpec(() => emulator.traffic());
});
