/**
 * The one pass over a RowSource that every check shares: each cell is classified once (its class
 * and, for numbers and booleans, its value), each row marked complete or not (no null and no NaN
 * in any column: the rows Azure ML's drift keeps after `dropna()`), and every visitor sees the row.
 */
import type { Cell, RowSource } from './row-source';
import * as kinds from './column-kinds';
import type { CellClass } from './column-kinds';

// Module-local copies: a CommonJS build (tsx, ts-node) reads an imported binding through a getter
// on every use, which a per-cell loop feels; a bundle (esbuild) inlines them either way.
const { classifyCell, NAN, NULL } = kinds;

export interface RowVisitor {
  /**
   * One row: its cells, their classes and numeric values (valid for INTEGER, FLOAT, NAN and
   * BOOLEAN classes), and whether the row has no missing value. The arrays are reused for the
   * next row: copy what must be kept.
   */
  row(cells: readonly Cell[], classes: Uint8Array, numbers: Float64Array, complete: boolean): void;
}

function abortError(signal: AbortSignal): unknown {
  if (signal.reason !== undefined) return signal.reason;
  const error = new Error('The operation was aborted');
  error.name = 'AbortError';
  return error;
}

/** Reads every row once, feeding the visitors; returns the row count. Stops with the signal's reason when aborted. */
export async function scanRows(source: RowSource, visitors: readonly RowVisitor[], abortSignal?: AbortSignal): Promise<number> {
  const width = source.columns.length;
  const declared = source.declaredTypes;
  const classes = new Uint8Array(width);
  const numbers = new Float64Array(width);
  const out = { number: 0 };
  let rows = 0;
  if (abortSignal?.aborted) throw abortError(abortSignal);
  for await (const batch of source.batches({ abortSignal })) {
    if (abortSignal?.aborted) throw abortError(abortSignal);
    for (const cells of batch) {
      let complete = true;
      for (let j = 0; j < width; j++) {
        const cls: CellClass = classifyCell(cells[j] ?? null, declared[j], out);
        classes[j] = cls;
        numbers[j] = out.number;
        if (cls === NULL || cls === NAN) complete = false;
      }
      for (const v of visitors) v.row(cells, classes, numbers, complete);
      rows++;
    }
  }
  if (abortSignal?.aborted) throw abortError(abortSignal);
  return rows;
}
