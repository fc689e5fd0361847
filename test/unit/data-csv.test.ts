import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CsvParser } from '../../shared/data/readers/csv-parser';
import { openCsv } from '../../shared/data/readers/csv';
import { LocalLocation } from '../../shared/data/sources/local';
import { allRows, rejectsWithUserError, writeIn } from '../support/data-rows';

/** Parses a whole text with the state machine, fed in chunks of `size` characters. */
function parse(text: string, size = text.length || 1, options: { delimiter?: string; emptyValue?: null | '' } = {}) {
  const records: { fields: (string | null)[]; line: number }[] = [];
  const p = new CsvParser({
    delimiter: options.delimiter ?? ',',
    emptyValue: options.emptyValue === undefined ? null : options.emptyValue,
    onRecord: (fields, line) => records.push({ fields, line }),
  });
  for (let i = 0; i < text.length; i += size) p.push(text.slice(i, i + size));
  p.end();
  return records;
}
const fieldsOf = (text: string, size?: number, options?: { delimiter?: string; emptyValue?: null | '' }) =>
  parse(text, size, options).map((r) => r.fields);

/**
 * The reference: RFC 4180 read one character at a time from the whole text, written as plainly as
 * possible (no chunks, no slicing), with the same lenient rules and null for an empty field.
 */
function reference(text: string, delimiter = ','): { fields: (string | null)[]; line: number }[] {
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  const out: { fields: (string | null)[]; line: number }[] = [];
  let fields: (string | null)[] = [];
  let field = '';
  let quoted = false;
  let inField = false;
  let line = 1;
  let start = 1;
  const endField = () => {
    fields.push(field === '' ? null : field);
    field = '';
    inField = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) line++;
        field += c;
      }
    } else if (c === '"' && !inField) {
      quoted = true;
      inField = true;
    } else if (c === delimiter) {
      endField();
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      if (inField || fields.length) {
        endField();
        out.push({ fields, line: start });
      }
      fields = [];
      line++;
      start = line;
    } else {
      field += c;
      inField = true;
    }
  }
  if (inField || fields.length) {
    endField();
    out.push({ fields, line: start });
  }
  return out;
}

/** Every RFC 4180 feature in one text, with CRLF, LF and CR line ends. */
const TRICKY =
  '\uFEFFid,text,n\r\n' +
  '1,"a, with comma",3\r\n' +
  '2,"line one\r\nline two",4\n' +
  '3,"she said ""hi""",\n' +
  '4,,""\r' +
  '5,"","x"\n' +
  '\n' +
  '6,"multi\nline\n""quoted""\r\nend",7\r\n' +
  '7,plain,"ends"';

describe('data: CSV state machine (RFC 4180)', () => {
  it('reads quotes, "" escapes, delimiters and line breaks inside quotes, CRLF/LF/CR, a BOM', () => {
    assert.deepEqual(fieldsOf(TRICKY), [
      ['id', 'text', 'n'],
      ['1', 'a, with comma', '3'],
      ['2', 'line one\r\nline two', '4'],
      ['3', 'she said "hi"', null],
      ['4', null, null],
      ['5', null, 'x'],
      ['6', 'multi\nline\n"quoted"\r\nend', '7'],
      ['7', 'plain', 'ends'],
    ]);
  });

  it('gives every record its physical start line (1-based, counting the header and line breaks inside quotes)', () => {
    assert.deepEqual(
      parse(TRICKY).map((r) => r.line),
      [1, 2, 3, 5, 6, 7, 9, 13],
    );
  });

  it('gives the same records and lines whatever the chunk boundaries (every size from 1 character)', () => {
    const whole = parse(TRICKY);
    for (let size = 1; size <= TRICKY.length; size++) assert.deepEqual(parse(TRICKY, size), whole, `chunks of ${size}`);
  });

  it('splits at every single offset the same way (two chunks)', () => {
    const whole = parse(TRICKY);
    for (let cut = 0; cut <= TRICKY.length; cut++) {
      const records: { fields: (string | null)[]; line: number }[] = [];
      const p = new CsvParser({ delimiter: ',', emptyValue: null, onRecord: (fields, line) => records.push({ fields, line }) });
      p.push(TRICKY.slice(0, cut));
      p.push(TRICKY.slice(cut));
      p.end();
      assert.deepEqual(records, whole, `cut at ${cut}`);
    }
  });

  it('agrees with a plain character-by-character reference parse on generated tables', () => {
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const pieces = ['a', 'b', ' ', ',', '"', '\n', '\r\n', '\r', 'é', '😀', ';'];
    for (let t = 0; t < 300; t++) {
      const rows: string[] = [];
      const cols = 1 + Math.floor(rnd() * 4);
      for (let r = 0; r < 1 + Math.floor(rnd() * 6); r++) {
        const fields: string[] = [];
        for (let c = 0; c < cols; c++) {
          let v = '';
          for (let k = Math.floor(rnd() * 5); k > 0; k--) v += pieces[Math.floor(rnd() * pieces.length)];
          const needsQuotes = /[",\r\n]/.test(v) || (v === '' && rnd() < 0.3);
          fields.push(needsQuotes ? `"${v.replace(/"/g, '""')}"` : v);
        }
        rows.push(fields.join(','));
      }
      const eol = ['\n', '\r\n', '\r'][Math.floor(rnd() * 3)];
      const text = rows.join(eol) + (rnd() < 0.5 ? eol : '');
      const expected = reference(text);
      for (const size of [1, 2, 3, 7, text.length || 1])
        assert.deepEqual(parse(text, size), expected, `${JSON.stringify(text)} in chunks of ${size}`);
    }
  });

  it('reads an empty field as null, quoted or not; as "" with emptyValue ""', () => {
    assert.deepEqual(fieldsOf('a,"",c,\n'), [['a', null, 'c', null]]);
    assert.deepEqual(fieldsOf('a,"",c,\n', undefined, { emptyValue: '' }), [['a', '', 'c', '']]);
  });

  it('keeps a quote inside an unquoted field and text after a closing quote, as pandas does', () => {
    assert.deepEqual(fieldsOf('a"b,"c"d\n'), [['a"b', 'cd']]);
  });

  it('skips empty lines but not a line of one empty quoted field', () => {
    assert.deepEqual(fieldsOf('a\n\n\r\n""\nb\n'), [['a'], [null], ['b']]);
  });

  it('takes other delimiters: ; tab |', () => {
    for (const d of [';', '\t', '|']) assert.deepEqual(fieldsOf(`a${d}"b${d}c"${d}d\n`, 2, { delimiter: d }), [['a', `b${d}c`, 'd']]);
  });

  it('refuses a quote that is never closed, naming the line it opens on', () => {
    assert.throws(() => parse('a,b\n1,"open\n\nmore'), /quoted field that starts on line 2 is never closed/);
  });
});

describe('data: CSV reader', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'data-csv-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string | Buffer) => new LocalLocation(writeIn(dir, name, text)).asFile();
  const rows = allRows;
  const rejects = rejectsWithUserError;

  it('reads a header and rows; every call of batches() starts again', async () => {
    const file = write('a.csv', 'x,y\n1,"two"\n3,\n');
    const source = await openCsv([file], { description: 'a.csv' });
    assert.deepEqual(source.columns, ['x', 'y']);
    assert.deepEqual(source.declaredTypes, [undefined, undefined]);
    assert.deepEqual(await rows(source), [
      ['1', 'two'],
      ['3', null],
    ]);
    assert.deepEqual(await rows(source), [
      ['1', 'two'],
      ['3', null],
    ]);
  });

  it('names empty and repeated header names as pandas does', async () => {
    const source = await openCsv([write('names.csv', ',a,a,b,a\n0,1,2,3,4\n')], { description: 'names.csv' });
    assert.deepEqual(source.columns, ['Unnamed: 0', 'a', 'a.1', 'b', 'a.2']);
  });

  it('yields batches of at most 4096 rows and every row', async () => {
    let text = 'n\n';
    for (let i = 0; i < 10_000; i++) text += `${i}\n`;
    const source = await openCsv([write('many.csv', text)], { description: 'many.csv' });
    const sizes: number[] = [];
    let next = 0;
    for await (const batch of source.batches()) {
      sizes.push(batch.length);
      for (const row of batch) assert.equal(row[0], String(next++));
    }
    assert.equal(next, 10_000);
    assert.ok(Math.max(...sizes) <= 4096, sizes.join(','));
  });

  it('names the physical line and the field counts of a ragged row', async () => {
    const source = await openCsv([write('ragged.csv', 'a,b,c\n1,2,3\n"x\ny",2,3\n4,5\n')], { description: 'ragged.csv' });
    await rejects(rows(source), /ragged\.csv: line 5 has 2 fields; the header has 3\.$/);
    const more = await openCsv([write('more.csv', 'a,b\n1,2,3\n')], { description: 'more.csv' });
    await rejects(rows(more), /more\.csv: line 2 has 3 fields; the header has 2 \(a field that holds the delimiter must be in quotes\)/);
  });

  it('says which delimiter to set when the header is one column that holds another', async () => {
    await rejects(
      openCsv([write('semi.csv', 'a;b;c\n1;2;3\n')], { description: 'semi.csv' }),
      /the header had one column.*; it contains ';': set the delimiter to ';'/,
    );
    await rejects(openCsv([write('tab.tsv', 'a\tb\n1\t2\n')], { description: 'tab.tsv' }), /it contains a tab: set the delimiter to a tab/);
    await rejects(openCsv([write('pipe.csv', 'a|b\n')], { description: 'pipe.csv' }), /set the delimiter to '\|'/);
    await rejects(openCsv([write('comma.csv', 'a,b\n')], { description: 'comma.csv', delimiter: ';' }), /set the delimiter to ','/);
    const one = await openCsv([write('one.csv', 'name\nx\n')], { description: 'one.csv' });
    assert.deepEqual(one.columns, ['name']);
  });

  it('reads with ; tab and | delimiters', async () => {
    const source = await openCsv([write('d.csv', 'a|b\n"1|2"|3\n')], { description: 'd.csv', delimiter: '|' });
    assert.deepEqual(await rows(source), [['1|2', '3']]);
  });

  it('refuses an empty file (no header) and names a file that cannot be read', async () => {
    await rejects(
      openCsv([write('empty.csv', '')], { description: 'empty.csv' }),
      /empty\.csv is empty: a CSV file needs at least a header row/,
    );
    await rejects(openCsv([write('blank.csv', '\n\r\n')], { description: 'blank.csv' }), /is empty/);
    await rejects(
      openCsv([new LocalLocation(path.join(dir, 'nope.csv')).asFile()], { description: 'nope.csv' }),
      /nope\.csv does not exist/,
    );
  });

  it('refuses a quote never closed, naming the file and the line', async () => {
    const source = await openCsv([write('open.csv', 'a,b\n1,2\n3,"4\n5,6\n')], { description: 'open.csv' });
    await rejects(rows(source), /open\.csv: the quoted field that starts on line 3 is never closed/);
  });

  it('reads several files whose headers match, and names the first that differs', async () => {
    const a = write('multi/a.csv', 'x,y\n1,2\n');
    const b = write('multi/b.csv', 'x,y\n3,4\n');
    const c = write('multi/c.csv', 'x,z\n5,6\n');
    assert.deepEqual(await rows(await openCsv([a, b], { description: 'multi' })), [
      ['1', '2'],
      ['3', '4'],
    ]);
    await rejects(
      rows(await openCsv([a, b, c], { description: 'multi' })),
      /c\.csv: its header \("x", "z"\) differs from the first file's \("x", "y"\)/,
    );
  });

  it('from_first_file reads the other files’ first rows as data; no_header names columns Column1…', async () => {
    const a = write('ff/a.csv', 'x,y\n1,2\n');
    const b = write('ff/b.csv', '3,4\n');
    assert.deepEqual(await rows(await openCsv([a, b], { description: 'ff', header: 'from_first_file' })), [
      ['1', '2'],
      ['3', '4'],
    ]);
    const none = await openCsv([a, b], { description: 'ff', header: 'no_header' });
    assert.deepEqual(none.columns, ['Column1', 'Column2']);
    assert.deepEqual(await rows(none), [
      ['x', 'y'],
      ['1', '2'],
      ['3', '4'],
    ]);
  });

  it('empty_as_string, a path column and undeclared or string types', async () => {
    const f = write('opts.csv', 'a,b\n,""\n');
    const source = await openCsv([f], { description: 'opts.csv', emptyAsString: true, pathColumn: 'Path', inferTypes: false });
    assert.deepEqual(source.columns, ['a', 'b', 'Path']);
    assert.deepEqual(source.declaredTypes, ['string', 'string', 'string']);
    assert.deepEqual(await rows(source), [['', '', f.description]]);
  });

  it('decodes UTF-8 split across read chunks, a BOM, latin1 and gzip', async () => {
    const big = 'é'.repeat(700_000); // 1.4 MB: crosses the 1 MiB read chunk inside a character
    assert.deepEqual(await rows(await openCsv([write('utf8.csv', `\uFEFFv\n${big}\n`)], { description: 'utf8.csv' })), [[big]]);
    const latin = await openCsv([write('latin.csv', Buffer.from('v\ncaf\xe9\n', 'latin1'))], {
      description: 'latin.csv',
      encoding: 'latin1',
    });
    assert.deepEqual(await rows(latin), [['café']]);
    const { gzipSync } = await import('node:zlib');
    assert.deepEqual(await rows(await openCsv([write('z.csv.gz', gzipSync('a,b\n1,2\n'))], { description: 'z.csv.gz' })), [['1', '2']]);
  });

  it('stops when aborted', async () => {
    const source = await openCsv([write('abort.csv', 'a\n1\n')], { description: 'abort.csv' });
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      rows({ ...source, batches: () => source.batches({ abortSignal: controller.signal }) }),
      (e: Error) => e.name === 'AbortError',
    );
  });
});
