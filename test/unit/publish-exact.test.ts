import { strict as assert } from 'node:assert';
import { anonymousComponentSpec, nodeBody, pipelineComponentBody } from '../../shared/azureml-pipeline/rest-body';
import { isoDuration } from '../../shared/azureml-pipeline/node-settings';
import type { AnonymousComponent, PipelineDefinition } from '../../shared/azureml-pipeline/definition';
import { jobBody, readYaml as read, resolvedFor, type Any } from '../support/pipeline-bodies';
import { referenceText as reference } from '../support/reference-file';

/**
 * Issue 13: the REST bodies carry what `az ml job create -f` would send for the same file. Expected
 * shapes are azure-ai-ml's (file of the reference named at each test).
 */

const specOf = (def: PipelineDefinition, step: string): Any =>
  anonymousComponentSpec(def.steps[step].component as AnonymousComponent, { environment: 'azureml:e:1' });

describe('publish exactly what az ml would: YAML 1.1 values in the job', () => {
  const yml = `type: pipeline
inputs:
  octal: 010
  sexagesimal: 1:30
  clock: 12:30:00
  thousands: 1_000
  flag: yes
  off_flag: Off
  letter: y
  small: 1e-3
  ratio: 1.0
  tiny: 0.00001
  nothing_quoted: "0755"
jobs:
  train:
    command: python train.py
    environment: azureml:e:1
    compute: cpu
    inputs:
      mode_bits: 0755
      window: 1:30
      verbose: on
      lr: 1.0e-3
      epochs: \${{parent.inputs.octal}}
      ratio: \${{parent.inputs.ratio}}
`;

  it('sends pipeline inputs as azure-ai-ml does: the PyYAML value, written with str()', () => {
    // azure-ai-ml: LiteralJobInput(value=str(value)) of the value safe_load returned.
    const body = jobBody(read(yml));
    const values = Object.fromEntries(
      Object.entries(body.inputs as Record<string, { jobInputType: string; value: string }>).map(([k, v]) => [k, v.value]),
    );
    assert.deepEqual(values, {
      octal: '8',
      sexagesimal: '90',
      clock: '45000',
      thousands: '1000',
      flag: 'True',
      off_flag: 'False',
      letter: 'y',
      small: '1e-3',
      ratio: '1.0',
      tiny: '1e-05',
      nothing_quoted: '0755',
    });
    assert.ok(Object.values(body.inputs as Record<string, { jobInputType: string }>).every((i) => i.jobInputType === 'literal'));
  });

  it("sends step inputs the same way and types the inline component's inputs by the Python type", () => {
    const def = read(yml);
    const node = jobBody(def).jobs.train;
    assert.deepEqual(node.inputs.mode_bits, { job_input_type: 'literal', value: '493' });
    assert.deepEqual(node.inputs.window, { job_input_type: 'literal', value: '90' });
    assert.deepEqual(node.inputs.verbose, { job_input_type: 'literal', value: 'True' });
    assert.deepEqual(node.inputs.lr, { job_input_type: 'literal', value: '0.001' });
    assert.deepEqual(specOf(def, 'train').inputs, {
      mode_bits: { type: 'integer', default: '493' },
      window: { type: 'integer', default: '90' },
      verbose: { type: 'boolean', default: 'True' },
      lr: { type: 'number', default: '0.001' },
      // bound inputs take the type of what they point at: 010 is an int, 1.0 a float
      epochs: { type: 'integer' },
      ratio: { type: 'number' },
    });
  });

  it("sends a local component file's defaults as text of the PyYAML value, and keeps its $schema", () => {
    const component = `$schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json
type: command
command: python t.py
environment: azureml:e:1
inputs:
  a: {type: integer, default: 010}
  b: {type: number, default: 1:30.5}
  c: {type: boolean, default: on}
  d: {type: string, default: 1e-3}
  e: {type: string, optional: true}
`;
    const def = read('type: pipeline\njobs:\n  s:\n    component: ./c.yml\n    compute: cpu\n', { 'c.yml': component });
    const spec = specOf(def, 's');
    assert.deepEqual(spec.inputs, {
      a: { type: 'integer', default: '8' },
      b: { type: 'number', default: '90.5' },
      c: { type: 'boolean', default: 'True' },
      d: { type: 'string', default: '1e-3' },
      e: { type: 'string', optional: true },
    });
    assert.equal(spec.$schema, 'https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json');
  });

  it('writes a published pipeline component’s defaults from the same values', () => {
    const def = read(yml);
    const body: Any = pipelineComponentBody(def, resolvedFor(def), { name: 'p', version: '1', tags: {} });
    assert.deepEqual(body.properties.componentSpec.inputs.octal, { type: 'integer', default: '8' });
    assert.deepEqual(body.properties.componentSpec.inputs.ratio, { type: 'number', default: '1.0' });
    assert.deepEqual(body.properties.componentSpec.inputs.small, { type: 'string', default: '1e-3' });
  });

  it('refuses a timestamp as an input value in one line, naming the input', () => {
    assert.throws(
      () => read('type: pipeline\ninputs:\n  day: 2024-01-02\njobs:\n  a:\n    command: echo\n    environment: azureml:e:1\n'),
      {
        message:
          "Pipeline input 'day' in p.yml is '2024-01-02', which az ml reads as a YAML timestamp and does not accept as an input value; quote it ('2024-01-02') to pass the text.",
      },
    );
  });

  it('applies YAML 1.1 booleans to settings too (continue_on_step_failure: yes)', () => {
    const def = read(
      'type: pipeline\nsettings:\n  continue_on_step_failure: yes\njobs:\n  a:\n    command: echo\n    environment: azureml:e:1\n    compute: c\n',
    );
    assert.equal(jobBody(def).settings.continue_on_step_failure, true);
  });
});

describe('publish exactly what az ml would: output paths', () => {
  const yml = `type: pipeline
outputs:
  model:
    type: mlflow_model
    path: azureml://datastores/models_store/paths/churn/\${{name}}/
    mode: upload
jobs:
  train:
    command: python train.py
    environment: azureml:e:1
    compute: cpu
    outputs:
      model: \${{parent.outputs.model}}
      stats:
        type: uri_file
        path: azureml://datastores/workspaceblobstore/paths/stats/s.json
        mode: rw_mount
        description: per-epoch statistics
`;

  it("carries path as uri on the pipeline output and the step output (to_rest_data_outputs), not on the component's interface", () => {
    const def = read(yml);
    const body = jobBody(def);
    assert.deepEqual(body.outputs.model, {
      jobOutputType: 'mlflow_model',
      uri: 'azureml://datastores/models_store/paths/churn/${{name}}/',
      mode: 'Upload',
    });
    assert.deepEqual(body.jobs.train.outputs.stats, {
      job_output_type: 'uri_file',
      uri: 'azureml://datastores/workspaceblobstore/paths/stats/s.json',
      mode: 'ReadWriteMount',
      description: 'per-epoch statistics',
    });
    assert.deepEqual(body.jobs.train.outputs.model, { type: 'literal', value: '${{parent.outputs.model}}' });
    assert.deepEqual(specOf(def, 'train').outputs, {
      model: { type: 'mlflow_model', mode: 'upload' },
      stats: { type: 'uri_file', mode: 'rw_mount' },
    });
  });

  it('refuses a local output path and a named output in one line each', () => {
    assert.throws(() => read(yml.replace('path: azureml://datastores/models_store/paths/churn/${{name}}/', 'path: ./out')), {
      message:
        "Pipeline output 'model' in p.yml has path './out'; an output path is a datastore URI such as azureml://datastores/<name>/paths/<folder>/.",
    });
    assert.throws(() => read(yml.replace('    mode: upload\n', '    mode: upload\n    name: churn_model\n')), {
      message:
        "Pipeline output 'model' in p.yml sets 'name', which registers the output as a named data asset; AzureMLPublishPipeline@1 speaks api-version 2022-10-01, which cannot do that yet (remove it and register the output afterwards).",
    });
  });
});

describe('publish exactly what az ml would: distribution, limits, resources', () => {
  const yml = `type: pipeline
jobs:
  train:
    command: python train.py
    environment: azureml:e:1
    compute: gpu
    tags: {stage: train, epochs: 10}
    distribution:
      type: PyTorch
      process_count_per_instance: 4
    limits:
      timeout: 7200
    resources:
      instance_count: 2
      shm_size: 16g
      properties: {prop1: a_prop}
`;

  it('writes them in REST form on the node (azure-ai-ml test expectation helloworld_pipeline_job_no_paths_expected_settings_override.json)', () => {
    const node = jobBody(read(yml)).jobs.train;
    assert.deepEqual(node.distribution, { distribution_type: 'PyTorch', process_count_per_instance: 4 });
    assert.deepEqual(node.limits, { job_limits_type: 'Command', timeout: 'PT2H' });
    assert.deepEqual(node.resources, { instance_count: 2, shm_size: '16g', properties: { prop1: 'a_prop' } });
    assert.deepEqual(node.tags, { stage: 'train', epochs: '10' });
    // The same shapes azure-ai-ml's own test expects on a node (Mpi there; the keys are the point).
    const expected = JSON.parse(
      reference('azure-ai-ml-fixtures/azure-ai-ml/helloworld_pipeline_job_no_paths_expected_settings_override.json'),
    ).expected_rest_overrides;
    const mpi = jobBody(
      read(yml.replace('type: PyTorch', 'type: mpi').replace('process_count_per_instance: 4', 'process_count_per_instance: 2')),
    ).jobs.train;
    assert.deepEqual(mpi.distribution, expected.distribution);
    assert.deepEqual(
      Object.keys(node.resources).filter((k) => k in expected.resources),
      ['instance_count', 'properties'],
    );
  });

  it('writes them in YAML form in the anonymous component spec, with the step tags (CommandJob._to_component)', () => {
    const spec = specOf(read(yml), 'train');
    assert.deepEqual(spec.distribution, { type: 'pytorch', process_count_per_instance: 4 });
    assert.deepEqual(spec.resources, { instance_count: 2, shm_size: '16g', properties: { prop1: 'a_prop' } });
    assert.deepEqual(spec.tags, { stage: 'train', epochs: '10' });
    assert.equal(spec.limits, undefined, 'limits belong to the node only');
  });

  it("gives a component file's distribution and resources to its node unless the step sets its own", () => {
    const component =
      'type: command\ncommand: python t.py\nenvironment: azureml:e:1\ndistribution: {type: tensorflow, worker_count: 2}\nresources: {instance_count: 2}\n';
    const def = read(
      'type: pipeline\njobs:\n  a:\n    component: ./c.yml\n    compute: cpu\n  b:\n    component: ./c.yml\n    compute: cpu\n    resources: {instance_count: 4}\n',
      { 'c.yml': component },
    );
    const body = jobBody(def);
    assert.deepEqual(body.jobs.a.distribution, { distribution_type: 'TensorFlow', worker_count: 2, parameter_server_count: 0 });
    assert.deepEqual(body.jobs.a.resources, { instance_count: 2 });
    assert.deepEqual(body.jobs.b.resources, { instance_count: 4 });
    assert.deepEqual(specOf(def, 'a').distribution, { type: 'tensorflow', worker_count: 2, parameter_server_count: 0 });
  });

  it('writes the timeout as ISO 8601 the way isodate does for a timedelta', () => {
    assert.equal(isoDuration(7200), 'PT2H');
    assert.equal(isoDuration(5400), 'PT1H30M');
    assert.equal(isoDuration(90061), 'P1DT1H1M1S');
    assert.equal(isoDuration(86400), 'P1D');
    assert.equal(isoDuration(45), 'PT45S');
  });

  it('keeps the node of the recorded inline command as it was (no settings, no extra keys)', () => {
    // The recorded request had no distribution/limits/resources: nothing may be added when the YAML sets none.
    const node = nodeBody(read('type: pipeline\njobs:\n  a:\n    command: echo\n    environment: azureml:e:1\n').steps.a, {
      ...resolvedFor(read('type: pipeline\njobs:\n  a:\n    command: echo\n    environment: azureml:e:1\n')),
    });
    assert.deepEqual(Object.keys(node).sort(), ['_source', 'componentId', 'name', 'type']);
  });

  const BAD: Array<[string, string, string]> = [
    [
      'an unknown distribution type',
      yml.replace('type: PyTorch', 'type: horovod'),
      "Step 'train' in p.yml has 'distribution.type: horovod', which Azure ML does not know; Azure ML distribution types: mpi, pytorch, tensorflow.",
    ],
    [
      'a distribution without type',
      yml.replace('      type: PyTorch\n', ''),
      "Step 'train' in p.yml has a 'distribution' without 'type'; Azure ML distribution types: mpi, pytorch, tensorflow.",
    ],
    [
      'a field the distribution does not take',
      yml.replace('process_count_per_instance: 4', 'worker_count: 4'),
      "Step 'train' in p.yml has 'distribution.worker_count', which a pytorch distribution does not take; its fields: process_count_per_instance.",
    ],
    [
      'a timeout that is not seconds',
      yml.replace('timeout: 7200', 'timeout: PT2H'),
      "Step 'train' in p.yml 'limits.timeout' must be a whole number of seconds (for example 7200), got 'PT2H'.",
    ],
    [
      'an unknown resources field',
      yml.replace('shm_size: 16g', 'gpu_count: 2'),
      "Step 'train' in p.yml has 'resources.gpu_count', which Azure ML does not take for a command step; its fields: instance_count, instance_type, shm_size, docker_args, properties.",
    ],
  ];
  for (const [name, text, message] of BAD) {
    it(`refuses ${name} in one line naming the step and the field`, () => assert.throws(() => read(text), { message }));
  }
});
