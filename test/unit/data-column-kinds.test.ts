import { strict as assert } from 'node:assert';
import {
  BOOLEAN,
  DATETIME,
  FLOAT,
  INTEGER,
  NAN,
  NULL,
  STRING,
  TypeCounts,
  classifyCell,
  classifyText,
  columnType,
  decideKind,
  parseKindOverrides,
  sparkCastsText,
  sparkCastsTyped,
  sparkType,
} from '../../shared/data/column-kinds';
import type { Cell, DeclaredType } from '../../shared/data/row-source';

const NAMES: Record<number, string> = {
  [NULL]: 'null',
  [INTEGER]: 'integer',
  [FLOAT]: 'float',
  [NAN]: 'nan',
  [BOOLEAN]: 'boolean',
  [DATETIME]: 'datetime',
  [STRING]: 'string',
};

function classOf(cell: Cell, declared?: DeclaredType): [string, number] {
  const out = { number: 0 };
  const cls = classifyCell(cell, declared, out);
  return [NAMES[cls], out.number];
}

function typeOf(cells: Cell[], declared?: DeclaredType): string {
  const counts = new TypeCounts();
  const out = { number: 0 };
  for (const c of cells) counts.add(classifyCell(c, declared, out), out.number);
  return columnType(counts, declared);
}

describe('data column kinds: one text cell', () => {
  // What pandas 1.5.3 read_csv makes of the same text (checked with Python on this machine) is in the comments.
  const cases: [string, string, number?][] = [
    ['5', 'integer', 5],
    ['  5', 'integer', 5], // pandas: int64 5 (it trims numbers); Spark would type the column double
    ['6 ', 'integer', 6],
    ['007', 'integer', 7], // pandas: 7
    ['+5', 'integer', 5],
    ['-3', 'integer', -3],
    ['9223372036854775807', 'integer', 2 ** 63], // the nearest double
    ['9223372036854775808', 'float', 9223372036854775808], // beyond int64: pandas object, Spark decimal(19,0)
    ['99999999999999999999', 'float', 1e20],
    ['1.0', 'float', 1],
    ['1.', 'float', 1], // pandas: 1.0
    ['.5', 'float', 0.5],
    ['1e3', 'float', 1000], // pandas: 1000.0 (an exponent makes a float)
    ['1E-3', 'float', 0.001],
    ['inf', 'float', Infinity], // pandas: inf
    ['Infinity', 'float', Infinity],
    ['-Infinity', 'float', -Infinity],
    ['-INF', 'float', -Infinity],
    ['NaN', 'nan', NaN], // pandas: NaN (a missing value to pandas; a value to Spark)
    ['nan', 'nan', NaN],
    ['true', 'boolean', 1],
    ['TRUE', 'boolean', 1],
    ['tRuE', 'boolean', 1], // pandas 1.5.3 reads it as True too; Spark's toBoolean is case-insensitive
    [' false ', 'boolean', 0],
    ['2024-01-02', 'datetime'],
    ['2024-02-29', 'datetime'],
    ['2024-01-02T10:20:30Z', 'datetime'],
    ['2024-01-02 10:20:30.123456+01:00', 'datetime'],
    ['2024-01-02T10:20', 'datetime'],
    ['2023-02-29', 'string'], // not a day
    ['2024-13-01', 'string'],
    ['2024-01-02T25:00', 'string'],
    ['abc', 'string'],
    ['1,000', 'string'],
    ['1.5f', 'string'], // Java's parseDouble would take it; pandas does not, nor do we
    ['0x10', 'string'],
    ['١٢٣', 'string'], // Arabic-Indic digits are text
    ['ｔｒｕｅ', 'string'],
    ['   ', 'string'],
    ['-', 'string'],
    ['.', 'string'],
    ['1.5e', 'string'],
    ['e5', 'string'],
    ['+.5', 'float', 0.5],
    ['1e400', 'float', Infinity], // as Java's parseDouble and pandas
    ['\u00a05\u00a0', 'integer', 5], // no-break spaces around: trimmed as String.trim does
    ['2024-1-2', 'datetime'],
    ['2024-01-02 10:20:30 UTC', 'datetime'],
    ['2024-01-02T10:20:30+0100', 'datetime'],
    ['2024-01-02T10:20:30+01:0', 'string'],
    ['20240102', 'integer', 20240102],
  ];
  for (const [text, cls, value] of cases) {
    it(`${JSON.stringify(text)} is ${cls}`, () => {
      const [got, x] = classOf(text);
      assert.equal(got, cls);
      if (value !== undefined) assert.ok(Object.is(x, value) || x === value, `value ${x}, expected ${value}`);
    });
  }

  it('an empty string is null in a text column, and a value in a declared string column', () => {
    assert.deepEqual(classOf('')[0], 'null');
    assert.deepEqual(classOf(null)[0], 'null');
    assert.deepEqual(classOf('', 'string')[0], 'string');
    assert.deepEqual(classOf('5', 'string')[0], 'string');
  });

  it('types typed cells by their JavaScript type', () => {
    assert.deepEqual(classOf(7), ['integer', 7]);
    assert.deepEqual(classOf(7.5), ['float', 7.5]);
    assert.equal(classOf(NaN)[0], 'nan');
    assert.equal(classOf(Infinity)[0], 'float');
    assert.deepEqual(classOf(12n), ['integer', 12]);
    assert.equal(classOf(2n ** 70n)[0], 'float');
    assert.deepEqual(classOf(true), ['boolean', 1]);
    assert.equal(classOf(new Date(0))[0], 'datetime');
  });

  it('classifyText is the same rule without the null case', () => {
    assert.equal(classifyText('', { number: 0 }), STRING);
  });
});

describe('data column kinds: column types', () => {
  // pandas 1.5.3 dtypes for the same CSV text in comments.
  it('integers only → integer; with one float → float; NaN or inf makes float', () => {
    assert.equal(typeOf(['1', '2', null, '3']), 'integer'); // pandas float64 (the null), Spark int
    assert.equal(typeOf(['1', '2.5']), 'float'); // pandas float64
    assert.equal(typeOf(['1', '2.0']), 'float'); // pandas float64: 2.0 is a float even if whole
    assert.equal(typeOf(['1', 'NaN']), 'float');
    assert.equal(typeOf(['1', 'inf']), 'float');
    assert.equal(typeOf(['NaN', 'NaN']), 'float');
  });
  it('booleans in any case → boolean; datetimes → datetime; any mix or any text → string', () => {
    assert.equal(typeOf(['True', 'false', 'TRUE']), 'boolean'); // pandas bool
    assert.equal(typeOf(['2024-01-02', '2024-01-03T10:00:00Z']), 'datetime'); // pandas object (it does not infer dates), Spark timestamp
    assert.equal(typeOf(['1', 'true']), 'string'); // pandas object
    assert.equal(typeOf(['2024-01-02', '5']), 'string');
    assert.equal(typeOf(['1', 'abc']), 'string');
    assert.equal(typeOf(['1', '1,5']), 'string');
  });
  it('a column with no values is string (Spark: NullType becomes string; pandas: float64 of NaN)', () => {
    assert.equal(typeOf([null, null]), 'string');
    assert.equal(typeOf([]), 'string');
  });
  it('a declared type wins over the values', () => {
    assert.equal(typeOf(['1', '2'], 'string'), 'string');
    assert.equal(typeOf([1, 2], 'float'), 'float');
    assert.equal(typeOf([new Date(0)], 'date'), 'date');
  });
  it('gives the Spark type: int within 32 bits, bigint beyond, double, timestamp', () => {
    const counts = (cells: Cell[]) => {
      const c = new TypeCounts();
      const out = { number: 0 };
      for (const cell of cells) c.add(classifyCell(cell, undefined, out), out.number);
      return c;
    };
    assert.equal(sparkType('integer', counts(['1', '2147483647'])), 'int');
    assert.equal(sparkType('integer', counts(['1', '2147483648'])), 'bigint');
    assert.equal(sparkType('float', counts(['1.5'])), 'double');
    assert.equal(sparkType('datetime', counts(['2024-01-01'])), 'timestamp');
    assert.equal(sparkType('string', counts(['x'])), 'string');
  });
});

describe('data column kinds: kinds', () => {
  const stats = (rows: number, distinct: number, nulls = 0, distinctExact = true) => ({ rows, distinct, nulls, distinctExact });
  it('integer: categorical when distinct/rows < 0.05, numerical at 0.05 and above', () => {
    assert.deepEqual(decideKind('integer', stats(100, 4)), { kind: 'categorical', source: 'distinct-ratio', exact: true });
    assert.deepEqual(decideKind('integer', stats(100, 5)), { kind: 'numerical', source: 'distinct-ratio', exact: true }); // 0.05 is not < 0.05
  });
  it('a null counts as one distinct value and every row counts (get_distinct_ratio over the collected column)', () => {
    assert.equal(decideKind('integer', stats(100, 3, 10)).kind, 'categorical'); // (3+1)/100
    assert.equal(decideKind('integer', stats(100, 4, 10)).kind, 'numerical'); // (4+1)/100
  });
  it('a constant integer column is categorical on enough rows, numerical on few (1/10 ≥ 0.05)', () => {
    assert.equal(decideKind('integer', stats(100, 1)).kind, 'categorical');
    assert.equal(decideKind('integer', stats(10, 1)).kind, 'numerical');
  });
  it('other types decide alone; an override wins', () => {
    assert.equal(decideKind('float', stats(100, 1)).kind, 'numerical');
    for (const t of ['string', 'boolean', 'datetime', 'date', 'binary'] as const)
      assert.equal(decideKind(t, stats(100, 100)).kind, 'categorical');
    assert.deepEqual(decideKind('float', stats(100, 1), 'categorical'), { kind: 'categorical', source: 'override', exact: true });
    assert.deepEqual(decideKind('integer', stats(100, 1), 'numerical'), { kind: 'numerical', source: 'override', exact: true });
  });
  it('a lower bound on the distinct count decides numerical exactly when it already reaches 5%, and says so when it cannot', () => {
    assert.deepEqual(decideKind('integer', stats(100, 10, 0, false)), { kind: 'numerical', source: 'distinct-ratio', exact: true });
    assert.deepEqual(decideKind('integer', stats(1000, 10, 0, false)), { kind: 'numerical', source: 'distinct-ratio', exact: false });
  });
});

describe('data column kinds: overrides', () => {
  it('reads lines, commas, quoted names and JSON', () => {
    assert.deepEqual(parseKindOverrides('zip: categorical\nscore=numerical'), { zip: 'categorical', score: 'numerical' });
    assert.deepEqual(parseKindOverrides('zip: categorical, `a, b`: numerical, "say ""hi""" = Categorical'), {
      zip: 'categorical',
      'a, b': 'numerical',
      'say "hi"': 'categorical',
    });
    assert.deepEqual(parseKindOverrides('{"zip code": "categorical"}'), { 'zip code': 'categorical' });
    assert.deepEqual(parseKindOverrides('  '), {});
    assert.deepEqual(parseKindOverrides(undefined), {});
  });
  it('refuses other kinds and text it cannot read', () => {
    assert.throws(() => parseKindOverrides('zip: text'), /the kind of column 'zip' must be 'categorical' or 'numerical', got 'text'/);
    assert.throws(() => parseKindOverrides('zip categorical'), /cannot read 'zip categorical'/);
    assert.throws(() => parseKindOverrides('{"zip": 1'), /is not valid JSON/);
  });
});

describe("data column kinds: Spark's casts (DataTypeErrorRate)", () => {
  const cases: [string, Parameters<typeof sparkCastsText>[1], boolean][] = [
    ['7', 'int', true],
    [' 7 ', 'int', true], // Spark trims before an integral cast
    ['7.9', 'int', true], // truncated to 7
    ['-7.', 'int', true],
    ['1e3', 'int', false],
    ['abc', 'int', false],
    ['', 'int', false],
    ['-', 'int', false],
    ['2147483648', 'int', false],
    ['2147483648', 'bigint', true],
    ['9223372036854775808', 'bigint', false],
    ['1e3', 'double', true],
    [' 2.5 ', 'double', true],
    ['1.5d', 'double', true], // Java's parseDouble
    ['0x1p3', 'double', true],
    ['inf', 'double', true], // Spark's special literals, any case
    ['-Infinity', 'double', true],
    ['NaN', 'double', true],
    ['abc', 'double', false],
    ['yes', 'boolean', true],
    ['T', 'boolean', true],
    [' 0 ', 'boolean', true],
    ['2', 'boolean', false],
    ['2024-01-02', 'timestamp', true],
    ['2024', 'timestamp', true],
    ['2024-01-02 10:00:00', 'timestamp', true],
    ['2024-01-02T10:00:00.5Z', 'timestamp', true],
    ['2024-13-02', 'timestamp', false],
    ['hello', 'timestamp', false],
    ['2024-01-02', 'date', true],
    ['2024-01-02T10:00', 'date', true],
    ['02/01/2024', 'date', false],
    ['anything', 'string', true],
    ['anything', 'binary', true],
  ];
  for (const [text, type, ok] of cases) {
    it(`${JSON.stringify(text)} ${ok ? 'casts' : 'does not cast'} to ${type}`, () => assert.equal(sparkCastsText(text, type), ok));
  }
  it('typed values cast among numbers and booleans; dates only from dates (and numbers to timestamps)', () => {
    assert.equal(sparkCastsTyped(INTEGER, 'boolean'), true);
    assert.equal(sparkCastsTyped(BOOLEAN, 'int'), true);
    assert.equal(sparkCastsTyped(DATETIME, 'bigint'), true);
    assert.equal(sparkCastsTyped(BOOLEAN, 'timestamp'), false);
    assert.equal(sparkCastsTyped(FLOAT, 'date'), false);
    assert.equal(sparkCastsTyped(STRING, 'double'), false);
    assert.equal(sparkCastsTyped(STRING, 'string'), true);
  });
});
