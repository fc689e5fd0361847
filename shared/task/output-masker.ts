/**
 * Masks secrets in everything the task process writes, before the agent sees it. The agent masks
 * the secrets it knows, but task-lib echoes variable and endpoint values into debug lines as it
 * loads (Agent.ProxyPassword among them), and libraries may print a secret in a form the agent
 * does not know (a proxy URL with its password). This is the same defence inside the process.
 */
const MASK = '***';
const SECRET_PARAMETER = /key|secret|password|token|certificate|assertion/i;
const MIN_SECRET_LENGTH = 6;

/** Lines the agent must receive verbatim: they register a secret or carry a secret variable. */
function mustPassVerbatim(line: string): boolean {
  return line.includes('##vso[task.setsecret]') || (line.includes('##vso[task.setvariable') && /issecret=true/i.test(line));
}

function maskLine(line: string, secrets: readonly string[]): string {
  if (mustPassVerbatim(line)) return line;
  let out = line;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(MASK);
  return out;
}

export function maskText(text: string, secrets: readonly string[]): string {
  if (secrets.length === 0) return text;
  return text
    .split('\n')
    .map((line) => maskLine(line, secrets))
    .join('\n');
}

/** The printable forms of a secret: itself (single-line only), URL-encoded, base64, and each line of a PEM. */
export function printableForms(value: string | undefined): string[] {
  if (!value) return [];
  const forms = new Set<string>();
  const add = (v: string) => {
    // Very short fragments would mask ordinary words in the log and protect nothing.
    if (v.trim().length >= MIN_SECRET_LENGTH) forms.add(v);
  };
  // The agent refuses multi-line secrets: a PEM is registered line by line instead.
  if (!/[\r\n]/.test(value)) add(value);
  add(encodeURIComponent(value));
  add(Buffer.from(value, 'utf8').toString('base64'));
  // task-lib escapes '%' as '%AZP25' in a logging command's data (a debug line echoing an input):
  // the agent turns it back into '%' before it knows the secret, so mask the escaped form here.
  for (const form of [...forms]) if (form.includes('%')) add(form.replace(/%/g, '%AZP25'));
  if (/[\r\n]/.test(value)) {
    for (const line of value.split(/\r?\n/)) {
      if (!/^-----(BEGIN|END) /.test(line)) add(line.trim());
    }
  }
  return [...forms];
}

/** Secrets the agent hands this process: secret variables and the secret parameters of every endpoint. */
export function agentSecrets(env: NodeJS.ProcessEnv): string[] {
  const values: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue;
    if (name.startsWith('SECRET_')) values.push(value);
    else if (
      /^ENDPOINT_AUTH_PARAMETER_/.test(name) &&
      SECRET_PARAMETER.test(
        name
          .replace(/^ENDPOINT_AUTH_PARAMETER_[^_]+_?/, '')
          .split('_')
          .pop() ?? '',
      )
    )
      values.push(value);
    else if (/^ENDPOINT_AUTH_[^_]/.test(name) && !/^ENDPOINT_AUTH_(SCHEME|PARAMETER)_/.test(name)) {
      try {
        const parsed = JSON.parse(value) as { parameters?: Record<string, string> };
        for (const [key, v] of Object.entries(parsed.parameters ?? {})) if (SECRET_PARAMETER.test(key) && v) values.push(v);
      } catch {
        // Not JSON: nothing to learn from it.
      }
    }
  }
  return values.flatMap(printableForms);
}

class OutputMasker {
  private readonly secrets = new Set<string>();
  private sorted: string[] = [];

  add(forms: readonly string[]): void {
    let changed = false;
    for (const f of forms) {
      if (!this.secrets.has(f)) {
        this.secrets.add(f);
        changed = true;
      }
    }
    // Longest first, so a secret that contains another is masked whole.
    if (changed) this.sorted = [...this.secrets].sort((a, b) => b.length - a.length);
  }

  mask(text: string): string {
    return maskText(text, this.sorted);
  }

  /** Wraps the stream's write so every chunk is masked. */
  wrap(stream: NodeJS.WriteStream): void {
    const original = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (typeof chunk === 'string') return original(this.mask(chunk), ...rest);
      if (chunk instanceof Uint8Array) {
        // Bytes are written as UTF-8 text once masked; only the callback, if any, is kept.
        return original(this.mask(Buffer.from(chunk).toString('utf8')), ...rest.filter((r) => typeof r === 'function'));
      }
      return original(chunk, ...rest);
    }) as typeof stream.write;
  }
}

/** The process-wide masker: installed before task-lib loads, fed by maskSecret(). */
export const outputMasker = new OutputMasker();
