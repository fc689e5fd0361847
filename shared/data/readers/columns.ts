/** Rows per batch a reader yields: enough to amortise the async hop, few enough to stay small. */
export const BATCH_ROWS = 1024;

/**
 * Column names from a header row, as pandas names them: an empty name is `Unnamed: <index>` (the
 * index column `df.to_csv()` writes has one), and a repeated name gets `.1`, `.2`… so that every
 * column can be told apart.
 */
export function columnNames(header: readonly string[]): string[] {
  const named = header.map((h, i) => (h === '' ? `Unnamed: ${i}` : h));
  const seen = new Set<string>();
  const counts = new Map<string, number>();
  return named.map((name) => {
    if (!seen.has(name)) {
      seen.add(name);
      return name;
    }
    let n = counts.get(name) ?? 0;
    let candidate: string;
    do {
      n++;
      candidate = `${name}.${n}`;
    } while (seen.has(candidate));
    counts.set(name, n);
    seen.add(candidate);
    return candidate;
  });
}
