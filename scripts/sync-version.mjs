#!/usr/bin/env node
// package.json "version" is the extension's one version. This script writes it into every
// tasks/<Task>/task.json ("version": {Major, Minor, Patch}), into vss-extension.json, and into the
// template repository tag the pipeline-templates examples and guide pin (`ref: refs/tags/vX.Y.Z`: the
// templates as released with this version), so a release is one command:
//
//   npm version minor        (npm's `version` lifecycle runs this script with --git-add, which stages
//                             the files it wrote for the commit npm makes)
//
// Why every task follows the extension: agents cache a task by its version, so a task whose code
// changed in a release must get a new version or agents keep running the cached old one; one version
// for all makes "which task changed" a question nobody has to answer by hand.
// The task major is the `@N` users type in YAML: a major bump of package.json is a breaking change
// of every task, and the docs' `@N` must follow (test/manifest/version.test.ts checks both).
//
//   node scripts/sync-version.mjs           write the version where it differs, list what changed
//   node scripts/sync-version.mjs --git-add  the same, then `git add` exactly the files it wrote
//   node scripts/sync-version.mjs --check   change nothing; exit 1 naming each file that differs
//
// Only the version fields are rewritten (the files keep their formatting); scripts/build.mjs runs the
// same check and refuses to build an extension whose versions disagree.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const defaultRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** package.json's version, which must be plain MAJOR.MINOR.PATCH (task.json has no prerelease field). */
export function packageVersion(root = defaultRoot) {
  const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(version ?? '');
  if (!m) throw new Error(`package.json version "${version}" is not MAJOR.MINOR.PATCH (task.json versions have no pre-release part)`);
  return { text: version, major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

// The top-level task.json version object; an input named "version" has no Major/Minor/Patch.
const TASK_VERSION = /"version"\s*:\s*\{\s*"Major"\s*:\s*(\d+)\s*,\s*"Minor"\s*:\s*(\d+)\s*,\s*"Patch"\s*:\s*(\d+)\s*\}/;
const MANIFEST_VERSION = /^(\s*"version"\s*:\s*")([^"]*)(")/m;
const TEMPLATE_REF = /(\bref:\s*refs\/tags\/v)(\d+\.\d+\.\d+)\b/g;

function taskJsonFiles(root) {
  const dir = path.join(root, 'tasks');
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, 'task.json')))
    .map((d) => path.join('tasks', d.name, 'task.json'))
    .sort();
}

/** Every versioned file as [relative path, version found, text with the package version written in]. */
function planned(root) {
  const v = packageVersion(root);
  const out = [];
  for (const rel of taskJsonFiles(root)) {
    const text = fs.readFileSync(path.join(root, rel), 'utf8');
    const m = TASK_VERSION.exec(text);
    if (!m) throw new Error(`${rel} has no "version": {"Major", "Minor", "Patch"} object`);
    const indent = /\n([ \t]*)"version"\s*:\s*\{/.exec(text)?.[1] ?? '  ';
    const inner = `${indent}  `;
    const block = `"version": {\n${inner}"Major": ${v.major},\n${inner}"Minor": ${v.minor},\n${inner}"Patch": ${v.patch}\n${indent}}`;
    out.push([rel, `${m[1]}.${m[2]}.${m[3]}`, text.replace(TASK_VERSION, block)]);
  }
  const manifest = 'vss-extension.json';
  const text = fs.readFileSync(path.join(root, manifest), 'utf8');
  const m = MANIFEST_VERSION.exec(text);
  if (!m) throw new Error(`${manifest} has no top-level "version"`);
  out.push([manifest, m[2], text.replace(MANIFEST_VERSION, `$1${v.text}$3`)]);
  for (const rel of templateFiles(root)) {
    const text = fs.readFileSync(path.join(root, rel), 'utf8');
    const found = [...text.matchAll(TEMPLATE_REF)].map((r) => r[2]);
    if (found.length === 0) continue;
    out.push([rel, found.find((f) => f !== v.text) ?? v.text, text.replace(TEMPLATE_REF, `$1${v.text}`)]);
  }
  return { version: v.text, files: out };
}

/** The template guide and YAML files that may pin this repository's release tag. */
function templateFiles(root) {
  const out = [];
  const walk = (rel) => {
    const dir = path.join(root, rel);
    if (!fs.existsSync(dir)) return;
    for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
      const child = path.join(rel, d.name);
      if (d.isDirectory()) walk(child);
      else if (/\.(md|ya?ml)$/.test(d.name)) out.push(child);
    }
  };
  walk('pipeline-templates');
  return out.sort();
}

/** Every file this script writes the version into (relative paths). */
export function versionedFiles(root = defaultRoot) {
  return planned(root).files.map(([rel]) => rel);
}

/** Files whose version is not package.json's: [{ file, found, expected }]. */
export function versionProblems(root = defaultRoot) {
  const { version, files } = planned(root);
  return files.filter(([, found]) => found !== version).map(([file, found]) => ({ file, found, expected: version }));
}

/** Writes package.json's version wherever it differs; returns the files written. */
export function syncVersion(root = defaultRoot) {
  const { version, files } = planned(root);
  const written = [];
  for (const [rel, found, text] of files) {
    if (found === version) continue;
    fs.writeFileSync(path.join(root, rel), text);
    written.push(rel);
  }
  return { version, written };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    if (process.argv.includes('--check')) {
      const problems = versionProblems();
      for (const p of problems) console.error(`sync-version: ${p.file} has version ${p.found}, package.json has ${p.expected}`);
      if (problems.length > 0) {
        console.error('sync-version: run `node scripts/sync-version.mjs` (npm version runs it for you)');
        process.exit(1);
      }
      console.log(`sync-version: ${versionedFiles().length} files have version ${packageVersion().text}`);
    } else {
      const { version, written } = syncVersion();
      console.log(
        written.length ? `sync-version: wrote ${version} into ${written.join(', ')}` : `sync-version: everything already has ${version}`,
      );
      if (process.argv.includes('--git-add') && written.length > 0)
        execFileSync('git', ['add', '--', ...written], { cwd: defaultRoot, stdio: 'inherit' });
    }
  } catch (e) {
    console.error(`sync-version: ERROR: ${e.message}`);
    process.exit(1);
  }
}
