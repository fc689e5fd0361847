import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startEmulator, Emulator } from '../../emulator';
import { evaluateBinding } from '../harness/data-source-binding';
import { conformsToSpec } from '../conformance/conforms';
import { secretCredential } from '../../devkit/emulator-clients';

/** What the Azure DevOps server holds when it evaluates a binding: the connection's ARM URL and subscription, and a token for it. */
function serverSide(emulator: Emulator) {
  const conn = emulator.connection({ scheme: 'spnKey' });
  const credential = secretCredential(emulator);
  return {
    endpoint: { url: conn.env[`ENDPOINT_URL_${conn.id}`], data: { subscriptionId: conn.env[`ENDPOINT_DATA_${conn.id}_SUBSCRIPTIONID`] } },
    getToken: async (scope: string) => (await credential.getToken(scope))!.token,
  };
}

/**
 * The classic editor's dropdowns: each dataSourceBinding of the wait task evaluated as the Azure
 * DevOps server does, against the emulator's ARM, with a token for the service connection.
 */
describe('AzureMLWaitForRun@1 pickers (dataSourceBindings)', () => {
  let emulator: Emulator;
  let endpoint: { url: string; data: Record<string, string> };
  let getToken: (scope: string) => Promise<string>;
  const taskJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'tasks', 'AzureMLWaitForRun', 'task.json'), 'utf8'));

  before(async () => {
    emulator = await startEmulator();
    ({ endpoint, getToken } = serverSide(emulator));
    emulator.jobs.seed('picker-job', { phases: [{ status: 'Running', seconds: 3600 }], outcome: 'hang' }, { displayName: 'train nightly' });
  });
  after(async () => {
    await emulator.stop();
  });

  it('lists resource groups of the subscription', async () => {
    const items = await evaluateBinding({ taskJson, target: 'resourceGroupName', inputs: {}, endpoint, getToken, ca: emulator.caCertPem });
    assert.ok(
      items.some((i) => i.value === emulator.resourceGroup),
      JSON.stringify(items),
    );
  });

  it('lists workspaces of the chosen resource group', async () => {
    const items = await evaluateBinding({
      taskJson,
      target: 'workspaceName',
      inputs: { resourceGroupName: emulator.resourceGroup },
      endpoint,
      getToken,
      ca: emulator.caCertPem,
    });
    assert.deepEqual(
      items.map((i) => i.value),
      [emulator.workspaceName],
    );
  });

  it('lists active jobs of the chosen workspace with display name and status', async () => {
    const items = await evaluateBinding({
      taskJson,
      target: 'jobName',
      inputs: { resourceGroupName: emulator.resourceGroup, workspaceName: emulator.workspaceName },
      endpoint,
      getToken,
      ca: emulator.caCertPem,
    });
    const job = items.find((i) => i.value === 'picker-job');
    assert.ok(job, JSON.stringify(items));
    assert.equal(job!.displayValue, 'picker-job (train nightly, Running)');
  });

  it('lists no workspaces for a resource group that has none', async () => {
    await assert.rejects(
      evaluateBinding({
        taskJson,
        target: 'workspaceName',
        inputs: { resourceGroupName: 'rg-empty-xyz' },
        endpoint,
        getToken,
        ca: emulator.caCertPem,
      }),
      /404|ResourceGroupNotFound/,
    );
  });

  conformsToSpec(() => emulator.traffic());
});

/** The compare and register tasks' own dropdowns: online endpoints and registered models. */
describe('AzureMLCompareModels@1 and AzureMLRegisterModel@1 pickers (dataSourceBindings)', () => {
  let emulator: Emulator;
  let endpoint: { url: string; data: Record<string, string> };
  let getToken: (scope: string) => Promise<string>;
  const read = (task: string) => JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'tasks', task, 'task.json'), 'utf8'));
  const compareJson = read('AzureMLCompareModels');
  const registerJson = read('AzureMLRegisterModel');
  const inputs = () => ({ resourceGroupName: emulator.resourceGroup, workspaceName: emulator.workspaceName });

  before(async () => {
    emulator = await startEmulator();
    ({ endpoint, getToken } = serverSide(emulator));
    emulator.endpoints.seed({
      name: 'credit-prod',
      traffic: { blue: 100 },
      deployments: [{ name: 'blue', model: { name: 'credit', version: '1' } }],
    });
    emulator.models.seed('credit', '1');
    emulator.models.seed('credit', '2');
  });
  after(async () => {
    await emulator.stop();
  });

  it('lists the online endpoints of the workspace', async () => {
    const items = await evaluateBinding({
      taskJson: compareJson,
      target: 'productionEndpoint',
      inputs: inputs(),
      endpoint,
      getToken,
      ca: emulator.caCertPem,
    });
    assert.deepEqual(
      items.map((i) => i.value),
      ['credit-prod'],
    );
  });

  it('lists registered models with their latest version, in both tasks', async () => {
    for (const taskJson of [compareJson, registerJson]) {
      const items = await evaluateBinding({ taskJson, target: 'modelName', inputs: inputs(), endpoint, getToken, ca: emulator.caCertPem });
      assert.deepEqual(
        items.map((i) => [i.value, i.displayValue]),
        [['credit', 'credit (latest 2)']],
      );
    }
  });

  conformsToSpec(() => emulator.traffic());
});
