import { parseDocument, LineCounter } from 'yaml';
import { UserError } from '../task/user-error';

/**
 * Parses YAML text the way `az ml` reads a job or component file (YAML 1.2 core schema), but reports a
 * syntax error as one line with `file:line:column`, so the user can jump straight to it from the log.
 * `displayPath` is the path as the user knows it (relative to the repository).
 */
export function parseYamlText(text: string, displayPath: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    // yaml's messages can span lines (a source excerpt follows); the first line says what is wrong.
    const what = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '').trim();
    throw new UserError(`YAML syntax error in ${displayPath}:${line}:${col}: ${what}`);
  }
  return doc.toJS({ maxAliasCount: 100 });
}
