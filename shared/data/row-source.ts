/**
 * The contract between the data readers (CSV, Parquet, JSON Lines, MLTable; local or in Azure) and
 * everything that reads rows (typing, the data profile, expectations, quality and drift metrics):
 * a header and rows in batches, pulled one batch at a time so memory never grows with the row count.
 */

/**
 * One value as the format gives it. Text formats (CSV) give strings, with an empty unquoted field
 * as null; typed formats (Parquet, JSON) give their own types. Typing a column is the consumer's
 * job (shared/data/column-kinds.ts), so every format is typed by one rule.
 */
export type Cell = string | number | bigint | boolean | Date | null;

/** A column's type when the format declares one (Parquet schema, an MLTable column type). */
export type DeclaredType = 'integer' | 'float' | 'boolean' | 'string' | 'datetime' | 'date' | 'binary';

export interface RowSource {
  /** What was read, for messages and reports: a path, an `azureml:` id, a URL (never with a SAS). */
  readonly description: string;
  /** Column names in order; every row has exactly this many cells. */
  readonly columns: readonly string[];
  /** Per column, the type the format declares, or undefined (CSV, JSON Lines). */
  readonly declaredTypes: readonly (DeclaredType | undefined)[];
  /** Rows in batches (a few thousand rows each); each call starts again from the first row. */
  batches(options?: { abortSignal?: AbortSignal }): AsyncIterable<Cell[][]>;
}
