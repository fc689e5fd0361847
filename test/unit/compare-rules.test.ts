import { strict as assert } from 'node:assert';
import { evaluateRules, parseRules, threshold } from '../../shared/compare/rules';
import { decide } from '../../shared/compare/verdict';
import { compareSummaryMarkdown } from '../../shared/compare/summary';
import {
  busiestDeployment,
  describeBusiest,
  describeMetricsSource,
  isFromJob,
  mergeProductionMetrics,
  metricsFromTags,
  parseModelReference,
  parseTagFilter,
} from '../../shared/compare/production';
import { parseCompareInputs } from '../../shared/compare/compare-inputs';
import { HANDOFF_VARIABLES, macro } from '../../shared/task/handoff-variables';

describe('promotion rules: parsing', () => {
  it('parses every operator and expression form, comments, blank lines and if present', () => {
    const rules = parseRules(
      [
        'accuracy >= production + 0.01',
        '',
        '  rmse<=production*1.02   # within 2%',
        'auc > 0.75',
        'loss < production - .5 if present',
        'f1 >= production',
        'val/acc >= 1e-3',
      ].join('\n'),
    );
    assert.deepEqual(
      rules.map((r) => [r.line, r.metric, r.operator, r.expression, r.ifPresent]),
      [
        [1, 'accuracy', '>=', { kind: 'production', op: '+', operand: 0.01 }, false],
        [3, 'rmse', '<=', { kind: 'production', op: '*', operand: 1.02 }, false],
        [4, 'auc', '>', { kind: 'number', value: 0.75 }, false],
        [5, 'loss', '<', { kind: 'production', op: '-', operand: 0.5 }, true],
        [6, 'f1', '>=', { kind: 'production' }, false],
        [7, 'val/acc', '>=', { kind: 'number', value: 0.001 }, false],
      ],
    );
    assert.equal(rules[1].text, 'rmse<=production*1.02');
  });

  for (const [text, message] of [
    ['accuracy => production', "'rules' line 1, column 10: expected one of >=, >, <=, < after 'accuracy', got '=>' (write '>=' or '<=')"],
    ['accuracy == 0.9', "'rules' line 1, column 10: expected one of >=, >, <=, < after 'accuracy', got '==' (write '>=' or '<=')"],
    ['auc >= 0.7\nrmse <= prod', "'rules' line 2, column 9: expected a number or 'production' after '<=', got 'prod'"],
    ['accuracy >= production +', "'rules' line 1, column 25: expected a number after 'production +', got the end of the line"],
    ['accuracy >= production / 2', "'rules' line 1, column 24: '/' is not supported: use 'production * n' (for example production * 0.98)"],
    [
      'accuracy >= production unless',
      "'rules' line 1, column 24: unexpected 'unless': a rule ends after its expression, optionally followed by 'if present'",
    ],
    ['>= 0.5', "'rules' line 1, column 1: expected a metric name (letters, digits, '_', '.', '-', '/'), got '>='"],
    ['accuracy >>= 0.5', "'rules' line 1, column 10: '>>' is not a comparison: use one of >=, >, <=, <"],
    ['accuracy', "'rules' line 1, column 9: expected one of >=, >, <=, < after 'accuracy', got the end of the line"],
  ]) {
    it(`names the line and column: ${JSON.stringify(text)}`, () => {
      assert.throws(
        () => parseRules(text),
        (e: Error) => e.name === 'UserError' && e.message === message,
      );
    });
  }

  it('refuses an input with no rules', () => {
    assert.throws(() => parseRules('# only a comment\n\n'), /^UserError: 'rules' has no rules: give one per line/);
  });
});

describe('promotion rules: evaluation', () => {
  it('rounds thresholds so that production + 0.2 is exactly what people mean', () => {
    assert.equal(0.1 + 0.2 === 0.3, false, 'the float noise this rounding removes');
    assert.equal(threshold({ kind: 'production', op: '+', operand: 0.2 }, 0.1), 0.3);
    const [o] = evaluateRules(parseRules('accuracy >= production + 0.2'), { candidate: { accuracy: 0.3 }, production: { accuracy: 0.1 } });
    assert.equal(o.status, 'pass');
    assert.equal(o.delta, 0.2);
  });

  it('passes, fails, skips and reports missing metrics per rule', () => {
    const rules = parseRules(
      ['accuracy >= production', 'rmse <= production * 1.02', 'auc >= 0.75', 'f1 >= production if present', 'recall >= production'].join(
        '\n',
      ),
    );
    const outcomes = evaluateRules(rules, {
      candidate: { accuracy: 0.93, rmse: 0.5, auc: 0.7 },
      production: { accuracy: 0.92, rmse: 0.4 },
    });
    assert.deepEqual(
      outcomes.map((o) => [o.rule.metric, o.status, o.threshold, o.note]),
      [
        ['accuracy', 'pass', 0.92, undefined],
        ['rmse', 'fail', 0.408, undefined],
        ['auc', 'fail', 0.75, undefined],
        ['f1', 'skipped', undefined, "'f1' is missing on the candidate and production"],
        ['recall', 'missing', undefined, "'recall' is missing on the candidate and production"],
      ],
    );
  });

  it('without a production model skips relative rules and still checks fixed thresholds', () => {
    const outcomes = evaluateRules(parseRules('accuracy >= production\nauc >= 0.75'), {
      candidate: { accuracy: 0.5, auc: 0.8 },
      production: undefined,
    });
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['skipped', 'pass'],
    );
  });

  it('without a production model a metric the candidate lacks is still missing (a typo must not pass)', () => {
    const outcomes = evaluateRules(parseRules('acuracy >= production\nf1 >= production if present'), {
      candidate: { accuracy: 0.9 },
      production: undefined,
    });
    assert.deepEqual(
      outcomes.map((o) => [o.status, o.note]),
      [
        ['missing', "'acuracy' is missing on the candidate"],
        ['skipped', "'f1' is missing on the candidate"],
      ],
    );
    assert.throws(
      () =>
        decide({ outcomes, noProductionWhy: "'productionSource' is none", force: false, candidate: 'job j1' }, { candidate: ['accuracy'] }),
      /^UserError: 'rules' line 1 'acuracy >= production': metric 'acuracy' is missing on the candidate \(job j1\); it has accuracy\./,
    );
  });
});

describe('promotion verdict and summary', () => {
  const production = {
    name: 'credit',
    version: '3',
    how: 'served by deployment blue (100% of endpoint credit-prod)',
    metricsFrom: 'its metric.* tags',
  };
  const rules = parseRules('accuracy >= production + 0.01\nauc >= 0.75');

  it('promotes when every rule holds', () => {
    const outcomes = evaluateRules(rules, { candidate: { accuracy: 0.95, auc: 0.8 }, production: { accuracy: 0.9 } });
    const v = decide(
      { outcomes, production, force: false, candidate: 'job j1' },
      { candidate: ['accuracy', 'auc'], production: ['accuracy'] },
    );
    assert.deepEqual(v, {
      promote: true,
      forced: false,
      reason: 'The candidate meets all 2 rules against production model credit:3.',
      passed: 2,
      failed: 0,
      skipped: 0,
    });
  });

  it('does not promote a worse model, naming the failed rule with its numbers', () => {
    const outcomes = evaluateRules(rules, { candidate: { accuracy: 0.905, auc: 0.8 }, production: { accuracy: 0.9 } });
    const v = decide({ outcomes, production, force: false, candidate: 'job j1' }, { candidate: ['accuracy', 'auc'] });
    assert.equal(v.promote, false);
    assert.equal(
      v.reason,
      'The candidate fails 1 of 2 rules against production model credit:3: accuracy >= production + 0.01 (candidate 0.905, needs >= 0.91).',
    );
    const md = compareSummaryMarkdown({ candidate: 'job j1', production, outcomes, verdict: v, notBetterResult: 'Succeeded' });
    assert.match(md, /^## Model comparison: ❌ Do not promote\n/);
    assert.ok(md.includes('| accuracy | 0.905 | 0.9 | `accuracy >= production + 0.01` | 0.91 | ❌ fail | +0.005 |'), md);
    assert.ok(md.includes('| auc | 0.8 | — | `auc >= 0.75` | 0.75 | ✅ pass | — |'), md);
    assert.ok(md.includes("`promote` is `false` and the task succeeds ('whenNotBetter')"), md);
  });

  it('force promotes anyway and records why', () => {
    const outcomes = evaluateRules(rules, { candidate: { accuracy: 0.5, auc: 0.8 }, production: { accuracy: 0.9 } });
    const v = decide(
      { outcomes, production, force: true, forceReason: 'hotfix INC-42', candidate: 'job j1' },
      { candidate: ['accuracy', 'auc'] },
    );
    assert.equal(v.promote, true);
    assert.equal(v.forced, true);
    assert.match(v.reason, /^Forced promotion \(hotfix INC-42\) overriding: The candidate fails 1 of 2 rules/);
    assert.match(
      compareSummaryMarkdown({ candidate: 'job j1', production, outcomes, verdict: v, notBetterResult: 'Succeeded' }),
      /Promote \(forced\)/,
    );
  });

  it('promotes with the reason when there is no production model', () => {
    const outcomes = evaluateRules(rules, { candidate: { accuracy: 0.5, auc: 0.8 }, production: undefined });
    const v = decide(
      { outcomes, noProductionWhy: "model 'credit' has no versions", force: false, candidate: 'job j1' },
      { candidate: ['accuracy', 'auc'] },
    );
    assert.equal(
      v.reason,
      "No production model yet (model 'credit' has no versions); the candidate meets the 1 rule with a fixed threshold.",
    );
    assert.equal(v.promote, true);
  });

  it('a metric missing on a side is a user error naming what exists', () => {
    const outcomes = evaluateRules(parseRules('acc >= production'), { candidate: { accuracy: 0.9 }, production: { accuracy: 0.8 } });
    assert.throws(
      () =>
        decide(
          { outcomes, production, force: false, candidate: 'job j1, step train' },
          { candidate: ['accuracy'], production: ['accuracy'] },
        ),
      (e: Error) =>
        e.message ===
        "'rules' line 1 'acc >= production': metric 'acc' is missing on the candidate (job j1, step train); it has accuracy. Fix the metric name, or end the rule with 'if present' to skip it when missing.",
    );
  });
});

describe('a candidate that logged no metrics', () => {
  const outcomes = evaluateRules(parseRules('accuracy >= production'), { candidate: {}, production: { accuracy: 0.8 } });
  const production = { name: 'credit', version: '3', how: 'h', metricsFrom: 'its metric.* tags' };

  it('a pipeline job: says the run logged none and names the steps to choose from', () => {
    assert.throws(
      () =>
        decide(
          { outcomes, production, force: false, candidate: 'job p1' },
          { candidate: [], production: ['accuracy'], candidateSteps: ['train', 'prep'] },
        ),
      (e: Error) =>
        e.name === 'UserError' &&
        e.message ===
          "'rules' line 1 'accuracy >= production': the candidate (job p1) logged no metrics to MLflow, so no rule can be checked; set 'stepName' to the pipeline step that logs them (its steps are prep, train).",
    );
  });

  it('a step or a single job: says to log them with MLflow', () => {
    assert.throws(
      () => decide({ outcomes, production, force: false, candidate: 'job p1, step train' }, { candidate: [], production: ['accuracy'] }),
      (e: Error) =>
        e.message ===
        "'rules' line 1 'accuracy >= production': the candidate (job p1, step train) logged no metrics to MLflow, so no rule can be checked; check that the training code logs its metrics with MLflow (mlflow.log_metric) in this run.",
    );
  });
});

describe('production model helpers', () => {
  it('picks the deployment with the most traffic, ties by name, none when all are zero', () => {
    assert.deepEqual(busiestDeployment({ green: 10, blue: 90 }), { name: 'blue', percent: 90, tiedWith: [] });
    assert.deepEqual(busiestDeployment({ green: 50, blue: 50 }), { name: 'blue', percent: 50, tiedWith: ['green'] });
    assert.deepEqual(busiestDeployment({ red: 20, green: 40, blue: 40 }), { name: 'blue', percent: 40, tiedWith: ['green'] });
    assert.equal(busiestDeployment({ blue: 0 }), undefined);
    assert.equal(busiestDeployment(undefined), undefined);
  });

  it('says when the busiest deployment was a tie', () => {
    assert.equal(
      describeBusiest('credit-prod', { name: 'blue', percent: 90, tiedWith: [] }),
      "served by deployment blue (90% of endpoint credit-prod's traffic)",
    );
    assert.equal(
      describeBusiest('credit-prod', { name: 'blue', percent: 50, tiedWith: ['green'] }),
      "served by deployment blue (50% of endpoint credit-prod's traffic; a tie with green, broken by taking the first name alphabetically)",
    );
  });

  it('recognises a version registered from the candidate job, by jobName or by its source property', () => {
    assert.equal(isFromJob({ jobName: 'Cand-1' }, 'cand-1'), true);
    assert.equal(
      isFromJob({ jobName: null, properties: { 'azdo.modelSource': 'azureml://jobs/cand-1/outputs/model/paths/m' } }, 'cand-1'),
      true,
    );
    assert.equal(
      isFromJob({ jobName: 'old-3', properties: { 'azdo.modelSource': 'azureml://jobs/old-3/outputs/model' } }, 'cand-1'),
      false,
    );
    assert.equal(isFromJob({ properties: { 'azdo.modelSource': 'azureml://datastores/ws/paths/cand-1/outputs/x' } }, 'cand-1'), false);
  });

  it('production metrics per metric: the tag first, the source run for the rest, and says which came from where', () => {
    const merged = mergeProductionMetrics({ accuracy: 0.9 }, { accuracy: 0.5, rmse: 0.45, loss: 1 });
    assert.deepEqual(merged, { metrics: { accuracy: 0.9, rmse: 0.45, loss: 1 }, fromRun: ['loss', 'rmse'] });
    assert.equal(
      describeMetricsSource({ accuracy: 0.9 }, merged.fromRun, 'train-1', ['accuracy', 'rmse']),
      'its metric.* tags, and the MLflow run of its source job train-1 for rmse',
    );
    assert.equal(describeMetricsSource({ accuracy: 0.9 }, [], 'train-1', ['accuracy']), 'its metric.* tags');
    assert.equal(describeMetricsSource({}, ['accuracy'], 'train-1', ['accuracy']), 'the MLflow run of its source job train-1');
    assert.equal(
      describeMetricsSource({}, [], 'train-1', ['accuracy']),
      'nowhere: it has no metric.* tags and the MLflow run of its source job train-1 has none',
    );
    assert.equal(describeMetricsSource({}, [], undefined, []), 'not read: no rule compares with production');
    assert.deepEqual(mergeProductionMetrics({ accuracy: 0.9 }, undefined), { metrics: { accuracy: 0.9 }, fromRun: [] });
  });

  it('reads model references in ARM id and azureml: short form, not registry URIs', () => {
    assert.deepEqual(
      parseModelReference(
        '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/models/credit/versions/3',
      ),
      { name: 'credit', version: '3' },
    );
    assert.deepEqual(parseModelReference('azureml:credit:4'), { name: 'credit', version: '4' });
    assert.equal(parseModelReference('azureml://registries/azureml/models/gpt/versions/1'), undefined);
  });

  it('turns metric.* tags back into numbers and ignores the rest', () => {
    assert.deepEqual(metricsFromTags({ 'metric.accuracy': '0.93', 'metric.bad': 'n/a', 'azdo.buildId': '42', 'metric.empty': '' }), {
      accuracy: 0.93,
    });
  });

  it('parses tag filters', () => {
    assert.deepEqual(parseTagFilter('productionTag', 'stage=production'), {
      key: 'stage',
      value: 'production',
      filter: 'stage=production',
    });
    assert.deepEqual(parseTagFilter('productionTag', 'champion'), { key: 'champion', value: undefined, filter: 'champion' });
    assert.throws(() => parseTagFilter('productionTag', 'a=b,c=d'), /^UserError: 'productionTag' must be a tag as key=value/);
  });
});

describe('AzureMLCompareModels@1 inputs', () => {
  const base: Record<string, string> = {
    connectedServiceNameARM: 'conn',
    resourceGroupName: 'rg',
    workspaceName: 'ws',
    jobName: 'job-1',
    productionEndpoint: 'credit-prod',
    rules: 'accuracy >= production',
  };
  const parse = (extra: Record<string, string | undefined> = {}) =>
    parseCompareInputs((n) => (({ ...base, ...extra }) as Record<string, string | undefined>)[n]);

  it('defaults to the endpoint source, succeed when not better, no force', () => {
    const i = parse();
    assert.equal(i.productionSource, 'endpoint');
    assert.equal(i.endpointName, 'credit-prod');
    assert.equal(i.whenNotBetter, 'succeed');
    assert.equal(i.force, false);
  });

  it('asks for what each source needs', () => {
    assert.throws(
      () => parse({ productionEndpoint: '' }),
      /^UserError: 'productionEndpoint' is required when 'productionSource' is endpoint/,
    );
    assert.throws(() => parse({ productionSource: 'tag' }), /^UserError: 'modelName' is required/);
    assert.equal(parse({ productionSource: 'tag', modelName: 'credit' }).productionTag?.filter, 'stage=production');
    assert.throws(() => parse({ force: 'true' }), /^UserError: 'forceReason' is required when 'force' is true/);
    assert.throws(() => parse({ jobName: macro(HANDOFF_VARIABLES.jobName) }), /^UserError: 'jobName' is empty/);
  });
});
