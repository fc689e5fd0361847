/**
 * The job variables the tasks hand to later steps of the same job, so a YAML pipeline needs no
 * wiring of output variables between steps: `jobName` defaults to `$(AzureML.JobName)`, the deploy
 * step finds `$(AzureML.PackageManifest)`, the register step tags the compare step's verdict. The
 * names are public (users read them in templates and README): test/unit/handoff-variables.test.ts
 * checks that every `AzureML.*` name the templates, task.json files and docs use is one of these.
 */
export const HANDOFF_VARIABLES = {
  /** Set by AzureMLPublishPipeline@1; the default jobName of the wait, compare and register tasks. */
  jobName: 'AzureML.JobName',
  /** Set by AzureMLRegisterModel@1 for package and deploy steps later in the job. */
  modelName: 'AzureML.ModelName',
  modelVersion: 'AzureML.ModelVersion',
  modelId: 'AzureML.ModelId',
  /** Set by AzureMLPackageModel@1; the default packageManifest of AzureMLDeployModel@1. */
  packageManifest: 'AzureML.PackageManifest',
} as const;

/**
 * Set by AzureMLCompareModels@1 and read by AzureMLRegisterModel@1, so the verdict reaches the
 * registered model's tags.
 */
export const COMPARE_VARIABLES = {
  jobName: 'AzureML.Compare.JobName',
  promote: 'AzureML.Compare.Promote',
  reason: 'AzureML.Compare.Reason',
  /** The force reason when the promotion was forced, else empty. */
  forced: 'AzureML.Compare.Forced',
  candidateMetrics: 'AzureML.Compare.CandidateMetrics',
  productionModel: 'AzureML.Compare.ProductionModel',
} as const;

/**
 * Set by AzureMLValidateData@1 and read by AzureMLRegisterModel@1, so the training data's profile
 * reaches the registered model. A user may also set them by hand to attach a profile written elsewhere.
 */
export const VALIDATE_VARIABLES = {
  /** The data-profile.json the validation wrote (a local path on the agent). */
  profilePath: 'AzureML.DataProfilePath',
  /**
   * What was validated, exactly: `azureml:<asset>:<version>` for a data asset (`@latest` resolved to
   * the version read), else the datastore URI, the blob URL without its SAS, or the local path as given.
   */
  trainingData: 'AzureML.TrainingData',
} as const;

/** The macro a task.json default or a message shows: `$(AzureML.JobName)`. */
export const macro = (name: string): string => `$(${name})`;
