/**
 * The pipeline translator as the publish tests drive it: YAML from memory, resolved ids in a fixed
 * workspace, and the REST bodies it builds (untyped, as the service reads them).
 */
import { readPipeline } from '../../shared/azureml-pipeline/read-pipeline';
import { pipelineJobBody, type Resolved } from '../../shared/azureml-pipeline/rest-body';
import type { PipelineDefinition } from '../../shared/azureml-pipeline/definition';
import { memoryFiles } from './memory-files';

export const WS = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws';

/** `p.yml` (and any `extra` files) in an in-memory repository at /repo, read as the task reads it. */
export const readYaml = (yml: string, extra: Record<string, string> = {}) =>
  readPipeline('/repo/p.yml', memoryFiles({ 'p.yml': yml, ...extra }));

/** Every step's anonymous component registered as version <step name>; computes by name; `more` overrides. */
export const resolvedFor = (def: PipelineDefinition, more: Partial<Resolved> = {}): Resolved => ({
  workspaceId: WS,
  computeId: (n) => `${WS}/computes/${n}`,
  componentIds: Object.fromEntries(Object.keys(def.steps).map((s) => [s, `${WS}/components/azureml_anonymous/versions/${s}`])),
  dataUris: {},
  ...more,
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- asserting on untyped REST bodies
export type Any = any;

/** The pipeline job's `properties` as sent. */
export const jobBody = (def: PipelineDefinition, resolved: Resolved = resolvedFor(def)): Any =>
  pipelineJobBody(def, resolved, { displayName: 'd', experimentName: 'e', tags: {} }).properties;
