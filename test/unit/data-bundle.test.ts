import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { parquetWriteBuffer } from 'hyparquet-writer';

/**
 * The readers bundle as a task bundles them (scripts/build.mjs: one CommonJS file, ESM builds first):
 * hyparquet is ESM-only, so this proves it is carried into a task's bundle and runs there.
 */
describe('data: the readers in a task-style bundle', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'data-bundle-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('bundles to one CommonJS file that reads Parquet, CSV and JSON Lines', async () => {
    const root = path.resolve(__dirname, '..', '..');
    const entry = path.join(dir, 'entry.ts');
    fs.writeFileSync(
      entry,
      `import { openData } from ${JSON.stringify(path.join(root, 'shared', 'data', 'open-data'))};
(async () => {
  for (const spec of process.argv.slice(2)) {
    const source = await openData(spec);
    let rows = 0;
    for await (const batch of source.batches()) rows += batch.length;
    console.log(JSON.stringify({ columns: source.columns, types: source.declaredTypes, rows }));
  }
})().catch((e) => { console.error(e.message); process.exit(1); });
`,
    );
    const outfile = path.join(dir, 'out.js');
    const result = await build({
      absWorkingDir: root,
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      mainFields: ['module', 'main'],
      logLevel: 'silent',
      metafile: true,
      define: { 'import.meta.url': '__bundleFileUrl' },
      banner: { js: 'var __bundleFileUrl=require("url").pathToFileURL(__filename).href;' },
    });
    assert.deepEqual(result.errors, []);
    assert.ok(
      Object.keys(result.metafile.inputs).some((f) => f.includes('node_modules/hyparquet/')),
      'hyparquet is in the bundle',
    );
    fs.writeFileSync(
      path.join(dir, 'x.parquet'),
      Buffer.from(parquetWriteBuffer({ columnData: [{ name: 'a', data: [1, 2, 3], type: 'INT32' }] })),
    );
    fs.writeFileSync(path.join(dir, 'x.csv'), 'a,b\n1,2\n');
    fs.writeFileSync(path.join(dir, 'x.jsonl'), '{"a":1}\n');
    // Run from the temp folder: nothing may be resolved from the repository's node_modules at run time.
    const out = execFileSync(process.execPath, [outfile, 'x.parquet', 'x.csv', 'x.jsonl'], { cwd: dir, encoding: 'utf8' });
    assert.deepEqual(
      out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
      [
        { columns: ['a'], types: ['integer'], rows: 3 },
        { columns: ['a', 'b'], types: [null, null], rows: 1 },
        { columns: ['a'], types: [null], rows: 1 },
      ],
    );
  });
});
