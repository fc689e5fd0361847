import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ContainerClient, ContainerSASPermissions, generateBlobSASQueryParameters, StorageSharedKeyCredential } from '@azure/storage-blob';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { startEmulator, Emulator, TaskConnection } from '../../emulator';
import { startAzurite, AzuriteHandle } from '../../devkit/azurite';
import { runTask, assertNoSecretLeak, TaskRunResult } from '../../devkit/task-runner';
import { conformsToSpec } from '../conformance/conforms';
import { readProfile } from '../../shared/data/profile';
import { EXPECTATION_GRAMMAR } from '../../shared/data/expectations';

/**
 * AzureMLValidateData@1 run as the agent runs it: local files with no service connection at all,
 * data assets and datastore paths through the emulator and a real Azurite, blob URLs with a SAS;
 * outputs, the report and profile files, the Summary tab, issues, redaction, and every bad input the
 * issue names (one clear error line, nothing written anywhere).
 */
describe('AzureMLValidateData@1 (task process)', function () {
  let azurite: AzuriteHandle;
  let emulator: Emulator;
  let spn: TaskConnection;
  let container: ContainerClient;
  let sas: string;
  const repos: string[] = [];

  const CREDIT = [
    'age,income,region,email,defaulted',
    '41,56000,north,ann@example.com,1',
    '58,32000,south,bob@example.com,0',
    '47,,north,cy@example.com,0',
    '35,41000,east,dee@example.com,1',
    '29,38000,south,eve@example.com,0',
    '63,61000,north,fay@example.com,0',
  ].join('\n');
  /** Newer data: an age out of range, a region the baseline never saw, a malformed email. */
  const CREDIT_NEW = [
    'age,income,region,email,defaulted',
    '17,30000,north,gil@example.com,0',
    '44,52000,west,hal@example.com,1',
    '52,47000,south,ivy-at-example.com,0',
    '38,,north,jo@example.com,0',
  ].join('\n');
  const PASSING =
    'columns include age, income, region\nrows between 1 and 1000\nage not null\nage between 18 and 100\nregion in north, south, east\nemail unique\ndefaulted in 0, 1\nincome NullValueRate <= 0.2';

  before(async () => {
    azurite = await startAzurite();
    emulator = await startEmulator({
      seed: 15,
      storage: { blobUrl: azurite.blobUrl, accountName: azurite.accountName, accountKey: azurite.accountKey },
    });
    spn = emulator.connection({ scheme: 'spnKey' });
    const key = new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey);
    container = new ContainerClient(`${azurite.blobUrl}/${emulator.datastore.containerName}`, key);
    const put = (name: string, body: string) => container.getBlockBlobClient(name).upload(body, Buffer.byteLength(body));
    await put('data/credit-v1.csv', CREDIT);
    await put('data/credit-v2.csv', CREDIT_NEW);
    emulator.assets.seed('data', 'credit', '1', {
      dataType: 'uri_file',
      dataUri: 'azureml://datastores/workspaceblobstore/paths/data/credit-v1.csv',
    });
    emulator.assets.seed('data', 'credit', '2', {
      dataType: 'uri_file',
      dataUri: 'azureml://datastores/workspaceblobstore/paths/data/credit-v2.csv',
    });
    sas = generateBlobSASQueryParameters(
      {
        containerName: emulator.datastore.containerName,
        permissions: ContainerSASPermissions.parse('rl'),
        expiresOn: new Date(Date.now() + 3_600_000),
      },
      key,
    ).toString();
  });
  after(async () => {
    await emulator?.stop();
    await azurite?.stop();
    for (const r of repos) fs.rmSync(r, { recursive: true, force: true });
  });

  /** A fresh repository folder holding the given files. */
  function repo(files: Record<string, string | Uint8Array> = {}): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'validate-repo-'));
    repos.push(dir);
    for (const [name, body] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), body);
    }
    return dir;
  }

  function run(
    inputs: Record<string, string>,
    options: { repo?: string; azure?: boolean; variables?: Record<string, string> } = {},
  ): Promise<TaskRunResult> {
    const azure: Record<string, string> = options.azure
      ? { connectedServiceNameARM: spn.id, resourceGroupName: emulator.resourceGroup, workspaceName: emulator.workspaceName }
      : {};
    return runTask({
      task: 'AzureMLValidateData',
      inputs: { ...azure, ...inputs },
      env: options.azure ? spn.env : {},
      repo: options.repo ?? repo({ 'data/credit.csv': CREDIT }),
      variables: { 'System.Debug': 'true', ...(options.variables ?? {}) },
      timeoutMs: 60_000,
    });
  }

  const json = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));
  /** Requests that change something in Azure (reading a datastore's secrets and signing in change nothing). */
  const writesSince = (from: number) =>
    emulator
      .requests()
      .slice(from)
      .filter((q) => q.method !== 'GET' && !/\/listSecrets$/i.test(q.path) && !/\/oauth2\//.test(q.path))
      .map((q) => `${q.method} ${q.path}`);
  const blobNames = async () => {
    const names: string[] = [];
    for await (const b of container.listBlobsFlat()) names.push(b.name);
    return names.sort();
  };

  it('a local CSV that meets every expectation: outputs, report, profile, summary and the hand-off, with no connection and no call to Azure', async () => {
    const before = emulator.requests().length;
    const r = await run({ data: 'data/credit.csv', expectations: PASSING });
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    assert.equal(r.result?.message, 'All 8 expectations are met by 6 rows of data/credit.csv.');
    assert.equal(r.outputs.passed, 'true');
    assert.equal(r.outputs.violationCount, '0');
    assert.equal(path.dirname(r.outputs.reportPath), path.dirname(r.outputs.profilePath));
    assert.ok(r.outputs.reportPath.startsWith(r.dirs.temp), 'a folder under Agent.TempDirectory by default');
    const report = json(r.outputs.reportPath);
    assert.equal(report.rows, 6);
    assert.equal(report.data, 'data/credit.csv');
    assert.deepEqual(report.columns, ['age', 'income', 'region', 'email', 'defaulted']);
    assert.equal(report.expectations.length, 8);
    for (const e of report.expectations)
      for (const k of ['rule', 'column', 'passed', 'observed', 'unexpectedCount', 'unexpectedPercent'])
        assert.ok(k in e, `${k} in ${JSON.stringify(e)}`);
    assert.deepEqual(
      report.qualityMetrics.find((m: { column: string; metric: string }) => m.column === 'income' && m.metric === 'NullValueRate'),
      { column: 'income', metric: 'NullValueRate', value: 0.16667, violationCount: 1, threshold: 0.2, breached: false },
    );
    const profile = readProfile(fs.readFileSync(r.outputs.profilePath, 'utf8'));
    assert.equal(profile.rows, 6);
    assert.deepEqual(
      profile.columns.map((c) => [c.name, c.type]),
      [
        ['age', 'integer'],
        ['income', 'integer'],
        ['region', 'string'],
        ['email', 'string'],
        ['defaulted', 'integer'],
      ],
    );
    assert.equal(r.summaries.length, 1);
    assert.match(r.summaries[0], /^## Data validation: ✅ all 8 expectations met/);
    assert.equal(r.variables['AzureML.DataProfilePath']?.value, r.outputs.profilePath);
    assert.equal(r.variables['AzureML.TrainingData']?.value, 'data/credit.csv');
    assert.deepEqual(r.issues, []);
    assert.equal(emulator.requests().length, before, 'a local file needs no call to Azure');
  });

  it('expectations not met: Failed, one error per violation, the report says what was seen', async () => {
    const r = await run({ data: 'data/new.csv', expectations: PASSING }, { repo: repo({ 'data/new.csv': CREDIT_NEW }) });
    assert.equal(r.result?.result, 'Failed', r.stdout);
    assert.equal(r.outputs.passed, 'false');
    assert.equal(r.outputs.violationCount, '3');
    assert.equal(r.result?.message, `3 of 8 expectations not met by data/new.csv: see the Summary tab and ${r.outputs.reportPath}.`);
    const errors = r.issues.filter((i) => i.type === 'error').map((i) => i.message);
    assert.deepEqual(errors, [
      'Expectation not met (line 4): age between 18 and 100: 1 of 4 rows unexpected (25%); e.g. "17"',
      'Expectation not met (line 5): region in north, south, east: 1 of 4 rows unexpected (25%); e.g. "west"',
      'Expectation not met (line 8): income NullValueRate <= 0.2: 1 of 4 rows unexpected (25%)',
      r.result?.message,
    ]);
    const report = json(r.outputs.reportPath);
    assert.equal(report.passed, false);
    const between = report.expectations.find((e: { line: number }) => e.line === 4);
    assert.deepEqual(
      {
        rule: between.rule,
        column: between.column,
        passed: between.passed,
        observed: between.observed,
        unexpectedCount: between.unexpectedCount,
        unexpectedPercent: between.unexpectedPercent,
        examples: between.examples,
      },
      {
        rule: 'age between 18 and 100',
        column: 'age',
        passed: false,
        observed: { min: 17, max: 52 },
        unexpectedCount: 1,
        unexpectedPercent: 25,
        examples: ['17'],
      },
    );
    assert.match(r.summaries[0], /^## Data validation: ❌ 3 of 8 expectations not met/);
    assert.ok(fs.existsSync(r.outputs.profilePath), 'the profile is written also when expectations fail');
  });

  it('onViolation: warn ends SucceededWithIssues with warnings, and issues stop at 50 with a line counting the rest', async () => {
    const many = Array.from({ length: 60 }, (_, i) => `age between ${100 + i} and 200`).join('\n');
    const r = await run({ data: 'data/credit.csv', expectations: many, onViolation: 'warn' });
    assert.equal(r.result?.result, 'SucceededWithIssues', r.stdout);
    assert.equal(r.outputs.passed, 'false');
    assert.equal(r.outputs.violationCount, '60');
    assert.equal(r.issues.filter((i) => i.type === 'error').length, 0);
    const warnings = r.issues.filter((i) => i.type === 'warning').map((i) => i.message);
    assert.equal(warnings.length, 52, 'the 50 first, one counting the rest, and the result');
    assert.equal(
      warnings[49],
      'Expectation not met (line 50): age between 149 and 200: 6 of 6 rows unexpected (100%); e.g. "41", "58", "47", "35", "29"',
    );
    assert.equal(warnings[50], `… and 10 more expectations not met: see the Summary tab and ${r.outputs.reportPath}`);
    assert.equal(warnings[51], r.result?.message);
  });

  it('a baseline profile: data-quality metrics against it, thresholds and breaches in the report; the same from the baseline data itself', async () => {
    const first = await run({ data: 'data/credit.csv' });
    assert.equal(first.result?.result, 'Succeeded', first.stdout);
    assert.equal(first.result?.message, 'Profiled 6 rows of data/credit.csv (no expectations given).');
    const dir = repo({
      'data/new.csv': CREDIT_NEW,
      'baseline/data-profile.json': fs.readFileSync(first.outputs.profilePath),
      'baseline/credit.csv': CREDIT,
    });
    const checks = { data: 'data/new.csv', expectations: 'OutOfBoundsRate <= 0.3\nregion OutOfBoundsRate <= 0\nDataTypeErrorRate <= 0' };
    const r = await run({ ...checks, baseline: 'baseline/data-profile.json' }, { repo: dir });
    assert.equal(r.result?.result, 'Failed', r.stdout);
    assert.ok(
      r.lines.includes(
        'Baseline: the data profile baseline/data-profile.json (data/credit.csv: 6 rows, profiled ' +
          json(first.outputs.reportPath).createdAt +
          ').',
      ),
      r.stdout,
    );
    const report = json(r.outputs.reportPath);
    assert.deepEqual(report.baseline, {
      data: 'data/credit.csv',
      createdAt: json(first.outputs.reportPath).createdAt,
      dataAssetId: null,
      rows: 6,
    });
    const metric = (column: string, name: string) =>
      report.qualityMetrics.find((m: { column: string; metric: string }) => m.column === column && m.metric === name);
    assert.deepEqual(metric('region', 'OutOfBoundsRate'), {
      column: 'region',
      metric: 'OutOfBoundsRate',
      value: 0.25,
      violationCount: 1,
      threshold: 0,
      breached: true,
    });
    assert.deepEqual(metric('age', 'OutOfBoundsRate'), {
      column: 'age',
      metric: 'OutOfBoundsRate',
      value: 0.25,
      violationCount: 1,
      threshold: 0.3,
      breached: false,
    });
    assert.equal(report.expectations.map((e: { passed: boolean }) => e.passed).join(), 'false,false,true');
    assert.match(r.summaries[0], /### Data quality against the baseline/);
    // The baseline as data: profiled first, the same metrics.
    const fromData = await run({ ...checks, baseline: 'baseline/credit.csv' }, { repo: dir });
    assert.ok(fromData.lines.includes('Baseline: profiling baseline/credit.csv (5 columns)…'), fromData.stdout);
    assert.deepEqual(json(fromData.outputs.reportPath).qualityMetrics, report.qualityMetrics);
  });

  it('reads Parquet with its declared types', async () => {
    const parquet = parquetWriteBuffer({
      columnData: [
        { name: 'id', data: [1, 2, 3, 4], type: 'INT32' },
        { name: 'score', data: [0.5, 0.25, null, 0.75], type: 'DOUBLE' },
        { name: 'label', data: ['a', 'b', 'a', 'c'], type: 'STRING' },
      ],
    });
    const r = await run(
      {
        data: 'data/scores.parquet',
        expectations: 'id unique\nid is integer\nscore between 0 and 1\nscore not null mostly 0.7\nlabel is string',
      },
      { repo: repo({ 'data/scores.parquet': new Uint8Array(parquet) }) },
    );
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    const profile = readProfile(fs.readFileSync(r.outputs.profilePath, 'utf8'));
    assert.deepEqual(
      profile.columns.map((c) => [c.name, c.type, c.declaredType]),
      [
        ['id', 'integer', 'integer'],
        ['score', 'float', 'float'],
        ['label', 'string', 'string'],
      ],
    );
  });

  it('an azureml data asset @latest, read through the emulator and Azurite: pinned to its version, nothing written, no secret in the log', async () => {
    const from = emulator.requests().length;
    const blobs = await blobNames();
    const r = await run({ data: 'azureml:credit@latest', expectations: 'age between 18 and 100' }, { azure: true });
    assert.equal(r.result?.result, 'Failed', r.stdout);
    assert.ok(r.lines.includes('azureml:credit@latest is azureml:credit:2 (the newest version).'), r.stdout);
    const report = json(r.outputs.reportPath);
    assert.equal(report.data, 'azureml:credit:2');
    assert.equal(report.dataAssetId, 'azureml:credit:2');
    assert.equal(readProfile(fs.readFileSync(r.outputs.profilePath, 'utf8')).dataAssetId, 'azureml:credit:2');
    assert.equal(r.variables['AzureML.TrainingData']?.value, 'azureml:credit:2');
    assert.deepEqual(writesSince(from), []);
    assert.deepEqual(await blobNames(), blobs);
    assertNoSecretLeak(r, [...spn.secrets, azurite.accountKey]);
  });

  it('a datastore path with a baseline data asset, and a blob URL whose SAS never appears, even in task-lib debug lines', async () => {
    const r = await run(
      {
        data: 'azureml://datastores/workspaceblobstore/paths/data/credit-v2.csv',
        baseline: 'azureml:credit:1',
        expectations: 'region OutOfBoundsRate <= 0',
      },
      { azure: true },
    );
    assert.equal(r.result?.result, 'Failed', r.stdout);
    assert.equal(json(r.outputs.reportPath).baseline.dataAssetId, 'azureml:credit:1');
    const url = `${azurite.blobUrl}/${emulator.datastore.containerName}/data/credit-v1.csv`;
    const sasRun = await run({ data: `${url}?${sas}`, expectations: 'age not null' });
    assert.equal(sasRun.result?.result, 'Succeeded', sasRun.stdout);
    assert.equal(json(sasRun.outputs.reportPath).data, url);
    assert.equal(sasRun.variables['AzureML.TrainingData']?.value, url);
    assertNoSecretLeak(sasRun, [sas]);
    assert.ok(!fs.readFileSync(sasRun.outputs.reportPath, 'utf8').includes('sig='));
  });

  it('redaction: example values of the named columns (or all) appear nowhere: not in the log, the issues, the summary or the report', async () => {
    const dir = repo({ 'data/new.csv': CREDIT_NEW });
    for (const redactColumns of ['email', '*']) {
      const r = await run(
        { data: 'data/new.csv', expectations: 'email matches ^[^@]+@[^@]+$\nregion in north, south', redactColumns },
        { repo: dir },
      );
      assert.equal(r.result?.result, 'Failed', r.stdout);
      const report = fs.readFileSync(r.outputs.reportPath, 'utf8');
      for (const text of [r.stdout, r.stderr, r.summaries[0], report]) assert.ok(!text.includes('ivy-at-example.com'), redactColumns);
      assert.deepEqual(JSON.parse(report).expectations[0].examples, ['[redacted]']);
      assert.ok(
        r.issues.some(
          (i) => i.message === 'Expectation not met (line 1): email matches ^[^@]+@[^@]+$: 1 of 4 rows unexpected (25%); examples redacted',
        ),
      );
      assert.equal(
        r.issues.some((i) => i.message.includes('"west"')),
        redactColumns === 'email',
        'other columns keep their examples',
      );
      assert.ok(
        r.lines.some((l) => l.includes('data-profile.json is not: it keeps the categories of text columns')),
        'says the profile is not redacted',
      );
    }
  });

  it('a constant column and an all-null column are profiled and checked, not a crash', async () => {
    const csv = ['id,constant,empty', '1,7,', '2,7,', '3,7,'].join('\n');
    const r = await run(
      { data: 'data/odd.csv', expectations: 'constant between 7 and 7\nconstant in 7\nempty not null mostly 0\nid unique' },
      { repo: repo({ 'data/odd.csv': csv }) },
    );
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    const profile = readProfile(fs.readFileSync(r.outputs.profilePath, 'utf8'));
    const constant = profile.columns.find((c) => c.name === 'constant')!;
    assert.deepEqual([constant.min, constant.max, constant.distinct, constant.std], [7, 7, 1, 0]);
    const empty = profile.columns.find((c) => c.name === 'empty')!;
    assert.deepEqual([empty.type, empty.nulls, empty.count], ['string', 3, 0]);
  });

  it('a header without rows succeeds with a warning that nothing was judged', async () => {
    const r = await run(
      { data: 'data/empty-rows.csv', expectations: 'age not null' },
      { repo: repo({ 'data/empty-rows.csv': 'age,income\n' }) },
    );
    assert.equal(r.result?.result, 'Succeeded', r.stdout);
    assert.ok(
      r.issues.some((i) => i.type === 'warning' && i.message.startsWith('data/empty-rows.csv has a header but no rows')),
      r.stdout,
    );
  });

  describe('bad input: one clear error line, Failed, nothing written', () => {
    async function failsWith(inputs: Record<string, string>, message: string, options: { repo?: string; azure?: boolean } = {}) {
      const from = emulator.requests().length;
      const blobs = await blobNames();
      const r = await run(inputs, options);
      assert.equal(r.result?.result, 'Failed', r.stdout);
      assert.equal(r.result?.message, message);
      assert.deepEqual(
        r.issues.map((i) => `${i.type}: ${i.message}`),
        [`error: ${r.result?.message}`],
        'exactly one error line',
      );
      assert.ok(!/\n\s+at /.test(r.stdout), 'no stack trace for a user error');
      assert.equal(r.outputs.passed, undefined, 'no verdict on an error');
      assert.deepEqual(writesSince(from), []);
      if (!options.azure) assert.equal(emulator.requests().length, from, 'no call to Azure');
      assert.deepEqual(await blobNames(), blobs);
      assertNoSecretLeak(r, [...spn.secrets, azurite.accountKey]);
      return r;
    }

    it('a file that does not exist', async () => {
      const dir = repo();
      await failsWith(
        { data: 'data/missing.csv', expectations: 'age not null' },
        `The data 'data/missing.csv' does not exist (${path.join(dir, 'data', 'missing.csv')}); check the path.`,
        { repo: dir },
      );
    });

    it('a wrong delimiter: the header is one column, and the message says which delimiter it holds', async () => {
      const dir = repo({ 'data/semi.csv': 'age;income\n41;56000\n' });
      await failsWith(
        { data: 'data/semi.csv', expectations: 'age not null' },
        `${path.join(dir, 'data', 'semi.csv')}: the header had one column with the delimiter ','; it contains ';': set the delimiter to ';'.`,
        { repo: dir },
      );
    });

    it('a ragged row, by its line number', async () => {
      const dir = repo({ 'data/ragged.csv': 'age,income\n41,56000\n58,32000,extra\n' });
      await failsWith(
        { data: 'data/ragged.csv', expectations: 'age not null' },
        `${path.join(dir, 'data', 'ragged.csv')}: line 3 has 3 fields; the header has 2 (a field that holds the delimiter must be in quotes).`,
        { repo: dir },
      );
    });

    it('an expectation that does not parse: quoted, with the grammar', () =>
      failsWith(
        { data: 'data/credit.csv', expectations: 'age not null\nage betwen 18 and 100' },
        `'expectations' line 2: cannot read "age betwen 18 and 100": expected not null, is, between, in, unique, matches or a data-quality metric after the column 'age', got 'betwen'. ${EXPECTATION_GRAMMAR}`,
      ));

    it('an expectation naming a column the data does not have: the columns are listed', () =>
      failsWith(
        { data: 'data/credit.csv', expectations: 'Age not null' },
        `'expectations' line 1 ("Age not null") reads the column 'Age', which the data does not have (column names are case-sensitive: did you mean 'age'?). The data's columns: 'age', 'income', 'region', 'email', 'defaulted'`,
      ));

    it('an MLTable with a transformation Azure ML reads and this task does not', async () => {
      const dir = repo({
        'table/MLTable': 'paths:\n  - file: ./credit.csv\ntransformations:\n  - read_delimited: {}\n  - take: 3\n',
        'table/credit.csv': CREDIT,
      });
      await failsWith(
        { data: 'table', expectations: 'age not null' },
        `${path.join(dir, 'table', 'MLTable')}: the transformation 'take' is not supported; supported: read_delimited, read_parquet, read_json_lines, keep_columns, drop_columns.`,
        { repo: dir },
      );
    });

    it('a data asset that does not exist', () =>
      failsWith(
        { data: 'azureml:no-such-data:1', expectations: 'age not null' },
        "Data asset 'no-such-data' has no version '1' in workspace 'mlw-emulator' ('azureml:no-such-data:1'); check the name and version (az ml data list --name no-such-data).",
        { azure: true },
      ));

    it('a data asset with no connection', () =>
      failsWith(
        { data: 'azureml:credit:1', expectations: 'age not null' },
        "'data' is 'azureml:credit:1', which is in an Azure ML workspace: reading it needs the workspace's service connection; set 'azureSubscription', 'resourceGroup' and 'workspace' (a local file or a blob URL with a SAS needs none).",
      ));

    it('an empty file', async () => {
      const dir = repo({ 'data/empty.csv': '' });
      await failsWith(
        { data: 'data/empty.csv', expectations: 'age not null' },
        `${path.join(dir, 'data', 'empty.csv')} is empty: a CSV file needs at least a header row.`,
        { repo: dir },
      );
    });

    it('a redacted column the data does not have (its values would otherwise be shown)', () =>
      failsWith(
        { data: 'data/credit.csv', expectations: 'email unique', redactColumns: 'emial' },
        "'redactColumns' names 'emial', which the data does not have; a misspelt name would leave the real column's values in the report. The data's columns: 'age', 'income', 'region', 'email', 'defaulted'",
      ));

    it('a kind override for a column the data does not have (it would silently change nothing)', () =>
      failsWith(
        { data: 'data/credit.csv', expectations: 'age not null', kindOverrides: 'Age: categorical' },
        "'kindOverrides' names 'Age', which the data does not have (column names are case-sensitive: did you mean 'age'?); a misspelt name would leave the column typed as the data alone decides. The data's columns: 'age', 'income', 'region', 'email', 'defaulted'",
      ));

    it('a quality metric against a baseline, without one', () =>
      failsWith(
        { data: 'data/credit.csv', expectations: 'OutOfBoundsRate <= 0' },
        `'expectations' line 1 ("OutOfBoundsRate <= 0") compares the data with a baseline, and no baseline data profile was given: give one (a data-profile.json written by this task on the training data), or remove the line`,
      ));

    it('a baseline profile of a schema version this task does not read', async () => {
      const dir = repo({ 'data/credit.csv': CREDIT, 'old/data-profile.json': '{\n  "schemaVersion": 2,\n  "columns": []\n}\n' });
      await failsWith(
        { data: 'data/credit.csv', baseline: 'old/data-profile.json', expectations: 'OutOfBoundsRate <= 0' },
        "'baseline': the baseline profile old/data-profile.json has schemaVersion 2; this version of the task reads schemaVersion 1 only. Re-create the profile with this version of AzureMLValidateData, or use the task version that wrote it.",
        { repo: dir },
      );
    });
  });

  conformsToSpec(() => emulator.traffic());
});
