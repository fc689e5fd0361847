import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadAllTraffic, saveTraffic } from '../../devkit/traffic';

const pair = (n: number) => ({
  liveRequest: { method: 'GET', url: `https://127.0.0.1/x/${n}?api-version=2022-10-01`, headers: {}, body: undefined },
  liveResponse: { statusCode: '200', headers: { 'content-type': 'application/json' }, body: { n } },
});

describe('devkit/traffic: saved request/response pairs', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'traffic-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('writes <label>/<n>.json and loads them back in order', () => {
    const dir = saveTraffic(Array.from({ length: 11 }, (_, i) => pair(i + 1)), '/abs/test/tasks/wait-for-run.test.ts', root);
    assert.strictEqual(path.basename(dir), 'wait-for-run');
    assert.ok(fs.existsSync(path.join(dir, '11.json')));
    saveTraffic([pair(100)], 'a label', root);
    const all = loadAllTraffic(root);
    assert.deepStrictEqual(
      all.map((s) => `${s.label}/${s.index}`),
      ['a_label/1', ...Array.from({ length: 11 }, (_, i) => `wait-for-run/${i + 1}`)],
    );
    assert.deepStrictEqual(all[0]?.pair.liveResponse.body, { n: 100 });
  });

  it('replaces a label on re-save, so stale traffic of a test never lingers', () => {
    saveTraffic([pair(1), pair(2), pair(3)], 't', root);
    saveTraffic([pair(9)], 't', root);
    assert.deepStrictEqual(loadAllTraffic(root).map((s) => s.index), [1]);
  });

  it('rejects entries that are not traffic pairs', () => {
    assert.throws(() => saveTraffic([{ request: {} }], 't', root), /entry #1 is not \{liveRequest/);
  });

  it('loads nothing from a missing folder', () => {
    assert.deepStrictEqual(loadAllTraffic(path.join(root, 'nope')), []);
  });
});
