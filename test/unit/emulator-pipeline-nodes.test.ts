import { strict as assert } from 'node:assert';
import { pipelineNodeError } from '../../emulator/arm/job-body';

/**
 * The emulator refuses pipeline nodes whose distribution, limits or resources are not in the REST
 * form of api-version 2022-10-01 (mfe.json DistributionConfiguration / CommandJobLimits /
 * JobResourceConfiguration, snake_case as azure-ai-ml writes node fields), so a translator that
 * forwards the YAML form again fails the task-process tests instead of passing silently.
 */
describe('emulator: pipeline node shapes', () => {
  const node = (fields: Record<string, unknown>) => ({ train: { name: 'train', type: 'command', componentId: 'c', ...fields } });

  it('accepts the REST forms azure-ai-ml sends', () => {
    assert.equal(
      pipelineNodeError(
        node({
          distribution: { distribution_type: 'PyTorch', process_count_per_instance: 4 },
          limits: { job_limits_type: 'Command', timeout: 'PT2H' },
          resources: { instance_count: 2, shm_size: '16g', properties: { a: 'b' } },
        }),
      ),
      undefined,
    );
    assert.equal(
      pipelineNodeError(
        node({
          distribution: { distribution_type: 'TensorFlow', worker_count: 2, parameter_server_count: 0 },
          limits: { job_limits_type: 'Command', timeout: 'P1DT1H1M1S' },
        }),
      ),
      undefined,
    );
    assert.equal(
      pipelineNodeError(node({ distribution: { distribution_type: 'Mpi', process_count_per_instance: '${{parent.inputs.n}}' } })),
      undefined,
    );
    // Nodes of the recorded az ml request send these as null (pipeline_job_create_registered_component.excerpt.json).
    assert.equal(pipelineNodeError(node({ resources: null, distribution: null, limits: null })), undefined);
  });

  const REFUSED: Array<[string, Record<string, unknown>, string]> = [
    [
      'a YAML-form distribution',
      { distribution: { type: 'pytorch', process_count_per_instance: 4 } },
      `Node 'train' has an invalid 'distribution': 'distribution_type' must be one of PyTorch, Mpi, TensorFlow; got {"type":"pytorch","process_count_per_instance":4}.`,
    ],
    [
      'an unknown distribution type',
      { distribution: { distribution_type: 'Ray' } },
      `Node 'train' has an invalid 'distribution': 'distribution_type' must be one of PyTorch, Mpi, TensorFlow; got {"distribution_type":"Ray"}.`,
    ],
    [
      'a camelCase distribution field',
      { distribution: { distribution_type: 'PyTorch', processCountPerInstance: 4 } },
      "Node 'train' has an invalid 'distribution': a PyTorch distribution has no field 'processCountPerInstance'.",
    ],
    [
      'a numeric timeout',
      { limits: { job_limits_type: 'Command', timeout: 7200 } },
      "Node 'train' has an invalid 'limits': 'timeout' must be an ISO 8601 duration such as PT2H; got 7200.",
    ],
    [
      'YAML-form limits',
      { limits: { timeout: 7200 } },
      `Node 'train' has an invalid 'limits': 'job_limits_type' must be 'Command' for a command node; got {"timeout":7200}.`,
    ],
    [
      'a fractional instance count',
      { resources: { instance_count: 1.5 } },
      "Node 'train' has an invalid 'resources': 'instance_count' must be an integer; got 1.5.",
    ],
    [
      'a camelCase resources field',
      { resources: { instanceCount: 2 } },
      "Node 'train' has an invalid 'resources': no field 'instanceCount'; fields: instance_count, instance_type, shm_size, docker_args, properties.",
    ],
    [
      'an shm_size without unit',
      { resources: { shm_size: '16' } },
      `Node 'train' has an invalid 'resources': 'shm_size' must be a number with a unit b, k, m or g (such as 2g); got "16".`,
    ],
  ];
  for (const [name, fields, message] of REFUSED) {
    it(`refuses ${name}`, () => assert.equal(pipelineNodeError(node(fields)), message));
  }
});
