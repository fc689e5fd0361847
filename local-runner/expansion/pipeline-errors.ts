/** A pipeline the local runner cannot expand: one message naming the file, the construct and the fix. */
export class PipelineDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PipelineDefinitionError';
  }
}

/** The sentence every refusal of a service-only feature ends with. */
export const RUNS_ON_SERVICE = 'is not supported by the local runner (it runs on Azure DevOps)';
