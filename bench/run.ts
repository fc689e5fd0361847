/**
 * Figures for the closing notes and the budgets in DESIGN.md: sizes, start-up, reads per hour.
 * Prints figures; asserts nothing (timings belong here, never in tests). `npm run bench`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { startEmulator, Emulator } from '../emulator';
import { runTask } from '../devkit/task-runner';
import { productWorkspace } from '../devkit/emulator-clients';
import { getJobSnapshot } from '../shared/azureml/jobs';
import { runHistory } from '../shared/azureml/run-history';
import { waitForJob } from '../shared/wait/wait-for-job';
import { writePackageManifest } from '../devkit/package-manifest';
import { runMlFlow, flowSucceeded } from '../demo/ml-flow';

const ROOT = path.resolve(__dirname, '..');
const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function sizes(): Promise<void> {
  const { packageExtension } = await import(path.join(ROOT, 'scripts', 'package.mjs'));
  const pkg = packageExtension();
  if (!pkg.vsix) throw new Error(`packaging failed:\n${pkg.output}`);
  console.log(
    `.vsix: ${pkg.bytes} bytes (${kb(pkg.bytes)}), budget 3 MB → ${((pkg.bytes / (3 * 1024 * 1024)) * 100).toFixed(0)}% of budget; ${pkg.entries.length} entries, node_modules entries: ${pkg.nodeModules.length}`,
  );
  const tasksDir = path.join(ROOT, 'build', 'extension', 'tasks');
  for (const task of fs.readdirSync(tasksDir)) {
    const bytes = fs.statSync(path.join(tasksDir, task, 'index.js')).size;
    console.log(
      `bundle ${task}/index.js: ${bytes} bytes (${kb(bytes)}), budget 1.5 MB → ${((bytes / (1.5 * 1024 * 1024)) * 100).toFixed(0)}% of budget`,
    );
  }
}

/** Time from spawning a process to the emulator seeing its first request. */
async function startUp(emulator: Emulator): Promise<void> {
  const conn = emulator.connection({ scheme: 'spnKey' });
  emulator.jobs.seed('bench-startup', { phases: [], outcome: 'Completed' });
  const firstRequestAfter = (t0: number) => emulator.requests().find((r) => r.at >= t0)?.at;
  const taskTimes: number[] = [];
  for (let i = 0; i < 9; i++) {
    const t0 = Date.now();
    const r = await runTask({
      task: 'AzureMLWaitForRun',
      inputs: {
        connectedServiceNameARM: conn.id,
        resourceGroupName: emulator.resourceGroup,
        workspaceName: emulator.workspaceName,
        jobName: 'bench-startup',
        pollIntervalSeconds: '1',
      },
      env: conn.env,
    });
    if (r.result?.result !== 'Succeeded') throw new Error(`bench task run failed: ${r.stdout}`);
    taskTimes.push(firstRequestAfter(t0)! - t0);
  }
  // Baseline: a bare node process that makes one HTTPS request to the same server.
  const bareTimes: number[] = [];
  const script = `require('https').get(process.argv[1], {ca: require('fs').readFileSync(process.argv[2])}, r => { r.resume(); r.on('end', () => process.exit(0)); })`;
  for (let i = 0; i < 9; i++) {
    const t0 = Date.now();
    await new Promise<void>((resolve, reject) => {
      const p = spawn(process.execPath, ['-e', script, `${emulator.url}/bench-ping`, emulator.caCertPath], { stdio: 'ignore' });
      p.on('exit', () => resolve());
      p.on('error', reject);
    });
    bareTimes.push(firstRequestAfter(t0)! - t0);
  }
  const task = median(taskTimes);
  const bare = median(bareTimes);
  console.log(
    `task process start → first HTTP request: median ${task} ms over ${taskTimes.length} runs (budget 250 ms); bare node process → first request: ${bare} ms; ratio ${(task / bare).toFixed(2)}×`,
  );
}

/** ARM and run-history reads while waiting an hour of emulator time for a job that never ends. */
async function readsPerHour(): Promise<void> {
  const emulator = await startEmulator({ clock: 'manual' });
  try {
    const { workspace: ws } = await productWorkspace(emulator, 'bench');
    for (const [jobType, schedule] of [
      ['Command', { initialMs: 10_000, maxMs: 60_000 }],
      ['Pipeline', { initialMs: 10_000, maxMs: 60_000 }],
      ['Command', { initialMs: 30_000, maxMs: 300_000 }],
    ] as const) {
      const name = `bench-hour-${jobType}-${schedule.maxMs}`;
      emulator.jobs.seed(
        name,
        {
          phases: [{ status: 'Running', seconds: 10 }],
          outcome: 'hang',
          children: jobType === 'Pipeline' ? [{ name: `${name}-c`, displayName: 'train', outcome: 'hang' }] : undefined,
        },
        { jobType },
      );
      const before = emulator.requests().length;
      const history = runHistory(ws);
      await waitForJob(
        {
          getJob: (abortSignal) => getJobSnapshot(ws, name, abortSignal),
          listChildren: (abortSignal) => history.listChildren(name, abortSignal),
          sleep: async (ms) => emulator.clock.advance(ms),
          now: () => emulator.clock.now(),
          log: () => undefined,
          warn: () => undefined,
        },
        { jobName: name, timeoutMs: 3_600_000, schedule, abortSignal: new AbortController().signal },
      );
      const reqs = emulator.requests().slice(before);
      const arm = reqs.filter((r) => /\/jobs\//i.test(r.path) && !/history/i.test(r.path)).length;
      const hist = reqs.filter((r) => /\/history\//i.test(r.path)).length;
      console.log(
        `waiting 1 simulated hour, ${jobType} job, poll ${schedule.initialMs / 1000}s→${schedule.maxMs / 1000}s: ${arm} ARM reads, ${hist} run-history reads (a fixed ${schedule.initialMs / 1000}s poll: ${3600 / (schedule.initialMs / 1000)} ARM reads)`,
      );
    }
  } finally {
    await emulator.stop();
  }
}

/** Publish figures: HTTP calls for a 3-step pipeline, upload speed vs a plain storage-blob loop, bytes on an unchanged re-publish. */
async function publishFigures(): Promise<void> {
  const { startAzurite } = await import('../devkit/azurite');
  const { ContainerClient, StorageSharedKeyCredential } = await import('@azure/storage-blob');
  const { snapshotFolder } = await import('../shared/azureml-pipeline/folder-hash');
  const { uploadSnapshot } = await import('../shared/azureml/datastore-upload');
  const azurite = await startAzurite();
  const emulator = await startEmulator({
    storage: { blobUrl: azurite.blobUrl, accountName: azurite.accountName, accountKey: azurite.accountKey },
  });
  try {
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-publish-'));
    const write = (rel: string, text: string | Buffer) => {
      fs.mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
      fs.writeFileSync(path.join(repo, rel), text);
    };
    write('src/train.py', 'print(1)\n');
    const step = (name: string, input: string) =>
      `  ${name}:\n    type: command\n    code: ./src\n    command: python train.py\n    environment: azureml:env:1\n${input}    outputs:\n      out:\n        mode: upload\n`;
    write(
      'pipeline.yml',
      `type: pipeline\nsettings:\n  default_compute: azureml:cpu-cluster\njobs:\n${step('a', '')}${step('b', '    inputs:\n      x: ${{parent.jobs.a.outputs.out}}\n')}${step('c', '    inputs:\n      x: ${{parent.jobs.b.outputs.out}}\n')}`,
    );
    emulator.assets.seed('environments', 'env', '1', { image: 'python:3.11' });
    const conn = emulator.connection({ scheme: 'spnKey' });
    for (const label of ['first publish', 'unchanged re-publish']) {
      const before = emulator.requests().length;
      const r = await runTask({
        task: 'AzureMLPublishPipeline',
        inputs: {
          connectedServiceNameARM: conn.id,
          resourceGroupName: emulator.resourceGroup,
          workspaceName: emulator.workspaceName,
          pipelineFile: 'pipeline.yml',
        },
        env: conn.env,
        // the repository as the agent hands it over: filePath inputs rooted there, the task started there
        repo,
      });
      if (r.result?.result !== 'Succeeded') throw new Error(`bench publish failed: ${r.stdout}`);
      const calls = emulator.requests().slice(before);
      const arm = calls.filter((c) => c.path.startsWith('/subscriptions/')).length;
      console.log(
        `publish of a 3-step pipeline (${label}): ${calls.length} HTTP calls to Azure ML/Entra (${arm} ARM) + blob calls; ${r.result.message.match(/(\d+) bytes uploaded/)![1]} bytes uploaded`,
      );
    }

    // 1,000 files, 50 MB: our bounded-parallel upload vs a plain sequential storage-blob loop, same bytes.
    const big = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-upload-'));
    const chunk = Buffer.alloc(50 * 1024, 7);
    for (let i = 0; i < 1000; i++) {
      fs.mkdirSync(path.join(big, `d${i % 20}`), { recursive: true });
      fs.writeFileSync(path.join(big, `d${i % 20}`, `f${i}.bin`), Buffer.concat([Buffer.from(String(i)), chunk]));
    }
    const container = new ContainerClient(
      `${azurite.blobUrl}/${emulator.datastore.containerName}`,
      new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey),
    );
    const snapshot = snapshotFolder(big);
    const store = {
      name: 'workspaceblobstore',
      id: '',
      accountName: azurite.accountName,
      containerName: emulator.datastore.containerName,
      serviceUrl: azurite.blobUrl,
      container,
    };
    let t0 = Date.now();
    const ours = await uploadSnapshot(store, snapshot, { name: 'big', log: () => undefined });
    const oursMs = Date.now() - t0;
    t0 = Date.now();
    for (const f of snapshot.files) await container.getBlockBlobClient(`plain/${f.relative}`).uploadFile(f.absolute);
    const plainMs = Date.now() - t0;
    t0 = Date.now();
    const again = await uploadSnapshot(store, snapshot, { name: 'big', log: () => undefined });
    console.log(
      `upload of ${snapshot.files.length} files / ${(snapshot.totalBytes / 1048576).toFixed(1)} MB to Azurite: ${oursMs} ms (8 in parallel, incl. indicator check and metadata) vs ${plainMs} ms plain sequential storage-blob loop → ratio ${(oursMs / plainMs).toFixed(2)}; unchanged re-upload: ${again.uploadedBytes} bytes in ${Date.now() - t0} ms (uploaded first time: ${ours.uploadedBytes} bytes)`,
    );
  } finally {
    await emulator.stop();
    await azurite.stop();
  }
}

/**
 * What one blue/green release costs in ARM calls (10/50/100 with a smoke test, onto an endpoint
 * already serving a version), and the size of the package manifest it deploys.
 */
async function blueGreenCalls(): Promise<void> {
  const emulator = await startEmulator();
  try {
    const conn = emulator.connection({ scheme: 'spnKey' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-deploy-'));
    emulator.computes.seed({ name: 'aks' });
    emulator.endpoints.defaultBehaviour = { provisionSeconds: 1 };
    const ws = `/subscriptions/${emulator.subscriptionId}/resourceGroups/${emulator.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${emulator.workspaceName}`;
    const manifest = (v: string) => {
      emulator.models.seed('credit', v);
      return writePackageManifest(
        dir,
        ws,
        { name: 'credit', version: v },
        {
          requestSettings: { requestTimeout: 'PT5S', maxConcurrentRequestsPerInstance: 2 },
          livenessProbe: { initialDelay: 'PT10S', period: 'PT10S' },
          readinessProbe: { initialDelay: 'PT10S', period: 'PT10S' },
          environmentVariables: { LOG_LEVEL: 'info' },
        },
      );
    };
    const payload = path.join(dir, 'payload.json');
    fs.writeFileSync(payload, '{"data":[[1,2,3]]}');
    const deploy = (file: string) =>
      runTask({
        task: 'AzureMLDeployModel',
        inputs: {
          connectedServiceNameARM: conn.id,
          resourceGroupName: emulator.resourceGroup,
          workspaceName: emulator.workspaceName,
          packageManifest: file,
          computeName: 'aks',
          endpointName: 'bench-ep',
          trafficSteps: '10,50,100',
          stepWaitSeconds: '0',
          smokePayload: payload,
          smokeAssertions: '$.predictions exists',
        },
        env: conn.env,
        timeoutMs: 120_000,
      });
    await deploy(manifest('1'));
    const from = emulator.requests().length;
    const file = manifest('2');
    const r = await deploy(file);
    if (r.result?.result !== 'Succeeded') throw new Error(`bench deploy failed:\n${r.stdout}`);
    const reqs = emulator
      .requests()
      .slice(from)
      .filter((q) => q.path.startsWith('/subscriptions/'));
    const by = (pred: (q: (typeof reqs)[number]) => boolean) => reqs.filter(pred).length;
    const polls = by((q) => /mfeOperation(sStatus|Results)/.test(q.path));
    const scoring = emulator
      .requests()
      .slice(from)
      .filter((q) => q.path.startsWith('/score/')).length;
    console.log(
      `blue/green 10/50/100 onto a served endpoint: ${reqs.length} ARM calls (${by((q) => q.method === 'PUT')} PUT, ${by((q) => q.method === 'DELETE')} DELETE, ${by((q) => q.method === 'POST')} POST, ${by((q) => q.method === 'GET') - polls} GET, ${polls} LRO polls) + ${scoring} scoring calls; package manifest ${fs.statSync(file).size} bytes`,
    );
  } finally {
    await emulator.stop();
  }
}

/** `npm run demo`'s flow: requests per pipeline and where the time goes (as ratios, not budgets). */
async function mlFlowFigures(): Promise<void> {
  const marks: Array<{ at: number; line: string }> = [];
  const t0 = Date.now();
  const flow = await runMlFlow({ log: (line) => marks.push({ at: Date.now(), line }) });
  const end = Date.now();
  if (!flowSucceeded(flow)) throw new Error(`bench ml flow failed:\n${marks.map((m) => m.line).join('\n')}`);
  const releaseAt = marks.find((m) => m.line.startsWith('=== ML Release'))?.at ?? end;
  const buildStart = marks[0]?.at ?? t0;
  const steps = (from: number, to: number) =>
    marks.filter((m) => m.at >= from && m.at < to && m.line.startsWith('##[section]Starting:')).length;
  const [build, release] = [releaseAt - buildStart, end - releaseAt];
  console.log(
    `ml flow (demo): ML Build ${steps(buildStart, releaseAt)} steps, ML Release ${steps(releaseAt, end + 1)} steps; ${flow.calls.arm} ARM requests, ${flow.calls.total} requests in all; ` +
      `release/build time ratio ${(release / build).toFixed(2)}; servers' start-up ${(((buildStart - t0) / (end - t0)) * 100).toFixed(0)}% of the whole run`,
  );
}

async function main(): Promise<void> {
  await sizes();
  await blueGreenCalls();
  const emulator = await startEmulator();
  try {
    await startUp(emulator);
  } finally {
    await emulator.stop();
  }
  await readsPerHour();
  await publishFigures();
  await mlFlowFigures();
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
