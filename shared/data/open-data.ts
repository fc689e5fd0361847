import * as path from 'node:path';
import { UserError } from '../task/user-error';
import { openCsv } from './readers/csv';
import { openJsonLines } from './readers/jsonl';
import { MLTABLE_FILE, openMlTable } from './readers/mltable';
import { openParquet } from './readers/parquet';
import type { RowSource } from './row-source';
import { DataWorkspace, isAzureSpec, resolveAzure, withoutSecrets } from './sources/azure';
import { DataFile, DataLocation, isHiddenPath } from './sources/data-file';
import { LocalLocation } from './sources/local';

export type { DataWorkspace } from './sources/azure';

export type DataFormat = 'auto' | 'csv' | 'parquet' | 'jsonl' | 'mltable';
export const DATA_FORMATS: readonly DataFormat[] = ['auto', 'csv', 'parquet', 'jsonl', 'mltable'];

export interface OpenDataOptions {
  /** auto (default): MLTable when an `MLTable` file is there, else by the files' extensions. */
  format?: DataFormat;
  /** CSV delimiter: one character, or `tab`; default ',' (a tab for .tsv files). */
  delimiter?: string;
  /** Needed for `azureml:` inputs and for blob URLs read with the service connection's identity. */
  workspace?: DataWorkspace;
  /** Where a relative local path starts from (default: the current directory). */
  baseDir?: string;
  abortSignal?: AbortSignal;
}

type FileFormat = 'csv' | 'tsv' | 'parquet' | 'jsonl';

/** The format a file's name says it holds (`.gz` looked through for text formats). */
export function formatOfName(name: string): FileFormat | undefined {
  const lower = name.toLowerCase();
  const gz = lower.endsWith('.gz');
  const base = gz ? lower.slice(0, -3) : lower;
  const ext = base.slice(base.lastIndexOf('.') + 1);
  if (base.lastIndexOf('.') < 0) return undefined;
  if (ext === 'csv') return 'csv';
  if (ext === 'tsv' || ext === 'tab') return 'tsv';
  if (!gz && (ext === 'parquet' || ext === 'pq' || ext === 'parq')) return 'parquet';
  if (ext === 'jsonl' || ext === 'ndjson' || ext === 'json') return 'jsonl';
  return undefined;
}

const NAMES: Record<string, string> = { tab: '\t', '\\t': '\t', comma: ',', semicolon: ';', pipe: '|' };

function delimiterOf(option: string | undefined, spec: string): string | undefined {
  if (option === undefined || option === '') return undefined;
  const d = NAMES[option.toLowerCase()] ?? option;
  if (d.length !== 1 || d === '"' || d === '\n' || d === '\r')
    throw new UserError(
      `The delimiter '${option}' for '${spec}' must be one character (',', ';', '|' or 'tab'), not a quote or a line break.`,
    );
  return d;
}

/**
 * Opens data for reading, whatever it is and wherever it lives, as one RowSource:
 * - a local file or folder (relative to `baseDir`);
 * - `azureml:<asset>:<version>` or `azureml:<asset>@latest` (uri_file, uri_folder, mltable);
 * - `azureml://datastores/<datastore>/paths/<path>` (or the long `azureml://subscriptions/…` form);
 * - a blob URL (`https://<account>.blob.core.windows.net/<container>/<path>`, with or without a SAS;
 *   `wasbs://`, `abfss://`).
 * Formats: CSV (.csv, .tsv), Parquet, JSON Lines (.jsonl, .json; Azure ML data collector events
 * expanded), MLTable. A folder is read file by file in sorted order (files and folders whose name
 * starts with '.' or '_' are skipped, as Spark and Azure ML do), every file with the same columns.
 * Reading never writes anything anywhere.
 */
export async function openData(spec: string, options: OpenDataOptions = {}): Promise<RowSource> {
  const input = spec.trim();
  if (!input)
    throw new UserError('No data to read was given: name a file, a folder, an azureml: data asset or datastore path, or a blob URL.');
  const format = options.format ?? 'auto';
  if (!DATA_FORMATS.includes(format)) throw new UserError(`The data format '${format}' is not one of ${DATA_FORMATS.join(', ')}.`);
  const delimiter = delimiterOf(options.delimiter, input);
  const description = isAzureSpec(input) ? withoutSecrets(input) : input;
  const abortSignal = options.abortSignal;

  let location: DataLocation;
  let assetType: string | undefined;
  if (isAzureSpec(input)) {
    ({ location, assetType } = await resolveAzure(input, options.workspace, abortSignal));
  } else if (/^[a-z][a-z0-9+.-]+:\/\//i.test(input)) {
    throw new UserError(
      `'${withoutSecrets(input)}' is not a URL this task reads: use https:// (Azure Blob Storage), wasbs://, abfss://, azureml:// or a local path.`,
    );
  } else {
    location = new LocalLocation(path.resolve(options.baseDir ?? process.cwd(), input));
  }
  const kind = await location.kind(abortSignal);
  if (kind === 'missing') {
    const where = assetType
      ? ` (the data asset points at ${location.description})`
      : location.description !== input
        ? ` (${location.description})`
        : '';
    throw new UserError(`The data '${description}' does not exist${where}; check the path.`);
  }

  const mlTable = async (folder: DataLocation) =>
    openMlTable(folder, {
      description,
      abortSignal,
      resolveUri: async (uri) => (await resolveAzure(uri, options.workspace, abortSignal)).location,
    });

  if (kind === 'file') {
    const file = location.asFile();
    const isMlTableFile = file.relativePath === MLTABLE_FILE;
    if (format === 'mltable' || (format === 'auto' && (isMlTableFile || assetType === 'mltable'))) {
      if (!isMlTableFile)
        throw new UserError(
          `The data '${description}' is a file named '${file.relativePath}'; an MLTable is a folder with a file named '${MLTABLE_FILE}' (or that file itself).`,
        );
      return mlTable(location.child('..'));
    }
    return openFiles([file], format, { description, delimiter, what: `'${description}'`, abortSignal });
  }

  // A folder: an MLTable when it holds an MLTable file (or the asset says so), else its data files.
  const hasMlTable = (await location.child(MLTABLE_FILE).kind(abortSignal)) === 'file';
  if (format === 'mltable' || assetType === 'mltable' || (format === 'auto' && hasMlTable)) {
    if (!hasMlTable) throw new UserError(`The data '${description}' is read as an MLTable, but the folder has no '${MLTABLE_FILE}' file.`);
    return mlTable(location);
  }
  const files = (await location.listFiles(abortSignal)).filter((f) => !isHiddenPath(f.relativePath) && f.relativePath !== MLTABLE_FILE);
  if (!files.length)
    throw new UserError(
      `The folder '${description}' holds no data files (files and folders whose names start with '.' or '_' are skipped).`,
    );
  return openFiles(files, format, { description, delimiter, what: `the folder '${description}'`, abortSignal });
}

async function openFiles(
  files: DataFile[],
  format: DataFormat,
  o: { description: string; delimiter?: string; what: string; abortSignal?: AbortSignal },
): Promise<RowSource> {
  let chosen: FileFormat;
  if (format === 'auto') {
    const formats = new Map<FileFormat | undefined, DataFile>();
    for (const f of files) if (!formats.has(formatOfName(f.relativePath))) formats.set(formatOfName(f.relativePath), f);
    const unknown = formats.get(undefined);
    if (unknown) {
      throw new UserError(
        `The format of ${unknown.description} is not known from its name (.csv, .tsv, .parquet, .jsonl, .json, optionally .gz for text): set the data format (csv, parquet, jsonl, mltable)${files.length > 1 ? ', or read a folder that holds only data files' : ''}.`,
      );
    }
    const kinds = [...formats.keys()] as FileFormat[];
    const textKinds = new Set(kinds.map((k) => (k === 'tsv' ? 'csv' : k)));
    if (textKinds.size > 1 || (kinds.includes('csv') && kinds.includes('tsv') && !o.delimiter)) {
      throw new UserError(
        `${o.what} holds files of more than one format (${kinds.map((k) => `${formats.get(k)!.relativePath}: ${k}`).join('; ')}); read one format at a time (point at a sub-folder, or use an MLTable with a pattern).`,
      );
    }
    chosen = kinds[0];
  } else if (format === 'csv') {
    chosen = files.every((f) => formatOfName(f.relativePath) === 'tsv') ? 'tsv' : 'csv';
  } else {
    chosen = format as FileFormat;
  }
  switch (chosen) {
    case 'csv':
    case 'tsv':
      return openCsv(files, {
        description: o.description,
        delimiter: o.delimiter ?? (chosen === 'tsv' ? '\t' : ','),
        abortSignal: o.abortSignal,
      });
    case 'parquet':
      return openParquet(files, { description: o.description, abortSignal: o.abortSignal });
    case 'jsonl':
      return openJsonLines(files, { description: o.description, abortSignal: o.abortSignal });
  }
}
