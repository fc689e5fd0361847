/** What the data reader tests share: every row of a source, a file written under a folder, a UserError check. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Cell, RowSource } from '../../shared/data/row-source';
import { UserError } from '../../shared/task/user-error';

/** Every row of the source, batch after batch. */
export async function allRows(source: RowSource): Promise<Cell[][]> {
  const all: Cell[][] = [];
  for await (const batch of source.batches()) all.push(...batch);
  return all;
}

/** Writes `content` to `dir/name` (making its folders); returns the path. */
export function writeIn(dir: string, name: string, content: string | Uint8Array): string {
  const p = path.join(dir, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
  return p;
}

/** The promise rejects with a UserError (one clear line for the user) whose message matches. */
export async function rejectsWithUserError(promise: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof UserError, `a UserError, not ${String(e)}`);
    assert.match(e.message, message);
    return true;
  });
}
