/**
 * Import right after shared/task/mask-output-first, before task-lib loads: task-lib prints every
 * input it reads into a debug line (`data=<value>`), so a blob URL's SAS given as `data` or
 * `baseline` must be known to the output masker before the first getInput. The reader masks it
 * with the agent too (tl.setSecret) once it parses the URL.
 */
import { outputMasker, printableForms } from '../task/output-masker';

/** The query of a storage URL that carries a SAS (`sig=`); none for other values. Pure. */
export function urlSecrets(value: string | undefined): string[] {
  const m = /^(?:https?|wasbs?|abfss?):\/\/[^?#\s]*\?([^#\s]+)/i.exec((value ?? '').trim());
  if (!m || !/(^|&)sig=/i.test(m[1])) return [];
  return [m[1]];
}

for (const name of ['INPUT_DATA', 'INPUT_BASELINE']) outputMasker.add(urlSecrets(process.env[name]).flatMap(printableForms));
