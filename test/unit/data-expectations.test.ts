import { strict as assert } from 'node:assert';
import { csvRows } from '../support/memory-rows';
import { DuplicateFinder } from '../../shared/data/hash-tables';
import { validateData } from '../../shared/data/validation-report';
import {
  EXPECTATION_GRAMMAR,
  checkExpectationColumns,
  expectationType,
  mapSuccess,
  parseExpectations,
} from '../../shared/data/expectations';

const strip = (xs: object[]) => xs.map((x) => Object.fromEntries(Object.entries(x).filter(([k, v]) => k !== 'text' && v !== undefined)));

describe('data expectations: parsing', () => {
  it('parses every form of the grammar, with line numbers, comments and blank lines', () => {
    const text = [
      '# the customer table',
      'columns include customer_id, age, region',
      'columns exactly customer_id, age, region, income',
      '',
      'rows between 1000 and 5000000',
      'age not null',
      'age is number',
      'age between 18 and 100 mostly 0.99',
      'region in north, south, east, west',
      'customer_id unique',
      'email matches ^[^@]+@[^@]+$',
      'NullValueRate <= 0.05',
      'DataTypeErrorRate <= 0',
      'OutOfBoundsRate <= 0.01',
      'income NullValueRate <= 0',
    ].join('\n');
    assert.deepEqual(strip(parseExpectations(text)), [
      { line: 2, kind: 'columnsInclude', columns: ['customer_id', 'age', 'region'] },
      { line: 3, kind: 'columnsExactly', columns: ['customer_id', 'age', 'region', 'income'] },
      { line: 5, kind: 'rowsBetween', min: 1000, max: 5000000 },
      { line: 6, kind: 'notNull', column: 'age' },
      { line: 7, kind: 'isType', column: 'age', type: 'number' },
      { line: 8, kind: 'between', column: 'age', min: 18, max: 100, mostly: 0.99 },
      { line: 9, kind: 'inSet', column: 'region', values: ['north', 'south', 'east', 'west'] },
      { line: 10, kind: 'unique', column: 'customer_id' },
      { line: 11, kind: 'matches', column: 'email', pattern: '^[^@]+@[^@]+$' },
      { line: 12, kind: 'quality', metric: 'NullValueRate', threshold: 0.05 },
      { line: 13, kind: 'quality', metric: 'DataTypeErrorRate', threshold: 0 },
      { line: 14, kind: 'quality', metric: 'OutOfBoundsRate', threshold: 0.01 },
      { line: 15, kind: 'quality', metric: 'NullValueRate', column: 'income', threshold: 0 },
    ]);
    assert.equal(parseExpectations(text)[5].text, 'age between 18 and 100 mostly 0.99');
  });

  it('names each check as Great Expectations does', () => {
    const types = parseExpectations(
      'columns include a\ncolumns exactly a\nrows between 1 and 2\na not null\na is integer\na is number\na between 1 and 2\na in x\na unique\na matches x\nNullValueRate <= 0',
    ).map(expectationType);
    assert.deepEqual(types, [
      'expect_table_columns_to_contain_set',
      'expect_table_columns_to_match_set',
      'expect_table_row_count_to_be_between',
      'expect_column_values_to_not_be_null',
      'expect_column_values_to_be_of_type',
      'expect_column_values_to_be_in_type_list',
      'expect_column_values_to_be_between',
      'expect_column_values_to_be_in_set',
      'expect_column_values_to_be_unique',
      'expect_column_values_to_match_regex',
      'azureml_data_quality_NullValueRate',
    ]);
  });

  it('quotes column names and values with backticks or double quotes, a doubled quote inside', () => {
    const parsed = strip(
      parseExpectations(
        [
          '`first name` not null',
          '"zip, code" is string',
          '`rows` between 1 and 2',
          '"NullValueRate" unique',
          'columns include `a, b`, "c ""d""", e',
          'city in "New York, NY", `Paris`, Rome mostly 0.5',
          '`it``s` NullValueRate <= 0.1',
        ].join('\n'),
      ),
    );
    assert.deepEqual(parsed, [
      { line: 1, kind: 'notNull', column: 'first name' },
      { line: 2, kind: 'isType', column: 'zip, code', type: 'string' },
      { line: 3, kind: 'between', column: 'rows', min: 1, max: 2 },
      { line: 4, kind: 'unique', column: 'NullValueRate' },
      { line: 5, kind: 'columnsInclude', columns: ['a, b', 'c "d"', 'e'] },
      { line: 6, kind: 'inSet', column: 'city', values: ['New York, NY', 'Paris', 'Rome'], mostly: 0.5 },
      { line: 7, kind: 'quality', metric: 'NullValueRate', column: 'it`s', threshold: 0.1 },
    ]);
  });

  it('reads keywords in any case, negative and exponent numbers, and a # that is not at the start of a line', () => {
    assert.deepEqual(
      strip(
        parseExpectations('Age NOT NULL\nt Between -1.5 AND 2e3 MOSTLY .5\ncolor matches ^#[0-9a-f]{6}$\nnullvaluerate<=0.5\ntag in #a, b'),
      ),
      [
        { line: 1, kind: 'notNull', column: 'Age' },
        { line: 2, kind: 'between', column: 't', min: -1.5, max: 2000, mostly: 0.5 },
        { line: 3, kind: 'matches', column: 'color', pattern: '^#[0-9a-f]{6}$' },
        { line: 4, kind: 'quality', metric: 'NullValueRate', threshold: 0.5 },
        { line: 5, kind: 'inSet', column: 'tag', values: ['#a', 'b'] },
      ],
    );
  });

  it('takes a trailing mostly off a pattern, and reads Python named groups', () => {
    assert.deepEqual(strip(parseExpectations('code matches ^(?P<area>\\d{3})-(?P=area)$ mostly 0.9')), [
      { line: 1, kind: 'matches', column: 'code', pattern: '^(?P<area>\\d{3})-(?P=area)$', mostly: 0.9 },
    ]);
  });

  it('has no expectations in an empty or comment-only text', () => {
    assert.deepEqual(parseExpectations(''), []);
    assert.deepEqual(parseExpectations('# nothing\n\n   \n'), []);
  });

  const errors: [string, string][] = [
    [
      'age betwen 1 and 2',
      "line 1: cannot read \"age betwen 1 and 2\": expected not null, is, between, in, unique, matches or a data-quality metric after the column 'age', got 'betwen'",
    ],
    [
      'age',
      'line 1: cannot read "age": expected not null, is, between, in, unique, matches or a data-quality metric after the column \'age\', got the end of the line',
    ],
    [
      '\nage is text',
      "line 2: cannot read \"age is text\": expected one of integer, number, string, boolean, datetime after 'is', got 'text'",
    ],
    ['age between 10 and 1', 'the lower bound 10 is above the upper bound 1'],
    ['age between 1 to 2', "expected 'and' after 'between 1', got 'to'"],
    ['age not null mostly 1.5', "'mostly' must be a fraction between 0 and 1, got 1.5"],
    ['age not null mostly', "expected a fraction between 0 and 1 after 'mostly', got the end of the line"],
    ['age not null please', "unexpected 'please' after 'not null' (only 'mostly <fraction>' may follow)"],
    ['age is string mostly 0.9', "'mostly' does not apply to 'is string'"],
    ['rows between 1 and 2 mostly 0.5', "'mostly' does not apply to 'rows between'"],
    ['rows between 5 and 1', 'the lower bound 5 is above the upper bound 1'],
    ['rows between 1.5 and 2', 'row counts are whole numbers ≥ 0'],
    ['columns include a, , b', 'expected a column name, got an empty item'],
    ['columns include a mostly 0.5', "'mostly' does not apply to 'columns include'"],
    ['NullValueRate < 0.05', "expected '<=' after NullValueRate (a data-quality rate breaches when it is above its threshold), got '<'"],
    ['NullValueRate <= 5', 'the threshold of NullValueRate is a rate between 0 and 1, got 5'],
    ['`age not null', 'the quote ` opened at column 1 is not closed'],
    ['email matches ^[a-', 'the pattern is not a valid regular expression'],
    ['region in north, "south', 'the quote " opened at column'],
    ['region in north, so"uth', "'so\"uth': quote the whole item, not part of it"],
  ];
  for (const [text, message] of errors) {
    it(`refuses ${JSON.stringify(text.trim())} naming the line and showing the grammar`, () => {
      assert.throws(
        () => parseExpectations(text),
        (error: Error) => {
          assert.equal(error.name, 'UserError');
          assert.ok(error.message.startsWith("'expectations' line "), error.message);
          assert.ok(error.message.includes(message), `${error.message}\n  lacks: ${message}`);
          assert.ok(error.message.endsWith(EXPECTATION_GRAMMAR), error.message);
          return true;
        },
      );
    });
  }

  it('names the input in its messages', () => {
    assert.throws(
      () => parseExpectations('x', 'dataExpectations'),
      (e: Error) => e.message.startsWith(`'dataExpectations' line 1: cannot read "x"`),
    );
  });
});

describe('data expectations: columns checked before reading', () => {
  const expectations = parseExpectations('columns include nope\nAge not null\nincome NullValueRate <= 0');
  it('lists the data columns when an expectation reads a column the data lacks, with a case hint', () => {
    assert.throws(() => checkExpectationColumns(expectations, ['age', 'income']), {
      name: 'UserError',
      message:
        "'expectations' line 2 (\"Age not null\") reads the column 'Age', which the data does not have (column names are case-sensitive: did you mean 'age'?). The data's columns: 'age', 'income'",
    });
    assert.throws(() => checkExpectationColumns(parseExpectations('x unique'), []), /The data's columns: \(none\)/);
  });
  it('leaves `columns include` to the check itself and accepts columns the data has', () => {
    checkExpectationColumns(
      expectations.filter((e) => e.line !== 2),
      ['age', 'income'],
    );
  });
});

describe('data expectations: the mostly rule (GE _calc_map_expectation_success)', () => {
  it('passes with nothing to judge, needs every value without mostly, and compares the share with >=', () => {
    assert.equal(mapSuccess(0, 0, undefined), true);
    assert.equal(mapSuccess(0, 0, 1), true);
    assert.equal(mapSuccess(10, 0, undefined), true);
    assert.equal(mapSuccess(10, 1, undefined), false);
    assert.equal(mapSuccess(10, 1, 0.9), true); // 0.9 >= 0.9
    assert.equal(mapSuccess(10, 2, 0.9), false);
    assert.equal(mapSuccess(100, 1, 0.99), true);
    assert.equal(mapSuccess(3, 3, 0), true);
  });
});

describe('data expectations: unique compares values as the column is typed (expect_column_values_to_be_unique)', () => {
  const NOW = () => new Date('2024-05-06T07:08:09.000Z');
  const unique = async (csv: string) => {
    const v = await validateData(csvRows(csv), { expectations: parseExpectations('id unique'), now: NOW });
    const r = v.report.expectations[0];
    return { passed: r.passed, unexpected: r.unexpectedCount, examples: r.examples, observed: r.observed, bytes: v.uniqueBytes };
  };

  it('a float column: 1000, 1000.0 and 7, 07 are two values seen twice', async () => {
    // pd.read_csv gives float64 [1000.0, 1000.0, 7.0, 7.0]; duplicated(keep=False) marks all 4.
    const r = await unique('id\n1000\n1000.0\n7\n07\n');
    assert.deepEqual([r.passed, r.unexpected, r.examples, r.observed], [false, 4, ['1000.0', '07'], { distinct: 2, repeatedValues: 2 }]);
  });

  it('a float column: 1e3 and 1000 are the same value', async () => {
    // pandas: float64 [1000.0, 1000.0] → both duplicated.
    const r = await unique('id\n1e3\n1000\n');
    assert.deepEqual([r.passed, r.unexpected, r.examples], [false, 2, ['1000']]);
  });

  it('an integer column: 7 and 07 are one int64; 1, 2, 3 are unique', async () => {
    // pandas: int64 [7, 7] → both duplicated; int64 [1, 2, 3] → none.
    assert.deepEqual((await unique('id\n7\n07\n')).unexpected, 2);
    const r = await unique('id\n1\n2\n3\n');
    assert.deepEqual([r.passed, r.unexpected, r.observed], [true, 0, { distinct: 3, repeatedValues: 0 }]);
  });

  it('a string column compares text: 7, 07, x are three values (and the numeric table is dropped)', async () => {
    // pandas: object column ['7', '07', 'x'] → no duplicate.
    const r = await unique('id\n7\n07\nx\n');
    assert.deepEqual([r.passed, r.unexpected, r.observed], [true, 0, { distinct: 3, repeatedValues: 0 }]);
    assert.equal(r.bytes, new DuplicateFinder().bytes); // the text table alone once the column cannot be numeric
    assert.equal((await unique('id\n7\n8\n')).bytes, 2 * new DuplicateFinder().bytes); // text and numbers while it could be
  });

  it('integers beyond 2^53: exact in an integer column, rounded in a float one', async () => {
    // pandas: int64 keeps 9007199254740992 and 9007199254740993 apart; with a 1.5 (or a NaN) the column is float64 and
    // both become 9007199254740992.0, duplicates.
    assert.deepEqual((await unique('id\n9007199254740992\n9007199254740993\n')).unexpected, 0);
    assert.deepEqual((await unique('id\n9007199254740992\n9007199254740993\n1.5\n')).unexpected, 2);
    assert.deepEqual((await unique('id\n9007199254740993\nNaN\n9007199254740992.0\n')).unexpected, 2);
    assert.deepEqual((await unique('id\n09007199254740993\n9007199254740993\n')).unexpected, 2);
  });

  it('a boolean column: True, true and TRUE are one value', async () => {
    // pandas reads True/true/TRUE as the bool True: [True, True, False, True] → 3 duplicated.
    const r = await unique('id\nTrue\ntrue\nFalse\nTRUE\n');
    assert.deepEqual([r.passed, r.unexpected, r.examples, r.observed], [false, 3, ['true'], { distinct: 2, repeatedValues: 1 }]);
  });

  it('DuplicateFinder.absorb tallies values seen on both sides', () => {
    const a = new DuplicateFinder(4);
    const b = new DuplicateFinder(4);
    for (const x of [1, 2, 3, 3]) a.addNumber(x);
    for (const x of [1, 3, 3, 4, 5, 5, -0]) b.addNumber(x);
    // 1 once on each side: +2 unexpected, +1 repeated; 2 and 4 only on one side; 3 repeated on both: counted twice,
    // so -1 repeated; 5 only in b; -0 is 0, new.
    assert.deepEqual(a.absorb(b), { unexpected: 2, repeated: 0 });
    assert.equal(a.size, 6);
    assert.equal(a.addNumber(0), 2);
  });
});
