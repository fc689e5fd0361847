import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { UserError } from '../../task/user-error';
import type { DataFile } from '../sources/data-file';

/** Text encodings of MLTable's `encoding` (`utf8` is the default everywhere). */
export const TEXT_ENCODINGS = ['utf8', 'utf8bom', 'ascii', 'iso88591', 'latin1', 'windows1252', 'utf16'] as const;
export type TextEncoding = (typeof TEXT_ENCODINGS)[number];

interface Decoder {
  write(bytes: Uint8Array): string;
  end(): string;
}

function decoderFor(encoding: TextEncoding): Decoder {
  switch (encoding) {
    case 'utf8':
    case 'utf8bom':
    case 'ascii': {
      // ASCII is a subset of UTF-8; a split multi-byte character is completed by the next chunk.
      const d = new StringDecoder('utf8');
      return { write: (b) => d.write(b as Buffer), end: () => d.end() };
    }
    case 'iso88591':
    case 'latin1': {
      const d = new StringDecoder('latin1');
      return { write: (b) => d.write(b as Buffer), end: () => d.end() };
    }
    case 'windows1252':
    case 'utf16': {
      const d = new TextDecoder(encoding === 'utf16' ? 'utf-16le' : 'windows-1252');
      return { write: (b) => d.decode(b, { stream: true }), end: () => d.decode() };
    }
  }
}

/** A file's bytes; a `.gz` file is decompressed as it streams. */
export function fileBytes(file: DataFile, abortSignal?: AbortSignal): AsyncIterable<Uint8Array> {
  const raw = file.read({ abortSignal });
  if (!/\.gz$/i.test(file.relativePath)) return raw;
  const gunzip = Readable.from(raw, { objectMode: false }).pipe(createGunzip());
  return (async function* () {
    try {
      for await (const chunk of gunzip) yield chunk as Buffer;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code?.startsWith('Z_'))
        throw new UserError(`${file.description} is not a valid gzip file (${(error as Error).message}).`, { cause: error });
      throw error;
    } finally {
      gunzip.destroy();
    }
  })();
}

/** A file's text in chunks, decoded (a character split across chunks is kept whole). */
export async function* fileText(file: DataFile, encoding: TextEncoding, abortSignal?: AbortSignal): AsyncIterable<string> {
  const decoder = decoderFor(encoding);
  for await (const bytes of fileBytes(file, abortSignal)) {
    const text = decoder.write(bytes);
    if (text) yield text;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}
