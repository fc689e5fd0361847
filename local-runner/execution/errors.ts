/** A pipeline the local runner cannot run as written: one message naming where, what, and the fix. */
export class LocalRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalRunError';
  }
}

/** Where something is, for messages: `stage 'Build', job 'Train', step 'publish'`. */
export interface Place {
  stage?: string;
  job?: string;
  step?: string;
}

export function describePlace(p: Place): string {
  const parts: string[] = [];
  if (p.stage !== undefined) parts.push(`stage '${p.stage}'`);
  if (p.job !== undefined) parts.push(`job '${p.job}'`);
  if (p.step !== undefined) parts.push(`step '${p.step}'`);
  return parts.length > 0 ? parts.join(', ') : 'pipeline';
}
