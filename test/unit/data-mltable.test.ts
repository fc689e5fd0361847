import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { openData } from '../../shared/data/open-data';
import { globToRegExp } from '../../shared/data/sources/data-file';
import { allRows, rejectsWithUserError, writeIn } from '../support/data-rows';

describe('data: MLTable, folders and openData on local files', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'data-mltable-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, content: string | Uint8Array) => writeIn(dir, name, content);
  const rows = allRows;
  const open = (spec: string, options: Parameters<typeof openData>[1] = {}) => openData(spec, { baseDir: dir, ...options });
  const rejects = rejectsWithUserError;

  describe('MLTable', () => {
    it('read_delimited: file paths relative to the MLTable, options honoured', async () => {
      write('t1/data/a.csv', 'x;y\n1;\n');
      write('t1/data/b.csv', 'x;y\n2;"q"\n');
      write(
        't1/MLTable',
        `$schema: https://azuremlschemas.azureedge.net/latest/MLTable.schema.json
type: mltable
paths:
  - file: ./data/a.csv
  - file: data/b.csv
transformations:
  - read_delimited:
      delimiter: ';'
      header: all_files_same_headers
      encoding: utf8
      empty_as_string: true
      include_path_column: true
      infer_column_types: false
      support_multi_line: true
      partition_size: 20971520
`,
      );
      const source = await open('t1');
      assert.equal(source.description, 't1');
      assert.deepEqual(source.columns, ['x', 'y', 'Path']);
      assert.deepEqual(source.declaredTypes, ['string', 'string', 'string']);
      assert.deepEqual(await rows(source), [
        ['1', '', path.join(dir, 't1/data/a.csv')],
        ['2', 'q', path.join(dir, 't1/data/b.csv')],
      ]);
      assert.deepEqual((await open('t1/MLTable')).columns, ['x', 'y', 'Path'], 'the MLTable file itself names the table too');
    });

    it('read_delimited defaults: comma, same headers, empty as null; from_first_file and no_header', async () => {
      write('t2/a.csv', 'x,y\n1,\n');
      write('t2/b.csv', '2,3\n');
      write('t2/MLTable', 'paths:\n  - pattern: ./*.csv\ntransformations:\n  - read_delimited:\n      header: from_first_file\n');
      assert.deepEqual(await rows(await open('t2')), [
        ['1', null],
        ['2', '3'],
      ]);
      write('t2/MLTable', 'paths:\n  - pattern: ./*.csv\ntransformations:\n  - read_delimited:\n      header: no_header\n');
      const none = await open('t2');
      assert.deepEqual(none.columns, ['Column1', 'Column2']);
      assert.equal((await rows(none)).length, 3);
    });

    it('folder: and pattern: (with ** and classes) list files in sorted order, skipping hidden ones', async () => {
      write('t3/parts/part-0002.csv', 'n\n2\n');
      write('t3/parts/part-0001.csv', 'n\n1\n');
      write('t3/parts/_SUCCESS', '');
      write('t3/parts/.part-0001.csv.crc', 'x');
      write('t3/parts/sub/part-0003.csv', 'n\n3\n');
      write('t3/MLTable', 'paths:\n  - folder: ./parts\ntransformations:\n  - read_delimited: {}\n');
      assert.deepEqual(await rows(await open('t3')), [['1'], ['2'], ['3']]);
      write('t3/MLTable', 'paths:\n  - pattern: ./parts/**/part-000[13].csv\ntransformations:\n  - read_delimited: {}\n');
      assert.deepEqual(await rows(await open('t3')), [['1'], ['3']]);
    });

    it('read_parquet and read_json_lines', async () => {
      write('t4/x.parquet', new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'a', data: [1, 2], type: 'INT32' }] })));
      write(
        't4/MLTable',
        'paths:\n  - file: x.parquet\ntransformations:\n  - read_parquet:\n      include_path_column: true\n      path_column: file\n',
      );
      const pq = await open('t4');
      assert.deepEqual(pq.columns, ['a', 'file']);
      assert.deepEqual(pq.declaredTypes, ['integer', 'string']);
      write('t5/x.jsonl', '{"a":1}\nnot json\n{"b":2}\n');
      write(
        't5/MLTable',
        'paths:\n  - file: x.jsonl\ntransformations:\n  - read_json_lines:\n      invalid_lines: drop\n      encoding: utf8\n',
      );
      assert.deepEqual(await rows(await open('t5')), [
        [1, null],
        [null, 2],
      ]);
    });

    it('keep_columns and drop_columns', async () => {
      write('t6/a.csv', 'a,b,c\n1,2,3\n');
      write('t6/MLTable', 'paths:\n  - file: a.csv\ntransformations:\n  - read_delimited: {}\n  - keep_columns: [c, a]\n');
      const kept = await open('t6');
      assert.deepEqual(kept.columns, ['a', 'c']);
      assert.deepEqual(await rows(kept), [['1', '3']]);
      write('t6/MLTable', 'paths:\n  - file: a.csv\ntransformations:\n  - read_delimited: {}\n  - drop_columns: b\n');
      assert.deepEqual(await rows(await open('t6')), [['1', '3']]);
      write('t6/MLTable', 'paths:\n  - file: a.csv\ntransformations:\n  - read_delimited: {}\n  - drop_columns: [zz]\n');
      await rejects(open('t6'), /drop_columns names 'zz', which the data does not have \(columns: a, b, c\)/);
    });

    it('refuses what it does not read, naming the transformation or option', async () => {
      write('t7/a.csv', 'a\n1\n');
      const cases: [string, RegExp][] = [
        [
          '  - read_delimited: {}\n  - take: 10\n',
          /the transformation 'take' is not supported; supported: read_delimited, read_parquet, read_json_lines, keep_columns, drop_columns/,
        ],
        ['  - read_delimited: {}\n  - filter: "col(\'a\') > 0"\n', /the transformation 'filter' is not supported/],
        [
          '  - read_delimited: {}\n  - convert_column_types:\n      - columns: a\n        column_type: int\n',
          /'convert_column_types' is not supported/,
        ],
        ['  - read_delta_lake: {}\n', /'read_delta_lake' is not supported/],
        ['  - read_delimited:\n      header: all_files_different_headers\n', /'all_files_different_headers' is not supported/],
        ['  - read_delimited:\n      quote: "\'"\n', /read_delimited option 'quote' is not supported/],
        ['  - read_delimited:\n      encoding: utf32\n', /encoding "utf32" is not one of/],
        ['  - keep_columns: [a]\n  - read_delimited: {}\n', /'read_delimited' must come before keep_columns/],
      ];
      for (const [transformations, message] of cases) {
        write('t7/MLTable', `paths:\n  - file: a.csv\ntransformations:\n${transformations}`);
        await rejects(open('t7'), message);
      }
      write('t7/MLTable', 'paths:\n  - file: a.csv\n');
      await rejects(open('t7'), /it has no read transformation/);
      write('t7/MLTable', 'paths:\n  - file: missing.csv\ntransformations:\n  - read_delimited: {}\n');
      await rejects(open('t7'), /MLTable: the path 'file: missing\.csv' does not exist/);
      write('t7/MLTable', 'paths:\n  - pattern: ./*.parquet\ntransformations:\n  - read_parquet: {}\n');
      await rejects(open('t7'), /the pattern '\.\/\*\.parquet' matches no file/);
      write('t7/MLTable', 'paths: [\n');
      await rejects(open('t7'), /MLTable is not valid YAML/);
    });

    it('globs: * and ? stay in a segment, ** crosses them, classes and negation', () => {
      assert.ok(globToRegExp('*.csv').test('a.csv'));
      assert.ok(!globToRegExp('*.csv').test('x/a.csv'));
      assert.ok(globToRegExp('**/*.csv').test('a.csv'));
      assert.ok(globToRegExp('**/*.csv').test('x/y/a.csv'));
      assert.ok(globToRegExp('part-?.csv').test('part-1.csv'));
      assert.ok(globToRegExp('p[a-c].csv').test('pb.csv'));
      assert.ok(!globToRegExp('p[!a-c].csv').test('pb.csv'));
      assert.ok(globToRegExp('2024/0[1-3]/*/data.jsonl').test('2024/02/x/data.jsonl'));
    });
  });

  describe('openData (local)', () => {
    it('chooses the format by extension: csv, tsv, parquet, jsonl, gz', async () => {
      write('f/a.csv', 'a,b\n1,2\n');
      write('f/a.tsv', 'a\tb\n1\t2\n');
      write('f/a.jsonl', '{"a":1}\n');
      write('f/a.parquet', new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'a', data: [1], type: 'INT32' }] })));
      assert.deepEqual(await rows(await open('f/a.csv')), [['1', '2']]);
      assert.deepEqual(await rows(await open('f/a.tsv')), [['1', '2']]);
      assert.deepEqual(await rows(await open('f/a.jsonl')), [[1]]);
      assert.deepEqual(await rows(await open('f/a.parquet')), [[1]]);
      assert.deepEqual(await rows(await open(path.join(dir, 'f/a.csv'))), [['1', '2']], 'an absolute path');
      const { gzipSync } = await import('node:zlib');
      write('f/z.csv.gz', gzipSync('a\n9\n'));
      assert.deepEqual(await rows(await open('f/z.csv.gz')), [['9']]);
    });

    it('takes a delimiter by character or name and a format for files of any name', async () => {
      write('g/data.txt', 'a|b\n1|2\n');
      await rejects(open('g/data.txt'), /The format of .*data\.txt is not known from its name .*: set the data format/);
      assert.deepEqual(await rows(await open('g/data.txt', { format: 'csv', delimiter: '|' })), [['1', '2']]);
      write('g/semi.csv', 'a;b\n1;2\n');
      assert.deepEqual(await rows(await open('g/semi.csv', { delimiter: 'semicolon' })), [['1', '2']]);
      await rejects(open('g/semi.csv', { delimiter: ';;' }), /must be one character/);
    });

    it('reads a folder file by file in sorted order; headers must match; mixed formats refused', async () => {
      write('h/b.csv', 'x\n2\n');
      write('h/a.csv', 'x\n1\n');
      write('h/_tmp/c.csv', 'x\n3\n');
      assert.deepEqual(await rows(await open('h')), [['1'], ['2']]);
      write('h/c.csv', 'y\n3\n');
      await rejects(rows(await open('h')), /c\.csv: its header \("y"\) differs from the first file's \("x"\)/);
      fs.rmSync(path.join(dir, 'h/c.csv'));
      write('h/d.jsonl', '{"x":4}\n');
      await rejects(open('h'), /the folder 'h' holds files of more than one format \(a\.csv: csv; d\.jsonl: jsonl\)/);
      fs.mkdirSync(path.join(dir, 'empty-folder'));
      await rejects(open('empty-folder'), /The folder 'empty-folder' holds no data files/);
    });

    it('stops opening when aborted (the JSON Lines first pass reads everything)', async () => {
      write('abort/a.jsonl', '{"a":1}\n');
      write('abort/a.csv', 'a\n1\n');
      const controller = new AbortController();
      controller.abort();
      for (const spec of ['abort/a.jsonl', 'abort/a.csv'])
        await assert.rejects(open(spec, { abortSignal: controller.signal }), (e: Error) => e.name === 'AbortError', spec);
    });

    it('names an input that does not exist, and one that needs a workspace', async () => {
      await rejects(open('nowhere/data.csv'), /The data 'nowhere\/data\.csv' does not exist \(.*nowhere\/data\.csv\); check the path/);
      await rejects(open(''), /No data to read was given/);
      await rejects(open('azureml:credit:1'), /'azureml:credit:1' is an Azure ML data asset: reading it needs the Azure ML workspace/);
      await rejects(
        open('azureml://datastores/workspaceblobstore/paths/x.csv'),
        /is an Azure ML datastore path: reading it needs the Azure ML workspace/,
      );
      await rejects(open('ftp://host/x.csv'), /'ftp:\/\/host\/x\.csv' is not a URL this task reads/);
    });
  });
});
