import { UserError } from '../task/user-error';
import type { PipelineDefinition, PipelineInput } from './definition';
import { PyFloat, pythonType } from './yaml-file';

interface KeyValueLine {
  line: number;
  key: string;
  value: string;
}

/** `name=value`, one per line; blank lines and `#` comments skipped; the value may contain '='. */
export function parseKeyValueLines(inputName: string, text: string | undefined): KeyValueLine[] {
  const out: KeyValueLine[] = [];
  (text ?? '').split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new UserError(`'${inputName}' line ${i + 1} is '${line}'; write one name=value per line.`);
    const key = line.slice(0, eq).trim();
    if (out.some((o) => o.key === key)) throw new UserError(`'${inputName}' sets '${key}' twice (line ${i + 1}).`);
    out.push({ line: i + 1, key, value: line.slice(eq + 1).trim() });
  });
  return out;
}

/**
 * Replaces pipeline input values, typed like the YAML's own value: an integer input takes only an
 * integer, a boolean only true/false; a data input takes a new path (resolved by `dataSource`, so
 * `azureml:` assets, URIs and local paths work as in the YAML).
 */
export function applyInputOverrides(
  def: PipelineDefinition,
  lines: KeyValueLine[],
  dataSource: (
    raw: string,
    input: Extract<PipelineInput, { kind: 'data' }>,
    where: string,
  ) => Extract<PipelineInput, { kind: 'data' }>['source'],
): PipelineDefinition {
  const inputs = { ...def.inputs };
  const declared = Object.keys(def.inputs);
  for (const { key, value, line } of lines) {
    const current = inputs[key];
    if (!current) {
      throw new UserError(
        `'inputOverrides' line ${line} sets '${key}', which ${def.file} does not declare as a pipeline input; declared inputs: ${declared.length ? declared.join(', ') : 'none'}.`,
      );
    }
    if (current.kind === 'data') {
      inputs[key] = { ...current, source: dataSource(value, current, `'inputOverrides' line ${line} ('${key}')`) };
      continue;
    }
    const bad = (what: string) =>
      new UserError(`'inputOverrides' line ${line} sets '${key}' to '${value}', but it is ${what} input in ${def.file}.`);
    // Typed by the Python type PyYAML gave the YAML's value; the override itself is plain text, not YAML.
    const type = pythonType(current.value);
    if (type === 'boolean') {
      if (!/^(true|false)$/i.test(value)) throw bad('a boolean (true/false)');
      inputs[key] = { kind: 'literal', value: value.toLowerCase() === 'true' };
    } else if (type === 'integer') {
      if (!/^[-+]?\d+$/.test(value)) throw bad('an integer');
      const n = BigInt(value);
      inputs[key] = {
        kind: 'literal',
        value: n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n,
      };
    } else if (type === 'number') {
      if (value === '' || !Number.isFinite(Number(value))) throw bad('a number');
      inputs[key] = { kind: 'literal', value: new PyFloat(Number(value)) };
    } else {
      inputs[key] = { kind: 'literal', value };
    }
  }
  return { ...def, inputs };
}

/** Extra tags: `key=value` lines; Azure ML tag values are strings. */
export function parseTags(text: string | undefined): Record<string, string> {
  return Object.fromEntries(parseKeyValueLines('tags', text).map((l) => [l.key, l.value]));
}
