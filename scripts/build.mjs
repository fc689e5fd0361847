#!/usr/bin/env node
// Bundles every tasks/<Task>/index.ts into build/extension/tasks/<Task>/index.js and stages the
// rest of the extension for `tfx extension create`: the manifest and exactly the files it names
// (overview, license, changelog, icon, screenshots), plus a generated ThirdPartyNotices.txt.
//
// Why each rule exists:
// - One file per task: the .vsix must not carry node_modules (size budget, and the agent
//   downloads the task folder on every job that has not cached this task version).
// - Exactly one copy of azure-pipelines-task-lib per bundle: task-lib keeps secrets in a
//   module-level vault; a second copy would have an empty vault and not mask secrets.
// - import.meta.url is mapped to the bundle's own file URL: some Azure SDK packages ship an
//   ESM build that calls createRequire(import.meta.url) at load time, which crashes when bundled
//   to CommonJS with an empty import.meta (esbuild hides that warning inside node_modules).
// - No source maps in the package; legal comments are dropped from the bundle and replaced by a
//   generated ThirdPartyNotices.txt that carries each bundled package's own license text (most
//   packages have no /*! legal comments */ at all, so keeping those alone would be incomplete).
// - ESM builds first (mainFields module, main): @azure/arm-machinelearning has no "exports" map, so
//   with esbuild's Node default (main first) it came in as CommonJS and required the CommonJS builds of
//   core-client, core-rest-pipeline, core-lro, core-util, logger and ts-http-runtime, while everything
//   imported through "exports" got their ESM builds: two copies of each in one bundle (and SDK log
//   routing set on one copy only). ESM-first resolves arm-machinelearning to its dist-esm build (the
//   same sources) so one copy of each remains and tree-shaking works; no other package changes file.
// - charset utf8: task-lib embeds its localized strings; escaping each non-ASCII character as \uXXXX
//   costs twice the bytes, and Node reads .js files as UTF-8 anyway.
// - scripts/bundle-trims.mjs replaces, for one importer each, modules the tasks can never run
//   (each with its reasoning and build-time checks that fail when that reasoning stops holding).
// - Each bundle is started once with no inputs: it must load, report through task-lib and not
//   warn about missing resource files (task-lib reads strings relative to its own __dirname).
// - One version: package.json's. Every task.json and vss-extension.json must carry it (npm version
//   writes them through scripts/sync-version.mjs; the build refuses a mismatch), and the bundles get it
//   as __EXTENSION_VERSION__ for the user agent (shared/azureml/user-agent.ts).
// - The pipeline templates are not packaged: Azure Pipelines reads `template:` files only from
//   repositories (the pipeline's own or a resources.repositories entry), never from an installed
//   extension, so a copy in the .vsix could not be used (pipeline-templates/README.md says how to adopt them).
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TRIMS, bundleTrimsPlugin } from './bundle-trims.mjs';
import { packageVersion, versionProblems } from './sync-version.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outRoot = path.join(root, 'build', 'extension');
const TASK_LIB = 'azure-pipelines-task-lib';
const BUNDLE_BUDGET_BYTES = 1.5 * 1024 * 1024;

// Warnings esbuild normally suppresses inside node_modules, but which mean broken code at runtime.
const RUNTIME_WARNINGS = [
  'empty-import-meta',
  'import-is-undefined',
  'unsupported-require-call',
  'unsupported-dynamic-import',
  'indirect-require',
  'require-resolve-not-external',
  'commonjs-variable-in-esm',
  'call-import-namespace',
];
// Known and intended: task-lib's setResourcePath() requires the task.json path it is given at run
// time; task.json is staged beside index.js, so that require works from the bundle.
const ALLOWED_WARNINGS = [
  { id: 'unsupported-require-call', file: /node_modules\/azure-pipelines-task-lib\/internal\.js$/, text: /require\(resourceFile\)/ },
];

function fail(message) {
  console.error(`build: ERROR: ${message}`);
  process.exit(1);
}

function kb(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

export function discoverTasks(rootDir = root) {
  const tasksDir = path.join(rootDir, 'tasks');
  if (!fs.existsSync(tasksDir)) return [];
  return fs
    .readdirSync(tasksDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

function packageRootOf(input) {
  // "node_modules/@scope/name/x.js" or ".../node_modules/name/x.js" -> path up to the package
  const parts = input.split('/');
  const i = parts.lastIndexOf('node_modules');
  if (i < 0) return undefined;
  const n = parts[i + 1]?.startsWith('@') ? 3 : 2;
  return parts.slice(0, i + n).join('/');
}

function copyDir(from, to) {
  fs.cpSync(from, to, { recursive: true, dereference: true });
}

async function bundleTask(task, version) {
  const srcDir = path.join(root, 'tasks', task);
  const entry = path.join(srcDir, 'index.ts');
  const taskJson = path.join(srcDir, 'task.json');
  const icon = path.join(srcDir, 'icon.png');
  for (const [file, hint] of [
    [taskJson, ''],
    [entry, ''],
    [icon, ' (run `node scripts/make-icons.mjs` and add a glyph for the task there)'],
  ]) {
    if (!fs.existsSync(file)) fail(`tasks/${task}/${path.basename(file)} is missing${hint}`);
  }
  const outDir = path.join(outRoot, 'tasks', task);
  fs.mkdirSync(outDir, { recursive: true });
  const outfile = path.join(outDir, 'index.js');

  let result;
  const trimsUsed = new Set();
  try {
    result = await build({
      absWorkingDir: root,
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      mainFields: ['module', 'main'],
      charset: 'utf8',
      plugins: [bundleTrimsPlugin(root, trimsUsed)],
      minify: true,
      sourcemap: false,
      legalComments: 'none',
      metafile: true,
      logLevel: 'silent',
      logOverride: Object.fromEntries(RUNTIME_WARNINGS.map((id) => [id, 'warning'])),
      define: { 'import.meta.url': '__bundleFileUrl', __EXTENSION_VERSION__: JSON.stringify(version) },
      banner: { js: 'var __bundleFileUrl=require("url").pathToFileURL(__filename).href;' },
    });
  } catch (err) {
    const errors = err.errors ?? [];
    for (const e of errors) {
      const loc = e.location ? `${e.location.file}:${e.location.line}: ` : '';
      console.error(`build: ${task}: ${loc}${e.text}`);
    }
    fail(`esbuild failed for tasks/${task}/index.ts`);
  }

  const warnings = result.warnings.filter(
    (w) => !ALLOWED_WARNINGS.some((a) => a.id === w.id && a.file.test(w.location?.file ?? '') && a.text.test(w.location?.lineText ?? '')),
  );
  if (warnings.length > 0) {
    for (const w of warnings) {
      const loc = w.location ? `${w.location.file}:${w.location.line}: ` : '';
      console.error(`build: ${task}: warning [${w.id}] ${loc}${w.text}`);
    }
    fail(
      `esbuild reported ${warnings.length} warning(s) for tasks/${task}; fix them or, if harmless, allow-list them in scripts/build.mjs with a reason`,
    );
  }

  const inputs = Object.keys(result.metafile.inputs);
  const packageRoots = new Set(inputs.map(packageRootOf).filter(Boolean));
  const taskLibCopies = [...packageRoots].filter((p) => p.endsWith(`node_modules/${TASK_LIB}`));
  if (taskLibCopies.length !== 1) {
    fail(
      `tasks/${task} bundles ${taskLibCopies.length} copies of ${TASK_LIB} (exactly one is required: ` +
        `each copy has its own secret vault): ${taskLibCopies.join(', ') || 'none'}`,
    );
  }

  // Older task-lib versions read lib.json and Strings/ relative to their own __dirname (which is
  // the task folder once bundled); newer ones embed them as lib-resource.js. Ship them only when needed.
  const taskLibRoot = path.join(root, taskLibCopies[0]);
  const embedded = inputs.includes(`${taskLibCopies[0]}/lib-resource.js`);
  if (!embedded) {
    fs.copyFileSync(path.join(taskLibRoot, 'lib.json'), path.join(outDir, 'lib.json'));
    if (fs.existsSync(path.join(taskLibRoot, 'Strings'))) {
      copyDir(path.join(taskLibRoot, 'Strings'), path.join(outDir, 'Strings'));
    }
  }

  fs.copyFileSync(taskJson, path.join(outDir, 'task.json'));
  fs.copyFileSync(icon, path.join(outDir, 'icon.png'));

  const bytes = fs.statSync(outfile).size;
  const perPackage = new Map();
  for (const [file, info] of Object.entries(Object.values(result.metafile.outputs)[0].inputs)) {
    const key = (packageRootOf(file) ?? '(project)').replace(/^.*node_modules\//, '');
    perPackage.set(key, (perPackage.get(key) ?? 0) + info.bytesInOutput);
  }
  const largest = [...perPackage]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([k, v]) => `${k} ${kb(v)}`)
    .join(', ');
  return { task, outfile, bytes, packageRoots, taskLibEmbedded: embedded, largest, trimsUsed };
}

// Start the bundle as the agent would, with no inputs, and look for signs it cannot run.
function smokeRun(task, outfile) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `smoke-${task}-`));
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: tmp,
    AGENT_TEMPDIRECTORY: tmp, // task-lib writes .taskkey here instead of the current folder
    SYSTEM_CULTURE: 'en-US',
  };
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [outfile], { cwd: tmp, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      out += '\n<smoke run killed after 30 s>';
    }, 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      fs.rmSync(tmp, { recursive: true, force: true });
      resolve({ code, out });
    });
  });
}

const SMOKE_PROBLEMS = [
  [/LIB_ResourceFile does not exist/, 'task-lib cannot find its resource file'],
  [/Resource file haven't been set/, 'task-lib has no loc strings (lib.json/Strings missing beside the bundle?)'],
  [/Can't find loc string for key/, 'a loc string is missing'],
  [/Unhandled: /, 'the task crashed with an unhandled error'],
  [/Cannot find module/, 'the bundle requires a module that is not in it'],
  [/<smoke run killed after 30 s>/, 'the task did not exit within 30 s when started without inputs'],
];

/** Every file path the manifest names: icons, content (details, license, changelog), screenshots, files. */
export function manifestPaths(manifest) {
  return [
    ...Object.values(manifest.icons ?? {}),
    ...Object.values(manifest.content ?? {}).map((c) => c.path),
    ...(manifest.screenshots ?? []).map((s) => s.path),
    ...(manifest.files ?? []).map((f) => f.path),
  ].map((p) => p.replace(/\\/g, '/').replace(/\/+$/, ''));
}

// Made by this script, not copied from the repository.
const GENERATED = ['ThirdPartyNotices.txt'];

function stageExtensionFiles(taskNames) {
  const manifestPath = path.join(root, 'vss-extension.json');
  if (!fs.existsSync(manifestPath)) fail('vss-extension.json is missing');
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));

  const listed = new Set((manifest.files ?? []).map((f) => f.path.replace(/\/$/, '')));
  for (const t of taskNames) {
    if (!listed.has(`tasks/${t}`)) fail(`vss-extension.json "files" does not list tasks/${t}`);
    const contributed = (manifest.contributions ?? []).some((c) => c.properties?.name === `tasks/${t}`);
    if (!contributed) fail(`vss-extension.json has no contribution for tasks/${t}`);
  }
  fs.copyFileSync(manifestPath, path.join(outRoot, 'vss-extension.json'));

  // Stage exactly what the manifest names, so nothing else can reach the .vsix; the tasks are
  // staged by bundleTask, the notices by writeThirdPartyNotices.
  for (const rel of manifestPaths(manifest)) {
    if (rel.startsWith('tasks/') || GENERATED.includes(rel)) continue;
    const from = path.join(root, rel);
    if (!fs.existsSync(from)) {
      const hint = rel.startsWith('images/screenshots/')
        ? ' (run `npm run screenshots`)'
        : rel.startsWith('images/')
          ? ' (run `node scripts/make-icons.mjs`)'
          : '';
      fail(`vss-extension.json names ${rel}, which does not exist${hint}`);
    }
    fs.mkdirSync(path.dirname(path.join(outRoot, rel)), { recursive: true });
    fs.cpSync(from, path.join(outRoot, rel), { recursive: true, dereference: true });
  }
  return manifest;
}

function writeThirdPartyNotices(packageRoots) {
  const sections = [];
  for (const rel of [...packageRoots].sort()) {
    const dir = path.join(root, rel);
    let pkg = {};
    try {
      pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    const licenseFiles = fs
      .readdirSync(dir)
      .filter((f) => /^(licen[cs]e|copying|notice)/i.test(f) && fs.statSync(path.join(dir, f)).isFile())
      .sort();
    const texts = licenseFiles.map((f) => fs.readFileSync(path.join(dir, f), 'utf8').trim());
    const license = typeof pkg.license === 'string' ? pkg.license : (pkg.license?.type ?? 'see package');
    sections.push(
      [`${pkg.name}@${pkg.version} (${license})`, ...(texts.length ? texts : ['(no license file in the package)'])].join('\n\n'),
    );
  }
  const header =
    'Third-party software bundled into the task files (index.js) of this extension.\n' +
    'Each entry is the package as installed from npm, with the license text it ships.\n';
  const sep = '\n\n' + '-'.repeat(78) + '\n\n';
  fs.writeFileSync(path.join(outRoot, 'ThirdPartyNotices.txt'), header + sep + sections.join(sep) + '\n');
  return sections.length;
}

async function main() {
  const taskNames = discoverTasks();
  if (taskNames.length === 0) fail('no task folders under tasks/');
  let version;
  try {
    version = packageVersion(root).text;
    const problems = versionProblems(root);
    if (problems.length > 0) {
      fail(
        `versions differ from package.json's ${version}: ${problems.map((p) => `${p.file} has ${p.found}`).join(', ')}; ` +
          'run `node scripts/sync-version.mjs` (npm version runs it)',
      );
    }
  } catch (e) {
    fail(e.message);
  }

  fs.rmSync(outRoot, { recursive: true, force: true });
  fs.mkdirSync(outRoot, { recursive: true });

  const bundles = await Promise.all(taskNames.map((t) => bundleTask(t, version)));
  stageExtensionFiles(taskNames);

  const allRoots = new Set(bundles.flatMap((b) => [...b.packageRoots]));
  const noticeCount = writeThirdPartyNotices(allRoots);

  let problems = 0;
  for (const b of bundles) {
    const { out } = await smokeRun(b.task, b.outfile);
    for (const [re, why] of SMOKE_PROBLEMS) {
      if (re.test(out)) {
        problems++;
        console.error(`build: ${b.task}: smoke run: ${why}`);
      }
    }
    if (SMOKE_PROBLEMS.some(([re]) => re.test(out))) {
      console.error(
        out
          .split('\n')
          .map((l) => `  | ${l}`)
          .join('\n'),
      );
    }
  }
  if (problems > 0) fail('bundled tasks do not start cleanly (see above)');

  for (const b of bundles) {
    console.log(
      `build: tasks/${b.task}/index.js ${b.bytes} bytes (${kb(b.bytes)}), ${b.packageRoots.size} packages, ` +
        `one ${TASK_LIB}${b.taskLibEmbedded ? ' (embedded strings)' : ' (+ lib.json, Strings/)'}`,
    );
  }
  const trimsUsed = new Set(bundles.flatMap((b) => [...b.trimsUsed]));
  console.log(`build: bundle trims applied: ${[...trimsUsed].join(', ') || 'none'} (scripts/bundle-trims.mjs)`);
  for (const t of TRIMS.filter((x) => !trimsUsed.has(x.id))) {
    console.log(`build: note: bundle trim ${t.id} matched nothing (its importer moved?); remove or update it`);
  }
  // DESIGN.md budget; measured and reported (bench/), not enforced here.
  for (const b of bundles.filter((x) => x.bytes > BUNDLE_BUDGET_BYTES)) {
    console.log(
      `build: note: tasks/${b.task}/index.js is over the ${kb(BUNDLE_BUDGET_BYTES)} per-task budget; largest packages: ${b.largest}`,
    );
  }
  console.log(`build: ThirdPartyNotices.txt lists ${noticeCount} packages`);
  console.log(`build: staged ${path.relative(root, outRoot)}/ for ${taskNames.length} task(s), version ${version}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
