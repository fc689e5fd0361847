import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openJsonLines } from '../../shared/data/readers/jsonl';
import { LocalLocation } from '../../shared/data/sources/local';
import { allRows, rejectsWithUserError, writeIn } from '../support/data-rows';

/** One line as Azure ML's data collector writes it (azureml-ai-monitoring's Collector). */
const event = (collection: string, data: unknown) =>
  JSON.stringify({
    specversion: '1.0',
    id: 'aaaaaaaa-0000-1111-2222-bbbbbbbbbbbb',
    source:
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/onlineEndpoints/e/deployments/blue',
    type: `azureml.inference.${collection}`,
    datacontenttype: 'application/json',
    time: '2024-05-25T08:59:48Z',
    data,
    correlationid: 'c',
    xrequestid: 'x',
    modelversion: 'default',
    collectdatatype: 'pandas.core.frame.DataFrame',
    agent: 'azureml-ai-monitoring/1.0.0',
  });

describe('data: JSON Lines reader', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'data-jsonl-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => new LocalLocation(writeIn(dir, name, text)).asFile();
  const rows = allRows;
  const rejects = rejectsWithUserError;

  it('takes the union of keys in first-seen order (a key first seen late is a column too), null where a row lacks one', async () => {
    const file = write('a.jsonl', '{"a":1,"b":"x"}\r\n\n{"b":"y","c":true}\n{"a":null,"d":{"k":[1,2]}}');
    const source = await openJsonLines([file], { description: 'a.jsonl' });
    assert.deepEqual(source.columns, ['a', 'b', 'c', 'd']);
    assert.deepEqual(source.declaredTypes, [undefined, undefined, undefined, undefined]);
    const expected = [
      [1, 'x', null, null],
      [null, 'y', true, null],
      [null, null, null, '{"k":[1,2]}'],
    ];
    assert.deepEqual(await rows(source), expected);
    assert.deepEqual(await rows(source), expected, 'batches() starts again');
  });

  it('reads data collector events: a batch of rows (pandas records) and a single object', async () => {
    const file = write(
      'collector/model_inputs/2024/05/25/08/0.jsonl',
      [
        event('model_inputs', [
          { age: 43, bmi: 27.3 },
          { age: 51, bmi: null },
        ]),
        event('model_inputs', { age: 22, bmi: 31.1, sex: 'f' }),
      ].join('\n') + '\n',
    );
    const source = await openJsonLines([file], { description: 'collector' });
    assert.deepEqual(source.columns, ['age', 'bmi', 'sex']);
    assert.deepEqual(await rows(source), [
      [43, 27.3, null],
      [51, null, null],
      [22, 31.1, 'f'],
    ]);
  });

  it('refuses collector events whose data are not rows, naming the line', async () => {
    await rejects(
      openJsonLines([write('bad-event.jsonl', `${event('model_inputs', [{ a: 1 }])}\n${event('model_inputs', 'text')}\n`)], {
        description: 'x',
      }),
      /bad-event\.jsonl: line 2: the data collector event's data is a string, not rows/,
    );
    await rejects(
      openJsonLines([write('bad-row.jsonl', `${event('model_inputs', [{ a: 1 }, [1, 2]])}\n`)], { description: 'x' }),
      /line 1: the data collector event's data\[1\] is an array, not a row object/,
    );
  });

  it('names the line that is not JSON or not an object; drops invalid lines when asked', async () => {
    const file = write('broken.jsonl', '{"a":1}\n{"a":\n{"a":3}\n');
    await rejects(
      openJsonLines([file], { description: 'broken' }),
      /broken\.jsonl: line 2 is not valid JSON \(.*\); JSON Lines needs one JSON object per line/,
    );
    assert.deepEqual(await rows(await openJsonLines([file], { description: 'broken', invalidLines: 'drop' })), [[1], [3]]);
    await rejects(
      openJsonLines([write('array.jsonl', '[1,2]\n')], { description: 'x' }),
      /array\.jsonl: line 1 is an array, not an object/,
    );
  });

  it('refuses files with no rows', async () => {
    await rejects(openJsonLines([write('empty.jsonl', '\n\n')], { description: 'empty.jsonl' }), /empty\.jsonl holds no rows/);
  });

  it('reads several files in the order given, with a path column', async () => {
    const a = write('m/a.jsonl', '{"x":1}\n');
    const b = write('m/b.jsonl', '{"y":2}\n');
    const source = await openJsonLines([a, b], { description: 'm', pathColumn: 'Path' });
    assert.deepEqual(source.columns, ['x', 'y', 'Path']);
    assert.deepEqual(await rows(source), [
      [1, null, a.description],
      [null, 2, b.description],
    ]);
  });
});
