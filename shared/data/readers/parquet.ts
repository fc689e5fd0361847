import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import * as zlib from 'node:zlib';
import { parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import type { AsyncBuffer, Compressors, FileMetaData, SchemaElement, SchemaTree } from 'hyparquet';
import { UserError } from '../../task/user-error';
import type { Cell, DeclaredType, RowSource } from '../row-source';
import { DataFile, readRange } from '../sources/data-file';
import { BATCH_ROWS } from './columns';

export interface ParquetReadOptions {
  /** What the RowSource describes (the input as the user gave it). */
  description: string;
  /** Adds a column of this name holding each row's file (MLTable's `include_path_column`). */
  pathColumn?: string;
  /** Decoded bytes of one window of a row group (default 32 MB); tests make it small. */
  windowBytes?: number;
  /** Stops reading the first file's footer when opening. */
  abortSignal?: AbortSignal;
}

/**
 * Decompressors beyond the snappy hyparquet has built in, from Node's own zlib (no dependency):
 * gzip and brotli always, zstd where the runtime has it (Node ≥ 22.15, so the Node 24 handler).
 * LZ4 and LZO are refused with a message that names the codec.
 */
const zstd = (zlib as unknown as { zstdDecompressSync?: (b: Uint8Array) => Buffer }).zstdDecompressSync;
const COMPRESSORS: Compressors = {
  GZIP: (input) => gunzipSync(input),
  BROTLI: (input) => brotliDecompressSync(input),
  ...(zstd ? { ZSTD: (input: Uint8Array) => zstd(input) } : {}),
};

/** Decoded values of one window of rows are kept under about this size; a larger row group is read in windows. */
const WINDOW_BYTES = 64 * 1024 * 1024;
/** A row group's compressed bytes are read once and kept while it is read, up to this size. */
const CACHE_BYTES = 64 * 1024 * 1024;

type Convert = (v: unknown) => Cell;

const toBase64 = (v: Uint8Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');

function jsonText(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    typeof x === 'bigint' ? (Number.isSafeInteger(Number(x)) ? Number(x) : x.toString()) : x instanceof Uint8Array ? toBase64(x) : x,
  );
}

const integer: Convert = (v) => {
  if (v === undefined || v === null) return null;
  if (typeof v === 'bigint') {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v;
  }
  return v as number;
};
const plain: Convert = (v) => (v === undefined ? null : (v as Cell));
const binary: Convert = (v) => (v === undefined || v === null ? null : toBase64(v as Uint8Array));
const nested: Convert = (v) => (v === undefined || v === null ? null : jsonText(v));
const float: Convert = (v) => (v === undefined || v === null ? null : Number(v));
const timeOfDay =
  (perSecond: number): Convert =>
  (v) => {
    if (v === undefined || v === null) return null;
    const units = BigInt(v as bigint | number);
    const seconds = Number(units / BigInt(perSecond));
    const fraction = (units % BigInt(perSecond)).toString().padStart(String(perSecond).length - 1, '0');
    const hms = [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60].map((x) => String(x).padStart(2, '0')).join(':');
    return perSecond > 1 && /[1-9]/.test(fraction) ? `${hms}.${fraction}` : hms;
  };

/** A column's declared type and how its decoded values become cells. */
export function parquetColumnType(tree: SchemaTree): { type: DeclaredType; convert: Convert } {
  const e: SchemaElement = tree.element;
  if (tree.children.length > 0 || e.repetition_type === 'REPEATED') return { type: 'string', convert: nested };
  const logical = e.logical_type?.type;
  const converted = e.converted_type;
  if (converted === 'DECIMAL' || logical === 'DECIMAL' || logical === 'FLOAT16' || e.type === 'FLOAT' || e.type === 'DOUBLE')
    return { type: 'float', convert: float };
  if (converted === 'DATE' || logical === 'DATE') return { type: 'date', convert: plain };
  if (e.type === 'INT96' || logical === 'TIMESTAMP' || converted === 'TIMESTAMP_MILLIS' || converted === 'TIMESTAMP_MICROS')
    return { type: 'datetime', convert: plain };
  if (converted === 'TIME_MILLIS' || (logical === 'TIME' && e.logical_type?.unit === 'MILLIS'))
    return { type: 'string', convert: timeOfDay(1000) };
  if (converted === 'TIME_MICROS' || (logical === 'TIME' && e.logical_type?.unit === 'MICROS'))
    return { type: 'string', convert: timeOfDay(1_000_000) };
  if (logical === 'TIME') return { type: 'string', convert: timeOfDay(1_000_000_000) };
  if (e.type === 'BOOLEAN') return { type: 'boolean', convert: plain };
  if (e.type === 'INT32' || e.type === 'INT64') return { type: 'integer', convert: integer };
  if (
    converted === 'UTF8' ||
    converted === 'ENUM' ||
    converted === 'JSON' ||
    logical === 'STRING' ||
    logical === 'ENUM' ||
    logical === 'JSON' ||
    logical === 'UUID'
  ) {
    return { type: 'string', convert: plain };
  }
  // BYTE_ARRAY / FIXED_LEN_BYTE_ARRAY without a text annotation: bytes, as Spark reads them.
  return { type: 'binary', convert: binary };
}

interface ColumnChunkData {
  data: ArrayLike<unknown>;
  /** Absolute rows of the file the data covers (a page may reach outside the window). */
  rowStart: number;
  rowEnd: number;
}

/** Rows [start, end) from decoded column chunks, a batch at a time, each value converted to a cell. */
function* toRows(
  chunks: ColumnChunkData[][],
  converts: Convert[],
  start: number,
  end: number,
  path: string | undefined,
): Iterable<Cell[][]> {
  const width = converts.length;
  const at = new Array<number>(width).fill(0);
  for (let from = start; from < end; from += BATCH_ROWS) {
    const to = Math.min(end, from + BATCH_ROWS);
    const batch: Cell[][] = [];
    for (let r = from; r < to; r++) batch.push([]);
    for (let c = 0; c < width; c++) {
      const list = chunks[c];
      const convert = converts[c];
      let k = at[c];
      let chunk = list[k];
      for (let r = from; r < to; r++) {
        while (chunk && r >= chunk.rowEnd) chunk = list[++k];
        if (!chunk || r < chunk.rowStart) throw new Error(`parquet column ${c} has no value for row ${r}`);
        batch[r - from].push(convert(chunk.data[r - chunk.rowStart]));
      }
      at[c] = k;
    }
    if (path !== undefined) for (const row of batch) row.push(path);
    yield batch;
  }
}

/** Random access to a DataFile for hyparquet, serving reads inside the current row group from one cached read. */
class FileBuffer implements AsyncBuffer {
  private cache: { start: number; bytes: Uint8Array } | undefined;
  abortSignal?: AbortSignal;

  constructor(
    private readonly file: DataFile,
    readonly byteLength: number,
  ) {}

  async slice(start: number, end = this.byteLength): Promise<ArrayBuffer> {
    const c = this.cache;
    if (c && start >= c.start && end <= c.start + c.bytes.length) {
      const from = c.bytes.byteOffset + start - c.start;
      return c.bytes.buffer.slice(from, from + end - start) as ArrayBuffer;
    }
    const bytes = await readRange(this.file, start, end, this.abortSignal);
    if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes.buffer as ArrayBuffer;
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  async keep(start: number, end: number): Promise<void> {
    this.cache = undefined;
    if (end - start > CACHE_BYTES) return;
    this.cache = { start, bytes: await readRange(this.file, start, end, this.abortSignal) };
  }

  drop(): void {
    this.cache = undefined;
  }
}

function parquetError(file: DataFile, error: unknown): unknown {
  if (error instanceof UserError || (error as Error).name === 'AbortError') return error;
  const message = (error as Error).message ?? String(error);
  const codec = /unsupported compression codec: (\w+)/.exec(message);
  if (codec) {
    const zstdNote = codec[1] === 'ZSTD' ? ' (zstd needs Node 22.15 or later: run the task on the Node 24 handler)' : '';
    return new UserError(
      `${file.description} is compressed with ${codec[1]}, which this reader cannot decompress${zstdNote}; write it with snappy, gzip, brotli or zstd.`,
      { cause: error },
    );
  }
  return new UserError(`${file.description} cannot be read as Parquet: ${message}.`, { cause: error });
}

interface OpenedParquet {
  buffer: FileBuffer;
  metadata: FileMetaData;
  columns: string[];
  types: { type: DeclaredType; convert: Convert }[];
}

async function openOne(file: DataFile, abortSignal?: AbortSignal): Promise<OpenedParquet> {
  const size = await file.size(abortSignal);
  if (size < 12) throw new UserError(`${file.description} is not a Parquet file (${size} bytes; a Parquet file is at least 12).`);
  const buffer = new FileBuffer(file, size);
  buffer.abortSignal = abortSignal;
  const magic = Buffer.from(await buffer.slice(size - 4, size)).toString('latin1');
  if (magic !== 'PAR1') throw new UserError(`${file.description} is not a Parquet file (it does not end with the Parquet marker 'PAR1').`);
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(buffer, { geoparquet: false });
  } catch (error) {
    throw parquetError(file, error);
  }
  const schema = parquetSchema(metadata);
  return { buffer, metadata, columns: schema.children.map((c) => c.element.name), types: schema.children.map(parquetColumnType) };
}

/**
 * Parquet files as one RowSource: the schema from the first file's footer (every other file must
 * have the same columns and types), rows read one row group at a time, and a large row group in
 * windows of about 64 MB of decoded values, so memory follows the row group, not the file.
 */
export async function openParquet(files: readonly DataFile[], options: ParquetReadOptions): Promise<RowSource> {
  if (!files.length) throw new UserError(`${options.description} holds no files to read.`);
  const first = await openOne(files[0], options.abortSignal);
  const columns = [...first.columns];
  const declaredTypes: (DeclaredType | undefined)[] = first.types.map((t) => t.type);
  if (options.pathColumn) {
    columns.push(options.pathColumn);
    declaredTypes.push('string');
  }

  const windowBytes = options.windowBytes ?? WINDOW_BYTES;
  const pathColumn = !!options.pathColumn;

  async function* batches(batchOptions: { abortSignal?: AbortSignal } = {}): AsyncIterable<Cell[][]> {
    const abortSignal = batchOptions.abortSignal;
    for (const file of files) {
      const opened = await openOne(file, abortSignal);
      if (opened.columns.length !== first.columns.length || opened.columns.some((c, i) => c !== first.columns[i])) {
        throw new UserError(
          `${file.description}: its columns (${opened.columns.join(', ')}) differ from the first file's (${first.columns.join(', ')}); every file must have the same columns in the same order.`,
        );
      }
      const typeDiff = opened.types.findIndex((t, i) => t.type !== first.types[i].type);
      if (typeDiff >= 0) {
        throw new UserError(
          `${file.description}: column '${opened.columns[typeDiff]}' is ${opened.types[typeDiff].type} here but ${first.types[typeDiff].type} in the first file; every file must have the same column types.`,
        );
      }
      const converts = opened.types.map((t) => t.convert);
      const columnIndex = new Map(opened.columns.map((c, i) => [c, i]));
      const { buffer, metadata } = opened;
      let groupStart = 0;
      try {
        for (const group of metadata.row_groups) {
          const groupRows = Number(group.num_rows);
          // Decoded columns take the encoded size (plain text) or ~24 bytes a value (a boxed number in a nullable column), whichever is larger.
          const decoded = Math.max(Number(group.total_byte_size), groupRows * converts.length * 24, 1);
          const windowRows =
            decoded <= windowBytes ? groupRows : Math.max(Math.min(BATCH_ROWS, groupRows), Math.floor((groupRows * windowBytes) / decoded));
          let low = Infinity;
          let high = 0;
          for (const chunk of group.columns) {
            const meta = chunk.meta_data;
            if (!meta) continue;
            const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
            low = Math.min(low, start);
            high = Math.max(high, start + Number(meta.total_compressed_size));
          }
          // Read in windows, the group's bytes are fetched once and kept; read whole, hyparquet fetches them once itself.
          if (windowRows < groupRows && low < high) await buffer.keep(low, high);
          else buffer.drop();
          for (let from = 0; from < groupRows; from += windowRows) {
            abortSignal?.throwIfAborted();
            const windowStart = groupStart + from;
            const windowEnd = groupStart + Math.min(groupRows, from + windowRows);
            // Columns as hyparquet decodes them (typed arrays, dictionary strings shared), turned
            // into rows one batch at a time: the window is never held as row objects.
            const chunks: ColumnChunkData[][] = converts.map(() => []);
            await parquetRead({
              file: buffer,
              metadata,
              rowStart: windowStart,
              rowEnd: windowEnd,
              compressors: COMPRESSORS,
              utf8: false,
              geoparquet: false,
              useOffsetIndex: true,
              // JSON stays its text; geometry stays its bytes (WKB): cells are flat values.
              parsers: {
                jsonFromBytes: (b: Uint8Array) => b && new TextDecoder().decode(b),
                geometryFromBytes: (b: Uint8Array) => b,
                geographyFromBytes: (b: Uint8Array) => b,
              },
              onChunk: (chunk) => {
                const at = columnIndex.get(chunk.columnName);
                if (at !== undefined)
                  chunks[at].push({ data: chunk.columnData as ArrayLike<unknown>, rowStart: chunk.rowStart, rowEnd: chunk.rowEnd });
              },
            });
            for (const list of chunks) list.sort((a, b) => a.rowStart - b.rowStart);
            yield* toRows(chunks, converts, windowStart, windowEnd, pathColumn ? file.description : undefined);
          }
          groupStart += groupRows;
        }
      } catch (error) {
        throw parquetError(file, error);
      } finally {
        buffer.drop();
      }
    }
  }

  return { description: options.description, columns, declaredTypes, batches };
}
