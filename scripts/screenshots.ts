/**
 * `npm run screenshots`: the Marketplace screenshots (images/screenshots/*.png), made from the
 * product itself. Not part of `npm test`: it needs Chromium (Debian: `apt-get install chromium`;
 * another binary through CHROMIUM_PATH) and writes files that are committed.
 *
 * 1. Runs what `npm run demo` runs: the credit-risk example's ML Build and ML Release, executed by
 *    the local runner with the bundled tasks against the embedded Azure ML emulator and Azurite. The
 *    run folders are kept until the end, so the Summary-tab file the compare step uploaded
 *    (`##vso[task.uploadsummary]`) can be read.
 * 2. Renders excerpts of that run's output as a terminal window: the build's Train stage, and the
 *    release's production deployment followed by the demo's summary. Lines are as printed; left-out
 *    lines are marked with ⋮.
 * 3. Renders the compare step's summary markdown as Azure DevOps shows it on a run's Extensions tab:
 *    GitHub-flavoured markdown (tables) through `marked`, in a page styled after Azure DevOps.
 *
 * The pages are captured by headless Chromium through puppeteer-core (no browser download) with a
 * fresh profile and no background networking; each PNG must stay under 300 KB.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { marked } from 'marked';
import puppeteer from 'puppeteer-core';
import { flowSucceeded, runMlFlow } from '../demo/ml-flow';
import { demoSummary } from '../demo/summary';

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'images', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const MAX_BYTES = 300 * 1024;
const WIDTH = 1280;

function fail(message: string): never {
  console.error(`screenshots: ERROR: ${message}`);
  process.exit(1);
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The lines from the first matching `from` to the first matching `to` after it, inclusive. */
function slice(lines: string[], from: (l: string) => boolean, to: (l: string) => boolean, after = 0): string[] {
  const start = lines.findIndex((l, i) => i >= after && from(l));
  if (start < 0) fail(`the run's output has no line the excerpt starts at (${from.toString()})`);
  const end = lines.findIndex((l, i) => i > start && to(l));
  if (end < 0) fail(`the run's output has no line the excerpt ends at (${to.toString()})`);
  return lines.slice(start, end + 1);
}

const OMITTED = '⋮';

/** One terminal line, coloured by the log prefixes the agent and the runner print. */
function terminalLine(line: string): string {
  if (line === OMITTED) return `<div class="omitted">${OMITTED}</div>`;
  const text = escapeHtml(line);
  let cls = '';
  if (line.startsWith('##[section]')) cls = 'section';
  else if (line.startsWith('##[error]')) cls = 'error';
  else if (line.startsWith('##[warning]')) cls = 'warning';
  else if (line.startsWith('[command]')) cls = 'command';
  else if (line.startsWith('===')) cls = 'banner';
  else if (/^(Traffic step|Smoke test passed|Health check passed|Promote:|Registered model|Build tag added)/.test(line)) cls = 'highlight';
  return `<div class="${cls}">${text || '&nbsp;'}</div>`;
}

function terminalPage(title: string, command: string, lines: string[]): string {
  return `<!doctype html><html><head><meta charset="utf-8"><style>
  html, body { margin: 0; background: #e9edf2; }
  .window { margin: 24px; border-radius: 10px; overflow: hidden; box-shadow: 0 8px 28px rgba(0,0,0,.28); background: #1e1e1e; }
  .bar { height: 34px; background: #323233; display: flex; align-items: center; padding: 0 14px; gap: 8px; }
  .dot { width: 12px; height: 12px; border-radius: 50%; }
  .title { color: #cccccc; font: 13px system-ui, 'DejaVu Sans', sans-serif; margin-left: 12px; }
  .term { padding: 14px 18px 18px; font: 13px/1.45 'DejaVu Sans Mono', monospace; color: #d4d4d4; white-space: pre-wrap; word-break: break-all; }
  .prompt { color: #89d185; } .prompt b { color: #d4d4d4; font-weight: normal; }
  .section { color: #4ec9b0; } .error { color: #f48771; } .warning { color: #cca700; }
  .command { color: #569cd6; } .banner { color: #dcdcaa; font-weight: bold; } .highlight { color: #ffffff; font-weight: bold; }
  .omitted { color: #6a6a6a; }
</style></head><body><div class="window">
  <div class="bar"><span class="dot" style="background:#ff5f57"></span><span class="dot" style="background:#febc2e"></span><span class="dot" style="background:#28c840"></span><span class="title">${escapeHtml(title)}</span></div>
  <div class="term"><div class="prompt">~/azureml-mlops-tasks$ <b>${escapeHtml(command)}</b></div>${lines.map(terminalLine).join('')}</div>
</div></body></html>`;
}

function summaryPage(pipeline: string, run: string, markdown: string): string {
  const html = marked.parse(markdown, { gfm: true, async: false });
  return `<!doctype html><html><head><meta charset="utf-8"><style>
  html, body { margin: 0; background: #f8f8f8; font: 14px/1.5 'Segoe UI', system-ui, 'DejaVu Sans', sans-serif; color: rgba(0,0,0,.9); }
  .header { background: #fff; border-bottom: 1px solid #eaeaea; padding: 16px 32px 0; }
  .crumb { color: rgba(0,0,0,.55); font-size: 12px; }
  h1.run { font-size: 20px; font-weight: 600; margin: 4px 0 12px; }
  .tabs { display: flex; gap: 24px; font-size: 14px; }
  .tabs span { padding: 8px 0; color: rgba(0,0,0,.55); }
  .tabs span.on { color: rgba(0,0,0,.9); font-weight: 600; border-bottom: 2px solid #0078d4; }
  .card { background: #fff; margin: 20px 32px 28px; border-radius: 4px; box-shadow: 0 1.6px 3.6px rgba(0,0,0,.13), 0 .3px .9px rgba(0,0,0,.11); }
  .card .caption { padding: 12px 20px; border-bottom: 1px solid #eaeaea; font-weight: 600; }
  .md { padding: 4px 20px 16px; }
  .md h2 { font-size: 18px; font-weight: 600; margin: 14px 0 8px; }
  .md table { border-collapse: collapse; margin-top: 10px; }
  .md th, .md td { border: 1px solid #e0e0e0; padding: 6px 12px; }
  .md th { background: #f4f4f4; font-weight: 600; }
  .md code { font-family: 'DejaVu Sans Mono', monospace; font-size: 12.5px; background: #f3f3f3; padding: 1px 4px; border-radius: 3px; }
  .md ul { padding-left: 22px; margin: 6px 0; }
</style></head><body>
  <div class="header"><div class="crumb">credit-risk / Pipelines / ${escapeHtml(pipeline)}</div><h1 class="run">#${escapeHtml(run)} · credit-risk example</h1>
  <div class="tabs"><span>Summary</span><span>Tests</span><span class="on">Extensions</span></div></div>
  <div class="card"><div class="caption">model-comparison</div><div class="md">${html}</div></div>
</body></html>`;
}

async function main(): Promise<void> {
  if (!fs.existsSync(CHROMIUM)) fail(`${CHROMIUM} not found: install Chromium (Debian: apt-get install -y chromium) or set CHROMIUM_PATH`);
  if (!fs.existsSync(path.join(ROOT, 'build', 'extension', 'vss-extension.json')))
    fail('build/extension is missing: run `npm run build` first (npm run screenshots does)');

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'screenshots-'));
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'screenshots-chromium-'));
  const lines: string[] = [];
  try {
    console.log('screenshots: running the example ML Build and ML Release (npm run demo) against the emulator...');
    const result = await runMlFlow({ workDir: work, log: (line) => lines.push(...line.split('\n')) });
    if (!flowSucceeded(result)) fail(`the demo flow did not succeed; its output:\n${lines.join('\n')}`);
    const output = [...lines, '', ...demoSummary(result)];

    // The build: the Train stage (publish → wait → compare → register).
    const train = slice(
      output,
      (l) => l.startsWith('##[section]Stage Train'),
      (l) => l.startsWith('Pipeline result:'),
    );
    // The release: production's blue/green deployment, then the demo's summary.
    const releaseStart = output.findIndex((l) => l.startsWith('=== ML Release'));
    const production = [
      ...slice(
        output,
        (l) => l.startsWith('##[section]Stage Production'),
        (l) => l.startsWith('##[section]Job DeployProduction'),
        releaseStart,
      ),
      OMITTED,
      ...slice(
        output,
        (l) => l.startsWith('##[section]Starting: Deploy to endpoint credit-risk-prod'),
        (l) => l.startsWith('##[section]Finishing: Deploy to endpoint'),
        releaseStart,
      ),
      OMITTED,
      ...slice(
        output,
        (l) => l.startsWith('Pipeline result:'),
        (l) => l.startsWith('Emulator:'),
        releaseStart,
      ),
    ];

    const summaryLine = output.find((l) => l.startsWith('Summary (a tab on Azure DevOps): '));
    if (!summaryLine) fail('the compare step uploaded no summary (no "Summary (a tab on Azure DevOps)" line)');
    const summaryFile = summaryLine.slice('Summary (a tab on Azure DevOps): '.length).trim();
    if (!fs.existsSync(summaryFile)) fail(`the uploaded summary ${summaryFile} is gone`);
    const markdown = fs.readFileSync(summaryFile, 'utf8');

    const pages: Array<{ file: string; html: string }> = [
      {
        file: 'ml-build-train.png',
        html: terminalPage('npm run demo: ML Build of the credit-risk example (local runner, Azure ML emulator)', 'npm run demo', train),
      },
      {
        file: 'ml-release-production.png',
        html: terminalPage(
          'npm run demo: ML Release to production, blue/green (local runner, Azure ML emulator)',
          'npm run demo',
          production,
        ),
      },
      { file: 'compare-summary.png', html: summaryPage('credit-risk ML Build', '20261125.1', markdown) },
    ];

    fs.mkdirSync(OUT, { recursive: true });
    const browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      userDataDir: profile,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await browser.newPage();
      // Nothing leaves the machine: the pages are self-contained.
      await page.setRequestInterception(true);
      page.on('request', (r) => (r.url().startsWith('data:') || r.url() === 'about:blank' ? r.continue() : r.abort()));
      for (const p of pages) {
        await page.setViewport({ width: WIDTH, height: 100, deviceScaleFactor: 1 }); // scrollHeight is at least the viewport
        await page.setContent(p.html, { waitUntil: 'load' });
        // a string, evaluated in the page: this file is compiled without the DOM library
        const height = Number(await page.evaluate('Math.ceil(document.documentElement.scrollHeight)'));
        await page.setViewport({ width: WIDTH, height, deviceScaleFactor: 1 });
        const file = path.join(OUT, p.file);
        await page.screenshot({ path: file as `${string}.png`, fullPage: true });
        const bytes = fs.statSync(file).size;
        console.log(`screenshots: ${path.relative(ROOT, file)} ${WIDTH}x${height}, ${(bytes / 1024).toFixed(1)} KiB`);
        if (bytes > MAX_BYTES) fail(`${p.file} is ${(bytes / 1024).toFixed(1)} KiB, over the ${MAX_BYTES / 1024} KiB limit`);
      }
    } finally {
      await browser.close();
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((e: Error) => fail(e.stack ?? e.message));
