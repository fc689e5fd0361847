import { strict as assert } from 'node:assert';
import { startEmulator, Emulator, TaskConnection } from '../../emulator';
import { runTask, assertNoSecretLeak, TaskRunResult } from '../../devkit/task-runner';
import { conformsToSpec } from '../conformance/conforms';

/**
 * AzureMLWaitForRun@1 run as the agent runs it (bundled, env-driven, ##vso output), against the
 * emulator over HTTPS with the real SDKs.
 */
describe('AzureMLWaitForRun@1 (task process)', function () {
  let emulator: Emulator;
  let spn: TaskConnection;

  before(async () => {
    emulator = await startEmulator({ seed: 7 });
    spn = emulator.connection({ scheme: 'spnKey' });
  });
  after(async () => {
    await emulator.stop();
  });
  afterEach(() => emulator.faults.clear());

  function inputsFor(conn: TaskConnection, jobName: string, extra: Record<string, string> = {}): Record<string, string> {
    return {
      connectedServiceNameARM: conn.id,
      resourceGroupName: emulator.resourceGroup,
      workspaceName: emulator.workspaceName,
      jobName,
      pollIntervalSeconds: '1',
      maxPollIntervalSeconds: '2',
      ...extra,
    };
  }

  function run(
    conn: TaskConnection,
    jobName: string,
    extra: Record<string, string> = {},
    more: Partial<Parameters<typeof runTask>[0]> = {},
  ): Promise<TaskRunResult> {
    return runTask({
      task: 'AzureMLWaitForRun',
      inputs: inputsFor(conn, jobName, extra),
      env: conn.env,
      variables: { 'System.Debug': 'true', ...(more.variables ?? {}) },
      timeoutMs: 90_000,
      ...more,
    });
  }

  function jobReads(name: string) {
    return emulator.requests().filter((r) => r.method === 'GET' && new RegExp(`/jobs/${name}$`, 'i').test(r.path));
  }

  it('mirrors a completed pipeline job, logs each status change and step, and sets outputs', async () => {
    emulator.jobs.seed(
      'job-complete',
      {
        phases: [
          { status: 'Queued', seconds: 1 },
          { status: 'Running', seconds: 2 },
        ],
        outcome: 'Completed',
        children: [
          { name: 'prep-run', displayName: 'prep', phases: [{ status: 'Running', seconds: 1 }], outcome: 'Completed' },
          {
            name: 'train-run',
            displayName: 'train',
            phases: [
              { status: 'Queued', seconds: 1 },
              { status: 'Running', seconds: 1 },
            ],
            outcome: 'Completed',
          },
        ],
      },
      { jobType: 'Pipeline', displayName: 'nightly' },
    );
    const r = await run(spn, 'job-complete');
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    assert.equal(r.outputs.status, 'Completed');
    assert.match(r.outputs.studioUrl, /^https:\/\/ml\.azure\.com\/runs\/job-complete\?wsid=/);
    assert.ok(Number(r.outputs.durationSeconds) >= 2, r.outputs.durationSeconds);
    assert.ok(r.lines.some((l) => /^Azure ML studio: https:\/\/ml\.azure\.com\/runs\/job-complete/.test(l)));
    assert.ok(
      r.lines.some((l) => /Job job-complete: .* → Completed/.test(l)),
      r.lines.join('\n'),
    );
    assert.ok(
      r.lines.some((l) => /step train: .*Completed/.test(l)),
      r.lines.join('\n'),
    );
    // Each status line appears once: no repeated lines for unchanged polls.
    const completedLines = r.lines.filter((l) => /→ Completed$/.test(l) && l.startsWith('Job '));
    assert.equal(completedLines.length, 1);
    assert.equal(r.exitCode, 0);
    assertNoSecretLeak(r, spn.secrets);
  });

  it("fails with the job's own error message and the failed step's", async () => {
    emulator.jobs.seed(
      'job-fails',
      {
        phases: [{ status: 'Running', seconds: 1 }],
        outcome: 'Failed',
        error: { code: 'UserError', message: 'Pipeline has failed child jobs.' },
        children: [
          {
            name: 'train-fail',
            displayName: 'train',
            phases: [{ status: 'Running', seconds: 1 }],
            outcome: 'Failed',
            error: { code: 'UserError', message: "ValueError: column 'label' not found" },
          },
        ],
      },
      { jobType: 'Pipeline' },
    );
    const r = await run(spn, 'job-fails');
    assert.equal(r.result?.result, 'Failed');
    assert.match(
      r.result!.message,
      /Azure ML job job-fails ended Failed: Pipeline has failed child jobs; step train failed: ValueError: column 'label' not found/,
    );
    assert.equal(r.outputs.status, 'Failed');
    assert.equal(r.exitCode, 0);
  });

  it('a job canceled in Azure ML fails the task, or succeeds with issues when asked', async () => {
    emulator.jobs.seed('job-canceled', { phases: [{ status: 'Running', seconds: 1 }], outcome: 'Canceled' });
    const failed = await run(spn, 'job-canceled');
    assert.equal(failed.result?.result, 'Failed');
    assert.match(failed.result!.message, /was canceled in Azure ML/);
    const lenient = await run(spn, 'job-canceled', { failOnCanceledJob: 'false' });
    assert.equal(lenient.result?.result, 'SucceededWithIssues');
    assert.equal(lenient.outputs.status, 'Canceled');
  });

  it('on SIGINT cancels the Azure ML job and exits within 5 seconds', async () => {
    emulator.jobs.seed('job-sigint', { phases: [{ status: 'Running', seconds: 1 }], outcome: 'hang' });
    const r = await run(spn, 'job-sigint', {}, { signal: { name: 'SIGINT', whenStdoutMatches: /Job job-sigint: Running/ } });
    assert.equal(emulator.jobs.get('job-sigint')?.cancelRequested, true, r.stdout);
    assert.equal(r.result?.result, 'Canceled', r.stdout);
    assert.ok(r.lines.some((l) => /Requested cancellation of Azure ML job job-sigint because the pipeline was cancelled/.test(l)));
    assert.ok(r.signalToExitMs !== undefined && r.signalToExitMs < 5000, `exited ${r.signalToExitMs} ms after SIGINT`);
    assert.equal(r.endedBy, 'exit');
  });

  it('on SIGINT leaves the job running when onPipelineCancel is leaveRunning', async () => {
    emulator.jobs.seed('job-sigint-leave', { phases: [{ status: 'Running', seconds: 1 }], outcome: 'hang' });
    const r = await run(
      spn,
      'job-sigint-leave',
      { onPipelineCancel: 'leaveRunning' },
      { signal: { name: 'SIGINT', whenStdoutMatches: /Job job-sigint-leave: Running/ } },
    );
    assert.equal(emulator.jobs.get('job-sigint-leave')?.cancelRequested, false);
    assert.equal(r.result?.result, 'Canceled');
  });

  it('on SIGINT during sign-in and the workspace read, still cancels the job', async () => {
    emulator.jobs.seed('job-sigint-early', { phases: [{ status: 'Running', seconds: 1 }], outcome: 'hang' });
    emulator.faults.script([{ method: 'GET', path: new RegExp(`/workspaces/${emulator.workspaceName}$`, 'i'), delayMs: 4000 }]);
    const r = await run(spn, 'job-sigint-early', {}, { signal: { name: 'SIGINT', afterMs: 700 } });
    assert.equal(emulator.jobs.get('job-sigint-early')?.cancelRequested, true, r.stdout);
    assert.equal(r.result?.result, 'Canceled');
    assert.ok(r.signalToExitMs !== undefined && r.signalToExitMs < 5000, `exited ${r.signalToExitMs} ms after SIGINT`);
    assert.equal(r.endedBy, 'exit');
  });

  it('on SIGINT while run history is slow to answer, cancels the pipeline job without waiting for it', async () => {
    emulator.jobs.seed(
      'job-sigint-history',
      { phases: [{ status: 'Running', seconds: 1 }], outcome: 'hang', children: [{ name: 'h1', displayName: 'train', outcome: 'hang' }] },
      { jobType: 'Pipeline' },
    );
    emulator.faults.script([{ method: 'GET', path: '/discovery', delayMs: 6000 }]);
    const r = await run(spn, 'job-sigint-history', {}, { signal: { name: 'SIGINT', whenStdoutMatches: /Azure ML studio:/ } });
    assert.equal(emulator.jobs.get('job-sigint-history')?.cancelRequested, true, r.stdout);
    assert.equal(r.result?.result, 'Canceled');
    assert.ok(r.signalToExitMs !== undefined && r.signalToExitMs < 5000, `exited ${r.signalToExitMs} ms after SIGINT`);
  });

  it('honours Retry-After through a storm of 429s and keeps polling', async () => {
    emulator.jobs.seed('job-throttled', { phases: [{ status: 'Running', seconds: 1 }], outcome: 'Completed' });
    const storm = 6;
    emulator.faults.script([{ method: 'GET', path: /\/jobs\/job-throttled$/i, status: 429, retryAfterSeconds: 1, times: storm }]);
    const before = jobReads('job-throttled').length;
    const r = await run(spn, 'job-throttled');
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    const reads = jobReads('job-throttled').slice(before);
    const throttled = reads.filter((q) => q.status === 429);
    assert.equal(throttled.length, storm);
    // After each 429 the next read waited at least the Retry-After second (small clock tolerance).
    for (let i = 0; i < reads.length - 1; i++) {
      if (reads[i].status === 429)
        assert.ok(reads[i + 1].at - reads[i].at >= 950, `read ${i + 1} came ${reads[i + 1].at - reads[i].at} ms after a 429`);
    }
    // Successful reads: one per poll until Completed, no more.
    const ok = reads.filter((q) => q.status === 200).length;
    assert.ok(ok >= 1 && ok <= 4, `successful reads ${ok}`);
  });

  it('rides out transient 500/503 responses', async () => {
    emulator.jobs.seed('job-flaky', { phases: [{ status: 'Running', seconds: 1 }], outcome: 'Completed' });
    emulator.faults.script([
      { method: 'GET', path: /\/jobs\/job-flaky$/i, status: 500, times: 2 },
      { method: 'GET', path: /\/jobs\/job-flaky$/i, status: 503, times: 2 },
    ]);
    const r = await run(spn, 'job-flaky');
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    assert.equal(jobReads('job-flaky').filter((q) => q.status >= 500).length, 4);
  });

  it('fails clearly when the job does not exist', async () => {
    const r = await run(spn, 'no-such-job');
    assert.equal(r.result?.result, 'Failed');
    assert.equal(
      r.result?.message,
      `Azure ML job 'no-such-job' was not found in workspace '${emulator.workspaceName}'; check the 'jobName' input (it is the job's name, not its display name).`,
    );
  });

  it('fails clearly when the workspace does not exist', async () => {
    const r = await runTask({ task: 'AzureMLWaitForRun', inputs: { ...inputsFor(spn, 'x'), workspaceName: 'nope' }, env: spn.env });
    assert.equal(r.result?.result, 'Failed');
    assert.match(
      r.result!.message,
      /^Workspace 'nope' was not found in resource group '.*'; check the 'resourceGroup' and 'workspace' inputs\.$/,
    );
  });

  for (const [input, value, message] of [
    ['timeoutMinutes', 'abc', "'timeoutMinutes' must be a whole number of minutes between 1 and 10080, got 'abc'"],
    ['pollIntervalSeconds', '0', "'pollIntervalSeconds' must be a whole number of seconds between 1 and 3600, got '0'"],
    ['onTimeout', 'explode', "'onTimeout' must be one of 'cancelJob', 'leaveRunning', got 'explode'"],
    ['failOnCanceledJob', 'maybe', "'failOnCanceledJob' must be 'true' or 'false', got 'maybe'"],
  ]) {
    it(`rejects ${input}=${value} with one clear line and no call to Azure`, async () => {
      const before = emulator.requests().length;
      const r = await run(spn, 'job-complete', { [input]: value });
      assert.equal(r.result?.result, 'Failed');
      assert.equal(r.result?.message, message);
      assert.equal(emulator.requests().length, before, 'no request may reach Azure for bad input');
      assert.ok(!/\n\s+at /.test(r.stdout), 'no stack trace for a user error');
    });
  }

  it('times out, cancels the Azure ML job and fails (takes a minute: the timeout is in whole minutes)', async function () {
    this.timeout(150_000);
    emulator.jobs.seed('job-hangs', { phases: [{ status: 'Running', seconds: 1 }], outcome: 'hang' });
    const r = await run(
      spn,
      'job-hangs',
      { timeoutMinutes: '1', pollIntervalSeconds: '5', maxPollIntervalSeconds: '20' },
      { timeoutMs: 140_000 },
    );
    assert.equal(r.result?.result, 'Failed');
    assert.match(
      r.result!.message,
      /^Timed out after 1 minute waiting for Azure ML job job-hangs \(last status Running\); the job was asked to cancel\.$/,
    );
    assert.equal(emulator.jobs.get('job-hangs')?.cancelRequested, true);
    // Backoff: a minute at 5 s growing to 20 s is far fewer reads than a fixed 5 s poll (13).
    assert.ok(jobReads('job-hangs').length <= 8, `reads ${jobReads('job-hangs').length}`);
  });

  conformsToSpec(() => emulator.traffic());
});
