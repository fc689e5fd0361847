import { PyFloat, PyTimestamp, pythonFloatText, resolvePlainScalar } from './yaml-file';

/**
 * `yaml.dump(value, sort_keys=True)` as PyYAML 6 writes it (default Dumper, block style, width 80,
 * indent 2, no unicode), for the values our PyYAML-faithful reader builds. azure-ai-ml sends an
 * inline environment's conda file as this text and hashes it into the anonymous environment's
 * version, so the bytes must be PyYAML's: the port follows yaml/emitter.py (analyze_scalar,
 * choose_scalar_style, write_plain, write_single_quoted, write_double_quoted) and
 * yaml/representer.py (sorted mapping keys, float repr, empty collections in flow style).
 */
export function pyyamlDump(value: unknown): string {
  const w = new Writer();
  w.node(value, { indent: null, mappingValue: false, root: true });
  w.documentEnd();
  return w.out;
}

interface Place {
  /** The enclosing collection's indent (null at the root). */
  indent: number | null;
  /** A value right after `key:` (a sequence there is indentless). */
  mappingValue: boolean;
  root: boolean;
  simpleKey?: boolean;
}

const BEST_WIDTH = 80;
const BREAKS = '\n\x85\u2028\u2029';
const WHITESPACE = `\0 \t\r${BREAKS}`;
const ESCAPES: Record<string, string> = {
  '\0': '0',
  '\x07': 'a',
  '\x08': 'b',
  '\x09': 't',
  '\x0A': 'n',
  '\x0B': 'v',
  '\x0C': 'f',
  '\x0D': 'r',
  '\x1B': 'e',
  '"': '"',
  '\\': '\\',
  '\x85': 'N',
  '\xA0': '_',
  '\u2028': 'L',
  '\u2029': 'P',
};

class Writer {
  out = '';
  private column = 0;
  private whitespace = true;
  private indention = true;
  private openEnded = false;
  private indent: number | null = null;

  node(value: unknown, place: Place): void {
    if (Array.isArray(value)) return value.length === 0 ? this.flowEmpty('[', ']') : this.sequence(value, place);
    if (value && typeof value === 'object' && !(value instanceof PyFloat) && !(value instanceof PyTimestamp)) {
      const entries = Object.entries(value as Record<string, unknown>);
      return entries.length === 0 ? this.flowEmpty('{', '}') : this.mapping(entries, place);
    }
    this.scalar(value, place);
  }

  /** expect_document_end, then the stream end: a root plain scalar is "open ended" and gets '...'. */
  documentEnd(): void {
    this.indent = null;
    this.writeIndent();
    if (this.openEnded) {
      this.writeIndicator('...', true);
      this.writeIndent();
    }
  }

  private withIndent(next: number, body: () => void): void {
    const saved = this.indent;
    this.indent = next;
    body();
    this.indent = saved;
  }

  private mapping(entries: Array<[string, unknown]>, place: Place): void {
    // represent_mapping with sort_keys: Python sorts str keys by code point.
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const indent = place.indent === null ? 0 : place.indent + 2;
    this.withIndent(indent, () => {
      entries.forEach(([key, value]) => {
        // (after '- ' this only pads: the first key of a mapping in a sequence stays on the item's line)
        this.writeIndent();
        this.scalar(key, { indent, mappingValue: false, root: false, simpleKey: true });
        this.writeIndicator(':', false);
        this.node(value, { indent, mappingValue: true, root: false });
      });
    });
  }

  private sequence(items: unknown[], place: Place): void {
    const indentless = place.mappingValue && !this.indention;
    const indent = place.indent === null ? 0 : indentless ? place.indent : place.indent + 2;
    this.withIndent(indent, () => {
      for (const item of items) {
        this.writeIndent();
        this.writeIndicator('-', true, false, true);
        this.node(item, { indent, mappingValue: false, root: false });
      }
    });
  }

  private flowEmpty(open: string, close: string): void {
    this.writeIndicator(open, true, true);
    this.writeIndicator(close, false);
  }

  private scalar(value: unknown, place: Place): void {
    const { text, plainImplicit } = represent(value);
    const a = analyze(text);
    const simpleKey = !!place.simpleKey;
    const flowLevel = false;
    let style: '' | "'" | '"' = '"';
    if (plainImplicit && !(simpleKey && (a.empty || a.multiline)) && (flowLevel ? a.allowFlowPlain : a.allowBlockPlain)) style = '';
    else if (a.allowSingleQuoted && !(simpleKey && a.multiline)) style = "'";
    // A scalar's continuation lines sit one step in from its collection (increase_indent(flow=True)).
    const indent = place.indent === null ? 2 : place.indent + 2;
    this.withIndent(indent, () => {
      const split = !simpleKey;
      if (style === '') this.writePlain(text, split, place.root);
      else if (style === "'") this.writeSingleQuoted(text, split);
      else this.writeDoubleQuoted(text, split);
    });
  }

  private write(data: string): void {
    this.out += data;
    this.column += data.length;
  }

  private writeIndicator(indicator: string, needWhitespace: boolean, whitespace = false, indention = false): void {
    const data = this.whitespace || !needWhitespace ? indicator : ` ${indicator}`;
    this.whitespace = whitespace;
    this.indention = this.indention && indention;
    this.openEnded = false;
    this.write(data);
  }

  private writeIndent(): void {
    const indent = this.indent ?? 0;
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.writeLineBreak();
    if (this.column < indent) {
      this.whitespace = true;
      this.write(' '.repeat(indent - this.column));
    }
  }

  private writeLineBreak(data = '\n'): void {
    this.whitespace = true;
    this.indention = true;
    this.out += data;
    this.column = 0;
  }

  private writePlain(text: string, split: boolean, root: boolean): void {
    if (root) this.openEnded = true;
    if (!text) return;
    if (!this.whitespace) this.write(' ');
    this.whitespace = false;
    this.indention = false;
    let spaces = false;
    let breaks = false;
    let start = 0;
    for (let end = 0; end <= text.length; end++) {
      const ch = end < text.length ? text[end] : undefined;
      if (spaces) {
        if (ch !== ' ') {
          if (start + 1 === end && this.column > BEST_WIDTH && split) {
            this.writeIndent();
            this.whitespace = false;
            this.indention = false;
          } else this.write(text.slice(start, end));
          start = end;
        }
      } else if (breaks) {
        if (ch === undefined || !BREAKS.includes(ch)) {
          if (text[start] === '\n') this.writeLineBreak();
          for (const br of text.slice(start, end)) this.writeLineBreak(br === '\n' ? '\n' : br);
          this.writeIndent();
          this.whitespace = false;
          this.indention = false;
          start = end;
        }
      } else if (ch === undefined || ` ${BREAKS}`.includes(ch)) {
        this.write(text.slice(start, end));
        start = end;
      }
      if (ch !== undefined) {
        spaces = ch === ' ';
        breaks = BREAKS.includes(ch);
      }
    }
  }

  private writeSingleQuoted(text: string, split: boolean): void {
    this.writeIndicator("'", true);
    let spaces = false;
    let breaks = false;
    let start = 0;
    for (let end = 0; end <= text.length; end++) {
      const ch = end < text.length ? text[end] : undefined;
      if (spaces) {
        if (ch === undefined || ch !== ' ') {
          if (start + 1 === end && this.column > BEST_WIDTH && split && start !== 0 && end !== text.length) this.writeIndent();
          else this.write(text.slice(start, end));
          start = end;
        }
      } else if (breaks) {
        if (ch === undefined || !BREAKS.includes(ch)) {
          if (text[start] === '\n') this.writeLineBreak();
          for (const br of text.slice(start, end)) this.writeLineBreak(br === '\n' ? '\n' : br);
          this.writeIndent();
          start = end;
        }
      } else if (ch === undefined || ` ${BREAKS}`.includes(ch) || ch === "'") {
        if (start < end) {
          this.write(text.slice(start, end));
          start = end;
        }
      }
      if (ch === "'") {
        this.write("''");
        start = end + 1;
      }
      if (ch !== undefined) {
        spaces = ch === ' ';
        breaks = BREAKS.includes(ch);
      }
    }
    this.writeIndicator("'", false);
  }

  private writeDoubleQuoted(text: string, split: boolean): void {
    this.writeIndicator('"', true);
    let start = 0;
    for (let end = 0; end <= text.length; end++) {
      const ch = end < text.length ? text[end] : undefined;
      if (ch === undefined || '"\\\x85\u2028\u2029\uFEFF'.includes(ch) || !(ch >= '\x20' && ch <= '\x7E')) {
        if (start < end) {
          this.write(text.slice(start, end));
          start = end;
        }
        if (ch !== undefined) {
          const code = ch.charCodeAt(0);
          const data = ESCAPES[ch] !== undefined ? `\\${ESCAPES[ch]}` : code <= 0xff ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`;
          this.write(data);
          start = end + 1;
        }
      }
      if (end > 0 && end < text.length - 1 && (ch === ' ' || start >= end) && this.column + (end - start) > BEST_WIDTH && split) {
        const data = `${text.slice(start, end)}\\`;
        if (start < end) start = end;
        this.write(data);
        this.writeIndent();
        this.whitespace = false;
        this.indention = false;
        if (text[start] === ' ') this.write('\\');
      }
    }
    this.writeIndicator('"', false);
  }
}

const hex = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, '0');

/** represent_* of the default representer: the text, and whether it reads back as itself when plain. */
function represent(value: unknown): { text: string; plainImplicit: boolean } {
  if (value === null || value === undefined) return { text: 'null', plainImplicit: true };
  if (typeof value === 'boolean') return { text: value ? 'true' : 'false', plainImplicit: true };
  if (typeof value === 'number' || typeof value === 'bigint') return { text: String(value), plainImplicit: true };
  if (value instanceof PyFloat) return { text: floatText(value.value), plainImplicit: true };
  if (value instanceof PyTimestamp) return { text: value.source, plainImplicit: true };
  const text = String(value);
  return { text, plainImplicit: resolvePlainScalar(text) === 'str' };
}

/** represent_float: .nan/.inf, else repr() lower-cased, with '.0' put in front of an exponent without a dot. */
function floatText(x: number): string {
  if (Number.isNaN(x)) return '.nan';
  if (x === Infinity) return '.inf';
  if (x === -Infinity) return '-.inf';
  const text = pythonFloatText(x).toLowerCase();
  return !text.includes('.') && text.includes('e') ? text.replace('e', '.0e') : text;
}

interface Analysis {
  empty: boolean;
  multiline: boolean;
  allowFlowPlain: boolean;
  allowBlockPlain: boolean;
  allowSingleQuoted: boolean;
}

/** Emitter.analyze_scalar (allow_unicode off). */
function analyze(scalar: string): Analysis {
  if (!scalar) return { empty: true, multiline: false, allowFlowPlain: false, allowBlockPlain: true, allowSingleQuoted: true };
  let blockIndicators = false;
  let flowIndicators = false;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let previousBreak = false;
  if (scalar.startsWith('---') || scalar.startsWith('...')) {
    blockIndicators = true;
    flowIndicators = true;
  }
  let precededByWhitespace = true;
  let followedByWhitespace = scalar.length === 1 || WHITESPACE.includes(scalar[1]);
  for (let index = 0; index < scalar.length;) {
    const ch = scalar[index];
    if (index === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) flowIndicators = blockIndicators = true;
      if ('?:'.includes(ch)) {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      }
      if (ch === '-' && followedByWhitespace) flowIndicators = blockIndicators = true;
    } else {
      if (',?[]{}'.includes(ch)) flowIndicators = true;
      if (ch === ':') {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      }
      if (ch === '#' && precededByWhitespace) flowIndicators = blockIndicators = true;
    }
    if (BREAKS.includes(ch)) lineBreaks = true;
    // Without allow_unicode every character outside printable ASCII is "special" (double quotes, escaped).
    if (!(ch === '\n' || (ch >= '\x20' && ch <= '\x7E'))) special = true;
    if (ch === ' ') {
      if (index === 0) leadingSpace = true;
      if (index === scalar.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousBreak = false;
    } else if (BREAKS.includes(ch)) {
      if (index === 0) leadingBreak = true;
      if (index === scalar.length - 1) trailingBreak = true;
      previousBreak = true;
    } else {
      previousBreak = false;
    }
    index++;
    precededByWhitespace = WHITESPACE.includes(ch);
    followedByWhitespace = index + 1 >= scalar.length || WHITESPACE.includes(scalar[index + 1]);
  }
  let allowFlowPlain = true;
  let allowBlockPlain = true;
  let allowSingleQuoted = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) allowFlowPlain = allowBlockPlain = false;
  if (breakSpace) allowFlowPlain = allowBlockPlain = allowSingleQuoted = false;
  if (special) allowFlowPlain = allowBlockPlain = allowSingleQuoted = false;
  if (lineBreaks) allowFlowPlain = allowBlockPlain = false;
  if (flowIndicators) allowFlowPlain = false;
  if (blockIndicators) allowBlockPlain = false;
  return { empty: false, multiline: lineBreaks, allowFlowPlain, allowBlockPlain, allowSingleQuoted };
}
