import { strict as assert } from 'node:assert';
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
