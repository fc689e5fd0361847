import type { Cell, DeclaredType, RowSource } from '../../shared/data/row-source';

/** A RowSource over rows in memory, in batches of `batchSize` (default 3, so tests cross batch edges). */
export function memoryRows(
  columns: readonly string[],
  rows: readonly (readonly Cell[])[],
  options: { declaredTypes?: readonly (DeclaredType | undefined)[]; description?: string; batchSize?: number } = {},
): RowSource {
  const batchSize = options.batchSize ?? 3;
  return {
    description: options.description ?? 'memory.csv',
    columns,
    declaredTypes: options.declaredTypes ?? columns.map(() => undefined),
    async *batches() {
      for (let i = 0; i < rows.length; i += batchSize) yield rows.slice(i, i + batchSize).map((r) => [...r]);
    },
  };
}

/**
 * A RowSource from CSV text the way the CSV reader gives it: strings, an empty unquoted field as
 * null, a quoted one as ''. Double quotes quote a field (doubled inside); the first line is the header.
 */
export function csvRows(text: string, options: { description?: string; batchSize?: number } = {}): RowSource {
  const records: Cell[][] = [];
  let field = '';
  let quoted = false;
  let wasQuoted = false;
  let record: Cell[] = [];
  const endField = () => {
    record.push(field === '' && !wasQuoted ? null : field);
    field = '';
    wasQuoted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') {
      quoted = true;
      wasQuoted = true;
    } else if (ch === ',') endField();
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endField();
      records.push(record);
      record = [];
    } else field += ch;
  }
  if (field !== '' || wasQuoted || record.length) {
    endField();
    records.push(record);
  }
  const [header, ...rows] = records;
  return memoryRows(
    header.map((h) => String(h ?? '')),
    rows,
    options,
  );
}
