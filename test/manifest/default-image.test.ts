// AzureMLPackageModel@1's default inference image is pinned to a published tag, never `latest`
// (staging and production, and this release and the next, must build from the same base), and the
// templates and docs offer the same default as the task.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readTaskJson, repoRoot } from './helpers';

const image = (readTaskJson('AzureMLPackageModel').inputs ?? []).find((i) => i.name === 'image')?.defaultValue as string;

describe('the default inference image', () => {
  it('is an mcr.microsoft.com/azureml image pinned to a dated tag (YYYYMMDD.vN), not latest', () => {
    assert.match(image, /^mcr\.microsoft\.com\/azureml\/[a-z0-9.-]+:\d{8}\.v\d+$/);
  });

  for (const file of ['pipeline-templates/ml-release.yml', 'pipeline-templates/steps/package-model.yml']) {
    it(`${file} offers the same default`, () => {
      const text = fs.readFileSync(path.join(repoRoot, file), 'utf8');
      const m = /- name: image\s*\n\s*type: string\s*\n\s*default:\s*(\S+)/.exec(text);
      assert.ok(m, `${file} has no image parameter with a default`);
      assert.equal(m[1], image);
    });
  }

  it('README.md shows it, and no file of the product names an inference image by :latest', () => {
    assert.ok(fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8').includes(image), 'README.md does not show the default image');
    const files = [
      'README.md',
      'overview.md',
      'shared/package/package-inputs.ts',
      'tasks/AzureMLPackageModel/task.json',
      'pipeline-templates/ml-release.yml',
      'pipeline-templates/steps/package-model.yml',
    ];
    for (const f of files)
      assert.doesNotMatch(fs.readFileSync(path.join(repoRoot, f), 'utf8'), /-inference:latest\b/, `${f} names an image by :latest`);
  });
});
