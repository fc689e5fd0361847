import { strict as assert } from 'node:assert';
import { anonymousComponentSpec } from '../../shared/azureml-pipeline/rest-body';
import { miniBatchSize, pythonJsonList } from '../../shared/azureml-pipeline/parallel';
import type { AnonymousComponent, PipelineDefinition } from '../../shared/azureml-pipeline/definition';
import { jobBody, readYaml, resolvedFor, WS, type Any } from '../support/pipeline-bodies';

/**
 * Parallel steps, translated as azure-ai-ml translates them (shared/azureml-pipeline/parallel.ts cites the
 * sources): the node as entities/_builders/parallel.py Parallel._to_rest_object writes it, whose
 * expected form is azure-ai-ml's tests/dsl/unittests/test_dsl_pipeline.py
 * (test_pipeline_with_parallel_job, test_pipeline_with_parallel_function_inside), and the anonymous
 * component as ParallelComponentSchema dumps it.
 */

const CODE = `${WS}/codes/c0de/versions/1`;
const ENV = `azureml:${WS}/environments/CliV2AnonymousEnvironment/versions/e1`;
const resolved = (def: PipelineDefinition, dataUris: Record<string, string>) =>
  resolvedFor(def, {
    dataUris: { 'inputs.path': 'azureml://datastores/workspaceblobstore/paths/a/path/on/ds', ...dataUris },
    parallelTasks: Object.fromEntries(Object.keys(def.steps).map((s) => [s, { codeId: CODE, environment: ENV }])),
  });
const node = (def: PipelineDefinition, step: string, dataUris: Record<string, string> = {}): Any =>
  JSON.parse(JSON.stringify(jobBody(def, resolved(def, dataUris)).jobs[step]));
const spec = (def: PipelineDefinition, step: string): Any =>
  JSON.parse(JSON.stringify(anonymousComponentSpec(def.steps[step].component as AnonymousComponent, { codeId: CODE, environment: ENV })));

// azureml-examples cli/jobs/pipelines/iris-batch-prediction-using-parallel/pipeline.yml (the parallel job reference's example).
const IRIS = `$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json
type: pipeline
display_name: iris-batch-prediction-using-parallel
settings:
  default_compute: azureml:cpu-cluster
jobs:
  batch_prediction:
    type: parallel
    compute: azureml:cpu-cluster
    inputs:
      input_data:
        type: mltable
        path: ./neural-iris-mltable
        mode: direct
      score_model:
        type: uri_folder
        path: ./iris-model
        mode: download
    outputs:
      job_output_file:
        type: uri_file
        mode: rw_mount

    input_data: \${{inputs.input_data}}
    mini_batch_size: "10kb"
    resources:
        instance_count: 2
    max_concurrency_per_instance: 2

    logging_level: "DEBUG"
    mini_batch_error_threshold: 5
    retry_settings:
      max_retries: 2
      timeout: 60

    task:
      type: run_function
      code: "./script"
      entry_script: iris_prediction.py
      environment:
        name: "prs-env"
        version: 1
        image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04
        conda_file: ./environment/environment_parallel.yml
      program_arguments: >-
        --model \${{inputs.score_model}}
        --error_threshold 5
        --allowed_failed_percent 30
      append_row_to: \${{outputs.job_output_file}}
    environment_variables:
      AZUREML_PARALLEL_EXAMPLE: "1"
`;
const IRIS_FILES = {
  'neural-iris-mltable/MLTable': 'paths:\n  - file: ./iris.csv\n',
  'iris-model/model.pkl': 'x',
  'script/iris_prediction.py': 'def run(b): return b\n',
  'environment/environment_parallel.yml': 'name: prs\n',
};
const read = (yml: string, files: Record<string, string> = IRIS_FILES) => readYaml(yml, files);
const DATA = {
  'jobs.batch_prediction.inputs.input_data': 'azureml://datastores/workspaceblobstore/paths/LocalUpload/a/neural-iris-mltable',
  'jobs.batch_prediction.inputs.score_model': 'azureml://datastores/workspaceblobstore/paths/LocalUpload/b/iris-model/',
};

const TASK = {
  type: 'run_function',
  code: `azureml:${CODE}`,
  entry_script: 'iris_prediction.py',
  program_arguments: '--model ${{inputs.score_model}} --error_threshold 5 --allowed_failed_percent 30',
  append_row_to: '${{outputs.job_output_file}}',
  environment: ENV,
};

describe('publish pipeline: parallel steps', () => {
  it('sends the inline parallel step of the iris batch-prediction example as azure-ai-ml does', () => {
    const def = read(IRIS);
    assert.deepEqual(node(def, 'batch_prediction', DATA), {
      environment_variables: { AZUREML_PARALLEL_EXAMPLE: '1' },
      type: 'parallel',
      resources: { instance_count: 2 },
      mini_batch_error_threshold: 5,
      max_concurrency_per_instance: 2,
      input_data: '${{inputs.input_data}}',
      task: TASK,
      name: 'batch_prediction',
      computeId: `${WS}/computes/cpu-cluster`,
      inputs: {
        input_data: { job_input_type: 'mltable', mode: 'Direct', uri: DATA['jobs.batch_prediction.inputs.input_data'] },
        score_model: { job_input_type: 'uri_folder', mode: 'Download', uri: DATA['jobs.batch_prediction.inputs.score_model'] },
      },
      outputs: { job_output_file: { job_output_type: 'uri_file', mode: 'ReadWriteMount' } },
      _source: 'YAML.JOB',
      componentId: `${WS}/components/azureml_anonymous/versions/batch_prediction`,
      // Seconds, as RetrySettings._to_rest_object (its schema dump) writes them; not the batch deployment's PT60S.
      retry_settings: { max_retries: 2, timeout: 60 },
      logging_level: 'DEBUG',
      // Parallel.__init__ turns "10kb" into bytes; the node carries the int.
      mini_batch_size: 10240,
    });
  });

  it("registers the inline step's anonymous parallel component as ParallelComponentSchema dumps it", () => {
    assert.deepEqual(spec(read(IRIS), 'batch_prediction'), {
      name: 'azureml_anonymous',
      version: '1',
      type: 'parallel',
      is_deterministic: true,
      // ParallelJob._to_component: the interface comes from the step's inputs and outputs, YAML modes kept.
      inputs: { input_data: { type: 'mltable', mode: 'direct' }, score_model: { type: 'uri_folder', mode: 'download' } },
      outputs: { job_output_file: { type: 'uri_file', mode: 'rw_mount' } },
      resources: { instance_count: 2 },
      task: TASK,
      // A marshmallow Str field over the entity's int.
      mini_batch_size: '10240',
      input_data: '${{inputs.input_data}}',
      retry_settings: { max_retries: 2, timeout: 60 },
      logging_level: 'DEBUG',
      max_concurrency_per_instance: 2,
      mini_batch_error_threshold: 5,
      _source: 'YAML.JOB',
    });
  });

  // The component of azure-ai-ml's test_pipeline_with_parallel_job, as a file.
  const COMPONENT = `$schema: https://azuremlschemas.azureedge.net/latest/parallelComponent.schema.json
type: parallel
name: batch_score
display_name: my-evaluate-job
inputs:
  job_data_path:
    type: mltable
    mode: eval_mount
outputs:
  job_output_path:
    type: uri_folder
    mode: rw_mount
input_data: \${{inputs.job_data_path}}
mini_batch_size: "5"
resources:
  instance_count: 2
max_concurrency_per_instance: 1
error_threshold: 1
mini_batch_error_threshold: 1
logging_level: DEBUG
task:
  type: run_function
  code: ./src
  entry_script: score.py
  program_arguments: --job_output_path \${{outputs.job_output_path}}
  environment: azureml:AzureML-sklearn-0.24-ubuntu18.04-py37-cpu:5
`;
  const FILE_PIPELINE = `type: pipeline
inputs:
  path:
    type: mltable
    path: azureml://datastores/workspaceblobstore/paths/a/path/on/ds
    mode: eval_mount
outputs:
  pipeline_job_out:
    type: uri_folder
jobs:
  parallel_node:
    type: parallel
    component: ./components/score.yml
    inputs:
      job_data_path: \${{parent.inputs.path}}
    outputs:
      job_output_path: \${{parent.outputs.pipeline_job_out}}
`;
  const FILES = { 'components/score.yml': COMPONENT, 'components/src/score.py': 'def run(b): return b\n' };

  it('sends a component-file parallel node with what Parallel.__init__ takes from its component (not logging_level or error_threshold)', () => {
    const def = read(FILE_PIPELINE, FILES);
    // azure-ai-ml's expected node in test_pipeline_with_parallel_job, with None fields left out.
    assert.deepEqual(node(def, 'parallel_node'), {
      type: 'parallel',
      resources: { instance_count: 2 },
      mini_batch_error_threshold: 1,
      max_concurrency_per_instance: 1,
      input_data: '${{inputs.job_data_path}}',
      task: {
        type: 'run_function',
        code: `azureml:${CODE}`,
        entry_script: 'score.py',
        program_arguments: '--job_output_path ${{outputs.job_output_path}}',
        environment: ENV,
      },
      name: 'parallel_node',
      inputs: { job_data_path: { job_input_type: 'literal', value: '${{parent.inputs.path}}' } },
      outputs: { job_output_path: { type: 'literal', value: '${{parent.outputs.pipeline_job_out}}' } },
      _source: 'YAML.COMPONENT',
      componentId: `${WS}/components/azureml_anonymous/versions/parallel_node`,
      mini_batch_size: 5,
    });
    const s = spec(def, 'parallel_node');
    assert.equal(s.type, 'parallel');
    assert.equal(s.display_name, 'my-evaluate-job');
    assert.equal(s.$schema, 'https://azuremlschemas.azureedge.net/latest/parallelComponent.schema.json');
    assert.equal(s.logging_level, 'DEBUG');
    assert.equal(s.error_threshold, 1);
    assert.equal(s.mini_batch_size, '5');
    assert.equal(s.code, undefined, 'a parallel component carries its code in the task only');
    assert.deepEqual(s.inputs, { job_data_path: { type: 'mltable', mode: 'eval_mount' } });
    assert.equal(
      def.steps.parallel_node.component.kind === 'anonymous' && def.steps.parallel_node.component.code?.display,
      'components/src',
    );
  });

  it("lets the step override its component's settings and split by partition_keys instead of mini_batch_size", () => {
    const step = `    mini_batch_size: 1mb
    logging_level: WARNING
    retry_settings:
      timeout: "120"
    partition_keys: [region, "año"]
`;
    const def = read(`${FILE_PIPELINE}${step}`, FILES);
    const n = node(def, 'parallel_node');
    assert.equal(n.mini_batch_size, 1048576);
    assert.equal(n.logging_level, 'WARNING');
    assert.deepEqual(n.retry_settings, { timeout: 120 });
    // json.dumps of the list, as Parallel._to_rest_object sends it (ensure_ascii on).
    assert.equal(n.partition_keys, '["region", "a\\u00f1o"]');
    // Without a mini_batch_size anywhere, partition_keys alone say how to split.
    const keysOnly = read(
      FILE_PIPELINE.replace('component: ./components/score.yml', 'component: ./components/k.yml') + '    partition_keys: [region]\n',
      { ...FILES, 'components/k.yml': COMPONENT.replace('mini_batch_size: "5"\n', '') },
    );
    assert.equal(node(keysOnly, 'parallel_node').mini_batch_size, undefined);
    assert.equal(node(keysOnly, 'parallel_node').partition_keys, '["region"]');
  });

  it('converts mini_batch_size as Parallel.__init__ does', () => {
    assert.equal(miniBatchSize(10, 'w'), 10);
    assert.equal(miniBatchSize('100', 'w'), 100);
    assert.equal(miniBatchSize('100KB', 'w'), 102400);
    assert.equal(miniBatchSize('10mb', 'w'), 10485760);
    assert.equal(miniBatchSize('1Gb', 'w'), 1073741824);
    for (const bad of ['10 mb', '10tb', '1.5', '0', 'ten', '${{parent.inputs.n}}'])
      assert.throws(() => miniBatchSize(bad, 'w'), /'mini_batch_size' must be a number of files/, bad);
    assert.equal(pythonJsonList(['a', 'b']), '["a", "b"]');
  });

  // Bad input: one line naming the step and the field, before anything is read from Azure.
  const BAD: Array<[string, () => unknown, string]> = [
    [
      'an inline parallel step without mini_batch_size',
      () => read(IRIS.replace('    mini_batch_size: "10kb"\n', '')),
      "Step 'batch_prediction' in p.yml is a parallel step without 'mini_batch_size': give the number of files (for example 10) or the data size (for example 10mb) each run() call gets, or 'partition_keys'.",
    ],
    [
      'a component-file step where neither gives mini_batch_size',
      () => read(FILE_PIPELINE, { ...FILES, 'components/score.yml': COMPONENT.replace('mini_batch_size: "5"\n', '') }),
      "Step 'parallel_node' in p.yml is a parallel step without 'mini_batch_size': give the number of files (for example 10) or the data size (for example 10mb) each run() call gets, or 'partition_keys'.",
    ],
    [
      'a task of an unknown type',
      () => read(IRIS.replace('type: run_function', 'type: run_command')),
      "Step 'batch_prediction' in p.yml has 'task.type: run_command', which Azure ML does not run; parallel task types: run_function.",
    ],
    [
      'a task of an unknown type in a component file',
      () => read(FILE_PIPELINE, { ...FILES, 'components/score.yml': COMPONENT.replace('type: run_function', 'type: model') }),
      "Component components/score.yml (step 'parallel_node') has 'task.type: model', which Azure ML does not run; parallel task types: run_function.",
    ],
    [
      'a retry timeout that is not a whole number of seconds',
      () => read(IRIS.replace('timeout: 60', 'timeout: 1.5')),
      "Step 'batch_prediction' in p.yml 'retry_settings.timeout' must be a whole number of seconds from 1 to 259200 (for example 60), got '1.5'.",
    ],
    [
      'a retry timeout written as an ISO duration',
      () => read(IRIS.replace('timeout: 60', 'timeout: PT60S')),
      "Step 'batch_prediction' in p.yml 'retry_settings.timeout' must be a whole number of seconds from 1 to 259200 (for example 60), got 'PT60S'.",
    ],
    [
      'an unknown retry setting',
      () => read(IRIS.replace('max_retries: 2', 'retries: 2')),
      "Step 'batch_prediction' in p.yml has 'retry_settings.retries'; retry settings are max_retries and timeout (seconds).",
    ],
    [
      'a parallel step without a task',
      () => read(IRIS.replace(/ {4}task:\n(?: {6}.*\n)+/, '')),
      "Step 'batch_prediction' in p.yml is a parallel step without 'task': give a run_function task with 'code', 'entry_script' and 'environment'.",
    ],
    [
      'a task without entry_script',
      () => read(IRIS.replace('      entry_script: iris_prediction.py\n', '')),
      "Step 'batch_prediction' in p.yml has a run_function task without 'entry_script' (the Python file with init() and run()).",
    ],
    [
      'a logging level Azure ML does not know',
      () => read(IRIS.replace('logging_level: "DEBUG"', 'logging_level: verbose')),
      "Step 'batch_prediction' in p.yml has 'logging_level: verbose'; logging levels: DEBUG, INFO, WARNING.",
    ],
    [
      'input_data naming an input the step does not have',
      () => read(IRIS.replace('input_data: ${{inputs.input_data}}', 'input_data: ${{inputs.images}}')),
      "Step 'batch_prediction' in p.yml has 'input_data: ${{inputs.images}}', but no input 'images'; its inputs: input_data, score_model.",
    ],
    [
      'a step with both component and task',
      () => read(FILE_PIPELINE + '    task:\n      type: run_function\n', FILES),
      "Step 'parallel_node' in p.yml has both 'component' and 'task'; set the task in the parallel component.",
    ],
    [
      'a command component file under a parallel step',
      () => read(FILE_PIPELINE, { ...FILES, 'components/score.yml': 'type: command\ncommand: echo\nenvironment: azureml:e:1\n' }),
      "Component file components/score.yml of step 'parallel_node' is a 'command' component, but the step is a parallel step; write 'type: command' on the step.",
    ],
    [
      'a distribution on a parallel step',
      () =>
        read(
          IRIS.replace(
            '    max_concurrency_per_instance: 2\n',
            '    max_concurrency_per_instance: 2\n    distribution:\n      type: mpi\n',
          ),
        ),
      "Step 'batch_prediction' in p.yml is a parallel step with 'distribution', which a parallel step does not take (it runs its 'task' over mini-batches of 'input_data').",
    ],
  ];
  for (const [name, run, message] of BAD) {
    it(`refuses ${name} in one line`, () => assert.throws(run, { message }));
  }

  it('still refuses spark steps, naming the supported types', () => {
    assert.throws(() => read('type: pipeline\njobs:\n  prep:\n    type: spark\n    component: ./s.yml\n'), {
      message:
        "Step 'prep' in p.yml is a 'spark' step, which AzureMLPublishPipeline@1 does not support yet; supported step types: command, sweep, parallel.",
    });
  });
});
