/**
 * AzureMLValidateData@1 against pandas, side by side on the same file: a generated CSV (20 columns of
 * numbers and text, some nulls; 1 GB by default) checked by ten expectations by the task's bundle run
 * as the agent runs it (openData + validateData, which also profiles every column, then the report,
 * data-profile.json and the summary written), and the same ten checks in pandas (`read_csv` +
 * vectorised checks), each in its own process for wall time, CPU time and peak RSS (VmHWM, read as
 * the process exits). The unexpected counts of both must agree.
 * Prints figures; asserts nothing. pandas is optional (never needed by npm test): the bench uses the
 * first of $BENCH_PYTHON, python3, /usr/bin/python3 that imports it.
 *
 *   npx tsx bench/validate-data.ts [--size-mb 1024] [--keep]        (npm run bench:data)
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

/** The ten checks, in the task's grammar; PANDAS below is the same list, in the same order. */
const EXPECTATIONS = [
  'columns include id, email, age, income, region',
  'rows between 1 and 1000000000',
  'id unique',
  'age not null mostly 0.98',
  'age between 18 and 90',
  'income between 0 and 1000000',
  'region in north, south, east, west, central',
  'email matches ^[^@]+@[^@]+$',
  'status in active, closed, pending',
  'score between 0 and 1',
].join('\n');

/** The same checks in pandas: the count of unexpected values each (GE's pandas semantics: missing values skipped but by not null). */
const PANDAS = String.raw`
import json, re, sys, time
t0 = time.perf_counter(); c0 = time.process_time()
import pandas as pd
t1 = time.perf_counter(); c1 = time.process_time()
df = pd.read_csv(sys.argv[1])
t2 = time.perf_counter()
def outside(s, lo, hi):
    s = s.dropna()
    n = pd.to_numeric(s, errors='coerce')
    return int((n.isna() | (n < lo) | (n > hi)).sum())
def not_in(s, values):
    s = s.dropna()
    return int((~s.astype(str).isin(values)).sum())
counts = [
    None if {'id', 'email', 'age', 'income', 'region'} <= set(df.columns) else -1,
    None if 1 <= len(df) <= 1000000000 else -1,
    int(df['id'].duplicated(keep=False).sum()),
    int(df['age'].isnull().sum()),
    outside(df['age'], 18, 90),
    outside(df['income'], 0, 1000000),
    not_in(df['region'], ['north', 'south', 'east', 'west', 'central']),
    int((~df['email'].dropna().astype(str).str.contains(r'^[^@]+@[^@]+$', regex=True)).sum()),
    not_in(df['status'], ['active', 'closed', 'pending']),
    outside(df['score'], 0, 1),
]
t3 = time.perf_counter(); c3 = time.process_time()
hwm = 0
with open('/proc/self/status') as f:
    for line in f:
        if line.startswith('VmHWM:'):
            hwm = int(line.split()[1]) / 1024
print(json.dumps({'rows': len(df), 'seconds': t3 - t1, 'readSeconds': t2 - t1, 'cpuSeconds': c3 - c1, 'importSeconds': t1 - t0, 'maxRssMb': hwm, 'unexpected': counts, 'pandas': pd.__version__}))
`;

interface Figures {
  rows: number;
  /** the task: the whole process (start-up included); pandas: from read_csv to the last check (its import excluded) */
  seconds: number;
  cpuSeconds: number;
  maxRssMb: number;
  unexpected: (number | null)[];
  uniqueBytes?: number;
  distinctIds?: number;
  readSeconds?: number;
  importSeconds?: number;
  pandas?: string;
}

/** Loaded into the task's process (node --require): its CPU time and peak RSS, written as it exits. */
const PRELOAD = String.raw`
const fs = require('fs');
const started = process.hrtime.bigint();
process.on('exit', () => {
  const cpu = process.cpuUsage();
  const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  fs.writeFileSync(process.env.BENCH_FIGURES, JSON.stringify({ seconds: Number(process.hrtime.bigint() - started) / 1e9, cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssMb: hwm ? Number(hwm[1]) / 1024 : process.resourceUsage().maxRSS / 1024 }));
});
`;

/** A deterministic pseudo-random stream (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HEADER = 'id,email,age,income,score,balance,lat,lon,visits,tenure,rating,region,plan,segment,city,active,signup,status,code,note\n';
const REGIONS = ['north', 'south', 'east', 'west', 'central'];
const PLANS = ['free', 'basic', 'pro', 'enterprise'];
const STATUSES = ['active', 'closed', 'pending'];
const NOTES = ['paid on time', 'late, then paid', 'asked for a "payment holiday"', 'new customer', 'moved city'];

/** One row: 20 columns, a few nulls, a few values the expectations refuse (so every count is non-trivial). */
function row(i: number, r: () => number): string {
  const email = i % 10007 === 0 ? `user${i}-at-example.com` : `user${i}@example.com`;
  const age = r() < 0.01 ? '' : String(18 + Math.floor(r() * 72) + (i % 5003 === 0 ? 80 : 0));
  const income = r() < 0.02 ? '' : (20000 + r() * 150000).toFixed(2);
  const region = i % 9973 === 0 ? 'atlantis' : REGIONS[Math.floor(r() * 5)];
  const status = r() < 0.05 ? '' : STATUSES[Math.floor(r() * 3)];
  const note =
    r() < 0.1 ? '' : NOTES[i % 5].includes(',') || NOTES[i % 5].includes('"') ? `"${NOTES[i % 5].replace(/"/g, '""')}"` : NOTES[i % 5];
  const month = 1 + (i % 12);
  const day = 1 + (i % 28);
  return (
    `${i === 4242 ? 17 : i},${email},${age},${income},${r().toFixed(4)},${(r() * 1e6 - 2e5).toFixed(2)},${(r() * 180 - 90).toFixed(6)},${(r() * 360 - 180).toFixed(6)},` +
    `${Math.floor(r() * 1000)},${Math.floor(r() * 240)},${1 + Math.floor(r() * 5)},${region},${PLANS[Math.floor(r() * 4)]},seg_${Math.floor(r() * 50)},City ${Math.floor(r() * 300)},` +
    `${r() < 0.5 ? 'true' : 'false'},${2020 + (i % 5)}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day},${status},K${String(Math.floor(r() * 10000)).padStart(4, '0')},${note}\n`
  );
}

function writeCsv(file: string, targetBytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const out = fs.createWriteStream(file);
    const r = rng(7);
    let written = 0;
    let i = 0;
    out.on('error', reject);
    out.on('finish', () => resolve(i));
    out.write(HEADER);
    const more = () => {
      let ok = true;
      while (ok && written < targetBytes) {
        let s = '';
        for (let k = 0; k < 2000; k++, i++) s += row(i, r);
        written += s.length;
        ok = out.write(s);
      }
      if (written < targetBytes) out.once('drain', more);
      else out.end();
    };
    more();
  });
}

/** The task's bundle, as the agent starts it (inputs in INPUT_*), with the preload measuring it. */
function runTask(dir: string, file: string, expectations: string): Figures {
  const bundle = path.join(ROOT, 'build', 'extension', 'tasks', 'AzureMLValidateData', 'index.js');
  if (!fs.existsSync(bundle)) throw new Error(`${bundle} is missing: run npm run build first (npm run bench:data does)`);
  const preload = path.join(dir, 'measure.js');
  fs.writeFileSync(preload, PRELOAD);
  const out = fs.mkdtempSync(path.join(dir, 'out-'));
  const figuresFile = path.join(out, 'figures.json');
  const env = {
    PATH: process.env.PATH ?? '',
    AGENT_TEMPDIRECTORY: dir,
    INPUT_DATA: file,
    INPUT_EXPECTATIONS: expectations,
    INPUT_ONVIOLATION: 'warn',
    INPUT_OUTPUTFOLDER: out,
    INPUT_TRAININGDATA: 'false',
    BENCH_FIGURES: figuresFile,
  };
  const child = spawnSync(process.execPath, ['--require', preload, bundle], { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20, env });
  if (child.status !== 0 || !/##vso\[task\.complete result=(Succeeded|SucceededWithIssues)/.test(child.stdout))
    throw new Error(`the task failed on ${file}:\n${child.stdout.slice(-2000)}\n${child.stderr}`);
  const report = JSON.parse(fs.readFileSync(path.join(out, 'data-validation-report.json'), 'utf8')) as {
    rows: number;
    expectations: Array<{
      rule: string;
      column: string | null;
      passed: boolean;
      unexpectedCount: number | null;
      observed: { distinct?: number };
    }>;
  };
  const id = report.expectations.find((e) => e.rule === 'id unique');
  return {
    ...(JSON.parse(fs.readFileSync(figuresFile, 'utf8')) as Pick<Figures, 'seconds' | 'cpuSeconds' | 'maxRssMb'>),
    rows: report.rows,
    unexpected: report.expectations.map((e) =>
      e.column === null && e.unexpectedCount === null ? (e.passed ? null : -1) : e.unexpectedCount,
    ),
    distinctIds: id?.observed.distinct,
  };
}

/** What `unique`'s table holds for that many distinct values: the same structure, filled to the same size. */
async function uniqueTableBytes(distinct: number): Promise<number> {
  const { DuplicateFinder } = await import('../shared/data/hash-tables');
  const table = new DuplicateFinder();
  for (let i = 0; i < distinct; i++) table.add(String(i));
  return table.bytes;
}

function findPython(): string | undefined {
  for (const python of [process.env.BENCH_PYTHON, 'python3', '/usr/bin/python3']) {
    if (!python) continue;
    if (spawnSync(python, ['-c', 'import pandas'], { stdio: 'ignore' }).status === 0) return python;
  }
  return undefined;
}

function runPandas(python: string, file: string): Figures {
  const child = spawnSync(python, ['-c', PANDAS, file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (child.status !== 0) throw new Error(`pandas failed:\n${child.stderr}`);
  return JSON.parse(child.stdout) as Figures;
}

const mb = (bytes: number) => bytes / (1024 * 1024);

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const i = args.indexOf('--size-mb');
  const sizeMb = i >= 0 ? Number(args[i + 1]) : 1024;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-validate-'));
  try {
    const file = path.join(dir, 'data.csv');
    const t0 = Date.now();
    const rows = await writeCsv(file, sizeMb * 1024 * 1024);
    const size = mb(fs.statSync(file).size);
    console.log(
      `AzureMLValidateData@1 vs pandas: ${size.toFixed(0)} MB CSV, ${rows.toLocaleString('en-US')} rows × 20 columns (generated in ${((Date.now() - t0) / 1000).toFixed(0)} s)`,
    );
    console.log(
      `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load average ${os.loadavg()[0].toFixed(1)} (shared with other work: wall times are pessimistic), node ${process.version}`,
    );
    const node = runTask(dir, file, EXPECTATIONS);
    node.uniqueBytes = await uniqueTableBytes(node.distinctIds ?? 0);
    const rest = runTask(dir, file, EXPECTATIONS.replace('id unique\n', ''));
    const python = findPython();
    const pandas = python ? runPandas(python, file) : undefined;

    const line = (name: string, f: Figures, extra = '') =>
      `| ${name} | ${f.seconds.toFixed(1)} | ${f.cpuSeconds.toFixed(1)} | ${(size / f.seconds).toFixed(0)} | ${f.maxRssMb.toFixed(0)} |${extra}`;
    console.log('');
    console.log('| | wall s | CPU s | MB/s | peak RSS MB | time × pandas | RSS × pandas |');
    console.log('|---|--:|--:|--:|--:|--:|--:|');
    console.log(
      line(
        'AzureMLValidateData@1 (its bundle: read, 10 checks, profile, files)',
        node,
        pandas ? ` ${(node.seconds / pandas.seconds).toFixed(2)} | ${(node.maxRssMb / pandas.maxRssMb).toFixed(2)} |` : ' — | — |',
      ),
    );
    if (pandas) console.log(line(`pandas ${pandas.pandas} (read_csv ${pandas.readSeconds!.toFixed(1)} s + checks)`, pandas, ' 1 | 1 |'));
    console.log('');
    console.log(
      `goal: ≤ 0.5 × pandas' time${pandas ? ` → ${node.seconds / pandas.seconds <= 0.5 ? 'met' : 'missed'} (${(node.seconds / pandas.seconds).toFixed(2)}×; CPU ${(node.cpuSeconds / pandas.cpuSeconds).toFixed(2)}×)` : ' (pandas not found: set BENCH_PYTHON)'}; ≤ 256 MB peak RSS → ${node.maxRssMb <= 256 ? 'met' : 'missed'} (${node.maxRssMb.toFixed(0)} MB)`,
    );
    console.log(
      `unique: one 64-bit hash per distinct value (open addressing, 9 bytes a slot): ${node.distinctIds!.toLocaleString('en-US')} distinct ids held ${mb(node.uniqueBytes!).toFixed(0)} MB ` +
        `(${(node.uniqueBytes! / node.distinctIds!).toFixed(1)} bytes per value; a table that doubles holds both sizes for a moment); the only memory that grows with the data. ` +
        `The same run without 'id unique': ${rest.seconds.toFixed(1)} s, peak RSS ${rest.maxRssMb.toFixed(0)} MB`,
    );
    if (pandas) {
      const same = JSON.stringify(node.unexpected) === JSON.stringify(pandas.unexpected);
      console.log(
        `unexpected counts per check: ${JSON.stringify(node.unexpected)} ${same ? '= pandas' : `≠ pandas ${JSON.stringify(pandas.unexpected)}`}`,
      );
      console.log(
        `(the task's figures are its whole process, start-up included; pandas' import, ${pandas.importSeconds!.toFixed(1)} s, is not counted)`,
      );
    }
  } finally {
    if (!args.includes('--keep')) fs.rmSync(dir, { recursive: true, force: true });
    else console.log(`file kept in ${dir}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
