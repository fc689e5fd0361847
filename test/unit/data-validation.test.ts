import { strict as assert } from 'node:assert';
import { csvRows, memoryRows } from '../support/memory-rows';
import { parseExpectations } from '../../shared/data/expectations';
import {
  mdCode,
  mdText,
  validateData,
  validationSummaryMarkdown,
  writeReport,
  type ExpectationResult,
  type Validation,
} from '../../shared/data/validation-report';
import type { RowSource } from '../../shared/data/row-source';

const NOW = () => new Date('2024-05-06T07:08:09.000Z');

// The same text is /tmp/exp/b.csv in the notes. Expected figures were computed with Python 3.11 + pandas 1.5.3
// on this machine, reading the file as text (dtype=str, keep_default_na=False, '' → missing, 'NaN' → missing)
// and applying GE's rules by hand: isnull / pd.to_numeric(errors='coerce') / isin / duplicated(keep=False) /
// str.contains; percent = unexpected / rows * 100 (total) and unexpected / non-missing * 100.
const B = [
  'customer_id,age,region,email,income,signup',
  '1,34,north,a@x.com,52000,2024-01-02',
  '2,17,south,b@x.com,61000.5,2024-01-03',
  '3,,east,not-an-email,,2024-01-04',
  '4,45,west,d@x.com,48000,not a date',
  '4,120,north,,75000,2024-01-06',
  '6,abc,North,f@x.com,39000,2024-01-07',
  '7,29,south,g@x.com,NaN,2024-01-08',
  '8,33,south,h@x.com,51000,2024-01-09',
].join('\n');

const RULES = [
  'columns include customer_id, age, region',
  'columns exactly customer_id, age, region, income',
  'rows between 1 and 5',
  'age not null',
  'age not null mostly 0.85',
  'age is number',
  'age is number mostly 0.8',
  'age between 18 and 100 mostly 0.99',
  'region in north, south, east, west',
  'customer_id unique',
  'email matches ^[^@]+@[^@]+$',
  'signup is datetime',
  'income is number',
  'income between 40000 and 70000',
  'income NullValueRate <= 0',
  'NullValueRate <= 0.1',
].join('\n');

type Row = Pick<
  ExpectationResult,
  'passed' | 'unexpectedCount' | 'unexpectedPercent' | 'unexpectedPercentNonMissing' | 'missingCount' | 'examples' | 'observed'
>;

describe('data validation: expectations over one pass (GE semantics)', () => {
  let v: Validation;
  const result = (rule: string): Row => {
    const r = v.report.expectations.find((e) => e.rule === rule)!;
    return {
      passed: r.passed,
      unexpectedCount: r.unexpectedCount,
      unexpectedPercent: r.unexpectedPercent,
      unexpectedPercentNonMissing: r.unexpectedPercentNonMissing,
      missingCount: r.missingCount,
      examples: r.examples,
      observed: r.observed,
    };
  };
  before(async () => {
    v = await validateData(csvRows(B), { expectations: parseExpectations(RULES), now: NOW });
  });

  it('table expectations', () => {
    assert.deepEqual(result('columns include customer_id, age, region'), {
      passed: true,
      unexpectedCount: null,
      unexpectedPercent: null,
      unexpectedPercentNonMissing: null,
      missingCount: null,
      examples: [],
      observed: { missing: [] },
    });
    assert.deepEqual(result('columns exactly customer_id, age, region, income').observed, { missing: [], unexpected: ['email', 'signup'] });
    assert.equal(result('columns exactly customer_id, age, region, income').passed, false);
    assert.deepEqual([result('rows between 1 and 5').passed, result('rows between 1 and 5').observed], [false, { rows: 8 }]);
  });

  it('not null counts nulls among all rows; mostly against all rows', () => {
    // pandas: unexpected=1 pct_total=12.5 judged=8
    assert.deepEqual(result('age not null'), {
      passed: false,
      unexpectedCount: 1,
      unexpectedPercent: 12.5,
      unexpectedPercentNonMissing: 12.5,
      missingCount: null,
      examples: [],
      observed: { nulls: 1 },
    });
    assert.equal(result('age not null mostly 0.85').passed, true); // 7/8 = 0.875 >= 0.85
  });

  it('is number skips missing values and reports the type the column is read as', () => {
    // pandas: unexpected=1 (abc) pct_total=12.5 pct_nonmissing=14.285714285714285 judged=7
    assert.deepEqual(result('age is number'), {
      passed: false,
      unexpectedCount: 1,
      unexpectedPercent: 12.5,
      unexpectedPercentNonMissing: 14.285714285714285,
      missingCount: 1,
      examples: ['abc'],
      observed: { type: 'string' },
    });
    assert.equal(result('age is number mostly 0.8').passed, true); // 6/7 = 0.857
    assert.deepEqual(result('signup is datetime').examples, ['not a date']);
    // NaN is missing to GE, and the column is read as float
    assert.deepEqual(result('income is number'), {
      passed: true,
      unexpectedCount: 0,
      unexpectedPercent: 0,
      unexpectedPercentNonMissing: 0,
      missingCount: 2,
      examples: [],
      observed: { type: 'float' },
    });
  });

  it('between: non-numbers and values outside are unexpected; observed min and max of the numbers', () => {
    // pandas: unexpected=3 pct_total=37.5 pct_nonmissing=42.857142857142854 examples ['17', '120', 'abc'] min 17 max 120
    assert.deepEqual(result('age between 18 and 100 mostly 0.99'), {
      passed: false,
      unexpectedCount: 3,
      unexpectedPercent: 37.5,
      unexpectedPercentNonMissing: 42.857142857142854,
      missingCount: 1,
      examples: ['17', '120', 'abc'],
      observed: { min: 17, max: 120 },
    });
    // pandas: unexpected=2 pct_total=25.0 pct_nonmissing=33.33333333333333 examples ['75000', '39000'] missing 2
    assert.deepEqual(result('income between 40000 and 70000'), {
      passed: false,
      unexpectedCount: 2,
      unexpectedPercent: 25,
      unexpectedPercentNonMissing: 33.33333333333333,
      missingCount: 2,
      examples: ['75000', '39000'],
      observed: { min: 39000, max: 75000 },
    });
  });

  it('in: exact text, case-sensitive', () => {
    // pandas: unexpected=1 (North) pct_total=12.5
    assert.deepEqual(result('region in north, south, east, west'), {
      passed: false,
      unexpectedCount: 1,
      unexpectedPercent: 12.5,
      unexpectedPercentNonMissing: 12.5,
      missingCount: 0,
      examples: ['North'],
      observed: { distinctOutside: 1 },
    });
  });

  it('unique: every occurrence of a repeated value is unexpected', () => {
    // pandas: duplicated(keep=False) → 2 rows (25%), value '4'
    assert.deepEqual(result('customer_id unique'), {
      passed: false,
      unexpectedCount: 2,
      unexpectedPercent: 25,
      unexpectedPercentNonMissing: 25,
      missingCount: 0,
      examples: ['4'],
      observed: { distinct: 7, repeatedValues: 1 },
    });
  });

  it('matches: searched as re.search, nulls skipped', () => {
    // pandas: str.contains → unexpected=1 pct_total=12.5 pct_nonmissing=14.285714285714285 missing 1
    assert.deepEqual(result('email matches ^[^@]+@[^@]+$'), {
      passed: false,
      unexpectedCount: 1,
      unexpectedPercent: 12.5,
      unexpectedPercentNonMissing: 14.285714285714285,
      missingCount: 1,
      examples: ['not-an-email'],
      observed: { matching: 6 },
    });
  });

  it('quality lines: per column, and a table line that every column must meet', () => {
    // NullValueRate counts empty cells only ('NaN' is a value to Spark): income 1/8 = 0.125
    const income = v.report.expectations.find((e) => e.rule === 'income NullValueRate <= 0')!;
    assert.deepEqual(
      [income.column, income.passed, income.observed, income.unexpectedCount, income.unexpectedPercent],
      ['income', false, { value: 0.125, violationCount: 1 }, 1, 12.5],
    );
    const table = v.report.expectations.find((e) => e.rule === 'NullValueRate <= 0.1')!;
    assert.deepEqual(
      [table.column, table.passed, table.observed, table.examples],
      [
        null,
        false,
        { columns: 6, breached: ['age', 'email', 'income'], max: { column: 'age', value: 0.125 } },
        ['age: 0.125', 'email: 0.125', 'income: 0.125'],
      ],
    );
    assert.deepEqual(
      v.report.qualityMetrics.map((m) => [m.column, m.metric, m.value, m.threshold, m.breached]),
      [
        ['customer_id', 'NullValueRate', 0, 0.1, false],
        ['age', 'NullValueRate', 0.125, 0.1, true],
        ['region', 'NullValueRate', 0, 0.1, false],
        ['email', 'NullValueRate', 0.125, 0.1, true],
        ['income', 'NullValueRate', 0.125, 0, true], // the lower of the table line (0.1) and the column line (0)
        ['signup', 'NullValueRate', 0, 0.1, false],
      ],
    );
  });

  it('the report counts the expectations not met and keeps its key order', () => {
    assert.equal(v.report.passed, false);
    assert.equal(v.report.violationCount, 12);
    assert.deepEqual(Object.keys(v.report), [
      'schemaVersion',
      'createdAt',
      'data',
      'dataAssetId',
      'rows',
      'columns',
      'baseline',
      'passed',
      'violationCount',
      'expectations',
      'qualityMetrics',
      'redacted',
    ]);
    assert.deepEqual(Object.keys(v.report.expectations[3]), [
      'rule',
      'line',
      'expectationType',
      'column',
      'passed',
      'observed',
      'elementCount',
      'missingCount',
      'unexpectedCount',
      'unexpectedPercent',
      'unexpectedPercentNonMissing',
      'mostly',
      'examples',
    ]);
    const text = writeReport(v.report);
    assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(v.report)));
    assert.equal(text, writeReport(v.report));
  });

  it('profiles the data in the same pass', () => {
    assert.deepEqual(
      [v.profile.rows, v.profile.columns.map((c) => c.type)],
      [8, ['integer', 'string', 'string', 'string', 'float', 'string']],
    );
  });
});

describe('data validation: edge cases', () => {
  it('empty data (header only): rows 0, percentages 0, column expectations pass with nothing to judge', async () => {
    const v = await validateData(csvRows('a,b\n'), {
      expectations: parseExpectations('a not null\na between 1 and 2\na unique\nrows between 1 and 10\nNullValueRate <= 0'),
      now: NOW,
    });
    assert.equal(v.report.rows, 0);
    assert.deepEqual(
      v.report.expectations.map((r) => [r.passed, r.unexpectedCount, r.unexpectedPercent, r.unexpectedPercentNonMissing]),
      [
        [true, 0, 0, 0],
        [true, 0, 0, 0],
        [true, 0, 0, 0],
        [false, null, null, null],
        [true, null, null, null],
      ],
    );
    assert.deepEqual(
      v.report.qualityMetrics.map((m) => m.value),
      [0, 0],
    );
    assert.ok(!JSON.stringify(v.report).includes('NaN'));
  });

  it('an all-null column: not null fails on every row, value checks pass with nothing to judge', async () => {
    const v = await validateData(memoryRows(['a'], [[null], [null], [null], [null]]), {
      expectations: parseExpectations('a not null\na is number\na is string\na in x'),
      now: NOW,
    });
    assert.deepEqual(
      v.report.expectations.map((r) => [r.passed, r.unexpectedCount, r.unexpectedPercent, r.missingCount]),
      [
        [false, 4, 100, null],
        [true, 0, 0, 4],
        [true, 0, 0, 4],
        [true, 0, 0, 4],
      ],
    );
    assert.deepEqual(v.report.expectations[1].observed, { type: 'string' });
  });

  it('is string: a column read as numbers fails with every value unexpected (a zip code losing its leading 0)', async () => {
    const v = await validateData(csvRows('zip,city\n02139,Cambridge\n10001,New York\n'), {
      expectations: parseExpectations('zip is string\ncity is string\nzip is integer'),
      now: NOW,
    });
    assert.deepEqual(
      v.report.expectations.map((r) => [r.passed, r.unexpectedCount, r.examples, r.observed]),
      [
        [false, 2, ['02139', '10001'], { type: 'integer' }],
        [true, 0, [], { type: 'string' }],
        [true, 0, [], { type: 'integer' }],
      ],
    );
  });

  it('a constant column is unique only on one row, and between its own value', async () => {
    const v = await validateData(memoryRows(['k'], [['5'], ['5'], ['5']]), {
      expectations: parseExpectations('k unique\nk between 5 and 5'),
      now: NOW,
    });
    assert.deepEqual(
      v.report.expectations.map((r) => [r.passed, r.unexpectedCount]),
      [
        [false, 3],
        [true, 0],
      ],
    );
  });

  it('booleans in any case, NaN and Infinity text, leading spaces', async () => {
    const v = await validateData(csvRows('b,f,n\nTrue,NaN, 5\nfalse,inf,6 \nTRUE,-Infinity,7\n'), {
      expectations: parseExpectations(
        'b is boolean\nb in true, false\nf is number\nf between -1 and 1\nf not null\nn is integer\nn between 5 and 7',
      ),
      now: NOW,
    });
    assert.deepEqual(
      v.report.expectations.map((r) => [r.rule, r.passed, r.unexpectedCount, r.missingCount, r.examples]),
      [
        ['b is boolean', true, 0, 0, []],
        ['b in true, false', false, 2, 0, ['True', 'TRUE']], // set membership is exact text, as GE on a text column
        ['f is number', true, 0, 1, []], // NaN is missing to GE
        ['f between -1 and 1', false, 2, 1, ['inf', '-Infinity']],
        ['f not null', false, 1, null, []], // NaN counts as null for GE's not-null
        ['n is integer', true, 0, 0, []], // ' 5' and '6 ' are integers, as pandas reads them
        ['n between 5 and 7', true, 0, 0, []],
      ],
    );
    assert.deepEqual(v.report.qualityMetrics.find((m) => m.column === 'f')?.value, 0); // NullValueRate: NaN is not null to Spark
  });

  it('in: a set value that is a number matches the same number written another way', async () => {
    const v = await validateData(csvRows('x\n1\n1.0\n01\n2\n'), { expectations: parseExpectations('x in 1'), now: NOW });
    assert.deepEqual([v.report.expectations[0].unexpectedCount, v.report.expectations[0].examples], [1, ['2']]);
  });

  it('unicode and very long values: kept in the report cut at 200 characters', async () => {
    const long = 'X'.repeat(1000);
    const v = await validateData(memoryRows(['s'], [['naïve'], ['ok'], ['日本'], [long]]), {
      expectations: parseExpectations('s matches ^[a-z]+$'),
      now: NOW,
    });
    assert.deepEqual(v.report.expectations[0].examples, ['naïve', '日本', `${'X'.repeat(200)}…`]);
    assert.equal(v.report.expectations[0].unexpectedCount, 3);
    assert.match(v.summaryMarkdown, new RegExp(`\`${'X'.repeat(60)}…\``));
    const emoji = await validateData(memoryRows(['s'], [['😀'.repeat(300)]]), {
      expectations: parseExpectations('s matches ^a'),
      now: NOW,
    });
    assert.equal(emoji.report.expectations[0].examples[0], `${'😀'.repeat(200)}…`);
  });

  it('unique over many values, across batches, with typed numbers', async () => {
    const rows = Array.from({ length: 50_000 }, (_, i) => [i < 49_990 ? i : i - 10]);
    const v = await validateData(memoryRows(['n'], rows, { batchSize: 1000, declaredTypes: ['integer'] }), {
      expectations: parseExpectations('n unique\nn unique mostly 0.999'),
      now: NOW,
    });
    assert.deepEqual(
      v.report.expectations.map((r) => [r.passed, r.unexpectedCount, (r.observed as { repeatedValues: number }).repeatedValues]),
      [
        [false, 20, 10],
        [true, 20, 10],
      ],
    );
    assert.deepEqual(v.report.expectations[0].examples, ['49980', '49981', '49982', '49983', '49984']);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    let batches = 0;
    const source: RowSource = {
      description: 'endless',
      columns: ['a'],
      declaredTypes: [undefined],
      async *batches() {
        for (;;) {
          batches++;
          if (batches === 3) controller.abort();
          yield [['1']];
        }
      },
    };
    await assert.rejects(validateData(source, { expectations: [], abortSignal: controller.signal }), { name: 'AbortError' });
    assert.ok(batches <= 4);
  });

  it('refuses, before reading a row, a column the data lacks and baseline metrics without a baseline', async () => {
    const unread: RowSource = {
      description: 'x',
      columns: ['a'],
      declaredTypes: [undefined],
      batches() {
        throw new Error('read');
      },
    };
    await assert.rejects(
      validateData(unread, { expectations: parseExpectations('b not null') }),
      /reads the column 'b', which the data does not have\. The data's columns: 'a'/,
    );
    await assert.rejects(validateData(unread, { expectations: parseExpectations('OutOfBoundsRate <= 0'), input: 'rules' }), {
      name: 'UserError',
      message:
        '\'rules\' line 1 ("OutOfBoundsRate <= 0") compares the data with a baseline, and no baseline data profile was given: give one (a data-profile.json written by this task on the training data), or remove the line',
    });
  });
});

describe('data validation: redaction and the summary', () => {
  const data = 'id,email,note\n1,a@x,"pipe | and `tick`"\n1,"bad\nline",ok\n';
  const rules = 'email matches ^[^@]+@[^@]+$\nid unique\nnote in ok';

  it('replaces example values of the named columns in the report and the summary', async () => {
    const v = await validateData(csvRows(data), { expectations: parseExpectations(rules), redact: ['email'], now: NOW });
    assert.deepEqual(
      v.report.expectations.map((r) => r.examples),
      [['[redacted]'], ['1'], ['pipe | and `tick`']],
    );
    assert.deepEqual(v.report.redacted, ['email']);
    assert.ok(!v.summaryMarkdown.includes('bad'));
    assert.ok(!writeReport(v.report).includes('bad'));
    const between = await validateData(csvRows('salary\n100\n5000\n'), {
      expectations: parseExpectations('salary between 0 and 1000'),
      redact: ['salary'],
      now: NOW,
    });
    assert.deepEqual(
      [between.report.expectations[0].observed, between.report.expectations[0].examples],
      [{ min: '[redacted]', max: '[redacted]' }, ['[redacted]']],
    );
    assert.ok(!between.summaryMarkdown.includes('5000'));
    const all = await validateData(csvRows(data), { expectations: parseExpectations(rules), redact: '*', now: NOW });
    assert.deepEqual(
      all.report.expectations.map((r) => r.examples),
      [['[redacted]'], ['[redacted]'], ['[redacted]']],
    );
    assert.match(all.summaryMarkdown, /Example values of every column are redacted\./);
  });

  it('writes one escaped table row per expectation', async () => {
    const v = await validateData(csvRows(data), { expectations: parseExpectations(rules), now: NOW });
    assert.equal(
      v.summaryMarkdown,
      [
        '## Data validation: ❌ 3 of 3 expectations not met',
        '',
        '**Data:** `memory.csv`: 2 rows, 3 columns',
        '',
        '| | expectation | observed | unexpected | examples |',
        '|:-:|---|---|--:|---|',
        '| ❌ | `email matches ^[^@]+@[^@]+$` | 1 match | 50% (1) | `bad↵line` |',
        '| ❌ | `id unique` | 1 repeated values | 100% (2) | `1` |',
        '| ❌ | `note in ok` | 1 distinct values outside the set | 50% (1) | `` pipe \\| and `tick` `` |', // a space inside the fence when the value ends with a backtick
        '',
      ].join('\n'),
    );
  });

  it('escapes markdown: pipes, backticks, newlines, control characters, long values', () => {
    assert.equal(mdCode('a|b'), '`a\\|b`');
    assert.equal(mdCode('`x`'), '`` `x` ``');
    assert.equal(mdCode('a``b'), '```a``b```');
    assert.equal(mdCode('1\r\n2\n3'), '`1↵2↵3`');
    assert.equal(mdCode('bell\u0007'), '`bell\\u0007`');
    assert.equal(mdCode('é'.repeat(70)), `\`${'é'.repeat(60)}…\``);
    assert.equal(mdCode('😀'.repeat(61)), `\`${'😀'.repeat(60)}…\``); // cut by characters, never inside a surrogate pair
    assert.equal(mdText('a|b *c* _d_ <e> [f]'), 'a\\|b \\*c\\* \\_d\\_ \\<e\\> \\[f\\]');
  });

  it('shows quality metrics that have a threshold or are not zero, and the baseline', async () => {
    const v = await validateData(csvRows('a,b\n1,\n2,3\n'), { expectations: parseExpectations('a NullValueRate <= 0'), now: NOW });
    const md = validationSummaryMarkdown(v.report);
    assert.ok(md.startsWith('## Data validation: ✅ the expectation met\n'));
    assert.match(md, /\| a \| NullValueRate \| 0 \| 0 \| ✅ \|/);
    assert.match(md, /\| b \| NullValueRate \| 0\.5 \| — \| {2}\|/);
  });
});
