import { parseChoice, parseWorkspaceTarget, type WorkspaceTarget } from '../task/input-parsers';
import { UserError } from '../task/user-error';
import { AgentPaths, classifyPathInput, NO_AGENT_ROOTS, unsetVariableMessage } from '../task/agent-path-input';

const PUBLISH_MODES = ['submit', 'publish', 'both'] as const;
type PublishMode = (typeof PUBLISH_MODES)[number];

export interface PublishInputs extends WorkspaceTarget {
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
export function parsePublishInputs(get: (name: string) => string | undefined, paths: AgentPaths = NO_AGENT_ROOTS): PublishInputs {
  const opt = (name: string) => {
    const v = get(name)?.trim();
    return v ? v : undefined;
  };
  const target = parseWorkspaceTarget(get);
  const pipelineFile = opt('pipelineFile');
  // left empty, the agent hands over the repository root (a folder), which is no pipeline file
  const file = classifyPathInput(pipelineFile, 'file', paths);
  if (file.state === 'unresolved')
    throw new UserError(
      unsetVariableMessage('pipelineFile', file.value, file.macro, 'set it or give the path of the az ml pipeline job YAML directly'),
    );
  if (file.state === 'notSet' && file.why === 'directory')
    throw new UserError(`'pipelineFile' is '${file.value}', a folder: give the path of the az ml pipeline job YAML in it`);
  if (file.state === 'notSet' || !pipelineFile)
    throw new UserError("'pipelineFile' is required: the path of the az ml pipeline job YAML, relative to the repository");
  const componentName = opt('componentName');
  // azure-ai-ml's ComponentNameStr (a Python function name): checked here, not at the PUT after code and components exist.
  if (componentName && !COMPONENT_NAME.test(componentName)) {
    throw new UserError(
      `'componentName' must contain only lower-case letters, digits and '_' and start with a lower-case letter or '_' (at most 255 characters), got '${componentName}'`,
    );
  }
  return {
    ...target,
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

const COMPONENT_NAME = /^[a-z_][a-z0-9_]{0,254}$/;

/** The pipeline component's name when 'componentName' is not given: the pipeline's name, made a valid component name. */
export function defaultComponentName(text: string): string {
  const clean = text
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  const name = /^[a-z_]/.test(clean) ? clean : `_${clean}`;
  return name === '_' ? 'pipeline' : name.slice(0, 255);
}
