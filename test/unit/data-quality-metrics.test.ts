import { strict as assert } from 'node:assert';
import { csvRows, memoryRows } from '../support/memory-rows';
import { parseExpectations } from '../../shared/data/expectations';
import { profileData, readProfile, writeProfile, type DataProfile } from '../../shared/data/profile';
import { imputationOf, round5 } from '../../shared/data/quality-metrics';
import { validateData } from '../../shared/data/validation-report';

const NOW = () => new Date('2024-05-06T07:08:09.000Z');

describe('data quality: rounding as Spark round(x, 5)', () => {
  // Expected: Python decimal, Decimal(repr(x)).quantize(Decimal('0.00001'), ROUND_HALF_UP), which is what
  // Scala's BigDecimal(double) (built from Double.toString) then setScale(5, HALF_UP) does.
  const cases: [number, number][] = [
    [1 / 3, 0.33333],
    [2 / 3, 0.66667],
    [0.123455, 0.12346], // JavaScript's toFixed(5) gives 0.12345 here
    [0.000005, 0.00001],
    [1 / 7, 0.14286],
    [0.1, 0.1],
    [1e-7, 0],
    [0.999995, 1],
    [0.000015, 0.00002],
    [2.5e-6, 0],
    [3 / 8, 0.375],
    [1 / 6, 0.16667],
    [5 / 7, 0.71429],
    [0, 0],
    [1, 1],
  ];
  for (const [x, r] of cases) it(`${x} → ${r}`, () => assert.equal(round5(x), r));
});

/**
 * Baseline: 40 rows, row i (0-based):
 *   age = 20 + i (integer, numerical: 40 distinct/40), income = 30000 + 1000.5·i (float), region = north/south/east/west by i mod 4,
 *   active = true on even rows (boolean), code = 1 (integer, 1/40 < 0.05 → categorical), joined = 2024-01-(i mod 28 + 1), qty = i + 1.
 * So: age [20, 59], income [30000, 69019.5], region's set {north, south, east, west}, qty [1, 40].
 */
function baselineCsv(): string {
  const lines = ['age,income,region,active,code,joined,qty'];
  for (let i = 0; i < 40; i++) {
    lines.push(
      [
        20 + i,
        30000 + 1000.5 * i,
        ['north', 'south', 'east', 'west'][i % 4],
        i % 2 === 0 ? 'true' : 'false',
        1,
        `2024-01-${String((i % 28) + 1).padStart(2, '0')}`,
        i + 1,
      ].join(','),
    );
  }
  return lines.join('\n');
}

/**
 * Target: 10 rows. Expected metrics, worked from compute_data_quality_metrics.py (rows = 10):
 * - age: 1 null → NullValueRate 0.1. Numerical, so the null is imputed with the median (rank ⌈9/2⌉ = 5 of
 *   18 20 25 30 33 41 45 59 70 → 33, inside [20, 59]): DataTypeErrorRate 0. Out of [20, 59]: 18 and 70 → 0.2.
 * - income: 2 nulls → 0.2; imputed (median rank 4 of 8 → 45000, inside): type errors 0; out of
 *   [30000, 69019.5]: 70000.5 and 29999.99 → 0.2.
 * - region: 3 nulls → 0.3. Null (3) is more frequent than the mode (north, 2), so nothing is imputed and the
 *   monitor's cast `col.cast('string').isNotNull()` counts the 3 nulls as type errors → 0.3. Not in the set:
 *   NORTH, central → 0.2 (nulls are not counted by isin).
 * - active: 2 nulls → 0.2; a boolean column is never imputed → 2 type errors → 0.2; no OutOfBoundsRate (boolean).
 * - code: 1 null → 0.1; in the target (2 distinct + null)/10 = 0.3 → numerical → imputed → 0 type errors; no
 *   OutOfBoundsRate (the baseline's code is categorical and not text: neither bounds nor a set).
 * - joined: 1 null → 0.1; datetime is never imputed → 0.1.
 * - qty: read as text in the target (abc) → categorical text; "10" is the mode (2 > 1 null) and casts to int,
 *   so the imputed null is fine; casts to int that give null: abc and 1e3 (Spark's integral cast takes
 *   7.5 → 7 and ' 8 ' → 8) → 0.2; no OutOfBoundsRate (the target is not numerical, the baseline has no set).
 * - extra: not in the baseline → NullValueRate only (0).
 */
const TARGET = [
  'age,income,region,active,code,joined,qty,extra',
  '25,35000,north,true,1,2024-01-05,5,x',
  ',40000,south,,1,2024-01-06,7.5,x',
  '70,,east,false,2,,abc,x',
  '18,70000.5,NORTH,TRUE,1,2024-01-08, 8 ,x',
  '30,29999.99,,false,1,2024-01-09,,x',
  '45,50000,,false,,2024-01-10,10,x',
  '59,,,true,1,2024-01-11,1e3,x',
  '20,45000,west,true,1,2024-01-12,10,x',
  '33,60000,north,false,1,2024-01-13,13,x',
  '41,65000,central,,1,2024-01-14,14,x',
].join('\n');

describe('data quality: the three metrics against a baseline profile', () => {
  let baseline: DataProfile;
  before(async () => {
    // Through the JSON text, as the task reads a baseline.
    baseline = readProfile(writeProfile(await profileData(csvRows(baselineCsv()), { now: NOW })));
  });

  it('the baseline types and kinds the columns as the monitor would', () => {
    assert.deepEqual(
      baseline.columns.map((c) => [c.name, c.sparkType, c.kind]),
      [
        ['age', 'int', 'numerical'],
        ['income', 'double', 'numerical'],
        ['region', 'string', 'categorical'],
        ['active', 'boolean', 'categorical'],
        ['code', 'int', 'categorical'],
        ['joined', 'timestamp', 'categorical'],
        ['qty', 'int', 'numerical'],
      ],
    );
    assert.deepEqual([baseline.columns[1].min, baseline.columns[1].max], [30000, 69019.5]);
  });

  it('computes NullValueRate, DataTypeErrorRate and OutOfBoundsRate per column, with the monitor’s imputation', async () => {
    const v = await validateData(csvRows(TARGET), { expectations: [], baseline, now: NOW });
    assert.deepEqual(
      v.report.qualityMetrics.map((m) => [m.column, m.metric, m.value, m.violationCount]),
      [
        ['age', 'NullValueRate', 0.1, 1],
        ['income', 'NullValueRate', 0.2, 2],
        ['region', 'NullValueRate', 0.3, 3],
        ['active', 'NullValueRate', 0.2, 2],
        ['code', 'NullValueRate', 0.1, 1],
        ['joined', 'NullValueRate', 0.1, 1],
        ['qty', 'NullValueRate', 0.1, 1],
        ['extra', 'NullValueRate', 0, 0],
        ['age', 'DataTypeErrorRate', 0, 0],
        ['income', 'DataTypeErrorRate', 0, 0],
        ['region', 'DataTypeErrorRate', 0.3, 3],
        ['active', 'DataTypeErrorRate', 0.2, 2],
        ['code', 'DataTypeErrorRate', 0, 0],
        ['joined', 'DataTypeErrorRate', 0.1, 1],
        ['qty', 'DataTypeErrorRate', 0.2, 2],
        ['age', 'OutOfBoundsRate', 0.2, 2],
        ['income', 'OutOfBoundsRate', 0.2, 2],
        ['region', 'OutOfBoundsRate', 0.2, 2],
      ],
    );
    assert.deepEqual(v.report.baseline, { data: 'memory.csv', createdAt: '2024-05-06T07:08:09.000Z', dataAssetId: null, rows: 40 });
  });

  it('an override that makes the target column integer categorical leaves its nulls unimputed: type errors', async () => {
    const v = await validateData(csvRows(TARGET), { expectations: [], baseline, overrides: { code: 'categorical' }, now: NOW });
    assert.equal(v.report.qualityMetrics.find((m) => m.column === 'code' && m.metric === 'DataTypeErrorRate')?.value, 0.1);
  });

  it('rules: table lines cover every column that has the metric, column lines one; breach when value > threshold', async () => {
    const rules = parseExpectations(
      'DataTypeErrorRate <= 0.15\nOutOfBoundsRate <= 0.2\nage OutOfBoundsRate <= 0.1\nactive OutOfBoundsRate <= 0\nextra DataTypeErrorRate <= 0\nqty DataTypeErrorRate <= 0.5',
    );
    const v = await validateData(csvRows(TARGET), { expectations: rules, baseline, now: NOW });
    const r = (rule: string) => v.report.expectations.find((e) => e.rule === rule)!;
    assert.deepEqual(
      [r('DataTypeErrorRate <= 0.15').passed, r('DataTypeErrorRate <= 0.15').observed],
      [false, { columns: 7, breached: ['region', 'active', 'qty'], max: { column: 'region', value: 0.3 } }],
    );
    assert.deepEqual(
      [r('OutOfBoundsRate <= 0.2').passed, r('OutOfBoundsRate <= 0.2').observed],
      [true, { columns: 3, breached: [], max: { column: 'age', value: 0.2 } }],
    );
    const age = r('age OutOfBoundsRate <= 0.1');
    assert.deepEqual(
      [age.passed, age.observed, age.unexpectedCount, age.unexpectedPercent, age.examples],
      [false, { value: 0.2, violationCount: 2 }, 2, 20, ['70', '18']],
    );
    assert.deepEqual(
      [r('active OutOfBoundsRate <= 0').passed, r('active OutOfBoundsRate <= 0').note],
      [
        true,
        'not computed: the monitor computes no OutOfBoundsRate for a column of this kind (only numerical columns and text categorical columns have bounds)',
      ],
    );
    assert.deepEqual(
      [r('extra DataTypeErrorRate <= 0').passed, r('extra DataTypeErrorRate <= 0').note],
      [true, "not computed: the baseline profile has no column 'extra'"],
    );
    assert.deepEqual(r('qty DataTypeErrorRate <= 0.5').examples, ['abc', '1e3']);
    const qty = v.report.qualityMetrics.find((m) => m.column === 'qty' && m.metric === 'DataTypeErrorRate')!;
    assert.deepEqual([qty.threshold, qty.breached], [0.15, true]); // the lowest covering threshold
    const ageMetric = v.report.qualityMetrics.find((m) => m.column === 'age' && m.metric === 'OutOfBoundsRate')!;
    assert.deepEqual([ageMetric.threshold, ageMetric.breached], [0.1, true]);
    assert.match(v.summaryMarkdown, /### Data quality against the baseline/);
    assert.match(v.summaryMarkdown, /\| region \| DataTypeErrorRate \| 0\.3 \| 0\.15 \| ❌ \|/);
  });

  it('an imputed median or mode outside the bounds counts for every null (the monitor imputes before it checks bounds)', async () => {
    const base = await profileData(csvRows('x,c\n10,a\n20,b\n15,a\n12,b\n'), { now: NOW });
    const v = await validateData(csvRows('x,c\n100,z\n200,z\n300,z\n,\n'), { expectations: [], baseline: base, now: NOW });
    // x: median rank ⌈3/2⌉ = 2 → 200, outside [10, 20]: 3 values + 1 imputed null = 4/4; c: mode z (3 > 1 null) not in {a, b}: 3 + 1.
    assert.deepEqual(
      v.report.qualityMetrics.filter((m) => m.metric === 'OutOfBoundsRate').map((m) => [m.column, m.value]),
      [
        ['x', 1],
        ['c', 1],
      ],
    );
    assert.deepEqual(
      v.report.qualityMetrics.filter((m) => m.metric === 'DataTypeErrorRate').map((m) => [m.column, m.value]),
      [
        ['x', 0],
        ['c', 0],
      ],
    );
  });

  it('a baseline whose categories were truncated gives no OutOfBoundsRate for that column, and says why', async () => {
    const base = await profileData(csvRows('c\na\nb\nc\nd\n'), { now: NOW, limits: { categories: 2 } });
    const v = await validateData(csvRows('c\na\nz\n'), {
      expectations: parseExpectations('c OutOfBoundsRate <= 0'),
      baseline: base,
      now: NOW,
    });
    const m = v.report.qualityMetrics.find((q) => q.metric === 'OutOfBoundsRate')!;
    assert.deepEqual([m.value, m.breached], [null, false]);
    assert.equal(m.note, "the baseline profile keeps no categories for 'c' (it has more than 2), so a value outside them cannot be told");
    assert.equal(v.report.expectations[0].passed, true);
    assert.match(v.report.expectations[0].note!, /^not computed: the baseline profile keeps no categories for 'c'/);
    assert.match(v.summaryMarkdown, /⚠️/);
  });

  it('no rows: every rate is 0', async () => {
    const v = await validateData(csvRows('age,region\n'), { expectations: [], baseline, now: NOW });
    assert.ok(v.report.qualityMetrics.every((m) => m.value === 0));
  });

  it('typed (Parquet) target cells cast by type: numbers to int never fail, booleans to timestamp do', async () => {
    const base = await profileData(csvRows('n,t\n1,2024-01-01\n2,2024-01-02\n'), { now: NOW });
    const v = await validateData(
      memoryRows(
        ['n', 't'],
        [
          [1.5, true],
          [2, false],
        ],
        { declaredTypes: ['float', 'boolean'] },
      ),
      { expectations: [], baseline: base, now: NOW },
    );
    assert.deepEqual(
      v.report.qualityMetrics.filter((m) => m.metric === 'DataTypeErrorRate').map((m) => [m.column, m.value]),
      [
        ['n', 0],
        ['t', 1],
      ],
    );
  });
});

describe('data quality: imputation', () => {
  it('median is the ⌈n/2⌉-th value; the mode imputes unless null is more frequent', async () => {
    const p = await profileData(csvRows('x,s,t\n1,a,a\n2,a,\n3,b,\n4,,\n'), { now: NOW });
    assert.deepEqual(imputationOf(p.columns[0]), { kind: 'median', value: 2 });
    assert.deepEqual(imputationOf(p.columns[1]), { kind: 'mode', value: 'a' }); // a: 2, null: 1
    assert.deepEqual(imputationOf(p.columns[2]), { kind: 'none' }); // a: 1, null: 3
  });
});
