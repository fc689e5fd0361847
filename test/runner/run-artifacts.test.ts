import { strict as assert } from 'node:assert';
import * as fs from 'fs';
import * as path from 'path';
import { deployment, job, marked, pipeline, run, script, stage, step, task } from './run-helpers';
import type { PipelineResource } from '../../local-runner/pipeline-model';
import type { PipelineRunResult } from '../../local-runner/execution/run-pipeline';

describe('runner: artifacts, pipeline resources and logging commands', function () {
  it('publishes in one job and downloads in another (publish:/download: and the tasks); artifact.upload and build tags', async () => {
    const p = pipeline([
      stage('Build', [
        job('Make', [
          script(
            'mkdir -p out/sub && echo model > out/model.txt && echo x > out/sub/skip.log && echo "##vso[artifact.upload artifactname=logs]out/sub/skip.log" && echo "##vso[build.addbuildtag]model-ready"',
          ),
          step({ kind: 'publish', path: 'out', artifact: 'model' }),
          task('PublishPipelineArtifact@1', { targetPath: '$(Build.SourcesDirectory)/out/model.txt', artifactName: 'single' }),
        ]),
        job(
          'Use',
          [
            step({ kind: 'download', source: 'current', artifact: 'model', patterns: '**/*.txt' }),
            task('DownloadPipelineArtifact@2', { buildType: 'current', artifact: 'single', path: '$(Pipeline.Workspace)/one' }),
            script(
              'echo "OUT:$(cat $(Pipeline.Workspace)/model/model.txt) $(ls $(Pipeline.Workspace)/model | tr "\\n" " ")$(cat $(Pipeline.Workspace)/one/model.txt)"',
            ),
          ],
          { dependsOn: ['Make'] },
        ),
      ]),
    ]);
    const { result, lines } = await run(p);
    assert.deepEqual(marked(lines, 'OUT:'), ['model model.txt model']);
    assert.deepEqual(Object.keys(result.artifacts).sort(), ['logs', 'model', 'single']);
    assert.ok(fs.existsSync(path.join(result.artifacts['logs']!, 'skip.log')));
    assert.deepEqual(result.buildTags, ['model-ready']);
    // the command lines themselves are not echoed
    assert.ok(!lines.some((l) => l.includes('##vso[')));
  });

  it('a release consumes a build run as a pipeline resource: tags checked, deployment job downloads it automatically', async () => {
    const build = await run(
      pipeline([
        stage('Build', [
          job('B', [
            script('mkdir p && echo v3 > p/pkg.json && echo "##vso[build.addbuildtag]release"'),
            step({ kind: 'publish', path: 'p', artifact: 'package' }),
          ]),
        ]),
      ]),
      { pipelineName: 'ml-build', buildId: 7, buildNumber: '20260101.7' },
    );
    const release = (tags: string[]) =>
      pipeline(
        [
          stage('Prod', [
            deployment('Ship', 'prod', {
              deploy: [
                script(
                  'echo "OUT:$(cat $(Pipeline.Workspace)/build/package/pkg.json) run=$(resources.pipeline.build.runID) $(resources.pipeline.build.pipelineName)"',
                ),
              ],
            }),
            job('Explicit', [
              step({ kind: 'download', source: 'build', artifact: 'package' }),
              script('echo "OUT:explicit $(cat $(Pipeline.Workspace)/build/package/pkg.json)"'),
            ]),
          ]),
        ],
        {
          resources: {
            pipelines: [{ alias: 'build', source: 'ml-build', tags: [], triggerEnabled: true, triggerTags: tags }],
            repositories: [],
          },
        },
      );
    const ok = await run(release(['release']), { pipelineResources: { build: build.result } });
    assert.equal(ok.result.result, 'Succeeded');
    assert.deepEqual(marked(ok.lines, 'OUT:'), ['v3 run=7 ml-build', 'explicit v3']);

    await assert.rejects(run(release(['release', 'approved']), { pipelineResources: { build: build.result } }), {
      message:
        "pipeline resource 'build': run 20260101.7 of 'ml-build' would not trigger this pipeline: trigger tags needed: release, approved; tags on the run: release (missing: approved).",
    });
    await assert.rejects(run(release([])), /pipeline resource 'build' \(source 'ml-build'\) has no run: pass pipelineResources\.build/);
  });

  it('checks the given run against the trigger branch filter and the resource-level branch and tags', async () => {
    const runOf = (sourceBranch: string, buildTags: string[] = []): PipelineRunResult => ({
      result: 'Succeeded',
      buildId: 9,
      buildNumber: '20260102.1',
      pipelineName: 'ml-build',
      stages: [],
      artifactsDir: '/nonexistent',
      artifacts: {},
      buildTags,
      outputs: {},
      sourceBranch,
      sourceVersion: '0'.repeat(40),
    });
    const consumer = (resource: Partial<PipelineResource>) =>
      pipeline([stage('S', [job('J', [script('echo "OUT:$(resources.pipeline.build.sourceBranch)"')])])], {
        resources: {
          pipelines: [{ alias: 'build', source: 'ml-build', tags: [], triggerEnabled: true, triggerTags: [], ...resource }],
          repositories: [],
        },
      });
    const withRun = (r: PipelineRunResult) => ({ pipelineResources: { build: r } });
    const filter = { triggerBranches: { include: ['main', 'releases/*'], exclude: ['releases/old*'] } };

    for (const ok of ['refs/heads/main', 'refs/heads/releases/2026.1', 'refs/heads/releases/eu/2026.1', 'refs/heads/Main']) {
      assert.deepEqual(marked((await run(consumer(filter), withRun(runOf(ok)))).lines, 'OUT:'), [ok]);
    }
    await assert.rejects(run(consumer(filter), withRun(runOf('refs/heads/local'))), {
      message:
        "pipeline resource 'build': run 20260102.1 of 'ml-build' would not trigger this pipeline: trigger branches needed: refs/heads/main, refs/heads/releases/* (excluding refs/heads/releases/old*); " +
        "the run's branch: refs/heads/local (matches none).",
    });
    await assert.rejects(run(consumer(filter), withRun(runOf('refs/heads/releases/old-1'))), {
      message:
        "pipeline resource 'build': run 20260102.1 of 'ml-build' would not trigger this pipeline: trigger branches needed: refs/heads/main, refs/heads/releases/* (excluding refs/heads/releases/old*); " +
        "the run's branch: refs/heads/releases/old-1 (excluded by refs/heads/releases/old*).",
    });
    // an exclude list alone includes every other branch
    await run(consumer({ triggerBranches: { include: [], exclude: ['dev'] } }), withRun(runOf('refs/heads/main')));
    await assert.rejects(
      run(consumer({ triggerBranches: { include: [], exclude: ['dev'] } }), withRun(runOf('refs/heads/dev'))),
      /trigger branches needed: refs\/heads\/\* \(excluding refs\/heads\/dev\); the run's branch: refs\/heads\/dev \(excluded by refs\/heads\/dev\)\.$/,
    );

    // resource-level branch: and tags: (the run a manual or scheduled run would pick)
    await assert.rejects(run(consumer({ branch: 'main' }), withRun(runOf('refs/heads/feature/x'))), {
      message:
        "pipeline resource 'build': run 20260102.1 of 'ml-build' is not a run this pipeline would pick: branch needed: refs/heads/main; the run's branch: refs/heads/feature/x.",
    });
    await assert.rejects(run(consumer({ tags: ['nightly', 'green'] }), withRun(runOf('refs/heads/main', ['green']))), {
      message:
        "pipeline resource 'build': run 20260102.1 of 'ml-build' is not a run this pipeline would pick: tags needed: nightly, green; tags on the run: green (missing: nightly).",
    });
    await run(consumer({ branch: 'refs/heads/main', tags: ['nightly'] }), withRun(runOf('refs/heads/main', ['nightly'])));

    // trigger disabled: a manual pick, the trigger's filters do not apply, the resource's do
    const manual = await run(consumer({ triggerEnabled: false, triggerTags: ['never'], ...filter }), withRun(runOf('refs/heads/local')));
    assert.ok(
      manual.lines.includes(
        "Pipeline resource 'build': its trigger is disabled (trigger: none, enabled: false or no trigger:), so run 20260102.1 of 'ml-build' is taken as a manual pick: only the resource's branch: and tags: are checked.",
      ),
    );
    await assert.rejects(
      run(consumer({ triggerEnabled: false, branch: 'main' }), withRun(runOf('refs/heads/local'))),
      /is not a run this pipeline would pick: branch needed: refs\/heads\/main/,
    );
  });

  it('refuses a missing artifact, naming it and its source', async () => {
    const p = pipeline([stage('S', [job('J', [step({ kind: 'download', source: 'current', artifact: 'model' })])])]);
    await assert.rejects(run(p), {
      message:
        "stage 'S', job 'J', step 'download': artifact 'model' was not found in the current run; it has no artifacts (publish it in an earlier job this one depends on).",
    });
  });

  it('processes logging commands: task.complete (worst wins), logissue, prependpath, setvariable isSecret', async () => {
    const p = pipeline([
      stage('S', [
        job('J', [
          script(
            'echo "##vso[task.complete result=SucceededWithIssues]meh"; echo "##vso[task.logissue type=warning]careful"; echo "##vso[task.complete result=Succeeded]fine"',
            { name: 'issues' },
          ),
          script(
            'mkdir -p bin && printf "#!/bin/sh\\necho OUT:tool ran\\n" > bin/mytool && chmod +x bin/mytool && echo "##vso[task.prependpath]$PWD/bin"',
          ),
          script('mytool'),
          script('echo "##vso[task.complete result=Failed]explicit failure"', { name: 'fails' }),
        ]),
      ]),
    ]);
    const { result, lines } = await run(p);
    const steps = result.stages[0]!.jobs[0]!.steps;
    assert.equal(steps[0]!.result, 'SucceededWithIssues');
    assert.ok(lines.includes('##[warning]careful'));
    assert.deepEqual(marked(lines, 'OUT:'), ['tool ran']);
    assert.equal(steps[3]!.result, 'Failed');
    assert.equal(result.result, 'Failed');
  });
});
