/**
 * The credit-risk example's ML Build and ML Release, run by the local runner against the emulator and
 * Azurite: what `npm run demo` shows, asserted. Then the release's bad inputs: a build run that
 * registered nothing, and one whose model.json artifact is missing.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runMlFlow, flowSucceeded, checkout, runExamplePipeline, CONNECTION_NAME, type MlFlowResult } from '../../demo/ml-flow';
import type { PipelineRunResult } from '../../local-runner/execution/run-pipeline';
import type { TrafficEntry } from '../../emulator';
import { conformsToSpec } from '../conformance/conforms';

const stageResults = (r: PipelineRunResult) => Object.fromEntries(r.stages.map((s) => [s.name, s.result]));

function leaked(lines: string[], secrets: string[]): string[] {
  return secrets.filter((s) => s.length >= 6 && lines.some((l) => l.includes(s)));
}

describe('ML Build → ML Release of the credit-risk example (local runner, emulator, Azurite)', function () {
  this.timeout(240_000);

  describe('a better candidate', () => {
    const lines: string[] = [];
    let flow: MlFlowResult;
    let traffic: TrafficEntry[] = [];
    let modelProperties: Record<string, string> = {};
    let profileAsset: Record<string, unknown> | undefined;
    before(async () => {
      flow = await runMlFlow({
        log: (l) => lines.push(l),
        inspect: (emulator) => {
          traffic = emulator.traffic();
          modelProperties = (emulator.models.get('credit-risk', '2')?.properties.properties ?? {}) as Record<string, string>;
          profileAsset = emulator.assets.get('data', 'credit-risk-profile', '2')?.properties;
        },
      });
    });

    it('validates the training data before submitting the job, publishes the report, and attaches its profile to the model', () => {
      assert.deepEqual(flow.dataValidation, { passed: 'true', violationCount: '0' });
      assert.ok(
        lines.includes('All 11 expectations are met by 60 rows of data/credit.csv.'),
        lines.filter((l) => /expectation/i.test(l)).join('\n'),
      );
      const train = flow.build.stages.find((s) => s.name === 'Train')!.jobs[0];
      assert.deepEqual(
        train.steps.slice(1, 4).map((s) => [s.displayName, s.result]),
        [
          ['Validate data data/credit.csv', 'Succeeded'],
          ['Publish the data validation report and profile', 'Succeeded'],
          ['Submit Azure ML pipeline ml/pipeline.yml', 'Succeeded'],
        ],
      );
      assert.ok(flow.build.artifacts['data-validation'], 'the report and profile are a build artifact');
      assert.deepEqual(modelProperties['mlops.trainingData'], 'data/credit.csv');
      assert.deepEqual(modelProperties['mlops.dataProfile'], 'azureml:credit-risk-profile:2');
      assert.equal(profileAsset?.dataType, 'uri_file');
    });

    it('builds: code quality, then train → wait → compare → register, promoted over production', () => {
      assert.equal(flow.build.result, 'Succeeded', lines.join('\n'));
      assert.deepEqual(stageResults(flow.build), { CodeQuality: 'Succeeded', Train: 'Succeeded' });
      assert.match(flow.jobName ?? '', /^azdo_101_/);
      assert.equal(flow.promote, 'true');
      assert.equal(flow.reason, 'The candidate meets all 2 rules against production model credit-risk:1.');
      assert.ok(
        lines.some((l) => /^Ran 5 tests in /.test(l)),
        'the example unit tests ran',
      );
    });

    it('registers version 2 with its metrics, uploads model.json and tags the build for the release trigger', () => {
      assert.equal(flow.modelVersion, '2');
      assert.deepEqual(
        { name: flow.modelJson?.name, version: flow.modelJson?.version, id: flow.modelJson?.id, metrics: flow.modelJson?.metrics },
        { name: 'credit-risk', version: '2', id: 'azureml:credit-risk:2', metrics: { accuracy: 0.91, auc: 0.94, f1: 0.89 } },
      );
      assert.deepEqual(flow.build.buildTags, ['model-registered']);
    });

    it('releases exactly that version: package, staging with a smoke test, production blue/green to 100%', () => {
      assert.ok(flow.release, 'the release ran');
      assert.equal(flow.release.result, 'Succeeded', lines.join('\n'));
      assert.deepEqual(stageResults(flow.release), { Package: 'Succeeded', Staging: 'Succeeded', Production: 'Succeeded' });
      assert.equal(flow.release.outputs['Package.Package.package.modelId'], 'azureml:credit-risk:2');
      assert.equal(flow.release.outputs['Staging.DeployStaging.DeployStaging.deploy.endpointName'], 'credit-risk-staging');
      assert.deepEqual(flow.traffic, { blue: 0, 'credit-risk-2': 100 });
      assert.deepEqual(flow.deployments, [
        { name: 'blue', model: 'azureml:credit-risk:1' },
        { name: 'credit-risk-2', model: 'azureml:credit-risk:2' },
      ]);
      assert.ok(lines.includes('Traffic step 2/3: blue 50%, credit-risk-2 50%.'), 'traffic moved in steps');
      assert.equal(
        lines.filter((l) => l.startsWith('Smoke test passed: HTTP 200, 2 assertion(s) hold.')).length,
        2,
        'smoke-tested in staging and production',
      );
    });

    it('ends with the production endpoint answering the sample request', () => {
      assert.equal(flow.scoring?.status, 200);
      assert.deepEqual(flow.scoring?.body, { predictions: [0, 1], probabilities: [0.12, 0.87] });
      assert.equal(flowSucceeded(flow), true);
    });

    it('prints no secret', () => {
      assert.ok(flow.secrets.length > 0);
      assert.deepEqual(leaked(lines, flow.secrets), []);
    });

    conformsToSpec(() => traffic);
  });

  describe('a promoted model that answers staging smoke tests wrongly', () => {
    const lines: string[] = [];
    let flow: MlFlowResult;
    before(async () => {
      flow = await runMlFlow({
        configure: (e) => e.endpoints.behave('credit-risk:2', { scoring: 'wrongShape' }),
        log: (l) => lines.push(l),
      });
    });

    it('fails the release in staging, rolls staging back, and never touches production', () => {
      assert.equal(flow.modelVersion, '2');
      assert.ok(flow.release);
      assert.equal(flow.release.result, 'Failed');
      assert.deepEqual(stageResults(flow.release), { Package: 'Succeeded', Staging: 'Failed', Production: 'Skipped' });
      assert.ok(
        lines.some((l) => l.includes("failed: Smoke test: 2 of 2 assertion(s) failed on the answer of 'credit-risk-2'")),
        lines.filter((l) => /smoke|roll/i.test(l)).join('\n'),
      );
      // Staging's endpoint came with this release: the rollback removes it with its deployment.
      assert.ok(
        lines.includes(
          "Rolled back: traffic unchanged: (no traffic); endpoint 'credit-risk-staging' (created by this run) removed with deployment 'credit-risk-2'.",
        ),
        lines.filter((l) => /roll/i.test(l)).join('\n'),
      );
      assert.deepEqual(flow.traffic, { blue: 100 });
      assert.deepEqual(flow.deployments, [{ name: 'blue', model: 'azureml:credit-risk:1' }]);
      assert.equal(flow.scoring, undefined);
      assert.equal(flowSucceeded(flow), false);
    });
  });

  describe('a candidate that is not better', () => {
    const lines: string[] = [];
    let flow: MlFlowResult;
    before(async () => {
      flow = await runMlFlow({ candidateMetrics: { accuracy: 0.8, f1: 0.7, auc: 0.9 }, log: (l) => lines.push(l) });
    });

    it('keeps the build green, registers nothing, adds no tag, and runs no release', () => {
      assert.equal(flow.build.result, 'Succeeded', lines.join('\n'));
      assert.equal(flow.promote, 'false');
      assert.equal(flow.modelVersion, undefined);
      assert.deepEqual(flow.build.buildTags, []);
      assert.equal(flow.build.artifacts.model, undefined);
      const train = flow.build.stages.find((s) => s.name === 'Train')!.jobs[0];
      assert.deepEqual(
        train.steps.filter((s) => /Register|not promoted/.test(s.displayName)).map((s) => [s.displayName, s.result]),
        [
          ['Register model credit-risk', 'Skipped'],
          ['Report a model that was not promoted', 'Succeeded'],
        ],
      );
      assert.ok(
        lines.some((l) => l.startsWith('Not registering credit-risk: ')),
        lines.join('\n'),
      );
      assert.equal(flow.release, undefined);
      assert.equal(flowSucceeded(flow), false, 'the demo reports this as not what it promised');
    });

    it('the release refuses that build run: it lacks the model-registered tag its trigger needs', async () => {
      await assert.rejects(release(flow.build), {
        message:
          "pipeline resource 'modelBuild': run 20261125.1 of 'credit-risk ML Build' would not trigger this pipeline: trigger tags needed: model-registered; tags on the run: none (missing: model-registered).",
      });
    });

    it('the release refuses a tagged run from another branch than its trigger takes (main)', async () => {
      const feature: PipelineRunResult = {
        ...flow.build,
        buildTags: ['model-registered'],
        sourceBranch: 'refs/heads/feature/bigger-trees',
      };
      await assert.rejects(release(feature), {
        message:
          "pipeline resource 'modelBuild': run 20261125.1 of 'credit-risk ML Build' would not trigger this pipeline: trigger branches needed: refs/heads/main; the run's branch: refs/heads/feature/bigger-trees (matches none).",
      });
    });

    it('a release run without a model.json artifact stops at the download, naming the artifact and the build', async () => {
      const tagged: PipelineRunResult = { ...flow.build, buildTags: ['model-registered'] };
      await assert.rejects(release(tagged), {
        message:
          "stage 'Package', job 'Package', step 'DownloadPipelineArtifact': artifact 'model' was not found in pipeline resource 'modelBuild'; its artifacts: data-validation.",
      });
    });
  });
});

/** The example's release, with the given build run as its `modelBuild` resource (no Azure needed: it stops first). */
async function release(build: PipelineRunResult): Promise<PipelineRunResult> {
  const sources = checkout(fs.mkdtempSync(path.join(os.tmpdir(), 'release-')));
  try {
    return await runExamplePipeline({
      sources,
      file: 'ml-release.yml',
      pipelineName: 'credit-risk ML Release',
      buildReason: 'ResourceTrigger',
      buildId: 102,
      buildNumber: '20261125.2',
      runDir: path.join(sources, '.run'),
      serviceConnections: { [CONNECTION_NAME]: { id: 'unused', env: {} } },
      pipelineResources: { modelBuild: build },
      log: () => undefined,
    });
  } finally {
    fs.rmSync(sources, { recursive: true, force: true });
  }
}
