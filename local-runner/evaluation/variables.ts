/**
 * Pipeline variables as the agent keeps them: names are case-insensitive, the last write wins
 * (queue-time values override YAML, read-only variables cannot be overwritten by a step), secrets
 * are flagged. `$(name)` macros are expanded once, left to right; an unknown name stays as written
 * (the agent does that too) — the caller decides whether an unknown name is an error.
 */
interface Variable {
  name: string;
  value: string;
  secret: boolean;
  readonly: boolean;
}

export class VariableStore {
  private readonly map = new Map<string, Variable>();

  constructor(from?: VariableStore) {
    if (from) for (const [k, v] of from.map) this.map.set(k, { ...v });
  }

  set(name: string, value: string, opts: { secret?: boolean; readonly?: boolean } = {}): void {
    const key = name.toLowerCase();
    const existing = this.map.get(key);
    this.map.set(key, {
      name: existing?.name ?? name,
      value,
      // once secret, always secret (the agent never un-masks a variable)
      secret: Boolean(opts.secret || existing?.secret),
      readonly: Boolean(opts.readonly || existing?.readonly),
    });
  }

  get(name: string): Variable | undefined {
    return this.map.get(name.toLowerCase());
  }

  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }

  all(): Variable[] {
    return [...this.map.values()];
  }

  /** name → value of the public variables (what becomes plain env) */
  publicValues(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const v of this.map.values()) if (!v.secret) out[v.name] = v.value;
    return out;
  }

  secretValues(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const v of this.map.values()) if (v.secret) out[v.name] = v.value;
    return out;
  }

  /** `variables` as runtime expressions see it: every variable, by name */
  expressionValues(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const v of this.map.values()) out[v.name] = v.value;
    return out;
  }
}

const MACRO = /\$\(([^()\r\n]+)\)/g;

/**
 * Expand `$(name)` once (values are not re-expanded, as the agent does). `onUnknown` sees each
 * name that is not a variable; it may throw. Unknown macros are left in place.
 */
export function expandMacros(text: string, vars: VariableStore, onUnknown?: (name: string) => void): string {
  return text.replace(MACRO, (whole, name: string) => {
    const v = vars.get(name);
    if (v) return v.value;
    onUnknown?.(name);
    return whole;
  });
}
