import { UserError } from '../../task/user-error';
import type { Cell, DeclaredType, RowSource } from '../row-source';
import type { DataFile } from '../sources/data-file';
import { CsvParser, CsvSyntaxError } from './csv-parser';
import { BATCH_ROWS, columnNames } from './columns';
import { fileText, TextEncoding } from './text';

/** MLTable's `header` values we read (`all_files_different_headers` is refused where MLTable is parsed). */
export type HeaderMode = 'all_files_same_headers' | 'from_first_file' | 'no_header';

export interface CsvReadOptions {
  /** What the RowSource describes (the input as the user gave it). */
  description: string;
  /** One character; default ','. */
  delimiter?: string;
  /**
   * all_files_same_headers (default): every file starts with the same header row;
   * from_first_file: only the first file has one (the others' first rows are data);
   * no_header: no file has one, columns are Column1…ColumnN as MLTable names them.
   */
  header?: HeaderMode;
  /** MLTable's `empty_as_string`: empty fields are '' instead of null (default false: null, quoted or not). */
  emptyAsString?: boolean;
  encoding?: TextEncoding;
  /** Adds a column of this name holding each row's file (MLTable's `include_path_column`). */
  pathColumn?: string;
  /** false: every column is declared a string (MLTable's `infer_column_types: false`); default true (undecided). */
  inferTypes?: boolean;
  /** Stops reading the header when opening. */
  abortSignal?: AbortSignal;
}

const DELIMITER_NAMES: Record<string, string> = { ',': "','", ';': "';'", '\t': 'a tab', '|': "'|'" };
const delimiterName = (d: string) => DELIMITER_NAMES[d] ?? `'${d}'`;

/** Reads the first record of a file (the header), parsing no further than the chunk it ends in. */
async function firstRecord(
  file: DataFile,
  delimiter: string,
  encoding: TextEncoding,
  abortSignal?: AbortSignal,
): Promise<(string | null)[] | undefined> {
  let found: (string | null)[] | undefined;
  const parser = new CsvParser({
    delimiter,
    emptyValue: '',
    onRecord: (fields) => {
      found ??= fields;
    },
  });
  try {
    for await (const text of fileText(file, encoding, abortSignal)) {
      parser.push(text);
      if (found) return found;
    }
    parser.end();
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new UserError(`${file.description}: ${error.message}.`, { cause: error });
    throw error;
  }
  return found;
}

function sameHeader(a: readonly (string | null)[], b: readonly (string | null)[]): boolean {
  return a.length === b.length && a.every((v, i) => (v ?? '') === (b[i] ?? ''));
}

const show = (header: readonly (string | null)[]) => header.map((h) => JSON.stringify(h ?? '')).join(', ');

export async function openCsv(files: readonly DataFile[], options: CsvReadOptions): Promise<RowSource> {
  const delimiter = options.delimiter ?? ',';
  const mode = options.header ?? 'all_files_same_headers';
  const encoding = options.encoding ?? 'utf8';
  const emptyValue = options.emptyAsString ? '' : null;
  if (!files.length) throw new UserError(`${options.description} holds no files to read.`);

  // The header comes from the first file that has any record (an empty part file, as Spark writes
  // for an empty partition, adds nothing).
  let first: (string | null)[] | undefined;
  for (const file of files) {
    first = await firstRecord(file, delimiter, encoding, options.abortSignal);
    if (first) break;
  }
  if (!first) {
    const what = files.length === 1 ? `${files[0].description} is empty` : `every file of ${options.description} is empty`;
    throw new UserError(`${what}: a CSV file needs at least a header row.`);
  }
  const header = first;
  if (mode !== 'no_header' && header.length === 1) {
    const text = header[0] ?? '';
    const counts = Object.keys(DELIMITER_NAMES)
      .filter((d) => d !== delimiter)
      .map((d) => ({ d, n: text.split(d).length - 1 }))
      .filter((c) => c.n > 0)
      .sort((a, b) => b.n - a.n);
    if (counts.length) {
      const d = counts[0].d;
      throw new UserError(
        `${files[0].description}: the header had one column with the delimiter ${delimiterName(delimiter)}; it contains ${delimiterName(d)}: set the delimiter to ${delimiterName(d)}.`,
      );
    }
  }
  const width = header.length;
  const names = mode === 'no_header' ? header.map((_, i) => `Column${i + 1}`) : columnNames(header.map((h) => h ?? ''));
  if (options.pathColumn) names.push(options.pathColumn);
  const declaredTypes: (DeclaredType | undefined)[] = names.map(() => (options.inferTypes === false ? 'string' : undefined));
  if (options.pathColumn) declaredTypes[declaredTypes.length - 1] = 'string';
  const pathColumn = !!options.pathColumn;

  async function* batches(batchOptions: { abortSignal?: AbortSignal } = {}): AsyncIterable<Cell[][]> {
    const abortSignal = batchOptions.abortSignal;
    let out: Cell[][] = [];
    const ready: Cell[][][] = [];
    let headerSeen = false;
    for (const file of files) {
      let expectHeader = mode === 'all_files_same_headers' || (mode === 'from_first_file' && !headerSeen);
      const parser = new CsvParser({
        delimiter,
        emptyValue,
        onRecord: (fields, line) => {
          if (expectHeader) {
            expectHeader = false;
            headerSeen = true;
            const raw = emptyValue === null ? fields.map((f) => f ?? '') : fields;
            if (!sameHeader(raw, header)) {
              throw new UserError(
                `${file.description}: its header (${show(raw)}) differs from the first file's (${show(header)}); every file must have the same columns in the same order.`,
              );
            }
            return;
          }
          if (fields.length !== width) {
            const hint = fields.length > width ? ' (a field that holds the delimiter must be in quotes)' : '';
            throw new UserError(
              `${file.description}: line ${line} has ${fields.length} field${fields.length === 1 ? '' : 's'}; the header has ${width}${hint}.`,
            );
          }
          if (pathColumn) fields.push(file.description);
          out.push(fields);
          if (out.length === BATCH_ROWS) {
            ready.push(out);
            out = [];
          }
        },
      });
      try {
        for await (const text of fileText(file, encoding, abortSignal)) {
          abortSignal?.throwIfAborted();
          parser.push(text);
          while (ready.length) yield ready.shift()!;
        }
        parser.end();
      } catch (error) {
        if (error instanceof CsvSyntaxError) throw new UserError(`${file.description}: ${error.message}.`, { cause: error });
        throw error;
      }
      while (ready.length) yield ready.shift()!;
    }
    if (out.length) yield out;
  }

  return { description: options.description, columns: names, declaredTypes, batches };
}
