import { parse as parseYaml } from 'yaml';
import { UserError } from '../../task/user-error';
import type { Cell, RowSource } from '../row-source';
import { DataFile, DataLocation, globBase, globToRegExp, isHiddenPath, readRange } from '../sources/data-file';
import { HeaderMode, openCsv } from './csv';
import { openJsonLines } from './jsonl';
import { openParquet } from './parquet';
import { TEXT_ENCODINGS, TextEncoding } from './text';

/** The file that makes a folder an MLTable (Azure ML reads no other name). */
export const MLTABLE_FILE = 'MLTable';

export interface MlTableContext {
  /** What the RowSource describes (the input as the user gave it). */
  description: string;
  /** Resolves an absolute path of the MLTable (azureml://, https://, wasbs://, abfss://) to a location. */
  resolveUri(uri: string): Promise<DataLocation>;
  abortSignal?: AbortSignal;
}

type Args = Record<string, unknown>;
const isObject = (v: unknown): v is Args => typeof v === 'object' && v !== null && !Array.isArray(v);
const hasScheme = (p: string) => /^[a-z][a-z0-9+.-]*:/i.test(p) && !/^[a-z]:[\\/]/i.test(p);

const READERS = ['read_delimited', 'read_parquet', 'read_json_lines'] as const;
type ReadName = (typeof READERS)[number];

/** Options of each read transformation that we honour (or accept as having no effect here). */
const READ_OPTIONS: Record<ReadName, string[]> = {
  read_delimited: [
    'delimiter',
    'header',
    'encoding',
    'empty_as_string',
    'include_path_column',
    'path_column',
    'infer_column_types',
    'support_multi_line',
    'partition_size',
  ],
  read_parquet: ['include_path_column', 'path_column'],
  read_json_lines: ['encoding', 'invalid_lines', 'include_path_column', 'path_column', 'partition_size'],
};

/** Transformations we apply after reading; every other one is refused by name. */
const COLUMN_TRANSFORMS = ['keep_columns', 'drop_columns'];

function refuse(where: string, message: string): UserError {
  return new UserError(`${where}: ${message}`);
}

/**
 * An MLTable (the `MLTable` YAML file of a folder or a data asset of type mltable) as a RowSource:
 * its `paths` (file, folder, pattern; relative to the MLTable's folder, or absolute URIs), one read
 * transformation (read_delimited, read_parquet, read_json_lines) and keep_columns / drop_columns.
 * Every other transformation or option is refused by name rather than silently ignored, so a table
 * is never read differently from the way Azure ML reads it.
 */
export async function openMlTable(folder: DataLocation, ctx: MlTableContext): Promise<RowSource> {
  const fileLocation = folder.child(MLTABLE_FILE);
  const where = fileLocation.description;
  const yamlFile = fileLocation.asFile();
  const text = Buffer.from(await readRange(yamlFile, 0, await yamlFile.size(ctx.abortSignal), ctx.abortSignal)).toString('utf8');
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    throw new UserError(`${where} is not valid YAML: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
  if (!isObject(doc)) throw refuse(where, 'an MLTable file is a YAML mapping with paths and transformations.');
  if (doc.type !== undefined && doc.type !== 'mltable')
    throw refuse(where, `type is '${String(doc.type)}'; an MLTable file has type: mltable.`);
  for (const key of Object.keys(doc)) {
    if (!['$schema', 'type', 'paths', 'transformations'].includes(key))
      throw refuse(where, `'${key}' is not supported (supported: paths, transformations).`);
  }
  if (!Array.isArray(doc.paths) || doc.paths.length === 0)
    throw refuse(where, "'paths' must list at least one file:, folder: or pattern: entry.");

  // Transformations: a list of single-key mappings (`- read_delimited: {…}`) or bare names.
  const steps = (
    Array.isArray(doc.transformations) ? doc.transformations : doc.transformations === undefined ? [] : [doc.transformations]
  ).map((t: unknown) => {
    if (typeof t === 'string') return { name: t, args: {} as unknown };
    if (isObject(t) && Object.keys(t).length === 1) {
      const [name] = Object.keys(t);
      return { name, args: t[name] };
    }
    throw refuse(where, `the transformation ${JSON.stringify(t)} is not a single 'name: arguments' entry.`);
  });
  const reads = steps.filter((s) => (READERS as readonly string[]).includes(s.name));
  for (const s of steps) {
    if (!(READERS as readonly string[]).includes(s.name) && !COLUMN_TRANSFORMS.includes(s.name)) {
      throw refuse(where, `the transformation '${s.name}' is not supported; supported: ${[...READERS, ...COLUMN_TRANSFORMS].join(', ')}.`);
    }
  }
  if (reads.length !== 1)
    throw refuse(
      where,
      reads.length ? 'it has more than one read transformation.' : `it has no read transformation (${READERS.join(', ')}).`,
    );
  if (steps[0] !== reads[0]) throw refuse(where, `'${reads[0].name}' must come before ${steps[0].name}.`);
  const read = reads[0] as { name: ReadName; args: unknown };
  const args: Args = read.args === null || read.args === undefined ? {} : isObject(read.args) ? read.args : {};
  if (read.args !== null && read.args !== undefined && !isObject(read.args))
    throw refuse(where, `the arguments of ${read.name} must be a mapping.`);
  for (const key of Object.keys(args)) {
    if (!READ_OPTIONS[read.name].includes(key))
      throw refuse(where, `${read.name} option '${key}' is not supported (supported: ${READ_OPTIONS[read.name].join(', ')}).`);
  }

  const files = await filesOf(folder, doc.paths as unknown[], where, ctx);
  const pathColumn = bool(args.include_path_column, 'include_path_column', where, false)
    ? (str(args.path_column, 'path_column', where) ?? 'Path')
    : undefined;
  const encoding = args.encoding === undefined ? 'utf8' : oneOf(args.encoding, TEXT_ENCODINGS, 'encoding', where);
  let source: RowSource;
  switch (read.name) {
    case 'read_delimited': {
      const delimiter = str(args.delimiter, 'delimiter', where) ?? ',';
      if (delimiter.length !== 1) throw refuse(where, `read_delimited delimiter '${delimiter}' must be one character.`);
      const header =
        args.header === undefined
          ? 'all_files_same_headers'
          : oneOf(args.header, ['all_files_same_headers', 'from_first_file', 'no_header', 'all_files_different_headers'], 'header', where);
      if (header === 'all_files_different_headers')
        throw refuse(
          where,
          "read_delimited header 'all_files_different_headers' is not supported; use all_files_same_headers (every file has the same header), from_first_file or no_header.",
        );
      source = await openCsv(files, {
        description: ctx.description,
        delimiter,
        header: header as HeaderMode,
        encoding: encoding as TextEncoding,
        emptyAsString: bool(args.empty_as_string, 'empty_as_string', where, false),
        inferTypes: bool(args.infer_column_types, 'infer_column_types', where, true),
        pathColumn,
        abortSignal: ctx.abortSignal,
      });
      // support_multi_line only decides how MLTable splits records; quoted line breaks are always read as RFC 4180 says.
      bool(args.support_multi_line, 'support_multi_line', where, false);
      break;
    }
    case 'read_parquet':
      source = await openParquet(files, { description: ctx.description, pathColumn, abortSignal: ctx.abortSignal });
      break;
    case 'read_json_lines':
      source = await openJsonLines(files, {
        description: ctx.description,
        encoding: encoding as TextEncoding,
        invalidLines:
          args.invalid_lines === undefined
            ? 'error'
            : (oneOf(args.invalid_lines, ['error', 'drop'], 'invalid_lines', where) as 'error' | 'drop'),
        pathColumn,
        abortSignal: ctx.abortSignal,
      });
      break;
  }
  for (const step of steps.slice(1)) source = selectColumns(source, step.name as 'keep_columns' | 'drop_columns', step.args, where);
  return source;
}

function str(v: unknown, name: string, where: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw refuse(where, `${name} must be text, not ${JSON.stringify(v)}.`);
  return v;
}

function bool(v: unknown, name: string, where: string, fallback: boolean): boolean {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') throw refuse(where, `${name} must be true or false, not ${JSON.stringify(v)}.`);
  return v;
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], name: string, where: string): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v))
    throw refuse(where, `${name} ${JSON.stringify(v)} is not one of ${allowed.join(', ')}.`);
  return v as T;
}

/** The files an MLTable's paths name, in the order given; a folder's or a pattern's files sorted. */
async function filesOf(folder: DataLocation, paths: unknown[], where: string, ctx: MlTableContext): Promise<DataFile[]> {
  const resolve = (p: string) => (hasScheme(p) ? ctx.resolveUri(p) : Promise.resolve(folder.child(p)));
  const files: DataFile[] = [];
  for (const entry of paths) {
    if (!isObject(entry) || Object.keys(entry).length !== 1 || typeof Object.values(entry)[0] !== 'string') {
      throw refuse(where, `the path ${JSON.stringify(entry)} must be one 'file:', 'folder:' or 'pattern:' with a path.`);
    }
    const [kind] = Object.keys(entry);
    const value = entry[kind] as string;
    if (kind === 'file') {
      const location = await resolve(value);
      const found = await location.kind(ctx.abortSignal);
      if (found !== 'file')
        throw refuse(
          where,
          `the path 'file: ${value}' ${found === 'folder' ? 'is a folder (use folder:)' : `does not exist (${location.description})`}.`,
        );
      files.push(location.asFile());
    } else if (kind === 'folder') {
      const location = await resolve(value);
      const found = await location.kind(ctx.abortSignal);
      if (found !== 'folder')
        throw refuse(
          where,
          `the path 'folder: ${value}' ${found === 'file' ? 'is a file (use file:)' : `does not exist (${location.description})`}.`,
        );
      const listed = (await location.listFiles(ctx.abortSignal)).filter(
        (f) => !isHiddenPath(f.relativePath) && f.relativePath !== MLTABLE_FILE,
      );
      if (!listed.length) throw refuse(where, `the folder '${value}' holds no data files.`);
      files.push(...listed);
    } else if (kind === 'pattern') {
      const { base, rest } = globBase(value);
      const location = base === '' ? folder : await resolve(base);
      if (!rest) {
        // A pattern without wildcards names one file.
        if ((await location.kind(ctx.abortSignal)) !== 'file') throw refuse(where, `the pattern '${value}' matches no file.`);
        files.push(location.asFile());
        continue;
      }
      const match = globToRegExp(rest);
      const found = (await location.kind(ctx.abortSignal)) === 'folder' ? await location.listFiles(ctx.abortSignal) : [];
      const matched = found.filter((f) => match.test(f.relativePath) && !isHiddenPath(f.relativePath) && f.relativePath !== MLTABLE_FILE);
      if (!matched.length) throw refuse(where, `the pattern '${value}' matches no file under ${location.description}.`);
      files.push(...matched);
    } else {
      throw refuse(where, `'${kind}:' is not a path kind; use file:, folder: or pattern:.`);
    }
  }
  return files;
}

/** keep_columns / drop_columns: a column name or a list of them (each must exist). */
function selectColumns(source: RowSource, name: 'keep_columns' | 'drop_columns', args: unknown, where: string): RowSource {
  const names =
    typeof args === 'string' ? [args] : Array.isArray(args) && args.every((a) => typeof a === 'string') ? (args as string[]) : undefined;
  if (!names?.length) throw refuse(where, `${name} takes a column name or a list of column names.`);
  const missing = names.filter((n) => !source.columns.includes(n));
  if (missing.length)
    throw refuse(
      where,
      `${name} names ${missing.map((m) => `'${m}'`).join(', ')}, which the data does not have (columns: ${source.columns.join(', ')}).`,
    );
  const keep = source.columns
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => (name === 'keep_columns' ? names.includes(c) : !names.includes(c)));
  const indexes = keep.map((k) => k.i);
  return {
    description: source.description,
    columns: keep.map((k) => k.c),
    declaredTypes: indexes.map((i) => source.declaredTypes[i]),
    async *batches(options) {
      for await (const batch of source.batches(options)) yield batch.map((row): Cell[] => indexes.map((i) => row[i]));
    },
  };
}
