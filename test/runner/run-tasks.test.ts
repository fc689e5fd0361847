import { strict as assert } from 'node:assert';
import { startEmulator, type Emulator } from '../../emulator';
import { job, marked, pipeline, run, script, stage, task } from './run-helpers';

describe('runner: our task bundles', function () {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator({ seed: 3 });
  });
  after(async () => {
    await emulator.stop();
  });

  it('runs AzureMLWaitForRun@1 against the emulator; its output variable reaches a later step and job, the connection secret is masked', async () => {
    emulator.jobs.seed('job-1', { phases: [], outcome: 'Completed' });
    const conn = emulator.connection({ scheme: 'spnKey' });
    const p = pipeline(
      [
        stage('Train', [
          job('Wait', [
            task(
              'AzureMLWaitForRun@1',
              {
                azureSubscription: 'ml-conn',
                resourceGroup: '$(rg)',
                workspace: '$(ws)',
                jobName: 'job-1',
                pollIntervalSeconds: '1',
                maxPollIntervalSeconds: '2',
              },
              { name: 'wait' },
            ),
            script('echo "OUT:status=$(wait.status)"'),
          ]),
          job('Next', [script('echo "OUT:next job sees $(s)"')], {
            dependsOn: ['Wait'],
            variables: [{ name: 's', value: "$[ dependencies.Wait.outputs['wait.status'] ]" }],
          }),
        ]),
      ],
      {
        variables: [
          { name: 'rg', value: emulator.resourceGroup },
          { name: 'ws', value: emulator.workspaceName },
        ],
      },
    );
    const { result, lines, log } = await run(p, { serviceConnections: { 'ml-conn': conn } });
    assert.equal(result.result, 'Succeeded', log);
    assert.deepEqual(marked(lines, 'OUT:'), ['status=Completed', 'next job sees Completed']);
    assert.equal(result.outputs['Train.Wait.wait.status'], 'Completed');
    for (const s of conn.secrets) assert.ok(!log.includes(s), 'a connection secret leaked');
  });

  it('refuses an input the task does not have, listing its inputs and aliases', async () => {
    const p = pipeline([stage('S', [job('J', [task('AzureMLWaitForRun@1', { azureSubscription: 'x', jobNmae: 'j' }, { name: 'wait' })])])]);
    await assert.rejects(
      run(p),
      /^LocalRunError: stage 'S', job 'J', step 'wait': AzureMLWaitForRun@1 has no input 'jobNmae'; its inputs: connectedServiceNameARM \(alias azureSubscription\), resourceGroupName \(alias resourceGroup\), workspaceName \(alias workspace\), jobName,/,
    );
  });

  it('refuses an unknown service connection, listing the known ones', async () => {
    const p = pipeline([
      stage('S', [
        job('J', [
          task(
            'AzureMLWaitForRun@1',
            { azureSubscription: 'prod-arm', resourceGroup: 'rg', workspace: 'ws', jobName: 'j' },
            { name: 'wait' },
          ),
        ]),
      ]),
    ]);
    await assert.rejects(run(p, { serviceConnections: { 'dev-arm': emulator.connection({ scheme: 'spnKey' }) } }), {
      message:
        "stage 'S', job 'J', step 'wait', input 'connectedServiceNameARM': service connection 'prod-arm' is unknown to the local runner; known connections: dev-arm.",
    });
  });

  it('refuses a task it cannot run, listing what it supports', async () => {
    const p = pipeline([stage('S', [job('J', [task('AzureCLI@2', { scriptType: 'bash' })])])]);
    await assert.rejects(
      run(p),
      /task AzureCLI@2 is not supported by the local runner; supported: .*AzureMLWaitForRun@1.*PublishPipelineArtifact@1, DownloadPipelineArtifact@2, script, bash/,
    );
  });
});
