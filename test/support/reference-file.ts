/**
 * A file of ../shared/reference (beside the checkout, never copied into it), with one clear failure
 * naming what the tests read there when the folder or the file is absent.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const REFERENCE_DIR = path.resolve(__dirname, '..', '..', '..', 'shared', 'reference');

export function referenceFile(parts: readonly string[], why: { reads: string; missingNote?: string; dir?: string }): string {
  const dir = why.dir ?? REFERENCE_DIR;
  if (!fs.existsSync(dir)) {
    throw new Error(
      `Reference data not found at ${dir}. ${why.reads} (beside the repository checkout, never copied into it); check it out there and run the tests again.`,
    );
  }
  const file = path.join(dir, ...parts);
  if (!fs.existsSync(file)) throw new Error(`Reference file missing: ${file}${why.missingNote ? ` ${why.missingNote}` : ''}`);
  return file;
}

/** The text of a file of ../shared/reference, by its path there (`azure-ai-ml-fixtures/…`). */
export function referenceText(rel: string, reads = 'The tests read az ml fixtures and recordings from ../shared/reference'): string {
  return fs.readFileSync(referenceFile(rel.split('/'), { reads }), 'utf8');
}
