import { parseChoice, parseResourceName } from '../task/input-parsers';
import { UserError } from '../task/user-error';

export const PUBLISH_MODES = ['submit', 'publish', 'both'] as const;
export type PublishMode = (typeof PUBLISH_MODES)[number];

export interface PublishInputs {
  connectionId: string;
  resourceGroup: string;
  workspace: string;
  pipelineFile: string;
  experimentName?: string;
  displayName?: string;
  inputOverrides?: string;
  defaultCompute?: string;
  tags?: string;
  mode: PublishMode;
  componentName?: string;
}

/** Pure: raw input text → validated inputs. Each error names the input. */
export function parsePublishInputs(get: (name: string) => string | undefined): PublishInputs {
  const opt = (name: string) => {
    const v = get(name)?.trim();
    return v ? v : undefined;
  };
  const connectionId = opt('connectedServiceNameARM');
  if (!connectionId) throw new UserError("'connectedServiceNameARM' is required and was not given");
  const pipelineFile = opt('pipelineFile');
  if (!pipelineFile) throw new UserError("'pipelineFile' is required: the path of the az ml pipeline job YAML, relative to the repository");
  const componentName = opt('componentName');
  if (componentName && !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}$/.test(componentName)) {
    throw new UserError(`'componentName' must start with a letter, digit or '_' and contain only letters, digits, '_', '.' and '-', got '${componentName}'`);
  }
  return {
    connectionId,
    resourceGroup: parseResourceName('resourceGroupName', get('resourceGroupName')),
    workspace: parseResourceName('workspaceName', get('workspaceName')),
    pipelineFile,
    experimentName: opt('experimentName'),
    displayName: opt('displayName'),
    inputOverrides: get('inputOverrides'),
    defaultCompute: opt('defaultCompute')?.replace(/^azureml:/, ''),
    tags: get('tags'),
    mode: parseChoice('mode', get('mode') ?? 'submit', PUBLISH_MODES),
    componentName,
  };
}

/** Azure ML experiment names: letters, digits, '_' and '-' (the repository name may have dots or spaces). */
export function experimentNameFrom(text: string): string {
  const clean = text.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^[-_]+|[-_]+$/g, '');
  return clean.slice(0, 255) || 'Default';
}
