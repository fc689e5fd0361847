/**
 * `npm run demo`: the foundation's end-to-end job, offline. Starts the embedded emulator, submits
 * a three-step pipeline job to it through the real Azure ML SDK, then runs the bundled
 * AzureMLWaitForRun@1 exactly as the Azure Pipelines agent would (env, service connection,
 * ##vso output), and prints a summary. Exits non-zero on any failure; stops its server.
 */
import { startEmulator } from '../emulator';
import { runTask } from '../test/harness/task-runner';
import { mlClient } from '../test/emulator/helpers';

async function main(): Promise<number> {
  const emulator = await startEmulator();
  try {
    const conn = emulator.connection({ scheme: 'workloadIdentity' });
    emulator.jobs.defaultScenario = {
      phases: [{ status: 'Queued', seconds: 1 }, { status: 'Running', seconds: 4 }],
      outcome: 'Completed',
      children: [
        { name: 'prep', displayName: 'prep', phases: [{ status: 'Running', seconds: 1 }], outcome: 'Completed' },
        { name: 'train', displayName: 'train', phases: [{ status: 'Queued', seconds: 1 }, { status: 'Running', seconds: 2 }], outcome: 'Completed' },
        { name: 'evaluate', displayName: 'evaluate', phases: [{ status: 'Queued', seconds: 3 }, { status: 'Running', seconds: 1 }], outcome: 'Completed' },
      ],
    };

    // Submit the job the way a data scientist's `az ml job create` would, through ARM.
    const client = mlClient(emulator);
    const jobName = `demo-pipeline-${Date.now().toString(36)}`;
    const step = (name: string) => ({ name, type: 'command', _source: 'YAML.JOB', componentId: `azureml:${name}:1` });
    await client.jobs.createOrUpdate(emulator.resourceGroup, emulator.workspaceName, jobName, {
      properties: {
        jobType: 'Pipeline',
        displayName: 'nyc-taxi training (demo)',
        experimentName: 'demo',
        settings: { default_compute: 'azureml:cpu-cluster', _source: 'YAML.JOB' },
        jobs: { prep: step('prep'), train: step('train'), evaluate: step('evaluate') },
      },
    });
    console.log(`Submitted pipeline job ${jobName} to the emulator at ${emulator.url}.\n`);
    console.log('--- AzureMLWaitForRun@1 (workload identity federation) ---');

    const r = await runTask({
      task: 'AzureMLWaitForRun',
      inputs: {
        connectedServiceNameARM: conn.id,
        resourceGroupName: emulator.resourceGroup,
        workspaceName: emulator.workspaceName,
        jobName,
        pollIntervalSeconds: '1',
        maxPollIntervalSeconds: '2',
      },
      env: conn.env,
      variables: { 'Build.BuildId': '1', 'Build.BuildNumber': 'demo.1' },
      timeoutMs: 120_000,
    });
    for (const line of r.lines) console.log(line);
    const reads = emulator.requests().filter((q) => q.method === 'GET' && q.path.toLowerCase().endsWith(`/jobs/${jobName}`)).length;
    console.log('--- summary ---');
    console.log(`job:       ${jobName}`);
    console.log(`result:    ${r.result?.result ?? 'none'} — ${r.result?.message ?? ''}`);
    console.log(`outputs:   status=${r.outputs.status}, durationSeconds=${r.outputs.durationSeconds}`);
    console.log(`studio:    ${r.outputs.studioUrl}`);
    console.log(`ARM reads: ${reads} job status reads`);
    return r.result?.result === 'Succeeded' && r.exitCode === 0 ? 0 : 1;
  } finally {
    await emulator.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`demo failed: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
