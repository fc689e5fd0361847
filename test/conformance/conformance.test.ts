import * as assert from 'assert';
import { conformanceProblems } from './conforms';
import { runTaskTour, type Tour } from './task-tour';

// The tasks' own traffic, produced here: the tour (task-tour.ts) runs the bundled tasks against a
// fresh emulator and Azurite, and every ARM request and response it made is validated with oav's
// LiveValidator against the official Azure ML 2022-10-01 spec. No other test file needs to have run
// (the task-process suites check their own traffic the same way, see conforms.ts).
describe("conformance: the tasks' traffic against the Azure ML 2022-10-01 REST spec", function () {
  this.timeout(300_000);
  let tour: Tour;

  before(async () => {
    tour = await runTaskTour();
    console.log(`      tour: ${tour.steps.map((s) => `${s.step} ${s.result} ${s.ms} ms`).join('; ')}`);
  });

  it('every request and response of the tour validates', async () => {
    assert.ok(tour.traffic.length > 0, 'the tour recorded no traffic');
    const problems = await conformanceProblems(tour.traffic);
    console.log(`      ${tour.traffic.length} request/response pairs validated, ${problems.length} problem(s)`);
    if (problems.length > 0)
      assert.fail(`${problems.length} conformance problem(s) in ${tour.traffic.length} pair(s):\n  ${problems.join('\n  ')}`);
  });

  /**
   * The ARM operations the shipped tasks and their pickers call. A new task operation added here without a
   * tour step that makes it fails this check, so nothing reaches users unvalidated.
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

  it('the tour calls every ARM operation the tasks call', () => {
    const counts = TASK_OPERATIONS.map(([name, method, route]) => {
      const n = tour.traffic.filter((s) => s.liveRequest.method.toUpperCase() === method && route.test(s.liveRequest.url)).length;
      return [name, n] as const;
    });
    console.log(`      ${counts.map(([name, n]) => `${name}: ${n}`).join(', ')}`);
    const missing = counts.filter(([, n]) => n === 0).map(([name]) => name);
    assert.deepEqual(
      missing,
      [],
      `the tour made no call of ${missing.join(', ')}: add a step to test/conformance/task-tour.ts that makes it`,
    );
  });
});
