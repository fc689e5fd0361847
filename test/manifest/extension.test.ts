// vss-extension.json, overview.md and icons: a new tasks/<Task>/ folder cannot be forgotten in
// the manifest, and the Marketplace page's example stays true to the task's inputs.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readJson, readPng, readTaskJson, repoRoot, taskFolders } from './helpers';

interface Manifest {
  manifestVersion: number;
  id: string;
  publisher: string;
  version: string;
  name: string;
  categories: string[];
  targets: { id: string }[];
  galleryFlags?: string[];
  icons: { default: string };
  repository?: { type: string; uri: string };
  links?: Record<string, { uri: string }>;
  content: Record<string, { path: string }>;
  screenshots?: { path: string }[];
  files: { path: string }[];
  contributions: { id: string; type: string; targets: string[]; properties: { name: string } }[];
}

const manifest = readJson<Manifest>(path.join(repoRoot, 'vss-extension.json'));
const tasks = taskFolders();
const normalise = (p: string) => p.replace(/\\/g, '/').replace(/\/+$/, '');

describe('vss-extension.json', () => {
  it('has the identity and gallery fields the Marketplace requires', () => {
    assert.equal(manifest.manifestVersion, 1);
    assert.equal(manifest.id, 'azureml-mlops-tasks');
    assert.match(manifest.publisher, /^[A-Za-z0-9][A-Za-z0-9-]*$/);
    assert.match(manifest.version, /^\d+\.\d+\.\d+$/);
    assert.ok(manifest.name.length > 0);
    assert.deepEqual(manifest.categories, ['Azure Pipelines']);
    assert.deepEqual(manifest.targets, [{ id: 'Microsoft.VisualStudio.Services' }]);
    assert.equal(manifest.icons.default, 'images/extension-icon.png');
    assert.equal(manifest.content.details.path, 'overview.md');
    assert.ok(fs.existsSync(path.join(repoRoot, 'overview.md')), 'overview.md missing');
  });

  it('shows the license and the change log on the Marketplace page, from files that exist', () => {
    assert.equal(manifest.content.license?.path, 'LICENSE');
    assert.equal(manifest.content.changelog?.path, 'CHANGELOG.md');
    for (const { path: p } of Object.values(manifest.content)) assert.ok(fs.existsSync(path.join(repoRoot, p)), `${p} missing`);
  });

  it('links the repository, its issues and its license (one GitHub repository for all)', () => {
    const repo = manifest.repository;
    assert.equal(repo?.type, 'git');
    assert.match(repo!.uri, /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+$/);
    const links = manifest.links ?? {};
    for (const key of ['getstarted', 'support', 'issues', 'license', 'repository']) {
      assert.ok(links[key]?.uri.startsWith(repo!.uri), `links.${key} must point into ${repo!.uri}`);
    }
    assert.equal(links.issues.uri, `${repo!.uri}/issues`);
    assert.equal(links.license.uri, `${repo!.uri}/blob/main/LICENSE`);
  });

  it('is marked Preview while the operations half (data checks, drift, monitoring, retraining, infrastructure) has not shipped', () => {
    // Remove the flag in the release that ships them; README and CHANGELOG say so too.
    assert.deepEqual(manifest.galleryFlags, ['Preview']);
    const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const changelog = fs.readFileSync(path.join(repoRoot, 'CHANGELOG.md'), 'utf8');
    for (const [name, text] of [
      ['README.md', readme],
      ['CHANGELOG.md', changelog],
    ]) {
      assert.match(text, /\*\*Preview\*\*/, `${name} must say why the extension is marked Preview`);
    }
  });

  it('has screenshots: PNGs under images/screenshots/ of at most 300 KB, each shown in overview.md', () => {
    const shots = manifest.screenshots ?? [];
    assert.ok(shots.length > 0, 'no screenshots');
    const overview = fs.readFileSync(path.join(repoRoot, 'overview.md'), 'utf8');
    for (const { path: p } of shots) {
      assert.match(p, /^images\/screenshots\/[\w-]+\.png$/);
      const file = path.join(repoRoot, p);
      const png = readPng(file);
      assert.ok(png.width >= 800 && png.height >= 300, `${p} is ${png.width}x${png.height}`);
      assert.ok(fs.statSync(file).size <= 300 * 1024, `${p} is over 300 KB (npm run screenshots)`);
      assert.ok(overview.includes(`](${p})`), `overview.md does not show ${p}`);
    }
  });

  for (const task of tasks) {
    it(`contributes tasks/${task} and packages its folder`, () => {
      const contributions = manifest.contributions.filter((c) => c.properties?.name === `tasks/${task}`);
      assert.equal(contributions.length, 1, `exactly one contribution with properties.name "tasks/${task}" is needed`);
      const [c] = contributions;
      assert.equal(c.type, 'ms.vss-distributed-task.task');
      assert.deepEqual(c.targets, ['ms.vss-distributed-task.tasks']);
      assert.ok(
        manifest.files.some((f) => normalise(f.path) === `tasks/${task}`),
        `"files" must list { "path": "tasks/${task}" }`,
      );
    });
  }

  it('lists no task contribution or task folder that does not exist', () => {
    for (const c of manifest.contributions.filter((x) => x.type === 'ms.vss-distributed-task.task')) {
      assert.ok(tasks.includes(c.properties.name.replace(/^tasks\//, '')), `contribution ${c.id} points at missing ${c.properties.name}`);
    }
    for (const f of manifest.files.filter((x) => normalise(x.path).startsWith('tasks/'))) {
      assert.ok(tasks.includes(normalise(f.path).slice('tasks/'.length)), `files entry ${f.path} does not exist`);
    }
  });

  it('has unique contribution ids', () => {
    const ids = manifest.contributions.map((c) => c.id);
    assert.deepEqual([...new Set(ids)], ids);
  });

  it('packages only tasks and the third-party notices as "files" (no pipeline-templates/: templates are used from a repository)', () => {
    // Azure Pipelines reads `template:` files only from a repository (resources.repositories), never
    // from an installed extension; the icon, content and screenshots are packaged through their own keys.
    const others = manifest.files.map((f) => normalise(f.path)).filter((p) => !p.startsWith('tasks/'));
    assert.deepEqual(others, ['ThirdPartyNotices.txt']);
  });
});

describe('overview.md', () => {
  const overview = fs.readFileSync(path.join(repoRoot, 'overview.md'), 'utf8');

  it('names every task that exists', () => {
    for (const task of tasks) assert.ok(overview.includes(`${task}@`), `overview.md does not mention ${task}`);
  });

  it('marks only tasks that do not exist yet as coming', () => {
    for (const line of overview.split('\n').filter((l) => /^\|\s*`AzureML\w+@\d+`/.test(l))) {
      const name = line.match(/`(AzureML\w+)@/)![1];
      const coming = /coming/i.test(line);
      assert.equal(coming, !tasks.includes(name), `${name}: ${coming ? 'marked as coming but it exists' : 'exists? mark it as coming'}`);
    }
  });

  it('YAML examples use only inputs the tasks define (names or aliases)', () => {
    const blocks = [...overview.matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((m) => m[1]);
    assert.ok(blocks.length > 0, 'no YAML example');
    let checked = 0;
    for (const block of blocks) {
      const lines = block.split('\n');
      for (let i = 0; i < lines.length; i++) {
        const m = lines[i].match(/^(\s*)-\s*task:\s*([A-Za-z0-9-]+)@(\d+)/);
        if (!m || !tasks.includes(m[2])) continue;
        const accepted = new Set(readTaskJson(m[2]).inputs?.flatMap((inp) => [inp.name, ...(inp.aliases ?? [])]));
        const stepIndent = m[1].length;
        let inputsIndent = -1;
        // Lines of a block scalar (`rules: |`) are the input's value, not more inputs.
        let blockIndent = -1;
        for (let j = i + 1; j < lines.length; j++) {
          const indent = lines[j].search(/\S/);
          if (indent < 0) continue;
          if (blockIndent >= 0 && indent > blockIndent) continue;
          blockIndent = -1;
          if (indent <= stepIndent) break;
          if (/^\s*inputs:\s*$/.test(lines[j])) {
            inputsIndent = indent;
            continue;
          }
          if (inputsIndent >= 0 && indent > inputsIndent) {
            const key = lines[j].trim().split(':')[0];
            assert.ok(accepted.has(key), `${m[2]}@${m[3]} example uses unknown input "${key}"`);
            checked++;
            if (/:\s*[|>][-+]?\s*$/.test(lines[j])) blockIndent = indent;
          } else if (inputsIndent >= 0) {
            inputsIndent = -1;
          }
        }
      }
    }
    assert.ok(checked > 0, 'no example inputs of an existing task were checked');
  });
});

describe('icons', () => {
  it('images/extension-icon.png is a 128x128 RGBA PNG', () => {
    const png = readPng(path.join(repoRoot, 'images', 'extension-icon.png'));
    assert.deepEqual([png.width, png.height], [128, 128]);
    assert.equal(png.colourType, 6);
  });

  for (const task of tasks) {
    it(`tasks/${task}/icon.png is a 32x32 PNG`, () => {
      const png = readPng(path.join(repoRoot, 'tasks', task, 'icon.png'));
      assert.deepEqual([png.width, png.height], [32, 32]);
    });
  }
});
