/**
 * Figures for the data checks: rows per second through validateData (expectations + quality metrics
 * against a baseline + the profile, one pass) on generated CSV-like text cells, and peak RSS.
 * Prints figures; asserts nothing. `npx tsx bench/data-checks.ts [--rows 1000000] [--batch 5000]`.
 * Cells are generated batch by batch (never all in memory), and the generation alone is timed too,
 * so the checks' own cost is the difference.
 */
import type { Cell, RowSource } from '../shared/data/row-source';
import { parseExpectations } from '../shared/data/expectations';
import { profileData, writeProfile } from '../shared/data/profile';
import { validateData } from '../shared/data/validation-report';
import { scanRows } from '../shared/data/scan';
import { seededRandom } from '../emulator/random';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const ROWS = arg('rows', 1_000_000);
const BATCH = arg('batch', 5000);

const REGIONS = ['north', 'south', 'east', 'west', 'central'];
const PLANS = ['free', 'basic', 'pro', 'enterprise'];
const COLUMNS = [
  'id',
  'age',
  'income',
  'score',
  'balance',
  'lat',
  'lon',
  'ratio',
  'visits',
  'store',
  'region',
  'plan',
  'email',
  'city',
  'active',
  'verified',
  'signup',
  'last_seen',
  'segment',
  'code',
];

function source(rows: number, seed: number, shift = 0): RowSource {
  return {
    description: `generated ${rows} rows × ${COLUMNS.length} columns (seed ${seed})`,
    columns: COLUMNS,
    declaredTypes: COLUMNS.map(() => undefined),
    async *batches() {
      const r = seededRandom(seed);
      for (let start = 0; start < rows; start += BATCH) {
        const batch: Cell[][] = [];
        for (let i = start; i < Math.min(rows, start + BATCH); i++) {
          const day = 1 + (i % 28);
          batch.push([
            String(i),
            r() < 0.01 ? null : String(18 + Math.floor(r() * 70 + shift)),
            (20000 + r() * 100000).toFixed(2),
            (r() * 10 - 5 + shift).toFixed(4),
            (r() * 1e6).toFixed(2),
            (r() * 180 - 90).toFixed(6),
            (r() * 360 - 180).toFixed(6),
            r().toFixed(5),
            String(Math.floor(r() * 1000)),
            String(Math.floor(r() * 50)),
            REGIONS[Math.floor(r() * REGIONS.length)],
            PLANS[Math.floor(r() * PLANS.length)],
            `user${i}@example.com`,
            `city-${Math.floor(r() * 2000)}`,
            r() < 0.5 ? 'true' : 'false',
            r() < 0.9 ? 'True' : 'False',
            `2024-${String(1 + (i % 12)).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
            `2024-06-${String(day).padStart(2, '0')}T10:${String(i % 60).padStart(2, '0')}:00Z`,
            String.fromCharCode(65 + Math.floor(r() * 6)),
            r() < 0.001 ? 'n/a' : String(Math.floor(r() * 9)),
          ]);
        }
        yield batch;
      }
    },
  };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
/** Wall seconds and CPU seconds (user + system) of this process: CPU time is the figure to trust on a busy machine. */
function clock(): () => { wall: number; cpu: number } {
  const w = performance.now();
  const c = process.cpuUsage();
  return () => {
    const d = process.cpuUsage(c);
    return { wall: (performance.now() - w) / 1000, cpu: (d.user + d.system) / 1e6 };
  };
}
const peak = () => `peak RSS so far ${mb(process.resourceUsage().maxRSS * 1024)}`;
const rate = (rows: number, seconds: number) => `${Math.round(rows / seconds).toLocaleString('en-US')} rows/s`;

async function main(): Promise<void> {
  const expectations = parseExpectations(
    [
      `rows between 1 and ${ROWS * 2}`,
      'columns include id, age, income, region',
      'id unique',
      'age not null mostly 0.98',
      'age between 18 and 100',
      'income is number',
      'region in north, south, east, west, central',
      'email matches ^[^@]+@[^@]+$',
      'active is boolean',
      'NullValueRate <= 0.05',
      'DataTypeErrorRate <= 0.01',
      'OutOfBoundsRate <= 0.05',
    ].join('\n'),
  );

  let stop = clock();
  for await (const batch of source(ROWS, 1).batches()) void batch;
  const generate = stop();
  console.log(
    `generating the cells alone (not part of the checks): ${generate.cpu.toFixed(2)} s CPU (${generate.wall.toFixed(2)} s wall) for ${ROWS.toLocaleString('en-US')} rows × ${COLUMNS.length} columns; ${peak()}`,
  );
  stop = clock();
  await scanRows(source(ROWS, 1), []);
  const scan = stop();
  console.log(
    `classifying every cell (the shared pass, no check): ${(scan.cpu - generate.cpu).toFixed(2)} s CPU beyond generation (${rate(ROWS, scan.cpu - generate.cpu)}); ${peak()}`,
  );

  stop = clock();
  const baseline = await profileData(source(ROWS, 1));
  const profiled = stop();
  const profileText = writeProfile(baseline);
  console.log(
    `profile: ${(profiled.cpu - generate.cpu).toFixed(2)} s CPU beyond generation (${rate(ROWS, profiled.cpu - generate.cpu)}); ${profiled.wall.toFixed(2)} s wall with generation; data-profile.json ${mb(profileText.length)}; ${peak()}`,
  );

  stop = clock();
  const v = await validateData(source(ROWS, 2, 3), { expectations, baseline });
  const validated = stop();
  const own = validated.cpu - generate.cpu;
  console.log(
    `validateData (${expectations.length} expectations, quality metrics vs the baseline, profile; one pass): ${own.toFixed(2)} s CPU beyond generation (${rate(ROWS, own)}, ${Math.round((ROWS * COLUMNS.length) / own).toLocaleString('en-US')} cells/s); ${validated.wall.toFixed(2)} s wall with generation`,
  );
  const heap = process.memoryUsage();
  console.log(`heap after: used ${mb(heap.heapUsed)}, array buffers ${mb(heap.arrayBuffers)}`);
  console.log(
    `result: passed ${v.report.passed}, ${v.report.violationCount} expectations not met, ${v.report.qualityMetrics.filter((m) => m.breached).length} metrics breached`,
  );
  console.log(
    `peak RSS: ${mb(process.resourceUsage().maxRSS * 1024)} (includes the 'id unique' table for ${ROWS.toLocaleString('en-US')} distinct values)`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
