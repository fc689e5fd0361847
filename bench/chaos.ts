/**
 * `npm run chaos -- [--rate 0.1 | --rates 0.05,0.1,0.2] [--flows 20] [--seed 1] [--areas arm,entra,history,mlflow,scoring] [--log-dir DIR]`
 *
 * Runs N full ML Build + ML Release flows of the credit-risk example through the local runner
 * (demo/ml-flow.ts), one at a time, each with a fresh emulator and Azurite, with a seeded share P of
 * the requests to ARM, Entra (token endpoint), run history, MLflow and scoring answered by a
 * transient fault: 429 with Retry-After (1 s), 500, 502, 503, a connection reset before the request is
 * handled, a response lost after it was handled; the kinds spread evenly (emulator FaultRates.transient).
 * Flow i (1-based) of a rate uses emulator seed S + i - 1, so `--seed` replays a run as far as request
 * order allows; every rate uses the same seeds. Prints a table per rate, each failed flow's error line,
 * and the distinct failure lines with counts.
 *
 * Definitions:
 * - succeeded: build and release both Succeeded and production serves the new model at 100% (the
 *   deployment of the version the build registered holds all of credit-risk-prod's traffic, and the
 *   endpoint answers the sample request with HTTP 200).
 * - duplicate: from the emulator's state and requests: pipeline jobs created (a PUT answered 201, its
 *   answer lost or not) beyond the 1 the build submits; credit-risk versions beyond the seeded one
 *   and the 1 the flow registers; deployments created on an endpoint beyond the 1 the release makes
 *   there.
 * - partial state (checked after every flow, failed or not): the production endpoint's traffic differs
 *   from before the release and the release did not succeed; a deployment the flow created still
 *   exists (at 0% or otherwise) on an endpoint whose deploy step did not succeed; an endpoint the flow
 *   created exists without traffic; an Azure ML job the flow created is not terminal.
 * - secrets: every secret of the flow (service connection secrets incl. System.AccessToken, the
 *   storage key, the endpoints' keys) searched verbatim, URL-encoded, JSON-escaped and base64 in the
 *   whole log (devkit/task-runner.ts's leak check), plus anything shaped like a token the
 *   emulator issues (JWT access/OIDC tokens, AML endpoint tokens).
 * - one clean line: each failed step of a failed flow logged exactly one `##[error]` line and no
 *   stack trace (`    at ` lines), unless System.Debug is on; a flow that throws is never clean.
 * - faults injected: requests the emulator answered with a fault (latency alone not counted).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FaultArea } from '../emulator';
import { CHAOS_AREAS, FAULT_KINDS, describeFlow, runChaosFlow, type ChaosFlowReport } from './chaos/flow';

interface Args {
  rates: number[];
  flows: number;
  seed: number;
  areas: FaultArea[];
  logDir?: string;
}

const AREAS: FaultArea[] = ['arm', 'entra', 'openid', 'identity', 'devops', 'discovery', 'history', 'mlflow', 'scoring'];

function parseArgs(argv: string[]): Args {
  const args: Args = { rates: [0.1], flows: 20, seed: 1, areas: CHAOS_AREAS };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value`);
    i++;
    const share = (v: string) => {
      const n = Number(v);
      if (!(n >= 0 && n <= 1)) throw new Error(`${flag}: '${v}' is not a share between 0 and 1`);
      return n;
    };
    switch (flag) {
      case '--rate':
        args.rates = [share(value)];
        break;
      case '--rates':
        args.rates = value.split(',').map((v) => share(v.trim()));
        break;
      case '--flows':
        args.flows = Number(value);
        if (!Number.isInteger(args.flows) || args.flows < 1) throw new Error(`--flows: '${value}' is not a positive whole number`);
        break;
      case '--seed':
        args.seed = Number(value);
        if (!Number.isInteger(args.seed)) throw new Error(`--seed: '${value}' is not a whole number`);
        break;
      case '--areas':
        args.areas = value.split(',').map((a) => a.trim() as FaultArea);
        for (const a of args.areas) if (!AREAS.includes(a)) throw new Error(`--areas: '${a}' is none of ${AREAS.join(', ')}`);
        break;
      case '--log-dir':
        args.logDir = path.resolve(value);
        break;
      default:
        throw new Error(
          `unknown option ${flag}; usage: npm run chaos -- [--rate P | --rates P1,P2] [--flows N] [--seed S] [--areas a,b] [--log-dir DIR]`,
        );
    }
  }
  return args;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The same failure in different flows differs in ids, times and ports: fold those for the grouping. */
function normalizeFailure(line: string): string {
  return line
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>')
    .replace(/\b\d{4}-\d\d-\d\dT[\d:.]+Z?\b/g, '<time>')
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>')
    .replace(/\bazdo_\d+_[0-9a-f]+\b/g, 'azdo_<job>');
}

interface RateSummary {
  rate: number;
  reports: ChaosFlowReport[];
  wallMs: number;
}

function summaryRow(s: RateSummary): string[] {
  const r = s.reports;
  const sum = (f: (x: ChaosFlowReport) => number) => r.reduce((a, x) => a + f(x), 0);
  const failed = r.filter((x) => !x.succeeded);
  const faults = FAULT_KINDS.map((k) => sum((x) => x.faults[k] ?? 0));
  return [
    String(s.rate),
    `${r.length - failed.length}/${r.length}`,
    `${sum((x) => x.duplicates.jobs)} / ${sum((x) => x.duplicates.modelVersions)} / ${sum((x) => x.duplicates.deployments)}`,
    String(r.filter((x) => x.partial.length > 0).length),
    String(sum((x) => x.secrets.length)),
    `${failed.filter((x) => !x.clean).length} of ${failed.length}`,
    `${faults.reduce((a, b) => a + b, 0)} (${faults.join('/')})`,
    `${seconds(s.wallMs)} (${seconds(s.wallMs / r.length)}/flow)`,
  ];
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

const HEADER = [
  'P',
  'succeeded',
  'dup jobs / versions / deployments',
  'partial',
  'secrets',
  'not one clean line',
  `faults (${FAULT_KINDS.join('/')})`,
  'wall time',
];

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  console.log(
    `chaos: ${args.flows} flow(s) per rate ${args.rates.join(', ')}; seeds ${args.seed}..${args.seed + args.flows - 1}; faults on ${args.areas.join(', ')}`,
  );
  if (args.logDir) fs.mkdirSync(args.logDir, { recursive: true });
  const summaries: RateSummary[] = [];
  for (const rate of args.rates) {
    const started = Date.now();
    const reports: ChaosFlowReport[] = [];
    for (let i = 1; i <= args.flows; i++) {
      const report = await runChaosFlow({ rate, seed: args.seed + i - 1, areas: args.areas });
      reports.push(report);
      const total = Object.values(report.faults).reduce((a, b) => a + b, 0);
      console.log(
        `  P=${rate} flow ${i}/${args.flows} seed ${report.seed}: ${report.succeeded ? 'succeeded' : `FAILED — ${report.failure}`} (${total} faults, ${seconds(report.wallMs)})`,
      );
      if (args.logDir) fs.writeFileSync(path.join(args.logDir, `p${rate}-seed${report.seed}.log`), `${report.lines.join('\n')}\n`);
    }
    const summary = { rate, reports, wallMs: Date.now() - started };
    summaries.push(summary);
    console.log('');
    console.log(table(HEADER, [summaryRow(summary)]));
    for (const [i, r] of reports.entries()) {
      if (!r.succeeded || r.partial.length || r.secrets.length || r.duplicateDetails.length) console.log(describeFlow(r, i + 1));
    }
    console.log('');
  }

  console.log('=== summary ===');
  console.log(table(HEADER, summaries.map(summaryRow)));
  const groups = new Map<string, Map<number, number>>();
  for (const s of summaries) {
    for (const r of s.reports) {
      if (!r.failure) continue;
      const key = normalizeFailure(r.failure);
      const byRate = groups.get(key) ?? new Map<number, number>();
      byRate.set(s.rate, (byRate.get(s.rate) ?? 0) + 1);
      groups.set(key, byRate);
    }
  }
  if (groups.size > 0) {
    console.log('');
    console.log('distinct failure lines (count per rate):');
    const total = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + b, 0);
    for (const [line, byRate] of [...groups].sort((a, b) => total(b[1]) - total(a[1]))) {
      console.log(`  ${total(byRate)}× [${[...byRate].map(([p, n]) => `P=${p}: ${n}`).join(', ')}] ${line}`);
    }
  }
}

main().catch((e) => {
  console.error((e as Error).message);
  process.exitCode = 1;
});
