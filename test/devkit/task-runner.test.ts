import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { assertNoSecretLeak, base64Fragments, buildTaskEnv, runTask, toEnvName, type RunTaskOptions } from '../../devkit/task-runner';

const FAKE = path.join(__dirname, '..', 'harness', 'fixtures', 'fake-task.js');
const PROBE = path.join(__dirname, '..', 'harness', 'fixtures', 'tasks', 'AgentInputsProbe', 'index.js');
const probeOf = (r: { lines: string[]; stdout: string }) => {
  const line = r.lines.find((l) => l.startsWith('PROBE '));
  assert.ok(line, r.stdout);
  return JSON.parse(line.slice(6)) as { cwd: string; inputs: Record<string, string>; vars: Record<string, string | undefined> };
};
const run = (mode: string, extra: Partial<RunTaskOptions> = {}) =>
  runTask({ task: 'FakeTask', entry: FAKE, ...extra, inputs: { mode, ...(extra.inputs ?? {}) } });

describe('devkit/task-runner: runs a task as the agent does', function () {
  this.timeout(30_000);

  it('names env variables like the agent', () => {
    assert.strictEqual(toEnvName('System.Debug'), 'SYSTEM_DEBUG');
    assert.strictEqual(toEnvName('My Var.name'), 'MY_VAR_NAME');
    const env = buildTaskEnv(
      { inputs: { 'azureml.job Name': 'j' }, variables: { 'Build.BuildId': '7' }, secretVariables: { 'my.secret': 's' } },
      { temp: '/t', work: '/w', defaultWorkingDirectory: '/w/1/s' },
    );
    assert.strictEqual(env['INPUT_AZUREML_JOB_NAME'], 'j');
    assert.strictEqual(env['BUILD_BUILDID'], '7');
    assert.strictEqual(env['SECRET_MY_SECRET'], 's');
    assert.strictEqual(env['AGENT_VERSION'], '4.260.0');
  });

  it('fails clearly when the bundle is missing', async () => {
    await assert.rejects(runTask({ task: 'NoSuchTask', inputs: {} }), /run npm run build first/);
  });

  it('passes inputs, variables, secret variables and endpoint env; collects every command', async () => {
    process.env['HARNESS_SHOULD_NOT_SEE'] = 'x';
    try {
      const r = await run('basic', {
        inputs: { jobName: 'job-1', clientSecret: 'p@ss;w0rd]' },
        variables: { 'System.Debug': 'true', 'Build.BuildId': '42', 'My Var.Name': 'spaced' },
        secretVariables: { 'My.Secret': 'hunter2-secret-var' },
        env: { ENDPOINT_URL_conn1: 'https://127.0.0.1:1234/' },
      });
      assert.strictEqual(r.exitCode, 0, r.stderr);
      const envLine = r.lines.find((l) => l.startsWith('ENV '));
      assert.ok(envLine, r.stdout);
      const seen = JSON.parse(envLine.slice(4));
      assert.deepStrictEqual(
        { ...seen, temp: undefined, cwd: undefined },
        {
          job: 'job-1',
          debug: 'true',
          buildId: '42',
          spaced: 'spaced',
          secretVar: true,
          temp: undefined,
          agentVersion: '4.260.0',
          culture: 'en-US',
          cwd: undefined,
          leakedTestEnv: false,
          endpointUrl: 'https://127.0.0.1:1234/',
          inputsLeftInEnv: 0,
        },
      );
      assert.strictEqual(seen.temp, r.dirs.temp);
      assert.strictEqual(seen.cwd, r.dirs.cwd);
      assert.deepStrictEqual(r.result, { result: 'Succeeded', message: 'all good' });
      assert.deepStrictEqual(r.outputs, { status: 'Completed', token: 'tok;en]100%' });
      assert.deepStrictEqual(r.secrets, ['p@ss;w0rd]', 'tok;en]100%']);
      assert.strictEqual(r.summaries.length, 1);
      assert.match(r.summaries[0] ?? '', /\| 1 \| 2 \|/);
      assert.deepStrictEqual(r.buildTags, ['model-candidate']);
      assert.deepStrictEqual(
        r.artifacts.map((a) => [a.artifactName, a.containerFolder]),
        [['model', 'model']],
      );
      assert.ok(r.issues.some((i) => i.type === 'warning' && i.message === 'this is a warning'));
      assert.deepStrictEqual(r.progress, [{ value: 50, message: 'half way' }]);
      assert.ok(r.lines.includes('to stderr'), 'stderr lines are read too');
      assert.ok(!r.lines.some((l) => l.includes('##vso[')), 'command lines are not log lines');
      // the fixture reads the secret with tl.getInput, which prints it in a task.debug line
      assert.throws(
        () => assertNoSecretLeak(r, ['p@ss;w0rd]']),
        /secret #1 of 1 leaked \(verbatim\) in stdout line \d+ \(a ##vso\[task.debug\] line\)[\s\S]*hint: task-lib/,
      );
      assertNoSecretLeak(r, ['p@ss;w0rd]', 'tok;en]100%', 'hunter2-secret-var'], { allowTaskLibDebug: true });
    } finally {
      delete process.env['HARNESS_SHOULD_NOT_SEE'];
    }
  });

  it('reports a Failed result (exit code stays 0)', async () => {
    const r = await run('fail');
    assert.strictEqual(r.exitCode, 0);
    assert.strictEqual(r.result?.result, 'Failed');
    assert.match(r.result?.message ?? '', /Input jobName/);
  });

  it('assertNoSecretLeak catches a base64-wrapped secret and names its position, not its value', async () => {
    const secret = 'Sup3r-Secret-Value';
    const r = await run('leak', { inputs: { clientSecret: secret } });
    assert.throws(
      () => assertNoSecretLeak(r, ['other-secret-1', secret]),
      (e: Error) => /secret #2 of 2 leaked \(base64\) in stdout line/.test(e.message) && !e.message.includes(secret),
    );
    const ok = await run('no-leak', { inputs: { clientSecret: secret } });
    assertNoSecretLeak(ok, [secret], { allowTaskLibDebug: true });
  });

  it('assertNoSecretLeak: verbatim, URL-encoded and summary leaks; registrations are allowed', () => {
    const s = 'a b/c?d=e&f';
    const base = { stderr: '', summaries: [] as string[] };
    assert.throws(() => assertNoSecretLeak({ ...base, stdout: `x ${s}\n` }, [s]), /verbatim/);
    assert.throws(() => assertNoSecretLeak({ ...base, stdout: `u=${encodeURIComponent(s)}\n` }, [s]), /URL-encoded/);
    assert.throws(() => assertNoSecretLeak({ stdout: '', stderr: '', summaries: ['', `k: ${s}`] }, [s]), /summary #2 line 1/);
    assertNoSecretLeak({ ...base, stdout: `##vso[task.setsecret]${s}\n##vso[task.setvariable variable=k;issecret=true;]${s}\n` }, [s]);
    assert.throws(() => assertNoSecretLeak({ ...base, stdout: `##vso[task.setvariable variable=k;]${s}\n` }, [s]), /secret #1/);
    // every alignment of a base64 fragment is found
    for (const prefix of ['', 'u', 'us', 'usr:']) {
      const enc = Buffer.from(`${prefix}${s}`).toString('base64');
      assert.ok(
        base64Fragments(s).some((f) => enc.includes(f)),
        prefix,
      );
    }
  });

  it('SIGINT: a task that handles it exits by itself; the report names SIGINT and the time to exit', async () => {
    const r = await run('graceful', { signal: { name: 'SIGINT', whenStdoutMatches: /waiting for job/ } });
    assert.ok(r.cancellation);
    assert.strictEqual(r.cancellation.lastSignal, 'SIGINT');
    assert.strictEqual(r.endedBy, 'exit', 'the task exited by itself');
    assert.strictEqual(r.signalToExitMs, r.cancellation.exitedAfterMs);
    assert.deepStrictEqual(
      r.cancellation.sent.map((s) => s.signal),
      ['SIGINT'],
    );
    assert.ok(r.cancellation.exitedAfterMs >= 100 && r.cancellation.exitedAfterMs < 2000, String(r.cancellation.exitedAfterMs));
    assert.ok(r.lines.includes('got SIGINT'));
    assert.strictEqual(r.result?.result, 'Canceled');
    assert.strictEqual(r.exitCode, 0);
  });

  it('SIGTERM first, after a delay', async () => {
    const r = await run('graceful', { signal: { name: 'SIGTERM', afterMs: 300 } });
    assert.strictEqual(r.cancellation?.lastSignal, 'SIGTERM');
    assert.strictEqual(r.endedBy, 'exit');
    assert.ok((r.cancellation?.firstSignalAtMs ?? 0) >= 300);
    assert.ok(r.lines.includes('got SIGTERM'));
  });

  it('escalates SIGINT → SIGTERM after 7.5 s, as the agent does', async () => {
    const r = await run('ignore-sigint', { signal: { name: 'SIGINT', whenStdoutMatches: /waiting for job/ } });
    assert.ok(r.cancellation);
    assert.deepStrictEqual(
      r.cancellation.sent.map((s) => s.signal),
      ['SIGINT', 'SIGTERM'],
    );
    assert.strictEqual(r.cancellation.lastSignal, 'SIGTERM');
    assert.strictEqual(r.endedBy, 'SIGTERM', 'killed by SIGTERM');
    assert.ok(r.cancellation.exitedAfterMs >= 7500 && r.cancellation.exitedAfterMs < 9000, String(r.cancellation.exitedAfterMs));
    assert.strictEqual(r.signal, 'SIGTERM');
    assert.ok(r.lines.includes('ignoring SIGINT'));
  });

  it('escalates to a kill when both signals are ignored', async () => {
    const r = await run('ignore-all', {
      signal: { name: 'SIGINT', whenStdoutMatches: /waiting for job/ },
      escalationMs: { sigintToSigterm: 300, sigtermToKill: 300 },
    });
    assert.deepStrictEqual(
      r.cancellation?.sent.map((s) => s.signal),
      ['SIGINT', 'SIGTERM', 'SIGKILL'],
    );
    assert.strictEqual(r.cancellation?.lastSignal, 'SIGKILL');
    assert.strictEqual(r.endedBy, 'SIGKILL');
    assert.strictEqual(r.signal, 'SIGKILL');
    assert.ok(r.lines.includes('ignoring SIGTERM'));
  });

  it('prepares inputs as the agent does: every task.json default, trimmed, unset macros kept, filePath inputs rooted in the repository the test names', async () => {
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-repo-'));
    const r = await runTask({
      task: 'AgentInputsProbe',
      entry: PROBE,
      repo,
      inputs: { noDefault: '  given  ', relativeFile: ' data/x.json ' },
      variables: { 'Fixture.Set': 'from a variable' },
    });
    const probe = probeOf(r);
    assert.equal(probe.cwd, fs.realpathSync(repo), 'the task starts in System.DefaultWorkingDirectory');
    assert.deepEqual(probe.inputs, {
      MODE: 'print',
      PADDED: 'spaced default',
      NODEFAULT: 'given',
      UNSETMACRO: '$(Fixture.Unset)',
      SETMACRO: 'from a variable',
      EMPTYFILE: repo,
      RELATIVEFILE: path.join(repo, 'data', 'x.json'),
      UNSETFILE: path.join(repo, '$(Fixture.Unset)', 'model.json'),
      HIDDENFILE: repo,
      ABSOLUTEFILE: '/opt/probe/file.json',
    });
    assert.deepEqual(
      [probe.vars.SYSTEM_DEFAULTWORKINGDIRECTORY, probe.vars.BUILD_SOURCESDIRECTORY, probe.vars.SYSTEM_HOSTTYPE],
      [repo, repo, 'build'],
    );
    assert.ok(probe.vars.PIPELINE_WORKSPACE, 'a build job has Pipeline.Workspace');
  });

  it('classic release: Release.* variables, no Pipeline.Workspace, filePath inputs rooted in the artifacts directory, artifact.upload refused and the step Failed', async () => {
    const artifacts = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-release-'));
    const r = await runTask({
      task: 'AgentInputsProbe',
      entry: PROBE,
      repo: artifacts,
      classicRelease: { releaseId: 42 },
      inputs: { mode: 'upload' },
    });
    const probe = probeOf(r);
    // (JSON leaves out what is not set: Build.SourcesDirectory and Pipeline.Workspace)
    assert.deepEqual(probe.vars, {
      SYSTEM_HOSTTYPE: 'release',
      SYSTEM_DEFAULTWORKINGDIRECTORY: artifacts,
      RELEASE_ARTIFACTSDIRECTORY: artifacts,
      SYSTEM_ARTIFACTSDIRECTORY: artifacts,
      RELEASE_RELEASEID: '42',
    });
    assert.equal(probe.inputs.EMPTYFILE, artifacts);
    assert.equal(probe.inputs.RELATIVEFILE, path.join(artifacts, 'sub', 'file.json'));
    assert.equal(r.result?.result, 'Failed', 'the agent fails the step although the task reported Succeeded');
    assert.match(r.result?.message ?? '', /^UploadArtifactCommandNotSupported/);
    assert.equal(r.refused.length, 1);
    assert.deepEqual(r.artifacts, []);
    const build = await runTask({ task: 'AgentInputsProbe', entry: PROBE, inputs: { mode: 'upload' } });
    assert.equal(build.result?.result, 'Succeeded', 'a build job takes the upload');
    assert.equal(build.artifacts.length, 1);
  });

  it('kills and fails a task that outlives timeoutMs', async () => {
    const t0 = Date.now();
    await assert.rejects(run('hang', { timeoutMs: 500 }), /did not finish within 500 ms/);
    assert.ok(Date.now() - t0 < 5000);
  });
});
