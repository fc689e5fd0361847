import { UserError } from './user-error';
import { unresolvedMacro, unsetVariableMessage } from './agent-path-input';
import { HANDOFF_VARIABLES, macro } from './handoff-variables';

/**
 * Pure parsers for task inputs. Each error names the input, the value it got and what would be valid,
 * so the user can fix the pipeline from the one line the task prints.
 */

interface WholeNumberRule {
  min: number;
  max: number;
  /** Plural unit used in the message, e.g. "minutes". */
  unit?: string;
}

export function parseWholeNumber(name: string, raw: string | undefined, rule: WholeNumberRule): number {
  const text = (raw ?? '').trim();
  const what = rule.unit ? `a whole number of ${rule.unit}` : 'a whole number';
  const valid = `'${name}' must be ${what} between ${rule.min} and ${rule.max}, got '${raw ?? ''}'`;
  if (!/^[+]?\d+$/.test(text)) throw new UserError(valid);
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < rule.min || value > rule.max) throw new UserError(valid);
  return value;
}

export function parseChoice<T extends string>(name: string, raw: string | undefined, choices: readonly T[]): T {
  const text = (raw ?? '').trim();
  const match = choices.find((c) => c.toLowerCase() === text.toLowerCase());
  if (!match) {
    throw new UserError(`'${name}' must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got '${raw ?? ''}'`);
  }
  return match;
}

export function parseBoolean(name: string, raw: string | undefined): boolean {
  const text = (raw ?? '').trim().toLowerCase();
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new UserError(`'${name}' must be 'true' or 'false', got '${raw ?? ''}'`);
}

/** Azure resource names as ARM accepts them in a URL segment: no slashes, no control characters, bounded length. */
export function parseResourceName(name: string, raw: string | undefined, maxLength = 260): string {
  const text = (raw ?? '').trim();
  if (text === '') throw new UserError(`'${name}' is required`);
  // the agent leaves a variable the job does not set as written, anywhere in the value
  const macro = unresolvedMacro(text);
  if (macro !== undefined) throw new UserError(unsetVariableMessage(name, text, macro, 'set it or give the value directly'));
  if (text.length > maxLength || /[\\/?#%\u0000-\u001f]/.test(text)) {
    throw new UserError(
      `'${name}' must be an Azure resource name (no '/', '\\', '?', '#' or '%', at most ${maxLength} characters), got '${raw}'`,
    );
  }
  return text;
}

/**
 * The job a task works on. Left at its default `$(AzureML.JobName)` with no publish step earlier in
 * the job, the agent hands the macro over as written: say which step sets it.
 */
export function parseJobName(raw: string | undefined): string {
  const jobName = raw?.trim() ?? '';
  const handoff = macro(HANDOFF_VARIABLES.jobName);
  if (jobName === '' || unresolvedMacro(jobName)?.toLowerCase() === handoff.toLowerCase()) {
    throw new UserError(
      `'jobName' is empty: give the Azure ML job name, or run AzureMLPublishPipeline@1 earlier in this job so that ${handoff} is set`,
    );
  }
  return parseResourceName('jobName', jobName, 255);
}

/** The inputs every task has: the Azure Resource Manager service connection and the workspace it works in. */
export interface WorkspaceTarget {
  connectionId: string;
  resourceGroup: string;
  workspace: string;
}

/** Messages use the YAML names (the aliases), which the README and most pipelines use. */
export function parseWorkspaceTarget(read: (name: string) => string | undefined): WorkspaceTarget {
  const connectionId = read('connectedServiceNameARM')?.trim();
  if (!connectionId) throw new UserError("'azureSubscription' is required: name an Azure Resource Manager service connection");
  return {
    connectionId,
    resourceGroup: parseResourceName('resourceGroup', read('resourceGroupName'), 90),
    workspace: parseResourceName('workspace', read('workspaceName'), 33),
  };
}
