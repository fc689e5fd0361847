import { strict as assert } from 'node:assert';
import { parseColumnList, parseValidateInputs } from '../../shared/validate/validate-inputs';
import { neutralizeCommands, violationLine, violationLines } from '../../shared/validate/validate-data';
import { urlSecrets } from '../../shared/validate/mask-url-secrets';
import type { AgentPaths } from '../../shared/task/agent-path-input';
import type { ExpectationResult, ValidationReport } from '../../shared/data/validation-report';

const ROOT = '/agent/_work/1/s';
const paths: AgentPaths = { roots: [ROOT], kind: () => 'missing' };
const parse = (inputs: Record<string, string>) => parseValidateInputs((name) => inputs[name], paths);

describe('AzureMLValidateData inputs', () => {
  it('a local file needs nothing else: no connection, defaults for the rest', () => {
    const i = parse({ data: 'data/credit.csv', outputFolder: ROOT });
    assert.deepEqual(
      { ...i, expectations: i.expectations.length },
      {
        connection: undefined,
        data: 'data/credit.csv',
        format: 'auto',
        delimiter: undefined,
        expectations: 0,
        baseline: undefined,
        overrides: {},
        onViolation: 'fail',
        redact: [],
        outputFolder: undefined,
        trainingData: true,
      },
    );
  });

  it('azureml: data or baseline without a connection is refused before anything is read; a blob URL is not', () => {
    assert.throws(
      () => parse({ data: 'azureml:credit@latest' }),
      /^UserError: 'data' is 'azureml:credit@latest', which is in an Azure ML workspace: reading it needs the workspace's service connection/,
    );
    assert.throws(
      () => parse({ data: 'x.csv', baseline: 'azureml://datastores/ws/paths/a.csv' }),
      /^UserError: 'baseline' is 'azureml:\/\/datastores/,
    );
    assert.equal(parse({ data: 'https://acct.blob.core.windows.net/c/x.csv?sv=1&sig=abc' }).connection, undefined);
    assert.deepEqual(
      parse({ data: 'azureml:credit:1', connectedServiceNameARM: 'c1', resourceGroupName: 'rg', workspaceName: 'ws' }).connection,
      { connectionId: 'c1', resourceGroup: 'rg', workspace: 'ws' },
    );
    assert.throws(
      () => parse({ data: 'azureml:credit:1', connectedServiceNameARM: 'c1', resourceGroupName: 'rg' }),
      /^UserError: 'workspaceName' is required/,
    );
  });

  it('an unset variable is named without showing a URL (its SAS)', () => {
    assert.throws(
      () => parse({ data: '$(trainingCsv)' }),
      /^UserError: 'data' is '\$\(trainingCsv\)', a pipeline variable that is not set in this job/,
    );
    assert.throws(
      () => parse({ data: 'https://a.blob.core.windows.net/c/$(part)?sig=SECRET' }),
      (e: Error) => !e.message.includes('SECRET'),
    );
    assert.throws(() => parse({ data: 'x.csv', outputFolder: `${ROOT}/$(Out.Dir)` }), /^UserError: 'outputFolder' is '\$\(Out\.Dir\)'/);
  });

  it('a delimiter only with CSV; onViolation, format and trainingData are checked', () => {
    assert.throws(
      () => parse({ data: 'x.parquet', format: 'parquet', delimiter: ';' }),
      /^UserError: 'delimiter' is ';', but 'format' is parquet/,
    );
    assert.equal(parse({ data: 'x.csv', format: 'CSV', delimiter: 'semicolon' }).delimiter, 'semicolon');
    assert.throws(
      () => parse({ data: 'x.csv', onViolation: 'ignore' }),
      /^UserError: 'onViolation' must be one of 'fail', 'warn', got 'ignore'/,
    );
    assert.throws(
      () => parse({ data: 'x.csv', format: 'xlsx' }),
      /^UserError: 'format' must be one of 'auto', 'csv', 'parquet', 'jsonl', 'mltable'/,
    );
    assert.equal(parse({ data: 'x.csv', trainingData: 'false' }).trainingData, false);
    assert.equal(parse({ data: 'x.csv', outputFolder: '/out/here' }).outputFolder, '/out/here');
  });

  it('redacted columns: names by commas or lines, quoted names, or * alone', () => {
    assert.deepEqual(parseColumnList('r', 'email, phone\nssn'), ['email', 'phone', 'ssn']);
    assert.deepEqual(parseColumnList('r', '`last, first`, "say ""hi"""'), ['last, first', 'say "hi"']);
    assert.equal(parseColumnList('r', ' * '), '*');
    assert.throws(() => parseColumnList('r', 'email, *'), /^UserError: 'r': '\*' stands alone/);
  });
});

describe('AzureMLValidateData issues and log lines', () => {
  const result = (over: Partial<ExpectationResult>): ExpectationResult => ({
    rule: 'age between 18 and 100',
    line: 3,
    expectationType: 'expect_column_values_to_be_between',
    column: 'age',
    passed: false,
    observed: { min: 17, max: 120 },
    elementCount: 8,
    missingCount: 0,
    unexpectedCount: 2,
    unexpectedPercent: 25,
    unexpectedPercentNonMissing: 25,
    mostly: null,
    examples: ['17', '120'],
    ...over,
  });

  it('one line per violation: counts, mostly, examples (quoted, cut at 60 characters) or that they are redacted', () => {
    assert.equal(
      violationLine(result({}), 8),
      'Expectation not met (line 3): age between 18 and 100: 2 of 8 rows unexpected (25%); e.g. "17", "120"',
    );
    assert.equal(
      violationLine(result({ mostly: 0.9, unexpectedPercent: 100 / 3, examples: ['[redacted]'] }), 8),
      'Expectation not met (line 3): age between 18 and 100: 2 of 8 rows unexpected (33.33%), mostly 0.9 needed; examples redacted',
    );
    assert.equal(violationLine(result({ examples: ['x'.repeat(70), 'a\nb'] }), 8).split('; e.g. ')[1], `"${'x'.repeat(60)}…", "a\\nb"`);
    assert.equal(
      violationLine(
        result({
          rule: 'columns include a, b',
          column: null,
          observed: { missing: ['b'] },
          unexpectedCount: null,
          unexpectedPercent: null,
          examples: [],
        }),
        8,
      ),
      'Expectation not met (line 3): columns include a, b: observed {"missing":["b"]}',
    );
  });

  it('at most 50 lines, then one line counting the rest', () => {
    const report = {
      rows: 8,
      expectations: Array.from({ length: 53 }, (_, i) => result({ line: i + 1, passed: i === 0 })),
    } as unknown as ValidationReport;
    const lines = violationLines(report, '/r.json');
    assert.equal(lines.length, 51);
    assert.equal(lines[0].slice(0, 30), 'Expectation not met (line 2): ');
    assert.equal(lines[50], '… and 2 more expectations not met: see the Summary tab and /r.json');
  });

  it('text from the data can never become a logging command', () => {
    assert.equal(
      neutralizeCommands('columns (a, ##vso[task.complete result=Succeeded]b, ##[error]c)'),
      'columns (a, # #vso[task.complete result=Succeeded]b, # #[error]c)',
    );
  });

  it('a SAS in a storage URL input is known before task-lib echoes the input', () => {
    assert.deepEqual(urlSecrets('https://a.blob.core.windows.net/c/x.csv?sv=2024&sig=abc%3D'), ['sv=2024&sig=abc%3D']);
    assert.deepEqual(urlSecrets('https://a.blob.core.windows.net/c/x.csv'), []);
    assert.deepEqual(urlSecrets('data/x.csv?sig=1'), []);
  });
});
