import { strict as assert } from 'node:assert';
import { anonymousComponentSpec } from '../../shared/azureml-pipeline/rest-body';
import type { AnonymousComponent, PipelineDefinition } from '../../shared/azureml-pipeline/definition';
import { jobBody as pipelineBody, readYaml as read, resolvedFor, WS, type Any } from '../support/pipeline-bodies';

/**
 * Sweep steps, translated as azure-ai-ml translates them (entities/_builders/sweep.py
 * Sweep._to_rest_object over base_node.py BaseNode._to_rest_object): sweep fields from the node's
 * YAML schema dump, early_termination as the REST model's snake_case attributes, the trial as
 * `trial: {componentId}`. azure-ai-ml's own expectation of a sweep node:
 * sdk/ml/azure-ai-ml/tests/dsl/unittests/test_dsl_pipeline.py (test_dsl_pipeline_sweep_node).
 */

const jobBody = (def: PipelineDefinition): Any =>
  pipelineBody(
    def,
    resolvedFor(def, { dataUris: { 'jobs.sweep_step.inputs.data': 'wasbs://datasets@azuremlexamples.blob.core.windows.net/iris.csv' } }),
  );

// azureml-examples cli/jobs/pipelines-with-components/pipeline_with_hyperparameter_sweep (pipeline.yml and train.yml, trimmed inputs).
const TRAIN = `$schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json
type: command
name: train_model
inputs:
  data:
    type: uri_folder
  c_value:
    type: number
    default: 1.0
  kernel:
    type: string
    default: rbf
  coef0:
    type: number
    default: 0
  degree:
    type: integer
    default: 3
outputs:
  model_output:
    type: uri_folder
code: ./train-src
environment: azureml://registries/azureml/environments/sklearn-1.5/labels/latest
command: python train.py --data \${{inputs.data}} --C \${{inputs.c_value}} --kernel \${{inputs.kernel}} --model_output \${{outputs.model_output}}
`;
const PIPELINE = `type: pipeline
settings:
    default_compute: azureml:cpu-cluster
jobs:
  sweep_step:
    type: sweep
    inputs:
      data:
        type: uri_file
        path: wasbs://datasets@azuremlexamples.blob.core.windows.net/iris.csv
      degree: 3
    outputs:
      model_output:
        type: uri_folder
        mode: upload
    sampling_algorithm: random
    trial: ./train.yml
    search_space:
      c_value:
        type: uniform
        min_value: 0.5
        max_value: 0.9
      kernel:
        type: choice
        values: ["rbf", "linear", "poly"]
      coef0:
        type: uniform
        min_value: 0.1
        max_value: 1
    objective:
      goal: minimize
      primary_metric: training_f1_score
    limits:
      max_total_trials: 5
      max_concurrent_trials: 3
      timeout: 7200
  predict_step:
    type: command
    inputs:
      model: \${{parent.jobs.sweep_step.outputs.model_output}}
    command: echo \${{inputs.model}}
    environment: azureml:e:1
`;
const FILES = { 'train.yml': TRAIN, 'train-src/train.py': 'print(1)\n' };

describe('publish pipeline: sweep steps', () => {
  it('sends the sweep node of the azureml-examples hyperparameter pipeline as azure-ai-ml does', () => {
    const def = read(PIPELINE, FILES);
    const node = JSON.parse(JSON.stringify(jobBody(def).jobs.sweep_step));
    assert.deepEqual(node, {
      limits: { max_total_trials: 5, max_concurrent_trials: 3, timeout: 7200 },
      sampling_algorithm: 'random',
      objective: { goal: 'minimize', primary_metric: 'training_f1_score' },
      search_space: {
        c_value: { type: 'uniform', min_value: 0.5, max_value: 0.9 },
        kernel: { type: 'choice', values: ['rbf', 'linear', 'poly'] },
        coef0: { type: 'uniform', min_value: 0.1, max_value: 1 },
      },
      name: 'sweep_step',
      type: 'sweep',
      inputs: {
        data: { job_input_type: 'uri_file', uri: 'wasbs://datasets@azuremlexamples.blob.core.windows.net/iris.csv' },
        degree: { job_input_type: 'literal', value: '3' },
      },
      outputs: { model_output: { job_output_type: 'uri_folder', mode: 'Upload' } },
      _source: 'YAML.COMPONENT',
      // No node-level componentId: the trial carries it (Sweep._get_trial_component_rest_obj).
      trial: { componentId: `${WS}/components/azureml_anonymous/versions/sweep_step` },
    });
    // The trial is an ordinary anonymous command component, registered like any component file.
    const spec = anonymousComponentSpec(def.steps.sweep_step.component as AnonymousComponent, {
      environment: 'azureml://registries/azureml/environments/sklearn-1.5/labels/latest',
    }) as Any;
    assert.equal(spec.type, 'command');
    assert.equal(spec._source, 'YAML.COMPONENT');
    assert.deepEqual(Object.keys(spec.inputs), ['data', 'c_value', 'kernel', 'coef0', 'degree']);
    // A later step binds to the sweep's output (the trial declares it).
    assert.equal(jobBody(def).jobs.predict_step.inputs.model.value, '${{parent.jobs.sweep_step.outputs.model_output}}');
  });

  const INLINE = `type: pipeline
jobs:
  tune:
    type: sweep
    compute: azureml:gpu
    trial:
      command: python train.py --lr \${{inputs.lr}}
      environment: azureml:e:1
      inputs:
        lr:
          type: number
          default: 0.01
        layers:
          type: integer
          default: 2
        opt:
          type: string
          default: sgd
    sampling_algorithm:
      type: Random
      seed: 42
      rule: Sobol
    search_space:
      lr:
        type: loguniform
        min_value: -6
        max_value: -1
      layers:
        type: randint
        upper: 5
      opt:
        type: choice
        values: [sgd, adam]
    objective:
      goal: Maximize
      primary_metric: accuracy
    limits:
      max_total_trials: 20
      trial_timeout: 600
    early_termination:
      type: bandit
      evaluation_interval: 2
      slack_factor: 0.1
    resources:
      instance_count: 1
`;

  it('reads an inline trial, the object form of the sampling algorithm and an early-termination policy', () => {
    const def = read(INLINE);
    const node = JSON.parse(JSON.stringify(jobBody(def).jobs.tune));
    // Enums are lower-cased as azure-ai-ml's StringTransformedEnum dumps them.
    assert.deepEqual(node.sampling_algorithm, { type: 'random', seed: 42, rule: 'sobol' });
    assert.deepEqual(node.objective, { goal: 'maximize', primary_metric: 'accuracy' });
    assert.deepEqual(node.limits, { max_total_trials: 20, trial_timeout: 600 });
    // REST-model form with the entity's defaults (BanditPolicy: delay_evaluation 0, slack_amount 0).
    assert.deepEqual(node.early_termination, {
      policy_type: 'Bandit',
      delay_evaluation: 0,
      evaluation_interval: 2,
      slack_amount: 0,
      slack_factor: 0.1,
    });
    assert.deepEqual(node.search_space, {
      lr: { type: 'loguniform', min_value: -6, max_value: -1 },
      layers: { type: 'randint', upper: 5 },
      opt: { type: 'choice', values: ['sgd', 'adam'] },
    });
    assert.deepEqual(node.resources, { instance_count: 1 });
    assert.equal(node.computeId, `${WS}/computes/gpu`);
    assert.equal(node._source, 'YAML.JOB');
    assert.equal(node.componentId, undefined);
    const spec = anonymousComponentSpec(def.steps.tune.component as AnonymousComponent, { environment: 'azureml:e:1' }) as Any;
    // An inline trial declares its interface; it is not derived from the step's inputs as an inline command's is.
    assert.deepEqual(spec.inputs, {
      lr: { type: 'number', default: '0.01' },
      layers: { type: 'integer', default: '2' },
      opt: { type: 'string', default: 'sgd' },
    });
    assert.equal(spec._source, 'YAML.JOB');
  });

  it('writes every search-space type and the other two policies with their fields', () => {
    const space = `      a: {type: normal, mu: 0, sigma: 1.5}
      b: {type: lognormal, mu: 1, sigma: 2}
      c: {type: quniform, min_value: 1, max_value: 9, q: 2}
      d: {type: qloguniform, min_value: 1, max_value: 4, q: 1}
      e: {type: qnormal, mu: 5, sigma: 1, q: 1}
      f: {type: qlognormal, mu: 1, sigma: 0.5, q: 1}
      g: {type: uniform, min_value: 0, max_value: 1}`;
    const yml = (policy: string) =>
      INLINE.replace(/ {4}search_space:\n[\s\S]*? {4}objective:/, `    search_space:\n${space}\n    objective:`).replace(
        / {4}early_termination:\n[\s\S]*? {4}resources:/,
        `    early_termination:\n${policy}\n    resources:`,
      );
    const median = JSON.parse(JSON.stringify(jobBody(read(yml('      type: median_stopping\n      delay_evaluation: 5'))).jobs.tune));
    assert.deepEqual(Object.keys(median.search_space), ['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    assert.deepEqual(median.search_space.c, { type: 'quniform', min_value: 1, max_value: 9, q: 2 });
    assert.deepEqual(median.search_space.f, { type: 'qlognormal', mu: 1, sigma: 0.5, q: 1 });
    assert.deepEqual(median.early_termination, { policy_type: 'MedianStopping', delay_evaluation: 5, evaluation_interval: 1 });
    const truncation = JSON.parse(
      JSON.stringify(
        jobBody(read(yml('      type: truncation_selection\n      truncation_percentage: 20\n      evaluation_interval: 1'))).jobs.tune,
      ),
    );
    assert.deepEqual(truncation.early_termination, {
      policy_type: 'TruncationSelection',
      delay_evaluation: 0,
      evaluation_interval: 1,
      truncation_percentage: 20,
    });
    const grid = JSON.parse(
      JSON.stringify(jobBody(read(INLINE.replace(/ {4}sampling_algorithm:\n(?: {6}.*\n)+/, '    sampling_algorithm: grid\n'))).jobs.tune),
    );
    assert.equal(grid.sampling_algorithm, 'grid');
  });

  // Bad input: one line naming the step and the field, before anything is read from Azure.
  const BAD: Array<[string, (y: string) => string, string]> = [
    [
      'a sweep without an objective',
      (y) => y.replace(/ {4}objective:\n(?: {6}.*\n)+/, ''),
      "Step 'tune' in p.yml is a sweep without 'objective': give 'goal' (minimize or maximize) and 'primary_metric' (the metric the trial logs).",
    ],
    [
      'an unknown sampling algorithm',
      (y) => y.replace(/ {4}sampling_algorithm:\n(?: {6}.*\n)+/, '    sampling_algorithm: hyperband\n'),
      "Step 'tune' in p.yml has 'sampling_algorithm: hyperband', which Azure ML does not know; Azure ML sampling algorithms: random, grid, bayesian.",
    ],
    [
      'an unknown sampling algorithm in the object form',
      (y) => y.replace('type: Random', 'type: sobol'),
      "Step 'tune' in p.yml has 'sampling_algorithm.type: sobol', which Azure ML does not know; Azure ML sampling algorithms: random, grid, bayesian.",
    ],
    [
      'a search-space entry of an unknown type',
      (y) => y.replace('type: randint', 'type: poisson'),
      "Step 'tune' in p.yml 'search_space.layers' has type 'poisson', which Azure ML does not know; search space types: choice, uniform, loguniform, quniform, qloguniform, normal, lognormal, qnormal, qlognormal, randint.",
    ],
    [
      'a search-space entry without its bounds',
      (y) => y.replace('        upper: 5\n', ''),
      "Step 'tune' in p.yml 'search_space.layers' is a randint distribution without 'upper'; its fields: upper.",
    ],
    [
      'a goal Azure ML does not know',
      (y) => y.replace('goal: Maximize', 'goal: best'),
      "Step 'tune' in p.yml has 'objective.goal: best'; goals: minimize, maximize.",
    ],
    [
      'a sweep without limits',
      (y) => y.replace(/ {4}limits:\n(?: {6}.*\n)+/, ''),
      "Step 'tune' in p.yml is a sweep without 'limits': give at least 'max_total_trials' (also max_concurrent_trials, timeout, trial_timeout in seconds).",
    ],
    [
      'a command-step limit on a sweep',
      (y) => y.replace('trial_timeout: 600', 'max_nodes: 2'),
      "Step 'tune' in p.yml has 'limits.max_nodes', which a sweep does not take; its limits: max_total_trials, max_concurrent_trials, timeout, trial_timeout.",
    ],
    [
      'an unknown early-termination policy',
      (y) => y.replace('type: bandit', 'type: hyperband'),
      "Step 'tune' in p.yml has 'early_termination.type: hyperband', which Azure ML does not know; early termination policies: bandit, median_stopping, truncation_selection.",
    ],
    [
      'a policy field of another policy',
      (y) => y.replace('slack_factor: 0.1', 'truncation_percentage: 10'),
      "Step 'tune' in p.yml has 'early_termination.truncation_percentage', which a bandit policy does not take; its fields: delay_evaluation, evaluation_interval, slack_amount, slack_factor.",
    ],
    [
      'a sweep without a trial',
      (y) => y.replace(/ {4}trial:\n(?: {6}.*\n)+/, ''),
      "Step 'tune' in p.yml is a sweep without 'trial': give a command component file (trial: ./train.yml) or an inline command component.",
    ],
    [
      'a registered trial',
      (y) => y.replace(/ {4}trial:\n(?: {6}.*\n)+/, '    trial: azureml:train:1\n'),
      "Step 'tune' in p.yml has trial 'azureml:train:1'; AzureMLPublishPipeline@1 takes a sweep's trial from a local component file or an inline command component, not a registered component yet.",
    ],
    [
      'a sweep step input its trial does not declare',
      (y) => y.replace('    compute: azureml:gpu\n', '    compute: azureml:gpu\n    inputs:\n      epochs: 3\n'),
      "Step 'tune' in p.yml sets input 'epochs', which its inline trial does not declare; its inputs: lr, layers, opt.",
    ],
  ];
  for (const [name, edit, message] of BAD) {
    it(`refuses ${name} in one line`, () => {
      const yml = edit(INLINE);
      assert.notEqual(yml, INLINE, 'the edit must change the YAML');
      assert.throws(() => read(yml), { message });
    });
  }

  it('still refuses spark steps, naming the step', () => {
    assert.throws(() => read('type: pipeline\njobs:\n  prep:\n    type: spark\n    component: ./s.yml\n'), {
      message:
        "Step 'prep' in p.yml is a 'spark' step, which AzureMLPublishPipeline@1 does not support yet; supported step types: command, sweep, parallel.",
    });
  });
});
