import { strict as assert } from 'node:assert';
import { startEmulator, Emulator, TaskConnection } from '../../emulator';
import { runTask, assertNoSecretLeak, TaskRunResult } from '../../devkit/task-runner';
import { conformsToSpec } from '../conformance/conforms';
import { COMPARE_VARIABLES } from '../../shared/task/handoff-variables';

/**
 * AzureMLCompareModels@1 run as the agent runs it, against the emulator over HTTPS with the real SDKs:
 * candidate metrics from MLflow (a pipeline step found through run history), production from the
 * endpoint's busiest deployment, the model registry, and every bad input the issue names.
 */
describe('AzureMLCompareModels@1 (task process)', function () {
  let emulator: Emulator;
  let spn: TaskConnection;

  before(async () => {
    emulator = await startEmulator({ seed: 11 });
    spn = emulator.connection({ scheme: 'spnKey' });
    // The candidate: a finished pipeline whose train step logged its metrics.
    emulator.jobs.seed('cand-1', {
      phases: [],
      outcome: 'Completed',
      children: [
        { name: 'cand-1-prep', displayName: 'prep', phases: [], outcome: 'Completed' },
        { name: 'cand-1-train', displayName: 'train', phases: [], outcome: 'Completed', metrics: { accuracy: 0.95, rmse: 0.4, auc: 0.81 } },
      ],
    });
    // Production: credit:3 serves 90% of credit-prod; its metrics are the tags registration wrote.
    emulator.models.seed('credit', '2', { jobName: 'old-2', tags: { 'metric.accuracy': '0.99', 'metric.rmse': '0.1' } });
    emulator.models.seed('credit', '3', { jobName: 'old-3', tags: { 'metric.accuracy': '0.93', 'metric.rmse': '0.41' } });
    emulator.endpoints.seed({
      name: 'credit-prod',
      traffic: { blue: 90, green: 10 },
      deployments: [
        { name: 'blue', model: { name: 'credit', version: '3' } },
        { name: 'green', model: { name: 'credit', version: '2' } },
      ],
    });
    emulator.endpoints.seed({
      name: 'credit-dark',
      traffic: { blue: 0 },
      deployments: [{ name: 'blue', model: { name: 'credit', version: '3' } }],
    });
  });
  after(async () => {
    await emulator.stop();
  });

  function run(extra: Record<string, string> = {}, variables: Record<string, string> = {}): Promise<TaskRunResult> {
    return runTask({
      task: 'AzureMLCompareModels',
      inputs: {
        connectedServiceNameARM: spn.id,
        resourceGroupName: emulator.resourceGroup,
        workspaceName: emulator.workspaceName,
        jobName: 'cand-1',
        stepName: 'train',
        productionEndpoint: 'credit-prod',
        rules: 'accuracy >= production + 0.01\nrmse <= production * 1.02\nauc >= 0.75',
        ...extra,
      },
      env: spn.env,
      variables: { 'System.Debug': 'true', ...variables },
      timeoutMs: 60_000,
    });
  }

  const mlflowCalls = (from: number) =>
    emulator
      .requests()
      .slice(from)
      .filter((r) => r.path.startsWith('/mlflow/')).length;

  it('promotes a better candidate against the model behind the busiest deployment, with outputs, job variables and a summary', async () => {
    const before = emulator.requests().length;
    const r = await run();
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    assert.equal(r.outputs.promote, 'true');
    assert.equal(r.outputs.productionModel, 'credit:3');
    assert.deepEqual(JSON.parse(r.outputs.candidateMetrics), { accuracy: 0.95, rmse: 0.4, auc: 0.81 });
    assert.equal(r.outputs.reason, 'The candidate meets all 3 rules against production model credit:3.');
    assert.equal(r.variables[COMPARE_VARIABLES.promote]?.value, 'true');
    assert.equal(r.variables[COMPARE_VARIABLES.jobName]?.value, 'cand-1');
    assert.equal(r.summaries.length, 1);
    const md = r.summaries[0];
    assert.match(md, /^## Model comparison: ✅ Promote/);
    assert.ok(md.includes('served by deployment blue (90% of endpoint credit-prod'), md);
    assert.ok(md.includes('| accuracy | 0.95 | 0.93 | `accuracy >= production + 0.01` | 0.94 | ✅ pass | +0.02 |'), md);
    // Production metrics came from tags: one MLflow read, for the candidate step.
    assert.equal(mlflowCalls(before), 1);
    assertNoSecretLeak(r, spn.secrets);
  });

  it('a candidate that is not better succeeds with promote=false by default, or as asked', async () => {
    const strict = { rules: 'accuracy >= production + 0.05' };
    const ok = await run(strict);
    assert.equal(ok.result?.result, 'Succeeded', ok.stdout);
    assert.equal(ok.outputs.promote, 'false');
    assert.equal(
      ok.outputs.reason,
      'The candidate fails 1 of 1 rule against production model credit:3: accuracy >= production + 0.05 (candidate 0.95, needs >= 0.98).',
    );
    assert.match(ok.summaries[0], /## Model comparison: ❌ Do not promote/);
    const issues = await run({ ...strict, whenNotBetter: 'succeedWithIssues' });
    assert.equal(issues.result?.result, 'SucceededWithIssues');
    const failed = await run({ ...strict, whenNotBetter: 'fail' });
    assert.equal(failed.result?.result, 'Failed');
    assert.equal(failed.outputs.promote, 'false');
  });

  it('force promotes anyway and records why', async () => {
    const r = await run({ rules: 'accuracy >= production + 0.05', force: 'true', forceReason: 'hotfix INC-42' });
    assert.equal(r.result?.result, 'Succeeded');
    assert.equal(r.outputs.promote, 'true');
    assert.match(r.outputs.reason, /^Forced promotion \(hotfix INC-42\) overriding: The candidate fails 1 of 1 rule/);
    assert.equal(r.variables[COMPARE_VARIABLES.forced]?.value, 'hotfix INC-42');
    assert.ok(r.issues.some((i) => i.type === 'warning' && /Forced promotion/.test(i.message)));
  });

  it("reads production metrics from the source job's MLflow run when the version has no metric tags (latest)", async () => {
    emulator.jobs.seed('legacy-train', { phases: [], outcome: 'Completed', metrics: { accuracy: 0.9 } });
    emulator.models.seed('legacy', '7', { jobName: 'legacy-train' });
    const before = emulator.requests().length;
    const r = await run({ productionSource: 'latest', modelName: 'legacy', rules: 'accuracy >= production' });
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    assert.equal(r.outputs.productionModel, 'legacy:7');
    assert.match(r.summaries[0], /metrics from the MLflow run of its source job legacy-train/);
    assert.equal(mlflowCalls(before), 2);
  });

  it("a re-run after registering the candidate does not take the candidate's own version as production (latest, tag)", async () => {
    emulator.models.seed('rerun', '1', { jobName: 'old-1', tags: { 'metric.accuracy': '0.9', stage: 'production' } });
    // The first attempt of this stage registered cand-1 as version 2 (jobName) and as 3 (source property only).
    emulator.models.seed('rerun', '2', { jobName: 'cand-1', tags: { 'metric.accuracy': '0.95' } });
    emulator.models.seed('rerun', '3', {
      modelUri: 'azureml://jobs/cand-1/outputs/model/paths/m',
      properties: { 'azdo.modelSource': 'azureml://jobs/cand-1/outputs/model/paths/m' },
      tags: { 'metric.accuracy': '0.95', stage: 'production' },
    });
    const sources: Array<Record<string, string>> = [
      { productionSource: 'latest' },
      { productionSource: 'tag', productionTag: 'stage=production' },
    ];
    for (const source of sources) {
      const r = await run({ ...source, modelName: 'rerun', rules: 'accuracy >= production + 0.01' });
      assert.equal(r.result?.result, 'Succeeded', r.stdout);
      assert.equal(r.outputs.productionModel, 'rerun:1', source.productionSource);
      assert.equal(r.outputs.promote, 'true', r.outputs.reason);
      assert.ok(
        r.lines.includes(
          'Not production: rerun:3 was registered from the candidate job cand-1 itself (this stage ran before); looking at the version before it.',
        ),
        r.stdout,
      );
    }
  });

  it("takes each production metric from its tag, else from the source job's run, and says where each came from", async () => {
    emulator.jobs.seed('mixed-train', { phases: [], outcome: 'Completed', metrics: { accuracy: 0.5, rmse: 0.45 } });
    emulator.models.seed('mixed', '1', { jobName: 'mixed-train', tags: { 'metric.accuracy': '0.9' } });
    const r = await run({ productionSource: 'latest', modelName: 'mixed', rules: 'accuracy >= production\nrmse <= production' });
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    assert.equal(r.outputs.promote, 'true', r.outputs.reason);
    const md = r.summaries[0];
    assert.ok(md.includes('metrics from its metric.* tags, and the MLflow run of its source job mixed-train for rmse'), md);
    assert.ok(md.includes('| accuracy | 0.95 | 0.9 |'), 'the tag wins over the run for a metric that has both');
    assert.ok(md.includes('| rmse | 0.4 | 0.45 |'), md);
  });

  it('says so when the busiest deployment was a tie', async () => {
    emulator.endpoints.seed({
      name: 'credit-tie',
      traffic: { green: 50, blue: 50 },
      deployments: [
        { name: 'blue', model: { name: 'credit', version: '3' } },
        { name: 'green', model: { name: 'credit', version: '2' } },
      ],
    });
    const r = await run({ productionEndpoint: 'credit-tie' });
    assert.equal(r.outputs.productionModel, 'credit:3', r.stdout);
    const how =
      "served by deployment blue (50% of endpoint credit-tie's traffic; a tie with green, broken by taking the first name alphabetically)";
    assert.ok(r.summaries[0].includes(how), r.summaries[0]);
    assert.ok(
      r.lines.some((l) => l.startsWith('Production: credit:3, ') && l.includes(how)),
      r.stdout,
    );
  });

  it('promotes with that reason when no version carries the production tag', async () => {
    const r = await run({
      productionSource: 'tag',
      modelName: 'credit',
      productionTag: 'stage=production',
      rules: 'accuracy >= production\nauc >= 0.75',
    });
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    assert.equal(r.outputs.promote, 'true');
    assert.equal(r.outputs.productionModel, '');
    assert.equal(
      r.outputs.reason,
      "No production model yet (no version of model 'credit' carries the tag stage=production); the candidate meets the 1 rule with a fixed threshold.",
    );
  });

  describe('bad input: one clear line, nothing created', () => {
    async function failsWith(extra: Record<string, string>, message: string, options: { azureCalls: boolean }) {
      const before = emulator.requests().length;
      const models = emulator.models.list('credit').length;
      const r = await run(extra);
      assert.equal(r.result?.result, 'Failed', r.stdout);
      assert.equal(r.result?.message, message);
      assert.ok(!/\n\s+at /.test(r.stdout), 'no stack trace for a user error');
      if (!options.azureCalls) assert.equal(emulator.requests().length, before, 'no request may reach Azure for bad input');
      assert.equal(emulator.models.list('credit').length, models, 'compare never creates anything');
      assert.equal(r.outputs.promote, undefined, 'no verdict on an error');
      assertNoSecretLeak(r, spn.secrets);
    }

    it('a rule syntax error names line and column, before any call to Azure', () =>
      failsWith(
        { rules: 'accuracy >= production\nrmse =< production' },
        "'rules' line 2, column 6: expected one of >=, >, <=, < after 'rmse', got '=<' (write '>=' or '<=')",
        { azureCalls: false },
      ));

    it('an unknown metric names the metrics that exist', () =>
      failsWith(
        { rules: 'acuracy >= production' },
        "'rules' line 1 'acuracy >= production': metric 'acuracy' is missing on the candidate (job cand-1, step train); it has accuracy, auc, rmse. Fix the metric name, or end the rule with 'if present' to skip it when missing.",
        { azureCalls: true },
      ));

    it('an unknown job', () =>
      failsWith(
        { jobName: 'no-such-job' },
        "Azure ML job 'no-such-job' was not found in workspace 'mlw-emulator'; check the 'jobName' input (it is the job's name, not its display name).",
        { azureCalls: true },
      ));

    it('an unknown metric fails on a first release too (no production model)', () =>
      failsWith(
        { productionSource: 'none', rules: 'acuracy >= production' },
        "'rules' line 1 'acuracy >= production': metric 'acuracy' is missing on the candidate (job cand-1, step train); it has accuracy, auc, rmse. Fix the metric name, or end the rule with 'if present' to skip it when missing.",
        { azureCalls: true },
      ));

    it('a job that has not completed', () => {
      emulator.jobs.seed('still-running', { phases: [{ status: 'Running', seconds: 3600 }], outcome: 'hang' });
      return failsWith(
        { jobName: 'still-running' },
        "Azure ML job 'still-running' is Running, not Completed: models are compared only from a completed job (run AzureMLWaitForRun@1 before this task, and check the 'jobName' input).",
        { azureCalls: true },
      );
    });

    it('a pipeline job read without stepName: its run logged no metrics, so the error names the steps', () =>
      failsWith(
        { stepName: '' },
        "'rules' line 1 'accuracy >= production + 0.01': the candidate (job cand-1) logged no metrics to MLflow, so no rule can be checked; set 'stepName' to the pipeline step that logs them (its steps are prep, train).",
        { azureCalls: true },
      ));

    it('a step the pipeline does not have', () =>
      failsWith(
        { stepName: 'trian' },
        "'stepName' is 'trian', but Azure ML job 'cand-1' has no step of that name; its steps are prep, train.",
        { azureCalls: true },
      ));

    it('a production endpoint that does not exist', () =>
      failsWith(
        { productionEndpoint: 'credit-prd' },
        "'productionEndpoint' is 'credit-prd', but workspace 'mlw-emulator' has no online endpoint of that name; check the name, or set 'productionSource' to none until a model serves traffic.",
        { azureCalls: true },
      ));

    it('a production endpoint with no traffic', () =>
      failsWith(
        { productionEndpoint: 'credit-dark' },
        "'productionEndpoint' is 'credit-dark', but the endpoint sends no traffic to any deployment, so no model is in production there; route traffic to a deployment, or set 'productionSource' to none.",
        { azureCalls: true },
      ));

    it('a model name Azure ML does not accept', () =>
      failsWith(
        { productionSource: 'latest', modelName: 'credit model' },
        "'modelName' is 'credit model', which Azure ML does not accept as a model name: use 1 to 255 letters, digits, '-' and '_', starting with a letter or digit (for example credit-risk_model).",
        { azureCalls: false },
      ));
  });

  conformsToSpec(() => emulator.traffic());
});
