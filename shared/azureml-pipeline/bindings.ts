import { UserError } from '../task/user-error';

/** A `${{parent.…}}` reference as it appears in a pipeline YAML. */
type Binding =
  | { kind: 'pipelineInput'; name: string; text: string }
  | { kind: 'pipelineOutput'; name: string; text: string }
  | { kind: 'stepOutput'; step: string; output: string; text: string };

const EXPRESSION = /\$\{\{\s*(.*?)\s*\}\}/g;

/** Every `${{…}}` in a value; expressions that are not `parent.` references (e.g. `inputs.x` in a command) are not returned. */
export function parseBindings(value: string): Array<Binding | { kind: 'invalid'; text: string }> {
  const out: Array<Binding | { kind: 'invalid'; text: string }> = [];
  for (const match of value.matchAll(EXPRESSION)) {
    const text = match[0];
    const parts = match[1].split('.');
    if (parts[0] !== 'parent') continue;
    if (parts.length === 3 && parts[1] === 'inputs') out.push({ kind: 'pipelineInput', name: parts[2], text });
    else if (parts.length === 3 && parts[1] === 'outputs') out.push({ kind: 'pipelineOutput', name: parts[2], text });
    else if (parts.length === 5 && parts[1] === 'jobs' && parts[3] === 'outputs')
      out.push({ kind: 'stepOutput', step: parts[2], output: parts[4], text });
    else out.push({ kind: 'invalid', text });
  }
  return out;
}

export const hasBinding = (value: string) => /\$\{\{.*?\}\}/.test(value);

export interface BindingScope {
  file: string;
  pipelineInputs: string[];
  pipelineOutputs: string[];
  /** Step name → its output names, or undefined when not known before the component is read from Azure. */
  steps: Map<string, string[] | undefined>;
}

const list = (names: string[]) => (names.length ? names.join(', ') : 'none');

/** Throws the one-line error for the first reference to something the pipeline does not declare. */
export function checkBinding(value: string, where: string, scope: BindingScope): void {
  for (const b of parseBindings(value)) {
    if (b.kind === 'invalid') {
      throw new UserError(
        `${where} in ${scope.file} uses ${b.text}, which is not a reference AzureMLPublishPipeline@1 understands; use \${{parent.inputs.<name>}}, \${{parent.outputs.<name>}} or \${{parent.jobs.<step>.outputs.<name>}}.`,
      );
    }
    if (b.kind === 'pipelineInput' && !scope.pipelineInputs.includes(b.name)) {
      throw new UserError(
        `${where} in ${scope.file} binds to ${b.text}, but the pipeline declares no input '${b.name}'; declared inputs: ${list(scope.pipelineInputs)}.`,
      );
    }
    if (b.kind === 'pipelineOutput' && !scope.pipelineOutputs.includes(b.name)) {
      throw new UserError(
        `${where} in ${scope.file} binds to ${b.text}, but the pipeline declares no output '${b.name}'; declared outputs: ${list(scope.pipelineOutputs)}.`,
      );
    }
    if (b.kind === 'stepOutput') {
      if (!scope.steps.has(b.step)) {
        throw new UserError(
          `${where} in ${scope.file} binds to ${b.text}, but the pipeline has no step '${b.step}'; steps: ${list([...scope.steps.keys()])}.`,
        );
      }
      const outputs = scope.steps.get(b.step);
      if (outputs && !outputs.includes(b.output)) {
        throw new UserError(
          `${where} in ${scope.file} binds to ${b.text}, but step '${b.step}' has no output '${b.output}'; its outputs: ${list(outputs)}.`,
        );
      }
    }
  }
}
