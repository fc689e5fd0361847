#!/usr/bin/env node
// Packages the staged extension (build/extension, made by scripts/build.mjs) into dist/*.vsix
// with tfx, offline. tfx only *warns* about task.json problems (and says they will become errors),
// so any "warning:" line fails the packaging here. The .vsix must hold no node_modules: the tasks
// are single-file bundles.
//   node scripts/package.mjs [--root build/extension] [--out dist]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { listZipEntries } from './lib/zip.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? path.resolve(process.argv[i + 1]) : fallback;
}

const stripAnsi = (s) => s.replace(/\u001b\[[0-9;]*m/g, '');

export function packageExtension({ stageDir = path.join(root, 'build', 'extension'), outDir = path.join(root, 'dist') } = {}) {
  if (!fs.existsSync(path.join(stageDir, 'vss-extension.json'))) {
    throw new Error(`${path.relative(root, stageDir) || stageDir}/vss-extension.json not found: run \`npm run build\` first`);
  }
  fs.mkdirSync(outDir, { recursive: true });
  for (const f of fs.readdirSync(outDir)) if (f.endsWith('.vsix')) fs.rmSync(path.join(outDir, f));

  const tfxPkg = require.resolve('tfx-cli/package.json');
  const tfxBin = path.join(path.dirname(tfxPkg), require(tfxPkg).bin.tfx);
  const args = [
    tfxBin,
    'extension',
    'create',
    '--root',
    stageDir,
    '--output-path',
    outDir,
    '--manifest-globs',
    'vss-extension.json',
    '--no-prompt',
    '--no-color',
  ];
  const run = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const output = stripAnsi(`${run.stdout ?? ''}${run.stderr ?? ''}`);
  const warnings = output.split(/\r?\n/).filter((l) => /warning:/i.test(l));

  const vsixFiles = fs.existsSync(outDir) ? fs.readdirSync(outDir).filter((f) => f.endsWith('.vsix')) : [];
  const vsix = vsixFiles.length === 1 ? path.join(outDir, vsixFiles[0]) : undefined;
  const entries = vsix ? listZipEntries(vsix) : [];
  return {
    status: run.status,
    error: run.error,
    output,
    warnings,
    vsix,
    bytes: vsix ? fs.statSync(vsix).size : 0,
    entries,
    nodeModules: entries.filter((e) => /(^|\/)node_modules(\/|$)/.test(e.name)).map((e) => e.name),
  };
}

function main() {
  const stageDir = arg('--root', path.join(root, 'build', 'extension'));
  const outDir = arg('--out', path.join(root, 'dist'));
  let r;
  try {
    r = packageExtension({ stageDir, outDir });
  } catch (e) {
    console.error(`package: ERROR: ${e.message}`);
    process.exit(1);
  }
  process.stdout.write(r.output.endsWith('\n') ? r.output : `${r.output}\n`);
  const problems = [];
  if (r.error) problems.push(`tfx could not start: ${r.error.message}`);
  if (r.status !== 0) problems.push(`tfx exited with ${r.status}`);
  if (r.warnings.length) problems.push(`tfx printed ${r.warnings.length} warning line(s):\n  ${r.warnings.join('\n  ')}`);
  if (!r.vsix) problems.push('no single .vsix was written');
  if (r.nodeModules.length) problems.push(`the .vsix contains node_modules: ${r.nodeModules.slice(0, 5).join(', ')}`);
  if (problems.length) {
    if (r.vsix) fs.rmSync(r.vsix, { force: true }); // never leave a package that failed the checks
    for (const p of problems) console.error(`package: ERROR: ${p}`);
    process.exit(1);
  }
  const rel = path.relative(root, r.vsix);
  console.log(`package: ${rel} ${r.bytes} bytes (${(r.bytes / 1024).toFixed(1)} KiB), ${r.entries.length} entries`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main();
}
