import { UserError } from '../../task/user-error';
import type { Cell, DeclaredType, RowSource } from '../row-source';
import type { DataFile } from '../sources/data-file';
import { BATCH_ROWS } from './columns';
import { fileText, TextEncoding } from './text';

export interface JsonLinesReadOptions {
  /** What the RowSource describes (the input as the user gave it). */
  description: string;
  encoding?: TextEncoding;
  /** MLTable's `invalid_lines`: 'error' (default) stops at a line that is not JSON; 'drop' skips it. */
  invalidLines?: 'error' | 'drop';
  /** Adds a column of this name holding each row's file (MLTable's `include_path_column`). */
  pathColumn?: string;
  /** Stops the first pass (reading every line for the columns) when opening. */
  abortSignal?: AbortSignal;
}

/** The `type` of an event Azure ML's data collector writes: `azureml.inference.<collection>`. */
const COLLECTOR_TYPE = /^azureml\.inference\./;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const kindOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`);

/**
 * The lines of a file, a chunk's worth at a time (one async step per chunk, not per line), with the
 * physical line number (1-based) of the first; a final line without a line break counts.
 */
async function* lineChunks(
  file: DataFile,
  encoding: TextEncoding,
  abortSignal?: AbortSignal,
): AsyncIterable<{ lines: string[]; first: number }> {
  let rest = '';
  let line = 1;
  let started = false;
  for await (let text of fileText(file, encoding, abortSignal)) {
    abortSignal?.throwIfAborted();
    if (!started) {
      started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const lines: string[] = [];
    let from = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
      lines.push(rest === '' ? text.slice(from, nl) : rest + text.slice(from, nl));
      rest = '';
      from = nl + 1;
    }
    rest += text.slice(from);
    if (lines.length) {
      yield { lines, first: line };
      line += lines.length;
    }
  }
  if (rest !== '') yield { lines: [rest], first: line };
}

const isBlank = (text: string) => text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim() === '');

/**
 * The rows a line holds: the object itself, or, for an event of Azure ML's data collector
 * (`{"specversion", "type": "azureml.inference.<collection>", "data": …}`), the rows in its `data`:
 * an array of objects (pandas `records`) or one object.
 */
function rowsOf(value: unknown, where: () => string): Json[] {
  if (!isObject(value)) throw new UserError(`${where()} is ${kindOf(value)}, not an object; JSON Lines needs one object per line.`);
  if (typeof value.type !== 'string' || !COLLECTOR_TYPE.test(value.type) || !('data' in value)) return [value];
  const data = value.data;
  if (isObject(data)) return [data];
  if (Array.isArray(data)) {
    const bad = data.findIndex((r) => !isObject(r));
    if (bad >= 0) throw new UserError(`${where()}: the data collector event's data[${bad}] is ${kindOf(data[bad])}, not a row object.`);
    return data as Json[];
  }
  throw new UserError(`${where()}: the data collector event's data is ${kindOf(data)}, not rows (an array of objects or one object).`);
}

function cell(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'string':
    case 'number':
    case 'boolean':
      return v;
    default:
      return JSON.stringify(v);
  }
}

/**
 * JSON Lines files as one RowSource, in two passes: the first (when opened) reads every line to
 * learn the columns, the union of the keys in the order they first appear, so a key that only
 * shows up late (an optional field) is a column like any other; the second (each batches() call)
 * yields the rows, a key a row lacks being null. Memory holds the column names, not the rows.
 */
export async function openJsonLines(files: readonly DataFile[], options: JsonLinesReadOptions): Promise<RowSource> {
  if (!files.length) throw new UserError(`${options.description} holds no files to read.`);
  const encoding = options.encoding ?? 'utf8';
  const drop = options.invalidLines === 'drop';

  /** The rows of each file, a chunk of lines at a time: [rows of a line, its file, its line number]. */
  async function* objects(abortSignal?: AbortSignal): AsyncIterable<[Json[], DataFile, number][]> {
    for (const file of files) {
      for await (const { lines, first } of lineChunks(file, encoding, abortSignal)) {
        const out: [Json[], DataFile, number][] = [];
        for (let k = 0; k < lines.length; k++) {
          const text = lines[k];
          if (isBlank(text)) continue;
          const line = first + k;
          let value: unknown;
          try {
            value = JSON.parse(text);
          } catch (error) {
            if (drop) continue;
            throw new UserError(
              `${file.description}: line ${line} is not valid JSON (${(error as Error).message}); JSON Lines needs one JSON object per line.`,
              { cause: error },
            );
          }
          out.push([rowsOf(value, () => `${file.description}: line ${line}`), file, line]);
        }
        yield out;
      }
    }
  }

  const index = new Map<string, number>();
  let rowCount = 0;
  for await (const chunk of objects(options.abortSignal)) {
    for (const [rows] of chunk) {
      for (const row of rows) {
        rowCount++;
        for (const key in row) if (!index.has(key)) index.set(key, index.size);
      }
    }
  }
  if (rowCount === 0) throw new UserError(`${options.description} holds no rows: no line is a JSON object.`);
  const keys = [...index.keys()];
  const columns = options.pathColumn ? [...keys, options.pathColumn] : keys;
  const declaredTypes: (DeclaredType | undefined)[] = columns.map(() => undefined);
  if (options.pathColumn) declaredTypes[declaredTypes.length - 1] = 'string';
  const width = keys.length;

  async function* batches(batchOptions: { abortSignal?: AbortSignal } = {}): AsyncIterable<Cell[][]> {
    let out: Cell[][] = [];
    for await (const chunk of objects(batchOptions.abortSignal)) {
      for (const [rows, file, line] of chunk) {
        for (const row of rows) {
          const cells: Cell[] = new Array<Cell>(columns.length).fill(null);
          for (const key in row) {
            const at = index.get(key);
            if (at === undefined)
              throw new UserError(
                `${file.description}: line ${line} has the key '${key}', which was not there when the file was first read; the file changed while it was being read.`,
              );
            cells[at] = cell(row[key]);
          }
          if (options.pathColumn) cells[width] = file.description;
          out.push(cells);
          if (out.length === BATCH_ROWS) {
            yield out;
            out = [];
          }
        }
      }
    }
    if (out.length) yield out;
  }

  return { description: options.description, columns, declaredTypes, batches };
}
