import { strict as assert } from 'node:assert';
import { jobOutputUri, parseModelUri, parsePathInOutput, sourceKey } from '../../shared/register/model-source';
import {
  buildModelJson,
  buildPublishing,
  compareHandoffFor,
  compareMetricsFor,
  explicitVersionPlan,
  modelTags,
  nextVersion,
} from '../../shared/register/model-record';
import { parseRegisterInputs, parseTagLines } from '../../shared/register/register-inputs';

describe('model source URIs', () => {
  it('builds job output URIs, with and without a path, normalising slashes', () => {
    assert.equal(jobOutputUri('job-1', 'model'), 'azureml://jobs/job-1/outputs/model');
    assert.equal(jobOutputUri('job-1', 'artifacts', '/model/'), 'azureml://jobs/job-1/outputs/artifacts/paths/model');
    assert.equal(jobOutputUri('job-1', 'out', 'a\\b//c'), 'azureml://jobs/job-1/outputs/out/paths/a/b/c');
    assert.throws(() => parsePathInOutput('../secret'), /^UserError: 'pathInOutput' is '..\/secret'/);
  });

  it('reads the job from a job output URI and keeps other azureml:// URIs as given', () => {
    assert.deepEqual(parseModelUri('modelUri', 'azureml://jobs/j1/outputs/artifacts/paths/model/'), {
      uri: 'azureml://jobs/j1/outputs/artifacts/paths/model',
      jobName: 'j1',
      outputName: 'artifacts',
    });
    assert.deepEqual(parseModelUri('modelUri', 'azureml://datastores/workspaceblobstore/paths/models/m1'), {
      uri: 'azureml://datastores/workspaceblobstore/paths/models/m1',
    });
    assert.throws(
      () => parseModelUri('modelUri', 'https://x/y'),
      /^UserError: 'modelUri' is 'https:\/\/x\/y', which is not an azureml:\/\/ URI/,
    );
  });

  it('the idempotency key is stable and differs per source', () => {
    assert.equal(sourceKey('azureml://jobs/a/outputs/model'), sourceKey('azureml://jobs/a/outputs/model'));
    assert.notEqual(sourceKey('azureml://jobs/a/outputs/model'), sourceKey('azureml://jobs/b/outputs/model'));
    assert.match(sourceKey('x'), /^[0-9a-f]{40}$/);
  });
});

describe('model versions, tags and model.json', () => {
  it('next version: highest whole number + 1, never below the container', () => {
    assert.equal(nextVersion([]), '1');
    assert.equal(nextVersion(['1', '2', '10', 'beta']), '11');
    assert.equal(nextVersion(['1'], '5'), '5');
    // After finding version 5 taken, never below 6, whatever a lagging container or list says.
    assert.equal(nextVersion([], '5', 5), '6');
    assert.equal(nextVersion(['1', '7'], '5', 5), '8');
  });

  it("the compare handoff applies only to the job it compared (never a datastore URI's model)", () => {
    const handoff = { jobName: 'train-2', promote: 'false', reason: 'worse' };
    assert.equal(compareHandoffFor('train-2', handoff), handoff);
    assert.equal(compareHandoffFor('TRAIN-2', handoff), handoff, 'Azure ML job names are case-insensitive');
    assert.equal(compareHandoffFor('train-1', handoff), undefined);
    assert.equal(compareHandoffFor(undefined, handoff), undefined);
    assert.equal(compareHandoffFor('train-2', { promote: 'true' }), undefined);
  });

  it('model.json and the build tag only where the agent allows them: the Build host type', () => {
    assert.deepEqual(buildPublishing('build'), { publish: true });
    assert.deepEqual(buildPublishing('Build'), { publish: true });
    assert.deepEqual(buildPublishing(undefined), { publish: true });
    for (const hostType of ['release', 'deployment']) {
      const plan = buildPublishing(hostType);
      assert.equal(plan.publish, false);
      assert.match(plan.why!, new RegExp(`System.HostType '${hostType}'`));
    }
  });

  it('an explicit version: create, reuse the same source, refuse other content', () => {
    const wanted = { uri: 'azureml://jobs/j2/outputs/model', modelType: 'mlflow_model' };
    assert.equal(explicitVersionPlan('credit', '3', undefined, wanted), 'create');
    assert.equal(
      explicitVersionPlan('credit', '3', { version: '3', modelUri: 'azureml://jobs/j2/outputs/model/', modelType: 'mlflow_model' }, wanted),
      'reuse',
    );
    assert.throws(
      () =>
        explicitVersionPlan(
          'credit',
          '3',
          { version: '3', modelUri: 'azureml://jobs/j1/outputs/model', modelType: 'mlflow_model' },
          wanted,
        ),
      (e: Error) =>
        e.message ===
        "'version' is '3', but model credit version 3 already exists with other content (azureml://jobs/j1/outputs/model, mlflow_model) than this registration (azureml://jobs/j2/outputs/model, mlflow_model); choose another version or set 'version' to auto.",
    );
  });

  it('tags: user tags, traceability, metrics and the verdict (forced reason kept)', () => {
    const tags = modelTags({
      traceability: { buildId: '42', commit: 'abc123' },
      metrics: { accuracy: 0.93, nan: Number.NaN },
      compare: { promote: 'true', reason: 'r', forced: 'hotfix', productionModel: 'credit:3' },
      userTags: { team: 'risk' },
    });
    assert.deepEqual(tags, {
      team: 'risk',
      'azdo.buildId': '42',
      'azdo.commit': 'abc123',
      'metric.accuracy': '0.93',
      'compare.promote': 'true',
      'compare.reason': 'r',
      'compare.productionModel': 'credit:3',
      'compare.forced': 'hotfix',
    });
  });

  it("uses the compare step's metrics only for the same job", () => {
    const handoff = { jobName: 'j1', candidateMetrics: '{"accuracy":0.9,"name":"x"}' };
    assert.deepEqual(compareMetricsFor('j1', handoff), { accuracy: 0.9 });
    assert.equal(compareMetricsFor('j2', handoff), undefined);
    assert.equal(compareMetricsFor('j1', { jobName: 'j1', candidateMetrics: 'not json' }), undefined);
  });

  it('model.json pins name, version, id and the build', () => {
    assert.deepEqual(
      buildModelJson({
        name: 'credit',
        version: '4',
        assetId: '/subs/x/models/credit/versions/4',
        modelType: 'mlflow_model',
        modelUri: 'azureml://jobs/j/outputs/model',
        jobName: 'j',
        traceability: { buildId: '42', buildNumber: '20240101.1' },
        metrics: { a: 1 },
        reused: false,
      }),
      {
        name: 'credit',
        version: '4',
        id: 'azureml:credit:4',
        assetId: '/subs/x/models/credit/versions/4',
        modelType: 'mlflow_model',
        modelUri: 'azureml://jobs/j/outputs/model',
        jobName: 'j',
        buildId: '42',
        buildNumber: '20240101.1',
        runUrl: null,
        commit: null,
        metrics: { a: 1 },
        reused: false,
      },
    );
  });
});

describe('AzureMLRegisterModel@1 inputs', () => {
  const base: Record<string, string> = {
    connectedServiceNameARM: 'c',
    resourceGroupName: 'rg',
    workspaceName: 'ws',
    jobName: 'job-1',
    modelName: 'credit',
  };
  const parse = (extra: Record<string, string> = {}) => parseRegisterInputs((n) => ({ ...base, ...extra })[n]);

  it('defaults: the job output "model", mlflow_model, next version, artifact "model"', () => {
    const i = parse();
    assert.equal(i.source.uri, 'azureml://jobs/job-1/outputs/model');
    assert.equal(i.modelType, 'mlflow_model');
    assert.equal(i.version, undefined);
    assert.equal(i.artifactName, 'model');
  });

  it('rejects names Azure ML refuses, bad versions and reserved tags', () => {
    assert.throws(
      () => parse({ modelName: 'credit model!' }),
      (e: Error) => e.message.startsWith("'modelName' is 'credit model!', which Azure ML does not accept as a model name"),
    );
    assert.throws(() => parse({ version: '1/2' }), /^UserError: 'version' must be 'auto' or a version such as 3/);
    assert.throws(
      () => parse({ modelType: 'onnx' }),
      /^UserError: 'modelType' must be one of 'mlflow_model', 'custom_model', 'triton_model', got 'onnx'/,
    );
    assert.throws(
      () => parseTagLines('tags', 'team=risk\nazdo.buildId=1'),
      /^UserError: 'tags' line 2 sets 'azdo.buildId', a tag this task writes itself/,
    );
    assert.throws(() => parseTagLines('tags', 'novalue'), /^UserError: 'tags' line 1 is 'novalue': write one tag per line as key=value/);
    assert.deepEqual(parseTagLines('tags', '# c\nteam = risk\nempty='), { team: 'risk', empty: '' });
  });
});
