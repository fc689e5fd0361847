import { strict as assert } from 'node:assert';
import { parallelRequiredError, pipelineNodeError } from '../../emulator/arm/job-body';

/**
 * The emulator reads a parallel node as the service does: the form azure-ai-ml's
 * Parallel._to_rest_object sends (the node of tests/dsl/unittests/test_dsl_pipeline.py
 * test_pipeline_with_parallel_function_inside: task in YAML form, mini_batch_size an int,
 * retry_settings in seconds). The batch deployment's REST forms (mfe.json 2022-10-01
 * BatchDeployment/BatchRetrySettings: camelCase, ISO 8601 timeout, "Info") and the YAML's
 * unconverted "10kb" are refused, and so is a node with neither a mini_batch_size nor a task of its
 * own or from its component, so a translator that drifts fails the task-process tests.
 */
describe('emulator: parallel node shapes', () => {
  const COMPONENT_ID =
    '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w/components/azureml_anonymous/versions/1';
  const TASK = {
    type: 'run_function',
    code: 'azureml:/subscriptions/s/codes/c/versions/1',
    entry_script: 'score.py',
    program_arguments: '--out ${{outputs.o}}',
    append_row_to: '${{outputs.o}}',
    environment: 'azureml:AzureML-sklearn-0.24-ubuntu18.04-py37-cpu:5',
  };
  const PARALLEL = {
    _source: 'YAML.JOB',
    type: 'parallel',
    input_data: '${{inputs.job_data_path}}',
    name: 'node1',
    inputs: { job_data_path: { job_input_type: 'literal', value: '${{parent.inputs.path}}' } },
    resources: { instance_count: 2 },
    mini_batch_size: 5,
    task: TASK,
    retry_settings: { max_retries: 2, timeout: 60 },
    logging_level: 'DEBUG',
    max_concurrency_per_instance: 1,
    error_threshold: 1,
    mini_batch_error_threshold: 1,
    environment_variables: { key: 'val' },
    componentId: COMPONENT_ID,
  };
  const check = (fields: Record<string, unknown>, drop: string[] = []) => {
    const node: Record<string, unknown> = { ...PARALLEL, ...fields };
    for (const d of drop) delete node[d];
    return pipelineNodeError({ node1: node });
  };

  it('accepts the form azure-ai-ml sends', () => {
    assert.equal(check({}), undefined);
    assert.equal(
      check({ partition_keys: '["region", "a\\u00f1o"]', mini_batch_size: '${{parent.inputs.n}}', error_threshold: -1 }),
      undefined,
    );
    // A node over a registered component may leave task and mini_batch_size to it.
    assert.equal(check({}, ['task', 'mini_batch_size', 'retry_settings', 'logging_level']), undefined);
  });

  const REFUSED: Array<[string, Record<string, unknown>, string[], string]> = [
    [
      'the YAML size unconverted',
      { mini_batch_size: '10kb' },
      [],
      `Parallel node 'node1' has an invalid 'mini_batch_size': it must be a positive integer (files per mini-batch, or bytes for tabular data); got "10kb".`,
    ],
    [
      'the batch deployment retry form',
      { retry_settings: { maxRetries: 2, timeout: 'PT60S' } },
      [],
      "Parallel node 'node1' has an invalid 'retry_settings': no field 'maxRetries'; fields: max_retries, timeout.",
    ],
    [
      'an ISO 8601 retry timeout',
      { retry_settings: { max_retries: 2, timeout: 'PT60S' } },
      [],
      `Parallel node 'node1' has an invalid 'retry_settings': 'timeout' must be an integer (seconds); got "PT60S".`,
    ],
    [
      'the batch deployment logging level',
      { logging_level: 'Info' },
      [],
      `Parallel node 'node1' has an invalid 'logging_level': it must be one of DEBUG, INFO, WARNING; got "Info".`,
    ],
    [
      'a task of another type',
      { task: { ...TASK, type: 'run_command' } },
      [],
      `Parallel node 'node1' has an invalid 'task': 'type' must be run_function; got "run_command".`,
    ],
    [
      'a camelCase task',
      { task: { type: 'run_function', entryScript: 'score.py', environment: 'azureml:e:1' } },
      [],
      "Parallel node 'node1' has an invalid 'task': no field 'entryScript'; fields: type, code, entry_script, program_arguments, model, append_row_to, environment.",
    ],
    [
      'a task without environment',
      { task: { type: 'run_function', entry_script: 'score.py' } },
      [],
      "Parallel node 'node1' has an invalid 'task': 'environment' is required.",
    ],
    [
      'partition_keys as a list',
      { partition_keys: ['region'] },
      [],
      `Parallel node 'node1' has an invalid 'partition_keys': it must be a JSON list in a string (as json.dumps writes it); got ["region"].`,
    ],
    [
      'a max concurrency of 0',
      { max_concurrency_per_instance: 0 },
      [],
      "Parallel node 'node1' has an invalid 'max_concurrency_per_instance': it must be an integer of at least 1; got 0.",
    ],
    [
      "a command node's limits",
      { limits: { job_limits_type: 'Command', timeout: 'PT1H' } },
      [],
      "Parallel node 'node1' has 'limits', which a parallel node does not take.",
    ],
    ['a node without componentId', {}, ['componentId'], "Parallel node 'node1' is missing the required field 'componentId'."],
  ];
  for (const [name, fields, drop, message] of REFUSED) {
    it(`refuses ${name}`, () => assert.equal(check(fields, drop), message));
  }

  describe('with its component', () => {
    const node = (drop: string[], extra: Record<string, unknown> = {}) => {
      const n: Record<string, unknown> = { ...PARALLEL, ...extra };
      for (const d of drop) delete n[d];
      return n;
    };
    const PARALLEL_SPEC = { type: 'parallel', task: TASK, mini_batch_size: '5' };

    it('takes task and mini_batch_size from the node or, where it leaves them out, the component', () => {
      assert.equal(parallelRequiredError('node1', node([]), { type: 'parallel' }), undefined);
      assert.equal(parallelRequiredError('node1', node(['task', 'mini_batch_size']), PARALLEL_SPEC), undefined);
      assert.equal(
        parallelRequiredError('node1', node(['mini_batch_size'], { partition_keys: '["region"]' }), { type: 'parallel', task: TASK }),
        undefined,
      );
    });

    it('refuses a node with no mini_batch_size from either', () => {
      assert.equal(
        parallelRequiredError('node1', node(['mini_batch_size']), { type: 'parallel', task: TASK }),
        "Parallel node 'node1' is missing the required field 'mini_batch_size'.",
      );
    });

    it('refuses a node with no task from either', () => {
      assert.equal(
        parallelRequiredError('node1', node(['task']), { type: 'parallel', mini_batch_size: '5' }),
        "Parallel node 'node1' is missing the required field 'task'.",
      );
    });

    it('refuses a parallel node over a command component', () => {
      assert.equal(
        parallelRequiredError('node1', node([]), { type: 'command', command: 'echo' }),
        `Parallel node 'node1' runs component ${COMPONENT_ID}, which is a 'command' component; a parallel node runs a parallel component.`,
      );
    });
  });

  it('still checks command and sweep nodes as before', () => {
    assert.match(
      pipelineNodeError({ train: { type: 'command', componentId: 'c', limits: { timeout: 7200 } } }) ?? '',
      /'job_limits_type' must be 'Command'/,
    );
    assert.match(
      pipelineNodeError({ tune: { type: 'sweep', trial: { componentId: 'c' } } }) ?? '',
      /missing the required field 'objective'/,
    );
  });
});
