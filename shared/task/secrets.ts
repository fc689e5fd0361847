import * as tl from 'azure-pipelines-task-lib/task';

/**
 * Registers a secret with the agent so it is masked in every log line. Also registers the forms a
 * library might print it in (URL-encoded, base64, each line of a multi-line PEM), because the agent
 * only masks exact matches.
 */
const masked = new Set<string>();

export function maskSecret(value: string | undefined): void {
  for (const form of secretForms(value)) {
    if (masked.has(form)) continue;
    masked.add(form);
    tl.setSecret(form);
  }
}

/** Every printable form of a secret worth masking; pure, so it can be tested. */
export function secretForms(value: string | undefined): string[] {
  if (!value) return [];
  const forms = new Set<string>();
  const add = (v: string) => {
    // Very short fragments would mask ordinary words in the log and protect nothing.
    if (v.trim().length >= 6) forms.add(v);
  };
  // The agent refuses multi-line secrets (task-lib throws): a PEM is masked line by line instead.
  if (!/[\r\n]/.test(value)) add(value);
  add(encodeURIComponent(value));
  add(Buffer.from(value, 'utf8').toString('base64'));
  if (value.includes('\n')) {
    for (const line of value.split(/\r?\n/)) {
      if (!/^-----(BEGIN|END) /.test(line)) add(line.trim());
    }
  }
  return [...forms];
}
