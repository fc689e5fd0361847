/**
 * Job variables AzureMLValidateData@1 sets and AzureMLRegisterModel@1 reads, so the training data's
 * profile reaches the registered model without the user wiring output variables between steps (as
 * shared/compare/handoff.ts does for the comparison). A user may also set them by hand to attach a
 * profile written elsewhere.
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
