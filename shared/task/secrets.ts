import * as tl from 'azure-pipelines-task-lib/task';
import { outputMasker, printableForms } from './output-masker';

/**
 * Registers a secret with the agent so it is masked in every log line. Also registers the forms a
 * library might print it in (URL-encoded, base64, each line of a multi-line PEM), because the agent
 * only masks exact matches.
 */
const masked = new Set<string>();

export function maskSecret(value: string | undefined): void {
  const forms = printableForms(value);
  outputMasker.add(forms);
  for (const form of forms) {
    if (masked.has(form)) continue;
    masked.add(form);
    tl.setSecret(form);
  }
}
