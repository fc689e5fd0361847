// One version: package.json's. Every task.json, the staged manifest, the user agent (from source and
// inside each bundle) carry it, and the `@N` the docs and templates tell users to type is the task's
// major version. scripts/sync-version.mjs (run by `npm version`) writes it; scripts/build.mjs refuses a mismatch.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { USER_AGENT } from '../../shared/azureml/user-agent';
import { readJson, readTaskJson, repoRoot, stageDir, taskFolders } from './helpers';

const pkg = readJson<{ version: string }>(path.join(repoRoot, 'package.json'));
const tasks = taskFolders();

/** Runs `code` with `m` = scripts/sync-version.mjs (an ES module) and returns what it prints as JSON. */
function syncScript(code: string, ...args: string[]): unknown {
  const url = pathToFileURL(path.join(repoRoot, 'scripts', 'sync-version.mjs')).href;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(url)}); ${code}`, ...args], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

function taskVersion(task: string): string {
  const v = readTaskJson(task).version as { Major: number; Minor: number; Patch: number };
  return `${v.Major}.${v.Minor}.${v.Patch}`;
}

/** User-facing text that names tasks as `Name@N`: the READMEs, the Marketplace page and the templates. */
function docFiles(): string[] {
  const out = ['README.md', 'overview.md'];
  const walk = (rel: string) => {
    for (const d of fs.readdirSync(path.join(repoRoot, rel), { withFileTypes: true })) {
      const child = path.posix.join(rel, d.name);
      if (d.isDirectory()) walk(child);
      else if (/\.(md|ya?ml)$/.test(d.name)) out.push(child);
    }
  };
  walk('pipeline-templates');
  return out;
}

describe('one version (package.json)', () => {
  it('package.json has a plain MAJOR.MINOR.PATCH version (task.json has no pre-release field)', () => {
    assert.match(pkg.version, /^\d+\.\d+\.\d+$/);
  });

  for (const task of tasks) {
    it(`tasks/${task}/task.json has version ${pkg.version}`, () => {
      assert.equal(taskVersion(task), pkg.version, 'run `node scripts/sync-version.mjs` (npm version runs it)');
    });
  }

  it('vss-extension.json has the same version', () => {
    assert.equal(readJson<{ version: string }>(path.join(repoRoot, 'vss-extension.json')).version, pkg.version);
  });

  it('the user agent names it when the tasks run from source (tests, tsx)', () => {
    assert.equal(USER_AGENT, `azureml-mlops-tasks/${pkg.version}`);
  });

  it('CHANGELOG.md has a section for it', () => {
    const changelog = fs.readFileSync(path.join(repoRoot, 'CHANGELOG.md'), 'utf8');
    assert.match(changelog, new RegExp(`^## \\[${pkg.version.replace(/\./g, '\\.')}\\] - \\d{4}-\\d{2}-\\d{2}$`, 'm'));
  });

  it('no other file writes the version by hand', () => {
    // Mentions of the exact version outside package.json, its lock file, the change log (whose job is
    // to name versions) and the files scripts/sync-version.mjs writes.
    const synced = syncScript(`console.log(JSON.stringify(m.versionedFiles()))`) as string[];
    const exclude = ['package.json', 'package-lock.json', 'CHANGELOG.md', ...synced].map((f) => `:!${f.replace(/\\/g, '/')}`);
    const pattern = `(^|[^0-9.])${pkg.version.replace(/\./g, '\\.')}([^0-9]|$)`;
    const r = spawnSync('git', ['grep', '-lE', pattern, '--', '.', ...exclude], { cwd: repoRoot, encoding: 'utf8' });
    // 0: found, 1: none; anything else (not a git checkout, no git) must not pass as "none found".
    assert.ok(r.status === 0 || r.status === 1, `git grep could not run (status ${r.status}): ${r.stderr || r.error?.message}`);
    assert.deepEqual(r.stdout.split('\n').filter(Boolean), []);
  });

  describe('the staged extension (build/extension)', () => {
    before(function () {
      // npm test builds first; when mocha runs alone, build the stage (bundling only, no tsc).
      if (!fs.existsSync(path.join(stageDir, 'vss-extension.json'))) {
        this.timeout(300_000);
        const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, encoding: 'utf8' });
        assert.equal(r.status, 0, `scripts/build.mjs failed:\n${r.stdout}${r.stderr}`);
      }
    });

    it(`the staged manifest has version ${pkg.version}`, () => {
      assert.equal(readJson<{ version: string }>(path.join(stageDir, 'vss-extension.json')).version, pkg.version);
    });

    for (const task of tasks) {
      it(`tasks/${task}/index.js carries the user agent azureml-mlops-tasks/${pkg.version} as a literal (set at build time)`, () => {
        const code = fs.readFileSync(path.join(stageDir, 'tasks', task, 'index.js'), 'utf8');
        assert.ok(code.includes(`azureml-mlops-tasks/${pkg.version}`), 'the build did not define __EXTENSION_VERSION__');
        const staged = readJson<{ version: { Major: number; Minor: number; Patch: number } }>(
          path.join(stageDir, 'tasks', task, 'task.json'),
        ).version;
        assert.equal(`${staged.Major}.${staged.Minor}.${staged.Patch}`, pkg.version);
      });
    }
  });

  it("the version check (scripts/build.mjs runs it) names a task.json whose version is not package.json's", function () {
    this.timeout(60_000);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'version-check-'));
    try {
      fs.copyFileSync(path.join(repoRoot, 'package.json'), path.join(tmp, 'package.json'));
      fs.copyFileSync(path.join(repoRoot, 'vss-extension.json'), path.join(tmp, 'vss-extension.json'));
      fs.mkdirSync(path.join(tmp, 'tasks', tasks[0]), { recursive: true });
      const text = fs.readFileSync(path.join(repoRoot, 'tasks', tasks[0], 'task.json'), 'utf8');
      fs.writeFileSync(path.join(tmp, 'tasks', tasks[0], 'task.json'), text.replace(/"Patch":\s*\d+/, '"Patch": 999'));
      const problems = syncScript('console.log(JSON.stringify(m.versionProblems(process.argv[1])))', tmp) as {
        file: string;
        found: string;
        expected: string;
      }[];
      assert.deepEqual(
        problems.map((p) => p.file),
        [path.join('tasks', tasks[0], 'task.json')],
      );
      assert.match(problems[0].found, /\.999$/);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('task majors in the docs and templates', () => {
  const majors = new Map(tasks.map((t) => [t, (readTaskJson(t).version as { Major: number }).Major]));

  for (const file of docFiles()) {
    it(`${file} names every task with its current major (Name@N)`, () => {
      const text = fs.readFileSync(path.join(repoRoot, file), 'utf8');
      const wrong = [...text.matchAll(/\b(AzureML[A-Za-z]+)@(\d+)/g)]
        .filter(([, name]) => majors.has(name)) // tasks still to come are not checked
        .filter(([, name, n]) => Number(n) !== majors.get(name))
        .map(([m]) => m);
      assert.deepEqual([...new Set(wrong)], [], `task.json majors: ${[...majors].map(([t, m]) => `${t}@${m}`).join(', ')}`);
    });
  }
});
