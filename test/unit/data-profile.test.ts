import { strict as assert } from 'node:assert';
import { csvRows, memoryRows } from '../support/memory-rows';
import { categoriesOf, numericValuesOf, profileData, readProfile, writeProfile, type DataProfile } from '../../shared/data/profile';
import { LogSketch, sketchValues } from '../../shared/data/log-sketch';
import { DuplicateFinder, FloatSet, NumberCounts, murmur3 } from '../../shared/data/hash-tables';

const NOW = () => new Date('2024-05-06T07:08:09.000Z');
const close = (actual: number | null, expected: number, rel = 1e-12) => {
  assert.ok(actual !== null && Math.abs(actual - expected) <= rel * Math.max(1, Math.abs(expected)), `${actual} ≉ ${expected}`);
};

// The same text is /tmp/exp/a.csv in the notes; pandas 1.5.3 gave the figures in the comments below.
const A = [
  'id,age,income,region,active,joined,score,note',
  '1,34,52000.5,north,true,2024-01-02,0.5,hello',
  '2,,61000,south,False,2024-01-03,1e-3,"a|b"',
  '3,29,,east,TRUE,2024-02-29,NaN,',
  '4,41,48000.25,west,false,2024-03-01T10:00:00Z,inf,ünïcödé',
  '5,34,75000,north,true,,2.5,"line1\nline2"',
  '6, 52 ,39000.75,south,true,2024-03-05,-1.25,x',
].join('\n');

describe('data profile: one pass over a small CSV', () => {
  let p: DataProfile;
  const col = (name: string) => p.columns.find((c) => c.name === name)!;
  before(async () => {
    p = await profileData(csvRows(A), { now: NOW, dataAssetId: 'azureml:customers:3' });
  });

  it('records rows, complete rows, the data and when', () => {
    assert.equal(p.schemaVersion, 1);
    assert.equal(p.rows, 6);
    // pandas: df.notnull().all(axis=1).sum() == 3 (rows 1, 4, 6; inf is a value, NaN is not)
    assert.equal(p.completeRows, 3);
    assert.equal(p.createdAt, '2024-05-06T07:08:09.000Z');
    assert.equal(p.data, 'memory.csv');
    assert.equal(p.dataAssetId, 'azureml:customers:3');
  });

  it('types and kinds every column', () => {
    assert.deepEqual(
      p.columns.map((c) => [c.name, c.type, c.sparkType, c.kind, c.kindSource]),
      [
        ['id', 'integer', 'int', 'numerical', 'distinct-ratio'], // 6 distinct / 6 rows
        ['age', 'integer', 'int', 'numerical', 'distinct-ratio'], // (4 distinct + null) / 6; ' 52 ' is 52
        ['income', 'float', 'double', 'numerical', 'type'],
        ['region', 'string', 'string', 'categorical', 'type'],
        ['active', 'boolean', 'boolean', 'categorical', 'type'], // pandas: bool
        ['joined', 'datetime', 'timestamp', 'categorical', 'type'], // pandas: object
        ['score', 'float', 'double', 'numerical', 'type'],
        ['note', 'string', 'string', 'categorical', 'type'],
      ],
    );
  });

  it('numeric statistics match pandas (count, min, max, mean, std with ddof=1)', () => {
    // pandas: id count 6 min 1 max 6 mean 3.5 std 1.8708286933869707
    assert.deepEqual([col('id').count, col('id').nulls, col('id').min, col('id').max], [6, 0, 1, 6]);
    close(col('id').mean, 3.5);
    close(col('id').std, 1.8708286933869707);
    // pandas: age count 5 nulls 1 min 29 max 52 mean 38.0 std 8.916277250063503
    assert.deepEqual([col('age').count, col('age').nulls, col('age').min, col('age').max], [5, 1, 29, 52]);
    close(col('age').mean, 38);
    close(col('age').std, 8.916277250063503);
    // pandas: income count 5 nulls 1 min 39000.75 max 75000 mean 55000.3 std 13692.785513044817
    assert.deepEqual([col('income').count, col('income').nulls, col('income').min, col('income').max], [5, 1, 39000.75, 75000]);
    close(col('income').mean, 55000.3);
    close(col('income').std, 13692.785513044817);
  });

  it('gives the same statistics over complete rows, the population drift compares (pandas on df[df.notnull().all(axis=1)])', () => {
    // pandas: age 3 rows min 34 max 52 mean 42.333333333333336 std 9.073771725877467
    const age = col('age').complete!;
    assert.deepEqual([age.count, age.min, age.max], [3, 34, 52]);
    close(age.mean, 42.333333333333336);
    close(age.std, 9.073771725877467);
    // pandas: income 3 rows min 39000.75 max 52000.5 mean 46333.833333333336 std 6658.1591596952185
    const income = col('income').complete!;
    assert.deepEqual([income.count, income.min, income.max], [3, 39000.75, 52000.5]);
    close(income.mean, 46333.833333333336);
    close(income.std, 6658.1591596952185);
    // pandas: score 3 rows min -1.25 max inf; finite values [0.5, -1.25]: mean -0.375 std 1.2374368670764582
    const score = col('score').complete!;
    assert.deepEqual([score.count, score.min, score.max], [3, -1.25, Infinity]);
    close(score.mean, -0.375);
    close(score.std, 1.2374368670764582);
    assert.equal(col('region').complete, null);
  });

  it('keeps NaN out of the numbers and infinities out of mean and std', () => {
    const s = col('score');
    assert.deepEqual([s.count, s.nulls, s.nan, s.infinite, s.min, s.max], [6, 0, 1, 1, -1.25, Infinity]);
    // pandas over the finite values [0.5, 0.001, 2.5, -1.25]: mean 0.43775, std 1.559487175323991
    close(s.mean, 0.43775);
    close(s.std, 1.559487175323991);
    assert.deepEqual(s.values, {
      exact: true,
      values: [-1.25, 0.001, 0.5, 2.5, Infinity],
      counts: [1, 1, 1, 1, 1],
      completeCounts: [1, 0, 1, 0, 1],
    });
  });

  it('keeps the exact values of numeric columns with their counts over all and over complete rows', () => {
    assert.deepEqual(col('age').values, { exact: true, values: [29, 34, 41, 52], counts: [1, 2, 1, 1], completeCounts: [0, 1, 1, 1] });
    assert.equal(col('age').categories, null);
    assert.deepEqual(categoriesOf(col('age'))?.values, ['29', '34', '41', '52']);
  });

  it('keeps categories of the other columns; boolean spellings fold into true/false', () => {
    assert.deepEqual(col('region').categories, {
      values: ['east', 'north', 'south', 'west'],
      counts: [1, 2, 2, 1],
      completeCounts: [0, 1, 1, 1],
      truncated: false,
      otherCount: 0,
      otherCompleteCount: 0,
    });
    assert.deepEqual(col('active').categories?.values, ['false', 'true']);
    assert.deepEqual(col('active').categories?.counts, [2, 4]);
    assert.deepEqual(col('note').categories?.values, ['a|b', 'hello', 'line1\nline2', 'x', 'ünïcödé']);
    assert.deepEqual([col('joined').nulls, col('joined').distinct, col('joined').min], [1, 5, null]);
  });

  it('writes JSON with a stable key order, infinities as strings, and reads it back unchanged', () => {
    const text = writeProfile(p);
    assert.equal(text, writeProfile(p));
    assert.ok(
      text.startsWith(
        '{\n  "schemaVersion": 1,\n  "createdAt": "2024-05-06T07:08:09.000Z",\n  "data": "memory.csv",\n  "dataAssetId": "azureml:customers:3",\n  "rows": 6,\n  "completeRows": 3,',
      ),
    );
    assert.match(text, /"max": "Infinity"/);
    assert.match(text, /"values": \[-1\.25,0\.001,0\.5,2\.5,"Infinity"\]/);
    assert.deepEqual(readProfile(text), p);
    assert.equal(writeProfile(readProfile(text)), text);
  });
});

describe('data profile: edge cases', () => {
  it('a constant column: std 0; categorical on 100 rows, numerical on 10', async () => {
    const rows = (n: number) => Array.from({ length: n }, () => ['7', '2.5']);
    const big = await profileData(memoryRows(['k', 'f'], rows(100)), { now: NOW });
    assert.deepEqual(
      [big.columns[0].kind, big.columns[0].std, big.columns[0].distinct, big.columns[1].kind, big.columns[1].std],
      ['categorical', 0, 1, 'numerical', 0],
    );
    const small = await profileData(memoryRows(['k', 'f'], rows(10)), { now: NOW });
    assert.equal(small.columns[0].kind, 'numerical');
  });

  it('an all-null column is a string column with no values', async () => {
    const p = await profileData(
      memoryRows(
        ['a', 'b'],
        [
          [null, '1'],
          [null, '2'],
          ['', '3'],
        ],
      ),
      { now: NOW },
    );
    const a = p.columns[0];
    assert.deepEqual(
      [a.type, a.kind, a.count, a.nulls, a.distinct, a.min, a.mean, a.values],
      ['string', 'categorical', 0, 3, 0, null, null, null],
    );
    assert.deepEqual(a.categories?.values, []);
    assert.equal(p.completeRows, 0);
  });

  it('header only: rows 0 and every column empty', async () => {
    const p = await profileData(csvRows('a,b\n'), { now: NOW });
    assert.deepEqual([p.rows, p.completeRows, p.columns.length], [0, 0, 2]);
    assert.deepEqual(
      p.columns.map((c) => [c.type, c.kind, c.count, c.nulls]),
      [
        ['string', 'categorical', 0, 0],
        ['string', 'categorical', 0, 0],
      ],
    );
    assert.deepEqual(readProfile(writeProfile(p)), p);
  });

  it('mixed integers and floats are one float column', async () => {
    const p = await profileData(csvRows('x\n1\n2.5\n3\n1e1\n'), { now: NOW });
    assert.deepEqual([p.columns[0].type, p.columns[0].kind], ['float', 'numerical']);
    assert.deepEqual((p.columns[0].values as { values: number[] }).values, [1, 2.5, 3, 10]);
  });

  it('keeps unicode and very long strings whole', async () => {
    const long = 'é'.repeat(100_000);
    const p = await profileData(memoryRows(['s'], [['日本語'], [long], ['😀']]), { now: NOW });
    assert.deepEqual(p.columns[0].categories?.values, ['日本語', long, '😀'].sort());
    assert.deepEqual(readProfile(writeProfile(p)).columns[0].categories?.values, p.columns[0].categories?.values);
  });

  it('typed cells (Parquet) keep their declared types', async () => {
    const p = await profileData(
      memoryRows(
        ['i', 'f', 's', 'b', 'd'],
        [
          [1n, 1.5, '5', true, new Date('2024-01-01T00:00:00Z')],
          [2n, null, '6', false, null],
        ],
        { declaredTypes: ['integer', 'float', 'string', 'boolean', 'datetime'] },
      ),
      { now: NOW },
    );
    assert.deepEqual(
      p.columns.map((c) => [c.type, c.declaredType, c.kind]),
      [
        ['integer', 'integer', 'numerical'],
        ['float', 'float', 'numerical'],
        ['string', 'string', 'categorical'],
        ['boolean', 'boolean', 'categorical'],
        ['datetime', 'datetime', 'categorical'],
      ],
    );
    assert.deepEqual(p.columns[4].categories?.values, ['2024-01-01T00:00:00.000Z']);
  });

  it('an override wins over the rule', async () => {
    const p = await profileData(csvRows('zip,score\n02139,1\n10001,2\n'), {
      now: NOW,
      overrides: { zip: 'categorical', score: 'categorical' },
    });
    assert.deepEqual(
      p.columns.map((c) => [c.type, c.kind, c.kindSource]),
      [
        ['integer', 'categorical', 'override'],
        ['integer', 'categorical', 'override'],
      ],
    );
  });

  it('caps categories: a column with more keeps none, all its values counted as other', async () => {
    const p = await profileData(csvRows('c\na\nb\nc\nd\na\ne\n'), { now: NOW, limits: { categories: 3 } });
    assert.deepEqual(p.columns[0].categories, {
      values: [],
      counts: [],
      completeCounts: [],
      truncated: true,
      otherCount: 6,
      otherCompleteCount: 6,
    });
    assert.deepEqual([p.columns[0].distinct, p.columns[0].distinctExact], [4, false]);
    const q = await profileData(csvRows('c\na\nb\nc\na\n'), { now: NOW, limits: { categories: 3 } });
    assert.deepEqual(q.columns[0].categories?.values, ['a', 'b', 'c']);
  });

  it('rebuilds the categories of numbers when a column turns out to be text, keeping their text as written', async () => {
    // '7' and '5' are counted only in the numeric table while the column looks numeric; '007' and ' 5' (not as
    // String(number) writes them) are categories of their own.
    const p = await profileData(csvRows('c,d\n7,1\n007,2\n7,\n 5,4\n5,5\nabc,6\n5,7\n'), { now: NOW });
    assert.deepEqual(p.columns[0].categories, {
      values: [' 5', '007', '5', '7', 'abc'],
      counts: [1, 1, 2, 2, 1],
      completeCounts: [1, 1, 2, 1, 1],
      truncated: false,
      otherCount: 0,
      otherCompleteCount: 0,
    });
    assert.deepEqual([p.columns[0].type, p.columns[0].distinct], ['string', 5]);
    const over = await profileData(csvRows('c\n1\n2\n3\n4\nabc\n'), { now: NOW, limits: { categories: 3 } });
    assert.deepEqual(over.columns[0].categories, {
      values: [],
      counts: [],
      completeCounts: [],
      truncated: true,
      otherCount: 5,
      otherCompleteCount: 5,
    });
  });

  it('a column with more distinct numbers than the exact table keeps no categories if it turns out to be text', async () => {
    const p = await profileData(csvRows(`c\n${Array.from({ length: 20 }, (_, i) => i).join('\n')}\nabc\n`), {
      now: NOW,
      limits: { exactValues: 10 },
    });
    assert.deepEqual(
      [p.columns[0].type, p.columns[0].categories?.truncated, p.columns[0].categories?.otherCount, p.columns[0].values],
      ['string', true, 21, null],
    );
  });
});

describe('data profile: exact values are the data', () => {
  it('values × counts is the multiset of a column, and values × completeCounts that of its complete rows', async () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const rows = Array.from({ length: 3000 }, () => [
      random() < 0.05 ? null : (Math.round(random() * 400) / 8).toString(),
      random() < 0.1 ? null : 'x',
    ]);
    const p = await profileData(memoryRows(['v', 'other'], rows, { batchSize: 256 }), { now: NOW });
    const v = p.columns[0].values as { values: number[]; counts: number[]; completeCounts: number[] };
    const expand = (counts: number[]) => v.values.flatMap((x, i) => Array<number>(counts[i]).fill(x));
    const all = rows
      .filter((r) => r[0] !== null)
      .map((r) => Number(r[0]))
      .sort((a, b) => a - b);
    const complete = rows
      .filter((r) => r[0] !== null && r[1] !== null)
      .map((r) => Number(r[0]))
      .sort((a, b) => a - b);
    assert.deepEqual(expand(v.counts), all);
    assert.deepEqual(expand(v.completeCounts), complete);
    assert.equal(p.completeRows, complete.length);
    assert.equal(p.columns[0].complete?.count, complete.length);
  });
});

describe('data profile: over the exact-values cap', () => {
  it('a float column with more distinct values than the cap becomes a DDSketch, every value within 0.1% of itself', async () => {
    const values = Array.from({ length: 1000 }, (_, i) => i + 0.5);
    const p = await profileData(
      memoryRows(
        ['x'],
        values.map((v) => [String(v)]),
        { batchSize: 97 },
      ),
      { now: NOW, limits: { exactValues: 10 } },
    );
    const c = p.columns[0];
    assert.equal(c.values?.exact, false);
    assert.deepEqual([c.distinctExact, c.min, c.max, c.count], [false, 0.5, 999.5, 1000]);
    close(c.mean, 500); // exact: mean and std never come from the sketch
    const v = numericValuesOf(c)!;
    assert.equal(
      v.counts.reduce((a, b) => a + b, 0),
      1000,
    );
    assert.equal(
      v.completeCounts.reduce((a, b) => a + b, 0),
      1000,
    );
    // The k-th smallest value read from the sketch is within 0.1% of the true k-th smallest.
    const expanded: number[] = [];
    v.values.forEach((x, i) => {
      for (let k = 0; k < v.counts[i]; k++) expanded.push(x);
    });
    expanded.forEach((x, k) => assert.ok(Math.abs(x - values[k]) <= 0.001 * values[k] + 1e-12, `rank ${k}: ${x} vs ${values[k]}`));
    assert.deepEqual(readProfile(writeProfile(p)), p);
  });

  it('an integer column keeps counting distinct values past the cap, so the 5% rule stays exact', async () => {
    // 100 distinct integers, each twice: 100/200 = 0.5 → numerical, decided exactly although only 10 values are kept exactly.
    const rows = Array.from({ length: 200 }, (_, i) => [String(i % 100)]);
    const p = await profileData(memoryRows(['n'], rows), { now: NOW, limits: { exactValues: 10 } });
    assert.deepEqual(
      [p.columns[0].distinct, p.columns[0].distinctExact, p.columns[0].kind, p.columns[0].kindExact, p.columns[0].values?.exact],
      [100, true, 'numerical', true, false],
    );
    // 30 distinct integers over 1000 rows: 0.03 → categorical, again exact.
    const many = Array.from({ length: 1000 }, (_, i) => [String(i % 30)]);
    const q = await profileData(memoryRows(['n'], many), { now: NOW, limits: { exactValues: 10 } });
    assert.deepEqual([q.columns[0].distinct, q.columns[0].kind, q.columns[0].kindExact], [30, 'categorical', true]);
  });

  it('when the shared integer budget runs out the kind is numerical and says it is not exact', async () => {
    const many = Array.from({ length: 1000 }, (_, i) => [String(i % 30)]);
    const q = await profileData(memoryRows(['n'], many), { now: NOW, limits: { exactValues: 10, integerDistinct: 15 } });
    assert.deepEqual([q.columns[0].distinctExact, q.columns[0].kind, q.columns[0].kindExact], [false, 'numerical', false]);
    assert.ok(q.columns[0].distinct >= 11 && q.columns[0].distinct < 30, `lower bound ${q.columns[0].distinct}`);
  });
});

describe('data profile: reading', () => {
  const minimal = (over: Record<string, unknown> = {}) =>
    JSON.stringify({ schemaVersion: 1, createdAt: 'x', data: 'd', rows: 0, columns: [], ...over });
  it('refuses other schema versions with a clear message', () => {
    assert.throws(() => readProfile(minimal({ schemaVersion: 2 }), "'baselineProfile' (p.json)"), {
      name: 'UserError',
      message:
        "'baselineProfile' (p.json) has schemaVersion 2; this version of the task reads schemaVersion 1 only. Re-create the profile with this version of AzureMLValidateData, or use the task version that wrote it.",
    });
    assert.throws(() => readProfile('{"rows": 3}'), /has no 'schemaVersion'/);
  });
  it('refuses what is not a profile', () => {
    assert.throws(() => readProfile('not json'), /the data profile is not JSON/);
    assert.throws(() => readProfile('[1]'), /expected a JSON object/);
    assert.throws(
      () => readProfile(minimal({ columns: [{ name: 'a', type: 'text', kind: 'categorical' }] })),
      /columns\[0\]: 'type' must be one of integer, float/,
    );
    assert.throws(
      () => readProfile(minimal({ columns: [{ name: 'a', type: 'string', kind: 'x' }] })),
      /'kind' must be numerical or categorical/,
    );
  });
  it('reads a minimal profile', () => {
    const p = readProfile(minimal());
    assert.deepEqual([p.rows, p.completeRows, p.columns, p.limits.exactValues], [0, 0, [], 100_000]);
  });
});

describe('data profile: hash tables and the sketch', () => {
  it('NumberCounts counts exactly up to its cap and refuses a new value past it', () => {
    const t = new NumberCounts(3, 4);
    for (const [x, complete] of [
      [1, true],
      [2, true],
      [2, false],
      [-0, true],
      [0, true],
    ] as const)
      assert.equal(t.add(x, complete), true);
    assert.equal(t.add(3, true), false);
    assert.equal(t.add(1, false), true);
    assert.deepEqual(t.sorted(), { values: [0, 1, 2], counts: [2, 2, 2], completeCounts: [2, 1, 1] });
    assert.ok(Object.is(t.sorted().values[0], 0));
  });
  it('FloatSet and DuplicateFinder grow and remember', () => {
    const s = new FloatSet(4);
    for (let i = 0; i < 10_000; i++) s.add(i % 5000);
    assert.equal(s.size, 5000);
    const d = new DuplicateFinder(4);
    const seen: number[] = [];
    for (const v of ['a', 'b', 'a', 'a', 'c', 'b']) seen.push(d.add(v));
    assert.deepEqual(seen, [1, 1, 2, 3, 1, 2]);
    assert.equal(d.size, 3);
  });
  it('murmur3 gives the reference value for ASCII text hashed as UTF-16 pairs', () => {
    // Independent of the implementation under test: the same value twice, different values apart.
    assert.equal(murmur3('abc', 1), murmur3('abc', 1));
    assert.notEqual(murmur3('abc', 1), murmur3('abd', 1));
    assert.notEqual(murmur3('abc', 1), murmur3('abc', 2));
    assert.notEqual(murmur3('', 1), murmur3('\u0000', 1));
  });
  it('the sketch keeps zero, signs and infinities apart and represents each value within α', () => {
    const s = new LogSketch(0.01);
    const xs = [0, -5, -0.001, 3, 1e-320, 1e30, Infinity, -Infinity, 42, 42];
    for (const x of xs) s.add(x, 1, 1);
    const v = sketchValues(s.toJson());
    assert.equal(
      v.counts.reduce((a, b) => a + b, 0),
      xs.length,
    );
    const sorted = [...xs].sort((a, b) => a - b).map((x) => (Math.abs(x) < 1e-300 ? 0 : x));
    const expanded: number[] = [];
    v.values.forEach((x, i) => {
      for (let k = 0; k < v.counts[i]; k++) expanded.push(x);
    });
    expanded.forEach((x, k) => assert.ok(x === sorted[k] || Math.abs(x - sorted[k]) <= 0.01 * Math.abs(sorted[k]), `${x} vs ${sorted[k]}`));
  });
  it('a sketch wider than its bucket window collapses the smallest magnitudes into its lowest bucket, keeping every count', () => {
    const s = new LogSketch(0.01, 100);
    for (const x of [1, 2, 1e10, 5e9]) s.add(x, 1, 0);
    const v = sketchValues(s.toJson());
    assert.deepEqual([v.counts.reduce((a, b) => a + b, 0), v.completeCounts.reduce((a, b) => a + b, 0)], [4, 0]);
    assert.ok(Math.abs(v.values[v.values.length - 1] - 1e10) <= 0.01 * 1e10);
    assert.ok(v.values[0] > 1e9, 'the small values now stand at the lowest kept bucket');
  });
});
