import * as assert from 'assert';
import * as path from 'path';
import { loadAllTraffic, TRAFFIC_ROOT } from '../../devkit/traffic';
import { formatProblem, getConformanceValidator } from './validator';

// Replays every request/response pair the task-process tests recorded (build/traffic/<test>/<n>.json)
// through oav's LiveValidator against the official Azure ML 2022-10-01 spec. Must run after
// test/tasks (see the spec order in .mocharc.json).
describe('conformance: recorded traffic against the Azure ML 2022-10-01 REST spec', function () {
  this.timeout(300_000);

  it('every recorded request and response validates', async () => {
    const saved = loadAllTraffic();
    if (saved.length === 0) {
      assert.fail(`no traffic recorded: the task-process tests (test/tasks) must run first (looked in ${path.relative(process.cwd(), TRAFFIC_ROOT) || TRAFFIC_ROOT})`);
    }
    const validator = await getConformanceValidator();
    const failures: string[] = [];
    for (const s of saved) {
      const problems = await validator.validate(s.pair);
      for (const p of problems) failures.push(`${s.label}/${s.index}.json: ${formatProblem(p)}`);
    }
    const labels = new Set(saved.map((s) => s.label)).size;
    if (failures.length > 0) {
      assert.fail(`${failures.length} conformance problem(s) in ${saved.length} pair(s) from ${labels} test file(s):\n  ${failures.join('\n  ')}`);
    }
  });

  /**
   * The ARM operations the shipped tasks and their pickers call. A new task operation added here without a
   * task-process test that exercises it fails this check, so nothing reaches users unvalidated.
   */
  const TASK_OPERATIONS: Array<[string, string, RegExp]> = [
    ['Workspaces_Get', 'GET', /\/workspaces\/[^/]+\?/i],
    ['Jobs_Get', 'GET', /\/workspaces\/[^/]+\/jobs\/[^/]+\?/i],
    ['Jobs_Cancel', 'POST', /\/workspaces\/[^/]+\/jobs\/[^/]+\/cancel\?/i],
    // AzureMLCompareModels@1: production from the endpoint's busiest deployment, or the registry.
    ['OnlineEndpoints_Get', 'GET', /\/onlineEndpoints\/[^/]+\?/i],
    ['OnlineDeployments_Get', 'GET', /\/onlineEndpoints\/[^/]+\/deployments\/[^/]+\?/i],
    ['ModelVersions_Get', 'GET', /\/models\/[^/]+\/versions\/[^/]+\?/i],
    ['ModelVersions_List', 'GET', /\/models\/[^/]+\/versions\?/i],
    // AzureMLRegisterModel@1: next version and the idempotent create.
    ['ModelContainers_Get', 'GET', /\/models\/[^/]+\?/i],
    ['ModelVersions_CreateOrUpdate', 'PUT', /\/models\/[^/]+\/versions\/[^/]+\?/i],
    // AzureMLPublishPipeline@1
    ['Jobs_CreateOrUpdate', 'PUT', /\/workspaces\/[^/]+\/jobs\/[^/]+\?/i],
    ['Compute_List', 'GET', /\/workspaces\/[^/]+\/computes\?/i],
    ['Datastores_List', 'GET', /\/workspaces\/[^/]+\/datastores\?/i],
    // A datastore named by settings.default_datastore or an azureml://datastores/… input is checked before the first write.
    ['Datastores_Get', 'GET', /\/workspaces\/[^/]+\/datastores\/[^/?]+\?/i],
    ['Datastores_ListSecrets', 'POST', /\/workspaces\/[^/]+\/datastores\/[^/]+\/listSecrets\?/i],
    ['CodeVersions_Get', 'GET', /\/workspaces\/[^/]+\/codes\/[^/]+\/versions\/[^/]+\?/i],
    ['CodeVersions_CreateOrUpdate', 'PUT', /\/workspaces\/[^/]+\/codes\/[^/]+\/versions\/[^/]+\?/i],
    ['ComponentVersions_Get', 'GET', /\/workspaces\/[^/]+\/components\/[^/]+\/versions\/[^/]+\?/i],
    ['ComponentVersions_List', 'GET', /\/workspaces\/[^/]+\/components\/[^/]+\/versions\?/i],
    ['ComponentVersions_CreateOrUpdate', 'PUT', /\/workspaces\/[^/]+\/components\/[^/]+\/versions\/[^/]+\?/i],
    // nextVersion of a pipeline component (publish mode), as azure-ai-ml numbers a new version.
    ['ComponentContainers_Get', 'GET', /\/workspaces\/[^/]+\/components\/[^/]+\?/i],
    ['EnvironmentVersions_Get', 'GET', /\/workspaces\/[^/]+\/environments\/[^/]+\/versions\/[^/]+\?/i],
    ['EnvironmentVersions_CreateOrUpdate', 'PUT', /\/workspaces\/[^/]+\/environments\/[^/]+\/versions\/[^/]+\?/i],
    ['DataVersions_Get', 'GET', /\/workspaces\/[^/]+\/data\/[^/]+\/versions\/[^/]+\?/i],
    // AzureMLPackageModel@1 registers environments by content hash and reads registered code back (EnvironmentVersions_CreateOrUpdate/Get, CodeVersions_Get above).
    // AzureMLDeployModel@1: preflight, endpoint and deployment writes, keys/token for the smoke test, logs on rollback.
    ['Compute_Get', 'GET', /\/computes\/[^/]+\?/i],
    ['OnlineEndpoints_CreateOrUpdate', 'PUT', /\/onlineEndpoints\/[^/]+\?/i],
    ['OnlineDeployments_CreateOrUpdate', 'PUT', /\/onlineEndpoints\/[^/]+\/deployments\/[^/]+\?/i],
    ['OnlineDeployments_List', 'GET', /\/onlineEndpoints\/[^/]+\/deployments\?/i],
    ['OnlineDeployments_Delete', 'DELETE', /\/onlineEndpoints\/[^/]+\/deployments\/[^/]+\?/i],
    ['OnlineDeployments_GetLogs', 'POST', /\/deployments\/[^/]+\/getLogs\?/i],
    ['OnlineEndpoints_ListKeys', 'POST', /\/onlineEndpoints\/[^/]+\/listKeys\?/i],
    ['OnlineEndpoints_GetToken', 'POST', /\/onlineEndpoints\/[^/]+\/token\?/i],
    // The classic editor's pickers (dataSourceBindings), called by Azure DevOps with the connection's identity.
    ['Workspaces_ListByResourceGroup', 'GET', /\/workspaces\?/i],
    ['Jobs_List', 'GET', /\/workspaces\/[^/]+\/jobs\?/i],
    ['OnlineEndpoints_List', 'GET', /\/onlineEndpoints\?/i],
    ['ModelContainers_List', 'GET', /\/workspaces\/[^/]+\/models\?/i],
  ];

  it('the recorded traffic covers every ARM operation the tasks call', () => {
    const saved = loadAllTraffic();
    const counts = TASK_OPERATIONS.map(([name, method, route]) => {
      const n = saved.filter((s) => s.pair.liveRequest.method.toUpperCase() === method && route.test(s.pair.liveRequest.url)).length;
      return [name, n] as const;
    });
    console.log(`      ${counts.map(([name, n]) => `${name}: ${n}`).join(', ')}`);
    const missing = counts.filter(([, n]) => n === 0).map(([name]) => name);
    assert.deepEqual(missing, [], `no recorded traffic for ${missing.join(', ')}: add a task-process test that calls it`);
  });
});
