// The bundles and the .vsix: runs the packaging itself (scripts/package.mjs over the staged
// build/extension) and checks what the Marketplace and the agent will receive.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { isBuiltin } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { listZipEntries } from '../../scripts/lib/zip.mjs';
import { repoRoot, stageDir, taskFolders } from './helpers';

function runScript(script: string, args: string[] = []) {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', script), ...args], { cwd: repoRoot, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

const tasks = taskFolders();

describe('task bundles (build/extension)', () => {
  before(function () {
    // npm test builds first; when mocha runs alone, build the stage (bundling only, no tsc).
    if (!fs.existsSync(path.join(stageDir, 'vss-extension.json'))) {
      this.timeout(300_000);
      const r = runScript('build.mjs');
      assert.equal(r.status, 0, `scripts/build.mjs failed:\n${r.output}`);
    }
  });

  for (const task of tasks) {
    it(`tasks/${task}/index.js is one self-contained file without source maps`, () => {
      const dir = path.join(stageDir, 'tasks', task);
      const js = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(c?js|mjs|map)$/.test(f));
      assert.deepEqual(js, ['index.js'], `only index.js may be staged, found ${js.join(', ')}`);
      const code = fs.readFileSync(path.join(dir, 'index.js'), 'utf8');
      assert.ok(!/sourceMappingURL=/.test(code), 'bundle references a source map');
      const external = [...code.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]).filter((m) => !isBuiltin(m));
      assert.deepEqual([...new Set(external)], [], 'bundle requires modules that are not bundled');
    });
  }
});

describe('npm run package (scripts/package.mjs)', () => {
  let output = '';
  let status: number | null = null;
  let vsix = '';
  let entries: string[] = [];

  before(function () {
    this.timeout(300_000);
    if (!fs.existsSync(path.join(stageDir, 'vss-extension.json'))) {
      const b = runScript('build.mjs');
      assert.equal(b.status, 0, `scripts/build.mjs failed:\n${b.output}`);
    }
    const r = runScript('package.mjs');
    output = r.output;
    status = r.status;
    const dist = path.join(repoRoot, 'dist');
    const files = fs.existsSync(dist) ? fs.readdirSync(dist).filter((f) => f.endsWith('.vsix')) : [];
    if (files.length === 1) {
      vsix = path.join(dist, files[0]);
      entries = listZipEntries(vsix).map((e) => e.name);
    }
  });

  it('succeeds and writes exactly one .vsix', () => {
    assert.equal(status, 0, `package.mjs failed:\n${output}`);
    assert.ok(vsix, `expected one .vsix in dist/:\n${output}`);
  });

  it('tfx printed no warning: line', () => {
    const warnings = output.split('\n').filter((l) => /warning:/i.test(l));
    assert.deepEqual(warnings, []);
    assert.match(output, /Completed operation: create extension/);
  });

  it('the .vsix holds no node_modules', () => {
    assert.ok(entries.length > 0);
    assert.deepEqual(
      entries.filter((e) => /(^|\/)node_modules(\/|$)/.test(e)),
      [],
    );
  });

  for (const task of tasks) {
    it(`the .vsix holds tasks/${task}/index.js, task.json and icon.png`, () => {
      for (const f of ['index.js', 'task.json', 'icon.png']) {
        assert.ok(entries.includes(`tasks/${task}/${f}`), `tasks/${task}/${f} missing from the .vsix`);
      }
    });
  }

  it('the .vsix holds the manifest, overview, license, change log, icon, screenshots and third-party notices', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'vss-extension.json'), 'utf8')) as { screenshots: { path: string }[] };
    const expected = [
      'extension.vsixmanifest',
      'overview.md',
      'LICENSE',
      'CHANGELOG.md',
      'images/extension-icon.png',
      'ThirdPartyNotices.txt',
      ...manifest.screenshots.map((s) => s.path),
    ];
    for (const f of expected) assert.ok(entries.includes(f), `${f} missing from the .vsix`);
  });

  it('the .vsix holds nothing else (no pipeline-templates/, sources or tests)', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'vss-extension.json'), 'utf8')) as { screenshots: { path: string }[] };
    const allowed = new Set([
      'extension.vsixmanifest',
      'extension.vsomanifest',
      '[Content_Types].xml',
      'overview.md',
      'LICENSE',
      'CHANGELOG.md',
      'images/extension-icon.png',
      'ThirdPartyNotices.txt',
      ...manifest.screenshots.map((s) => s.path),
    ]);
    const files = entries.filter((e) => !e.endsWith('/'));
    const unexpected = files.filter(
      (e) => !allowed.has(e) && !/^tasks\/[^/]+\/(index\.js|task\.json|icon\.png|lib\.json|Strings\/.+)$/.test(e),
    );
    assert.deepEqual(unexpected, []);
  });

  it('fails, and keeps no .vsix, when tfx warns about a task (a task.json target that does not exist)', function () {
    this.timeout(120_000);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vsix-warn-'));
    try {
      const broken = path.join(tmp, 'stage');
      fs.cpSync(stageDir, broken, { recursive: true });
      fs.rmSync(path.join(broken, 'tasks', tasks[0], 'index.js'));
      const out = path.join(tmp, 'dist');
      const r = runScript('package.mjs', ['--root', broken, '--out', out]);
      assert.notEqual(r.status, 0, `package.mjs should fail:\n${r.output}`);
      assert.match(r.output, /warning:/);
      assert.deepEqual(fs.existsSync(out) ? fs.readdirSync(out).filter((f) => f.endsWith('.vsix')) : [], []);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
