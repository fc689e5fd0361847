import { parseBoolean, parseChoice, parseResourceName } from '../task/input-parsers';
import { UserError } from '../task/user-error';
import { classifyPathInput, unresolvedMacro, unsetVariableMessage, type AgentPaths } from '../task/agent-path-input';
import { DATA_FORMATS, type DataFormat } from '../data/open-data';
import { isAzureSpec } from '../data/sources/azure';
import { parseExpectations, type Expectation } from '../data/expectations';
import { parseKindOverrides, type KindOverrides } from '../data/column-kinds';

export const VIOLATION_RESULTS = ['fail', 'warn'] as const;
export type ViolationResult = (typeof VIOLATION_RESULTS)[number];

export interface ValidateInputs {
  /** Only when the service connection is given: needed to read `azureml:` data, optional for blob URLs. */
  connection?: { connectionId: string; resourceGroup: string; workspace: string };
  data: string;
  format: DataFormat;
  delimiter?: string;
  expectations: Expectation[];
  /** A data-profile.json (local or in Azure) or data to profile; undefined when not set. */
  baseline?: string;
  overrides: KindOverrides;
  onViolation: ViolationResult;
  /** Columns whose example values are redacted, or '*'. */
  redact: string[] | '*';
  /** Where the report and the profile go; undefined: a fresh folder under Agent.TempDirectory. */
  outputFolder?: string;
  /** Hand the profile to AzureMLRegisterModel@1 later in the job (AzureML.DataProfilePath, AzureML.TrainingData). */
  trainingData: boolean;
}

/** `azureml:…` needs the workspace; a blob URL reads with its SAS, anonymously, or (with a connection) as its identity. */
export const needsWorkspace = (spec: string | undefined) => !!spec && /^azureml:/i.test(spec.trim());

function dataSpec(input: string, raw: string | undefined, required: boolean): string | undefined {
  const text = (raw ?? '').trim();
  if (text === '') {
    if (required)
      throw new UserError(
        `'${input}' is required: give a local file or folder, azureml:<asset>:<version>, azureml:<asset>@latest, azureml://datastores/<datastore>/paths/<path>, or a blob URL`,
      );
    return undefined;
  }
  const macro = unresolvedMacro(text);
  // A URL's SAS is never shown: the message names the variable only.
  if (macro !== undefined)
    throw new UserError(unsetVariableMessage(input, isAzureSpec(text) ? macro : text, macro, 'set it or give the data directly'));
  return text;
}

/**
 * Column names for redaction: `*`, or names separated by commas or new lines; a name with a comma or
 * spaces at its ends in `backticks` or "double quotes" (the quote doubled inside).
 */
export function parseColumnList(input: string, raw: string | undefined): string[] | '*' {
  const text = (raw ?? '').trim();
  if (text === '') return [];
  if (text === '*') return '*';
  const out: string[] = [];
  const ITEM = /\s*(?:`((?:[^`]|``)*)`|"((?:[^"]|"")*)"|([^,\n\r`"]*?))\s*(?:[,\n\r]|$)/y;
  let pos = 0;
  while (pos < text.length) {
    ITEM.lastIndex = pos;
    const m = ITEM.exec(text);
    if (!m || ITEM.lastIndex === pos)
      throw new UserError(
        `'${input}': cannot read '${text.slice(pos).split(/\r?\n/)[0]}': give column names separated by commas or new lines (quote a name with a comma in backticks), or '*' for every column`,
      );
    const name = m[1] !== undefined ? m[1].replace(/``/g, '`') : m[2] !== undefined ? m[2].replace(/""/g, '"') : m[3];
    if (name === '*') throw new UserError(`'${input}': '*' stands alone (every column); it cannot be listed with other names`);
    if (name !== '' && !out.includes(name)) out.push(name);
    pos = ITEM.lastIndex;
  }
  return out;
}

/** Validates every input before anything is read or any call to Azure, so a typo fails in milliseconds with one clear line. */
export function parseValidateInputs(read: (name: string) => string | undefined, paths: AgentPaths): ValidateInputs {
  const data = dataSpec('data', read('data'), true)!;
  const baseline = dataSpec('baseline', read('baseline'), false);
  const connectionId = read('connectedServiceNameARM')?.trim() || undefined;
  let connection: ValidateInputs['connection'];
  if (connectionId) {
    connection = {
      connectionId,
      resourceGroup: parseResourceName('resourceGroupName', read('resourceGroupName'), 90),
      workspace: parseResourceName('workspaceName', read('workspaceName'), 33),
    };
  } else {
    for (const [input, spec] of [
      ['data', data],
      ['baseline', baseline],
    ] as const) {
      if (needsWorkspace(spec)) {
        throw new UserError(
          `'${input}' is '${spec}', which is in an Azure ML workspace: reading it needs the workspace's service connection; set 'azureSubscription', 'resourceGroup' and 'workspace' (a local file or a blob URL with a SAS needs none).`,
        );
      }
    }
  }
  const format = parseChoice('format', read('format') || 'auto', DATA_FORMATS);
  const delimiter = (read('delimiter') ?? '').trim() || undefined;
  if (delimiter !== undefined && format !== 'auto' && format !== 'csv') {
    throw new UserError(
      `'delimiter' is '${delimiter}', but 'format' is ${format}: a delimiter applies to CSV only (an MLTable names its own); remove it or set 'format' to csv`,
    );
  }
  const expectations = parseExpectations(read('expectations') ?? '', 'expectations');
  const overrides = parseKindOverrides(read('kindOverrides'), 'kindOverrides');
  const onViolation = parseChoice('onViolation', read('onViolation') || 'fail', VIOLATION_RESULTS);
  const redact = parseColumnList('redactColumns', read('redactColumns'));
  const folder = classifyPathInput(read('outputFolder'), 'folder', paths);
  if (folder.state === 'unresolved')
    throw new UserError(
      unsetVariableMessage(
        'outputFolder',
        folder.value,
        folder.macro,
        'set it, or leave the input empty for a folder in Agent.TempDirectory',
      ),
    );
  const trainingData = parseBoolean('trainingData', read('trainingData') || 'true');
  return {
    connection,
    data,
    format,
    delimiter,
    expectations,
    baseline,
    overrides,
    onViolation,
    redact,
    outputFolder: folder.state === 'path' ? folder.path : undefined,
    trainingData,
  };
}
