import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMPARE_VARIABLES, HANDOFF_VARIABLES, VALIDATE_VARIABLES } from '../../shared/task/handoff-variables';

// The `AzureML.*` job variables are public names: users meet them in the templates, the task.json
// defaults and the README. The code takes them from one module; this keeps the text in step with it.
const ROOT = path.resolve(__dirname, '..', '..');
const NAMES: string[] = [...Object.values(HANDOFF_VARIABLES), ...Object.values(COMPARE_VARIABLES), ...Object.values(VALIDATE_VARIABLES)];

function filesUnder(dir: string, ext: RegExp): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => ext.test(f))
    .map((f) => path.join(dir, f));
}

const TEXTS = [
  ...filesUnder('pipeline-templates', /\.ya?ml$/),
  ...filesUnder('tasks', /task\.json$/),
  'README.md',
  'overview.md',
  'pipeline-templates/README.md',
  'test/templates/README.md',
];

/** `AzureML.JobName`, or `AzureML.Compare.*` as a prefix (task names such as AzureMLDeployModel have no dot). */
function mentions(text: string): string[] {
  return [...text.matchAll(/\bAzureML\.[A-Za-z][A-Za-z.]*\*?/g)].map((m) => m[0].replace(/\.$/, ''));
}

const known = (mention: string) =>
  mention.endsWith('.*') ? NAMES.some((n) => n.startsWith(mention.slice(0, -1))) : NAMES.includes(mention);

describe('AzureML.* hand-off variables: docs, templates and code name the same variables', () => {
  it('finds the mentions it checks (templates, task.json defaults, README)', () => {
    const found = new Set(TEXTS.flatMap((f) => mentions(fs.readFileSync(path.join(ROOT, f), 'utf8'))));
    for (const expected of [HANDOFF_VARIABLES.jobName, HANDOFF_VARIABLES.packageManifest, HANDOFF_VARIABLES.modelVersion])
      assert.ok(found.has(expected), `${expected} not found in ${TEXTS.length} files`);
  });

  it('every AzureML.* name a template, task.json or document uses is one the tasks set', () => {
    const unknown = TEXTS.flatMap((f) =>
      mentions(fs.readFileSync(path.join(ROOT, f), 'utf8'))
        .filter((m) => !known(m))
        .map((m) => `${f}: ${m}`),
    );
    assert.deepEqual(unknown, [], `not in shared/task/handoff-variables.ts: ${unknown.join(', ')}`);
  });

  it('the README documents every variable the tasks hand over', () => {
    const readme = mentions(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
    const undocumented = NAMES.filter((n) => !readme.some((m) => m === n || (m.endsWith('.*') && n.startsWith(m.slice(0, -1)))));
    assert.deepEqual(undocumented, []);
  });

  it('names are unique and under the AzureML. prefix', () => {
    assert.equal(new Set(NAMES.map((n) => n.toLowerCase())).size, NAMES.length, 'variable names are case-insensitive in Azure Pipelines');
    for (const n of NAMES) assert.match(n, /^AzureML\.[A-Za-z]+(\.[A-Za-z]+)?$/);
  });
});
