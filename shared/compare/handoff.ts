/**
 * Job variables AzureMLCompareModels@1 sets and AzureMLRegisterModel@1 reads, so the verdict reaches
 * the registered model's tags without the user wiring output variables between steps.
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
