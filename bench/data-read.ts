/**
 * Figures for the data readers: throughput and peak RSS while reading a large CSV, Parquet and
 * JSON Lines file end to end through openData (every row materialised as cells, as the checks
 * consume them). Each file is read in a fresh child process so its peak RSS is its own; a child that
 * only loads the modules gives the baseline. Prints figures; asserts nothing.
 *
 *   npx tsx bench/data-read.ts [--csv-mb 200] [--jsonl-mb 100] [--parquet-rows 3000000] [--keep]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

interface Figures {
  rows: number;
  seconds: number;
  cpuSeconds: number;
  maxRssMb: number;
}

/**
 * Peak RSS of this process. On Linux VmHWM, which exec resets: getrusage's maxRSS of a spawned
 * child starts from its parent's RSS at the fork (the parent here holds the generated data).
 */
function peakRssMb(): number {
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

/** Child: read one input and print its figures as JSON. */
async function readOne(spec: string): Promise<void> {
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  let rows = 0;
  if (process.env.BENCH_HEAP_GROWTH) (await import('../shared/data/heap-growth')).limitHeapGrowth(Number(process.env.BENCH_HEAP_GROWTH));
  if (spec !== '--baseline') {
    const { openData } = await import('../shared/data/open-data');
    const source = await openData(spec);
    for await (const batch of source.batches()) rows += batch.length;
  }
  const used = process.cpuUsage(cpu);
  const figures: Figures = {
    rows,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    cpuSeconds: (used.user + used.system) / 1e6,
    maxRssMb: peakRssMb(),
  };
  process.stdout.write(JSON.stringify(figures));
}

function writeStreamed(file: string, header: string, targetBytes: number, line: (i: number) => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = fs.createWriteStream(file);
    out.on('error', reject);
    out.on('finish', resolve);
    let written = 0;
    let i = 0;
    out.write(header);
    const more = () => {
      let ok = true;
      while (ok && written < targetBytes) {
        let s = '';
        for (let k = 0; k < 1000; k++, i++) s += line(i);
        written += s.length;
        ok = out.write(s);
      }
      if (written < targetBytes) out.once('drain', more);
      else out.end();
    };
    more();
  });
}

const csvLine = (i: number) =>
  `${i},${((i * 7.31) % 1000).toFixed(2)},cat_${i % 17},${((i % 1000) / 7).toFixed(4)},${20 + (i % 60)},${i % 2 ? 'true' : 'false'},"City ${i % 300}, ""Region"" ${i % 7}",${i % 11 === 0 ? '' : 30000 + ((i * 13) % 90000)}\n`;
const jsonLine = (i: number) =>
  `{"id":${i},"amount":${((i * 7.31) % 1000).toFixed(2)},"category":"cat_${i % 17}","age":${20 + (i % 60)},"flag":${i % 2 === 0},"city":"City ${i % 300}"${i % 11 === 0 ? '' : `,"income":${30000 + ((i * 13) % 90000)}`}}\n`;

async function writeParquet(file: string, rows: number): Promise<void> {
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const bytes = parquetWriteBuffer({
    columnData: [
      { name: 'id', data: Int32Array.from({ length: rows }, (_, i) => i), type: 'INT32' },
      { name: 'amount', data: Float64Array.from({ length: rows }, (_, i) => (i * 7.31) % 1000), type: 'DOUBLE' },
      { name: 'category', data: Array.from({ length: rows }, (_, i) => `cat_${i % 17}`), type: 'STRING' },
      { name: 'age', data: Array.from({ length: rows }, (_, i) => (i % 13 === 0 ? null : 20 + (i % 60))), type: 'INT32' },
      { name: 'flag', data: Array.from({ length: rows }, (_, i) => i % 2 === 0), type: 'BOOLEAN' },
      { name: 'city', data: Array.from({ length: rows }, (_, i) => `City ${i % 300}`), type: 'STRING' },
    ],
    // pyarrow's default row group: 1 Mi rows, so a group is read in windows.
    rowGroupSize: 1024 * 1024,
  });
  fs.writeFileSync(file, Buffer.from(bytes));
}

function run(spec: string, heapGrowth?: number): Figures {
  const env = { ...process.env, BENCH_HEAP_GROWTH: heapGrowth === undefined ? '' : String(heapGrowth) };
  const child = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--read', spec], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 20,
    env,
  });
  if (child.status !== 0) throw new Error(`reading ${spec} failed:\n${child.stderr}`);
  return JSON.parse(child.stdout) as Figures;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--read') return readOne(args[1]);
  const option = (name: string, fallback: number) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-data-'));
  try {
    const csv = path.join(dir, 'data.csv');
    const jsonl = path.join(dir, 'data.jsonl');
    const parquet = path.join(dir, 'data.parquet');
    await writeStreamed(csv, 'id,amount,category,score,age,flag,city,income\n', option('--csv-mb', 200) * 1024 * 1024, csvLine);
    await writeStreamed(jsonl, '', option('--jsonl-mb', 100) * 1024 * 1024, jsonLine);
    await writeParquet(parquet, option('--parquet-rows', 3_000_000));
    const baseline = run('--baseline');
    console.log(
      `data readers (${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}); baseline child (modules loaded, nothing read): peak RSS ${baseline.maxRssMb.toFixed(0)} MB`,
    );
    for (const [name, file, heapGrowth] of [
      ['CSV', csv],
      ['JSON Lines (two passes)', jsonl],
      ['Parquet (1 Mi-row groups)', parquet],
      ['Parquet, limitHeapGrowth(50)', parquet, 50],
    ] as const) {
      const mb = fs.statSync(file).size / (1024 * 1024);
      const f = run(file, heapGrowth);
      console.log(
        `${name}: ${mb.toFixed(0)} MB, ${f.rows.toLocaleString('en-US')} rows in ${f.seconds.toFixed(2)} s wall (${(mb / f.seconds).toFixed(0)} MB/s, ${(f.rows / f.seconds / 1e6).toFixed(2)} M rows/s), ` +
          `${f.cpuSeconds.toFixed(2)} s CPU (${(mb / f.cpuSeconds).toFixed(0)} MB/s per CPU second); peak RSS ${f.maxRssMb.toFixed(0)} MB (budget 256 MB)`,
      );
    }
  } finally {
    if (!args.includes('--keep')) fs.rmSync(dir, { recursive: true, force: true });
    else console.log(`files kept in ${dir}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
