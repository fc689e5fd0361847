/** The pipeline job as read from `az ml` v2 YAML, validated, before anything in Azure is looked up. */
import type { Distribution, Limits, Resources } from './node-settings';
import type { ParallelSettings, ParallelTask } from './parallel';
import type { SweepSettings } from './sweep';
import type { YamlScalar } from './yaml-file';

export const DATA_TYPES = ['uri_file', 'uri_folder', 'mltable', 'mlflow_model', 'custom_model'] as const;
export type DataType = (typeof DATA_TYPES)[number];

/** Where a data input comes from. */
export type DataSource =
  | { kind: 'asset'; name: string; version?: string; label?: 'latest'; text: string }
  | { kind: 'uri'; uri: string }
  | { kind: 'local'; absolute: string; display: string; isFolder: boolean };

export interface DataInput {
  kind: 'data';
  type: DataType;
  /** YAML mode (ro_mount, download, …) as written. */
  mode?: string;
  source: DataSource;
}

interface LiteralInput {
  kind: 'literal';
  /**
   * The value as PyYAML reads it, kept typed: integer (number or bigint) vs number (PyFloat) vs string vs
   * boolean matters for the component's input types, and Python's str() of it is what is sent.
   */
  value: YamlScalar;
}

interface BindingInput {
  kind: 'binding';
  expression: string;
  /** Written as `{type, path: \${{…}}, mode}`: the only way to give a bound input a type or delivery mode. */
  type?: string;
  mode?: string;
}

export type PipelineInput = LiteralInput | DataInput;
export type StepInput = LiteralInput | DataInput | BindingInput;

export interface DeclaredOutput {
  kind: 'declared';
  type?: string;
  mode?: string;
  /**
   * Written with no settings (`model_output:`): part of an inline command's interface (uri_folder),
   * but nothing to say on the node, where the component's declaration then applies.
   */
  bare?: boolean;
  /** Where the output is written (`path:`), a datastore URI; sent as the output's `uri`. */
  path?: string;
  description?: string;
}
export type StepOutput = DeclaredOutput | BindingInput;

export type EnvironmentRef =
  | { kind: 'registered'; name: string; version?: string; label?: 'latest'; text: string }
  | { kind: 'registry'; uri: string }
  | {
      kind: 'inline';
      image?: string;
      condaFile?: { absolute: string; display: string };
      build?: {
        absolute: string;
        display: string;
        /** As written; azure-ai-ml sends none when the YAML gives none (the service then uses Dockerfile). */ dockerfile?: string;
      };
      description?: string;
    };

export interface AnonymousComponent {
  kind: 'anonymous';
  /** YAML.JOB for a command written in the pipeline, YAML.COMPONENT for a local component file. */
  source: 'YAML.JOB' | 'YAML.COMPONENT';
  /** The component file as the user named it, for messages. */
  file?: string;
  /** A command component's command; a parallel component has none (its `parallel.task` runs). */
  command?: string;
  code?: { absolute: string; display: string };
  environment: EnvironmentRef;
  /** Component input and output interface, YAML shape (type, default, optional, description, mode). */
  inputs: Record<string, Record<string, unknown>>;
  outputs: Record<string, Record<string, unknown>>;
  /** Other component fields passed through as `az ml` sends them (description, display_name, tags, $schema…). */
  extra: Record<string, unknown>;
  /** YAML form, as the component spec carries them (for an inline step: the step's own). */
  distribution?: Distribution;
  resources?: Resources;
  /** Set for a parallel component (`type: parallel`): its run_function task and settings; code and environment above are the task's. */
  parallel?: { task: ParallelTask; settings: ParallelSettings };
}

export interface RegisteredComponent {
  kind: 'registered';
  name: string;
  version?: string;
  label?: 'latest';
  text: string;
}

export interface Step {
  name: string;
  /** A sweep's component is its trial (a command component); a parallel step's is a parallel component. */
  type: 'command' | 'sweep' | 'parallel';
  component: AnonymousComponent | RegisteredComponent;
  compute?: string;
  inputs: Record<string, StepInput>;
  outputs: Record<string, StepOutput>;
  /** Node-level settings passed through in snake_case (display_name, environment_variables, tags, …). */
  extra: Record<string, unknown>;
  /** The step's own; the node falls back to its anonymous component's (Command.__init__ in azure-ai-ml). */
  distribution?: Distribution;
  resources?: Resources;
  limits?: Limits;
  /** A sweep step's own settings, in the form azure-ai-ml puts on the node. */
  sweep?: SweepSettings;
  /** A parallel step's own settings (the node falls back to its local component's for some: see parallel.ts). */
  parallel?: ParallelSettings;
}

export interface PipelineDefinition {
  /** Display path of the pipeline file. */
  file: string;
  name?: string;
  displayName?: string;
  experimentName?: string;
  description?: string;
  tags: Record<string, string>;
  properties: Record<string, string>;
  compute?: string;
  settings: { defaultCompute?: string; defaultDatastore?: string; continueOnStepFailure?: boolean };
  inputs: Record<string, PipelineInput>;
  outputs: Record<string, DeclaredOutput>;
  steps: Record<string, Step>;
}
