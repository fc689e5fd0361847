/**
 * Our templates expanded the way Azure DevOps compiles them (local-runner/expansion/expand-pipeline.ts): every
 * example pipeline expands through `@templates`, and typed parameters refuse values of the wrong type
 * with one clear message naming the template, the parameter, the value and the fix.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expandPipeline } from '../../local-runner/expansion/expand-pipeline';
import { compileTimeVariables } from '../../local-runner/evaluation/predefined';
import type { Pipeline, Step, Job } from '../../local-runner/pipeline-model';
import { repoRoot } from './pipeline-schema';

const EXAMPLE = path.join(repoRoot, 'pipeline-templates', 'examples', 'credit-risk');
const expand = (file: string, buildReason = 'Manual'): Pipeline =>
  expandPipeline(path.join(EXAMPLE, 'azure-pipelines', file), {
    selfRoot: EXAMPLE,
    repositories: { templates: repoRoot },
    variables: compileTimeVariables({ sourcesDir: EXAMPLE, buildReason, sourceBranch: 'refs/heads/main' }),
  });

const stepsOf = (job: Job): Step[] => (job.kind === 'job' ? job.steps : job.hooks.deploy);
const tasksOf = (p: Pipeline) =>
  p.stages.flatMap((s) =>
    s.jobs.flatMap((j) => stepsOf(j).flatMap((st) => (st.kind === 'task' ? [`${s.name}/${j.name}/${st.name ?? ''}: ${st.task}`] : []))),
  );

const tasksStepsOf = (p: Pipeline): Step[] => p.stages.flatMap((s) => s.jobs.flatMap((j) => stepsOf(j)));

/** An example repository copy whose build pipeline extends ml-build.yml with the given parameter lines. */
const made: string[] = [];
after(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function buildWith(parameterLines: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'template-params-'));
  made.push(dir);
  fs.cpSync(EXAMPLE, dir, { recursive: true });
  const file = path.join(dir, 'azure-pipelines', 'custom.yml');
  fs.writeFileSync(
    file,
    `resources:\n  repositories:\n    - repository: templates\n      type: git\n      name: MLPlatform/azureml-mlops-templates\nextends:\n  template: pipeline-templates/ml-build.yml@templates\n  parameters:\n    azureSubscription: c\n    resourceGroup: rg\n    workspace: ws\n    pipelineFile: ml/pipeline.yml\n    modelName: credit-risk\n${parameterLines}`,
  );
  return file;
}
const expandBuildWith = (lines: string) => {
  const file = buildWith(lines);
  return expandPipeline(file, { selfRoot: path.dirname(path.dirname(file)), repositories: { templates: repoRoot } });
};

describe('templates: expansion of the examples through @templates', () => {
  it('ml-build.yml: CodeQuality then Train with validate data → publish → wait → compare → register, register gated on promote', () => {
    const p = expand('ml-build.yml');
    assert.deepEqual(
      p.stages.map((s) => [s.name, s.dependsOn]),
      [
        ['CodeQuality', []],
        ['Train', ['CodeQuality']],
      ],
    );
    assert.deepEqual(tasksOf(p), [
      'Train/Train/validateData: AzureMLValidateData@1',
      'Train/Train/publish: AzureMLPublishPipeline@1',
      'Train/Train/wait: AzureMLWaitForRun@1',
      'Train/Train/compare: AzureMLCompareModels@1',
      'Train/Train/register: AzureMLRegisterModel@1',
    ]);
    const register = stepsOf(p.stages[1].jobs[0]).find((s) => s.name === 'register')!;
    assert.equal(register.condition, "and(succeeded(), eq(variables['compare.promote'], 'true'))");
    assert.equal(register.kind === 'task' && register.inputs.jobName, '$(publish.jobName)');
    const steps = stepsOf(p.stages[1].jobs[0]);
    const validate = steps.find((s) => s.name === 'validateData')!;
    assert.ok(validate.kind === 'task');
    assert.equal(validate.inputs.data, 'data/credit.csv');
    assert.equal(validate.inputs.onViolation, 'fail');
    assert.match(validate.inputs.expectations, /^columns exactly age, income, /);
    // The report is published even when the validation fails (but not after a bad input wrote nothing).
    const published = steps[steps.indexOf(validate) + 1];
    assert.deepEqual(published.kind === 'publish' && [published.artifact, published.path, published.condition], [
      'data-validation',
      '$(Build.ArtifactStagingDirectory)/data-validation',
      "and(succeededOrFailed(), ne(variables['validateData.reportPath'], ''))",
    ]);
  });

  it('ml-build.yml without trainingData has no data step; with it but no expectations, the data is profiled only', () => {
    const names = (p: Pipeline) => tasksOf(p).map((t) => t.split(': ')[1]);
    assert.deepEqual(names(expandBuildWith('    runCodeQuality: false\n')), [
      'AzureMLPublishPipeline@1',
      'AzureMLWaitForRun@1',
      'AzureMLCompareModels@1',
      'AzureMLRegisterModel@1',
    ]);
    const profiled = expandBuildWith('    runCodeQuality: false\n    trainingData: data/credit.csv\n');
    assert.deepEqual(names(profiled).slice(0, 2), ['AzureMLValidateData@1', 'AzureMLPublishPipeline@1']);
    const validate = tasksStepsOf(profiled).find((st) => st.kind === 'task' && st.task === 'AzureMLValidateData@1')!;
    assert.equal(validate.kind === 'task' && (validate.inputs.expectations ?? ''), '');
  });

  it('ml-build.yml with dataExpectations but no trainingData fails at once, saying which parameter is missing', () => {
    const steps = tasksStepsOf(expandBuildWith('    runCodeQuality: false\n    dataExpectations: age not null\n'));
    const check = steps.find((st) => st.displayName === 'Check the data parameters')!;
    assert.ok(
      check && check.kind === 'script' && /dataExpectations is set but trainingData is empty/.test(check.script),
      JSON.stringify(check),
    );
    assert.ok(!steps.some((st) => st.kind === 'task' && st.task === 'AzureMLValidateData@1'));
  });

  it("ml-build.yml's data step never shows a URL's query (a SAS) in the step name, which the log does not mask", () => {
    const p = expandBuildWith(
      '    runCodeQuality: false\n    trainingData: https://acct.blob.core.windows.net/data/credit.csv?sv=2022-11-02&sig=abc%3D\n    dataExpectations: age not null\n',
    );
    const job = p.stages
      .flatMap((s) => s.jobs)
      .find((j) => stepsOf(j).some((st) => st.kind === 'task' && st.task === 'AzureMLValidateData@1'))!;
    const names = stepsOf(job).map((st) => st.displayName ?? '');
    assert.ok(names.includes('Validate data https://acct.blob.core.windows.net/data/credit.csv'), names.join(' | '));
    assert.ok(!names.some((n) => n.includes('sig=')), names.join(' | '));
  });

  it('ml-release.yml: the model-registered trigger, package from model.json, two deployment jobs on environments', () => {
    const p = expand('ml-release.yml');
    assert.deepEqual(p.resources.pipelines, [
      {
        alias: 'modelBuild',
        source: 'credit-risk ML Build',
        branch: 'main',
        tags: ['model-registered'],
        triggerEnabled: true,
        triggerTags: ['model-registered'],
        triggerBranches: { include: ['main'], exclude: [] },
      },
    ]);
    assert.deepEqual(
      p.stages.map((s) => [s.name, s.dependsOn]),
      [
        ['Package', []],
        ['Staging', ['Package']],
        ['Production', ['Package', 'Staging']],
      ],
    );
    const pkg = stepsOf(p.stages[0].jobs[0]).find((s) => s.kind === 'task')!;
    assert.equal(pkg.kind === 'task' && pkg.inputs.modelJson, '$(Pipeline.Workspace)/modelBuild/model/model.json');
    const deployments = p.stages.slice(1).map((s) => s.jobs[0]);
    assert.deepEqual(
      deployments.map((j) => [j.kind, j.kind === 'deployment' ? j.environment : '']),
      [
        ['deployment', 'ml-staging'],
        ['deployment', 'ml-production'],
      ],
    );
    assert.deepEqual(deployments[1].variables, [
      { name: 'expectedPackageId', value: "$[ stageDependencies.Package.Package.outputs['package.packageId'] ]" },
    ]);
  });

  it('ml-build.yml on its weekly schedule: no code-quality stage, trained on the newest registered data', () => {
    const p = expand('ml-build.yml', 'Schedule');
    assert.equal(p.schedules.length, 1);
    assert.deepEqual(
      p.stages.map((s) => [s.name, s.dependsOn]),
      [['Train', []]],
    );
    const publish = stepsOf(p.stages[0].jobs[0]).find((s) => s.name === 'publish')!;
    // The job trains on the version the data check pinned, not on a second @latest.
    assert.equal(publish.kind === 'task' && publish.inputs.inputOverrides, 'raw_data=$(AzureML.TrainingData)');
    const validate = stepsOf(p.stages[0].jobs[0]).find((s) => s.name === 'validateData')!;
    assert.equal(validate.kind === 'task' && validate.inputs.data, 'azureml:credit-applications@latest', 'and validated');
    const pushed = stepsOf(expand('ml-build.yml', 'IndividualCI').stages[1].jobs[0]).find((s) => s.name === 'publish')!;
    assert.equal(pushed.kind === 'task' && pushed.inputs.inputOverrides, undefined, 'a push trains on the repository sample');
  });

  it('ml-build.yml cannot expand without Build.Reason: it is read at compile time, as the service allows', () => {
    assert.throws(
      () =>
        expandPipeline(path.join(EXAMPLE, 'azure-pipelines', 'ml-build.yml'), { selfRoot: EXAMPLE, repositories: { templates: repoRoot } }),
      /the predefined variable 'Build\.Reason' is read at compile time/,
    );
  });

  const BUILD_TEMPLATE = path.join(repoRoot, 'pipeline-templates', 'ml-build.yml');
  const refused = (lines: string, message: string) =>
    assert.throws(() => expandBuildWith(lines), { message: `${BUILD_TEMPLATE}: ${message}` });

  it('refuses a boolean parameter given a string, naming the template, the parameter, the value and the fix', () =>
    refused('    forcePromote: maybe\n', "parameter 'forcePromote' expects a boolean, got 'maybe' (a string). Fix: pass true or false."));

  it('refuses a number parameter given text, a value outside values:, and a stepList given a mapping', () => {
    refused(
      '    waitTimeoutMinutes: two hours\n',
      "parameter 'waitTimeoutMinutes' expects a number, got 'two hours' (a string). Fix: pass a number such as 3 or 0.5.",
    );
    refused(
      '    productionSource: registry\n',
      `parameter 'productionSource' must be one of 'endpoint', 'tag', 'latest', 'none' (its values:), got 'registry' (a string). Fix: pass one of the allowed values, or add it to values: in ${BUILD_TEMPLATE}.`,
    );
    refused(
      '    preTrainSteps:\n      script: echo hi\n',
      "parameter 'preTrainSteps' expects a stepList (a sequence of steps), got a mapping (keys: script). Fix: write it as a YAML sequence ('- script: echo hi').",
    );
  });

  it('refuses an unknown parameter (a misspelling) and a missing required one', () => {
    assert.throws(
      () => expandBuildWith('    metricStepName: evaluate\n'),
      /: unknown parameter 'metricStepName' passed by .*custom\.yml \(declared: .*metricsStepName.*\)\. Fix: remove it, fix its spelling, or declare it/,
    );
    const file = buildWith('');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('    modelName: credit-risk\n', ''));
    assert.throws(
      () => expandPipeline(file, { selfRoot: path.dirname(path.dirname(file)), repositories: { templates: repoRoot } }),
      /modelName/,
    );
  });
});
