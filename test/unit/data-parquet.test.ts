import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { limitHeapGrowth } from '../../shared/data/heap-growth';
import { openParquet } from '../../shared/data/readers/parquet';
import { LocalLocation } from '../../shared/data/sources/local';
import { allRows, rejectsWithUserError, writeIn } from '../support/data-rows';

type WriteOptions = Parameters<typeof parquetWriteBuffer>[0];

describe('data: Parquet reader', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'data-parquet-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, options: WriteOptions) =>
    new LocalLocation(writeIn(dir, name, Buffer.from(parquetWriteBuffer(options)))).asFile();
  const rows = allRows;
  const rejects = rejectsWithUserError;

  it('reads every row of several row groups, in order, in batches of at most 1024', async () => {
    const n = 5000;
    const file = write('groups.parquet', {
      columnData: [
        { name: 'id', data: Array.from({ length: n }, (_, i) => i), type: 'INT32' },
        { name: 'label', data: Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : `l${i % 13}`)), type: 'STRING' },
      ],
      rowGroupSize: 1200,
    });
    const source = await openParquet([file], { description: 'groups.parquet' });
    assert.deepEqual(source.columns, ['id', 'label']);
    assert.deepEqual(source.declaredTypes, ['integer', 'string']);
    let next = 0;
    for await (const batch of source.batches()) {
      assert.ok(batch.length <= 1024);
      for (const row of batch) {
        assert.deepEqual(row, [next, next % 7 === 0 ? null : `l${next % 13}`]);
        next++;
      }
    }
    assert.equal(next, n);
    assert.equal((await rows(source)).length, n, 'batches() starts again');
  });

  it('maps Parquet types to declared types and cells', async () => {
    const day = Date.UTC(2024, 0, 2);
    const file = write('types.parquet', {
      columnData: [
        { name: 'i32', data: [1, null] },
        { name: 'i64', data: [2n, 9007199254740993n] },
        { name: 'f64', data: [1.5, null] },
        { name: 'f32', data: [0.25, 2] },
        { name: 'flag', data: [true, false] },
        { name: 'text', data: ['a', 'é'] },
        { name: 'bytes', data: [new Uint8Array([1, 2, 255]), null] },
        { name: 'ts', data: [new Date(day + 1234), null] },
        { name: 'day', data: [19724, 0] },
        { name: 'price', data: [12345n, -5n] },
        { name: 'json', data: [{ a: 1 }, null] },
      ],
      schema: [
        { name: 'root', num_children: 11 },
        { name: 'i32', type: 'INT32', repetition_type: 'OPTIONAL' },
        { name: 'i64', type: 'INT64', repetition_type: 'REQUIRED' },
        { name: 'f64', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
        { name: 'f32', type: 'FLOAT', repetition_type: 'REQUIRED' },
        { name: 'flag', type: 'BOOLEAN', repetition_type: 'REQUIRED' },
        { name: 'text', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
        { name: 'bytes', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' },
        { name: 'ts', type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', repetition_type: 'OPTIONAL' },
        { name: 'day', type: 'INT32', converted_type: 'DATE', repetition_type: 'REQUIRED' },
        { name: 'price', type: 'INT64', converted_type: 'DECIMAL', scale: 2, precision: 10, repetition_type: 'REQUIRED' },
        { name: 'json', type: 'BYTE_ARRAY', converted_type: 'JSON', repetition_type: 'OPTIONAL' },
      ],
    } as WriteOptions);
    const source = await openParquet([file], { description: 'types.parquet' });
    assert.deepEqual(source.declaredTypes, [
      'integer',
      'integer',
      'float',
      'float',
      'boolean',
      'string',
      'binary',
      'datetime',
      'date',
      'float',
      'string',
    ]);
    const [a, b] = await rows(source);
    assert.deepEqual(a, [1, 2, 1.5, 0.25, true, 'a', 'AQL/', new Date(day + 1234), new Date(day), 123.45, '{"a":1}']);
    assert.deepEqual(
      b,
      [null, 9007199254740993n, null, 2, false, 'é', null, null, new Date(0), -0.05, null],
      'an integer beyond 2^53 stays a bigint',
    );
  });

  it('reads nested columns as JSON text', async () => {
    const file = write('nested.parquet', {
      columnData: [{ name: 'tags', data: [['a', 'b'], [], null] }],
      schema: [
        { name: 'root', num_children: 1 },
        { name: 'tags', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        { name: 'element', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      ],
    } as WriteOptions);
    const source = await openParquet([file], { description: 'nested.parquet' });
    assert.deepEqual(source.declaredTypes, ['string']);
    assert.deepEqual(await rows(source), [['["a","b"]'], ['[]'], [null]]);
  });

  it('decompresses gzip and brotli with Node’s zlib', async () => {
    for (const [codec, compress] of [
      ['GZIP', (b: Uint8Array) => new Uint8Array(gzipSync(b))],
      ['BROTLI', (b: Uint8Array) => new Uint8Array(brotliCompressSync(b))],
    ] as const) {
      const file = write(`${codec}.parquet`, {
        columnData: [{ name: 'x', data: [1, 2, 3], type: 'INT32' }],
        codec,
        compressors: { [codec]: compress },
      } as WriteOptions);
      assert.deepEqual(await rows(await openParquet([file], { description: codec })), [[1], [2], [3]], codec);
    }
  });

  it('refuses a codec it cannot decompress, naming it', async () => {
    const file = write('lz4.parquet', {
      columnData: [{ name: 'x', data: [1], type: 'INT32' }],
      codec: 'LZ4_RAW',
      compressors: { LZ4_RAW: (b: Uint8Array) => b },
    } as WriteOptions);
    await rejects(
      rows(await openParquet([file], { description: 'lz4' })),
      /lz4\.parquet is compressed with LZ4_RAW, which this reader cannot decompress/,
    );
  });

  it('reads a large row group in windows (memory follows the window, not the group)', async () => {
    const n = 20_000;
    const file = write('wide.parquet', {
      columnData: [{ name: 's', data: Array.from({ length: n }, (_, i) => `${i}-${'x'.repeat(i % 50)}`), type: 'STRING' }],
      rowGroupSize: n,
      pageSize: 4096,
    } as WriteOptions);
    let count = 0;
    // About 700 KB decoded in windows of 64 KB: about a dozen windows over one row group.
    for await (const batch of (await openParquet([file], { description: 'wide', windowBytes: 64 * 1024 })).batches()) {
      for (const row of batch) assert.ok((row[0] as string).startsWith(String(count++)));
    }
    assert.equal(count, n);
  });

  it('reads several files with the same schema; names a file whose columns or types differ', async () => {
    const a = write('multi/a.parquet', { columnData: [{ name: 'x', data: [1], type: 'INT32' }] });
    const b = write('multi/b.parquet', { columnData: [{ name: 'x', data: [2], type: 'INT32' }] });
    const c = write('multi/c.parquet', { columnData: [{ name: 'y', data: [3], type: 'INT32' }] });
    const d = write('multi/d.parquet', { columnData: [{ name: 'x', data: ['3'], type: 'STRING' }] });
    const both = await openParquet([a, b], { description: 'multi', pathColumn: 'Path' });
    assert.deepEqual(await rows(both), [
      [1, a.description],
      [2, b.description],
    ]);
    await rejects(
      rows(await openParquet([a, c], { description: 'multi' })),
      /c\.parquet: its columns \(y\) differ from the first file's \(x\)/,
    );
    await rejects(
      rows(await openParquet([a, d], { description: 'multi' })),
      /d\.parquet: column 'x' is string here but integer in the first file/,
    );
  });

  it('refuses a file that is not Parquet, naming it', async () => {
    const p = path.join(dir, 'fake.parquet');
    fs.writeFileSync(p, 'a,b\n1,2\n');
    await rejects(openParquet([new LocalLocation(p).asFile()], { description: 'fake' }), /fake\.parquet is not a Parquet file/);
  });

  it('limitHeapGrowth takes a whole percent from 10 to 400 (a process-wide V8 setting, called once by a task)', () => {
    assert.throws(() => limitHeapGrowth(0), /percent must be an integer from 10 to 400/);
    assert.throws(() => limitHeapGrowth(12.5), /percent must be an integer/);
  });
});
