// Every task's "Learn more" link (helpUrl) opens its own section of the README on GitHub, and its
// release notes (shown by the classic editor) describe the current minor release.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readJson, readTaskJson, repoRoot, taskFolders } from './helpers';

/** The anchors GitHub gives a markdown file's headings (lower-cased, punctuation dropped, spaces to '-', repeats numbered). */
export function githubAnchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const m = !fenced && /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const text = m[1].replace(/`/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

const manifest = readJson<{ repository: { uri: string } }>(path.join(repoRoot, 'vss-extension.json'));
const pkg = readJson<{ version: string }>(path.join(repoRoot, 'package.json'));
const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');

describe('task help links and release notes', () => {
  it('the anchor rule matches GitHub for the headings this README uses', () => {
    const a = githubAnchors(
      '## AzureMLPublishPipeline@1\n## Bad weather: retries, idempotent writes, cancellation\n## Two commands\n## Two commands\n```\n## not a heading\n```\n',
    );
    assert.deepEqual(
      [...a],
      ['azuremlpublishpipeline1', 'bad-weather-retries-idempotent-writes-cancellation', 'two-commands', 'two-commands-1'],
    );
  });

  const anchors = githubAnchors(readme);
  const [major, minor] = pkg.version.split('.');

  for (const task of taskFolders()) {
    describe(`tasks/${task}/task.json`, () => {
      const tj = readTaskJson(task);

      it('helpUrl opens the README section of this task on GitHub', () => {
        const prefix = `${manifest.repository.uri}/blob/main/README.md#`;
        const helpUrl = tj.helpUrl as string;
        assert.ok(typeof helpUrl === 'string' && helpUrl.startsWith(prefix), `helpUrl must start with ${prefix}`);
        const anchor = helpUrl.slice(prefix.length);
        assert.ok(anchors.has(anchor), `README.md has no heading with anchor #${anchor}`);
        const version = tj.version as { Major: number };
        assert.equal(anchor, `${task.toLowerCase()}${version.Major}`, `the section must be the task's own (## ${task}@${version.Major})`);
      });

      it(`releaseNotes describe this release (${major}.${minor}, from CHANGELOG.md)`, () => {
        const notes = tj.releaseNotes as string;
        assert.ok(typeof notes === 'string' && notes.trim().length > 20, 'releaseNotes missing or empty');
        assert.ok(
          notes.startsWith(`${major}.${minor}: `),
          `releaseNotes must start with "${major}.${minor}: " (update them from CHANGELOG.md when the minor changes)`,
        );
      });
    });
  }
});
