import { strict as assert } from 'node:assert';
import { pipelineNodeError } from '../../emulator/arm/job-body';

/**
 * The emulator reads a sweep node as the service does: the form azure-ai-ml's Sweep._to_rest_object
 * sends (sweep fields from the YAML schema dump, early_termination as the REST model, the trial as
 * {componentId}); missing required fields and the standalone SweepJob's camelCase REST forms
 * (mfe.json 2022-10-01 SweepJob / examples/Job/SweepJob/createOrUpdate.json) are refused, so a
 * translator that drifts to either fails the task-process tests.
 */
describe('emulator: sweep node shapes', () => {
  const SWEEP = {
    name: 'tune',
    type: 'sweep',
    _source: 'YAML.COMPONENT',
    trial: {
      componentId:
        '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w/components/azureml_anonymous/versions/1',
    },
    sampling_algorithm: 'random',
    objective: { goal: 'minimize', primary_metric: 'training_f1_score' },
    limits: { max_total_trials: 5, max_concurrent_trials: 3, timeout: 7200 },
    search_space: { c_value: { type: 'uniform', min_value: 0.5, max_value: 0.9 }, kernel: { type: 'choice', values: ['rbf', 'linear'] } },
    early_termination: { policy_type: 'Bandit', delay_evaluation: 0, evaluation_interval: 1, slack_amount: 0, slack_factor: 0.1 },
  };
  const check = (fields: Record<string, unknown>, drop: string[] = []) => {
    const node: Record<string, unknown> = { ...SWEEP, ...fields };
    for (const d of drop) delete node[d];
    return pipelineNodeError({ tune: node });
  };

  it('accepts the form azure-ai-ml sends', () => {
    assert.equal(check({}), undefined);
    assert.equal(
      check({
        sampling_algorithm: { type: 'random', seed: 42, rule: 'sobol' },
        early_termination: { policy_type: 'MedianStopping', delay_evaluation: 0, evaluation_interval: 1 },
      }),
      undefined,
    );
    assert.equal(check({ sampling_algorithm: 'bayesian', resources: { instance_count: 2 } }, ['early_termination']), undefined);
  });

  const REFUSED: Array<[string, Record<string, unknown>, string[], string]> = [
    ['a sweep without objective', {}, ['objective'], "Sweep node 'tune' is missing the required field 'objective'."],
    ['a sweep without limits', {}, ['limits'], "Sweep node 'tune' is missing the required field 'limits'."],
    ['a sweep without search_space', {}, ['search_space'], "Sweep node 'tune' is missing the required field 'search_space'."],
    [
      'a node-level componentId instead of trial',
      { componentId: 'x' },
      ['trial'],
      "Sweep node 'tune' is missing the required field 'trial'.",
    ],
    [
      'the REST-form sampling algorithm',
      { sampling_algorithm: { sampling_algorithm_type: 'Random' } },
      [],
      `Sweep node 'tune' has an invalid 'sampling_algorithm': it must be one of random, grid, bayesian (or {"type": …}); got {"sampling_algorithm_type":"Random"}.`,
    ],
    [
      'an unknown sampling algorithm',
      { sampling_algorithm: 'hyperband' },
      [],
      `Sweep node 'tune' has an invalid 'sampling_algorithm': it must be one of random, grid, bayesian (or {"type": …}); got "hyperband".`,
    ],
    [
      'the REST-form limits',
      { limits: { job_limits_type: 'Sweep', max_total_trials: 5 } },
      [],
      "Sweep node 'tune' has an invalid 'limits': sweep limits have no field 'job_limits_type'; fields: max_total_trials, max_concurrent_trials, timeout, trial_timeout.",
    ],
    [
      'an ISO timeout',
      { limits: { timeout: 'PT2H' } },
      [],
      `Sweep node 'tune' has an invalid 'limits': 'timeout' must be a positive integer (seconds); got "PT2H".`,
    ],
    [
      'the YAML-form early termination',
      { early_termination: { type: 'bandit', slack_factor: 0.1 } },
      [],
      `Sweep node 'tune' has an invalid 'early_termination': 'policy_type' must be one of Bandit, MedianStopping, TruncationSelection; got {"type":"bandit","slack_factor":0.1}.`,
    ],
    [
      'a camelCase objective',
      { objective: { goal: 'Minimize', primaryMetric: 'auc' } },
      [],
      `Sweep node 'tune' has an invalid 'objective': 'primary_metric' is required; got {"goal":"Minimize","primaryMetric":"auc"}.`,
    ],
    [
      'a search-space entry of an unknown type',
      { search_space: { lr: { type: 'poisson', lam: 1 } } },
      [],
      `Sweep node 'tune' has an invalid 'search_space': 'lr' must have a type among choice, uniform, loguniform, quniform, qloguniform, normal, lognormal, qnormal, qlognormal, randint; got {"type":"poisson","lam":1}.`,
    ],
    [
      'the HyperDrive expression form of a search space',
      { search_space: { lr: ['uniform', [0.1, 0.9]] } },
      [],
      `Sweep node 'tune' has an invalid 'search_space': 'lr' must have a type among choice, uniform, loguniform, quniform, qloguniform, normal, lognormal, qnormal, qlognormal, randint; got ["uniform",[0.1,0.9]].`,
    ],
    [
      'a distribution without its bounds',
      { search_space: { n: { type: 'randint' } } },
      [],
      "Sweep node 'tune' has an invalid 'search_space': 'n' (randint) needs 'upper'.",
    ],
    [
      'a trial without componentId',
      { trial: { command: 'python train.py' } },
      [],
      `Sweep node 'tune' has an invalid 'trial': it must be {"componentId": "<component version id>"}; got {"command":"python train.py"}.`,
    ],
  ];
  for (const [name, fields, drop, message] of REFUSED) {
    it(`refuses ${name}`, () => assert.equal(check(fields, drop), message));
  }

  it('still checks command nodes as before', () => {
    assert.match(
      pipelineNodeError({ train: { type: 'command', componentId: 'c', limits: { timeout: 7200 } } }) ?? '',
      /'job_limits_type' must be 'Command'/,
    );
  });
});
