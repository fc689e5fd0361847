/**
 * The agent's secret masker: every line written to the log has each registered secret replaced by
 * `***`, in the forms the agent also masks (verbatim, JSON-escaped, URL-escaped, base64).
 */
export class SecretMasker {
  private readonly values = new Set<string>();
  private sorted: string[] = [];

  add(secret: string | undefined): void {
    if (!secret) return;
    const forms = [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), Buffer.from(secret, 'utf8').toString('base64')];
    // a multi-line secret is masked line by line too (the log is written line by line)
    for (const part of secret.split(/\r\n|\r|\n/)) forms.push(part);
    let changed = false;
    for (const f of forms) {
      if (f && !this.values.has(f)) {
        this.values.add(f);
        changed = true;
      }
    }
    // longest first, so a secret containing another one is masked whole
    if (changed) this.sorted = [...this.values].sort((a, b) => b.length - a.length);
  }

  mask(text: string): string {
    let out = text;
    for (const s of this.sorted) if (out.includes(s)) out = out.split(s).join('***');
    return out;
  }
}
