import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runPipeline } from '../../local-runner/execution/run-pipeline';
import { job, pipeline, run, stage, stepResults, task, tempDir } from './run-helpers';

/** A task fixture that prints the inputs, folder and variables it was started with (test/harness/fixtures/tasks). */
const TASKS_DIR = path.join(__dirname, '..', 'harness', 'fixtures', 'tasks');

function probeOf(lines: string[]): { cwd: string; inputs: Record<string, string>; vars: Record<string, string | undefined> } {
  const line = lines.find((l) => l.startsWith('PROBE '));
  assert.ok(line, lines.join('\n'));
  return JSON.parse(line.slice(6));
}

describe('runner: a task gets its inputs as the agent prepares them', function () {
  this.timeout(30_000);

  it('every task.json default, trimmed, unset macros kept, filePath inputs (hidden ones too) rooted in the repository; the task starts there', async () => {
    const p = pipeline(
      [stage('S', [job('J', [task('AgentInputsProbe@1', { noDefault: '  given ', relativeFile: 'data/x.json' }, { name: 'probe' })])])],
      {
        variables: [{ name: 'Fixture.Set', value: 'from a variable' }],
      },
    );
    const { result, lines, sourcesDir, log } = await run(p, { tasksDir: TASKS_DIR });
    assert.equal(result.result, 'Succeeded', log);
    const probe = probeOf(lines);
    assert.equal(fs.realpathSync(probe.cwd), fs.realpathSync(sourcesDir), 'started in System.DefaultWorkingDirectory');
    assert.deepEqual(probe.inputs, {
      MODE: 'print',
      PADDED: 'spaced default',
      NODEFAULT: 'given',
      UNSETMACRO: '$(Fixture.Unset)',
      SETMACRO: 'from a variable',
      EMPTYFILE: sourcesDir,
      RELATIVEFILE: path.join(sourcesDir, 'data', 'x.json'),
      UNSETFILE: path.join(sourcesDir, '$(Fixture.Unset)', 'model.json'),
      HIDDENFILE: sourcesDir,
      ABSOLUTEFILE: '/opt/probe/file.json',
    });
    assert.equal(probe.vars.SYSTEM_HOSTTYPE, 'build');
    assert.ok(probe.vars.PIPELINE_WORKSPACE);
  });

  it('classic release: Release.* variables, no Pipeline.Workspace, filePath inputs rooted in the artifacts directory, artifact.upload refused and the step Failed', async () => {
    const artifacts = tempDir('runner-release-');
    const p = pipeline([stage('S', [job('J', [task('AgentInputsProbe@1', { mode: 'upload' }, { name: 'probe' })])])]);
    const { result, lines, log } = await run(p, { tasksDir: TASKS_DIR, sourcesDir: artifacts, classicRelease: { releaseId: 7 } });
    const probe = probeOf(lines);
    assert.deepEqual(probe.vars, {
      SYSTEM_HOSTTYPE: 'release',
      SYSTEM_DEFAULTWORKINGDIRECTORY: artifacts,
      RELEASE_ARTIFACTSDIRECTORY: artifacts,
      SYSTEM_ARTIFACTSDIRECTORY: artifacts,
      RELEASE_RELEASEID: '7',
    });
    assert.equal(probe.inputs.EMPTYFILE, artifacts);
    assert.deepEqual(stepResults(result, 'S', 'J'), { probe: 'Failed' }, log);
    assert.ok(
      lines.some((l) => l.startsWith('##[error]UploadArtifactCommandNotSupported')),
      log,
    );
    assert.deepEqual(result.artifacts, {}, 'nothing was uploaded');
  });

  it("a shortened cancellation escalation is used: SIGTERM follows SIGINT after escalationMs, not the agent's 7.5 s", async () => {
    const controller = new AbortController();
    const lines: string[] = [];
    const p = pipeline([stage('S', [job('J', [task('AgentInputsProbe@1', { mode: 'ignore-sigint' }, { name: 'probe' })])])]);
    const result = await runPipeline({
      pipeline: p,
      sourcesDir: tempDir('runner-src-'),
      runDir: tempDir('runner-run-'),
      tasksDir: TASKS_DIR,
      abortSignal: controller.signal,
      escalationMs: { sigintToSigterm: 300, sigtermToKill: 300 },
      log: (l) => {
        lines.push(l);
        if (l === 'ready') controller.abort();
      },
    });
    assert.equal(result.result, 'Canceled');
    assert.ok(lines.includes('ignoring SIGINT'), lines.join('\n'));
    const gap = lines.map((l) => /^SIGTERM (\d+) ms after SIGINT$/.exec(l)).find(Boolean);
    assert.ok(gap, lines.join('\n'));
    assert.ok(
      Number(gap[1]) >= 250 && Number(gap[1]) < 5000,
      `SIGTERM came ${gap[1]} ms after SIGINT; configured 300 ms, the agent's default 7500 ms`,
    );
  });
});
