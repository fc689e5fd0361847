/**
 * What the credit-risk example needs to find in its Azure ML workspace, seeded into the emulator:
 * the AKS computes the release deploys to, and the model version that serves production today (so
 * the build's compare step has something to beat and the release does a real blue/green swap).
 * The training job the build submits walks prep → train → evaluate; evaluate logs the metrics.
 */
import type { Emulator } from '../emulator';

export const PRODUCTION = { endpoint: 'credit-risk-prod', model: 'credit-risk', version: '1', metrics: { accuracy: 0.86, auc: 0.81 } };

/** The metrics the simulated training run logs: better than production, so the model is promoted. */
export const CANDIDATE_METRICS = { accuracy: 0.91, f1: 0.89, auc: 0.94 };

export function seedCreditRiskWorkspace(emulator: Emulator, candidate: Record<string, number> = CANDIDATE_METRICS): void {
  for (const name of ['aks-staging', 'aks-prod']) emulator.computes.seed({ name, instanceTypes: { defaultinstancetype: {} } });
  emulator.models.seed(PRODUCTION.model, PRODUCTION.version, {
    jobName: 'credit-risk-initial-training',
    modelType: 'mlflow_model',
    tags: Object.fromEntries(Object.entries(PRODUCTION.metrics).map(([k, v]) => [`metric.${k}`, String(v)])),
  });
  emulator.endpoints.seed({
    name: PRODUCTION.endpoint,
    compute: 'aks-prod',
    traffic: { blue: 100 },
    deployments: [{ name: 'blue', model: { name: PRODUCTION.model, version: PRODUCTION.version } }],
  });
  // The scoring script answers one prediction per row of sample-request.json.
  emulator.endpoints.defaultBehaviour = {
    ...emulator.endpoints.defaultBehaviour,
    provisionSeconds: 1,
    response: { predictions: [0, 1], probabilities: [0.12, 0.87] },
  };
  emulator.jobs.defaultScenario = {
    phases: [
      { status: 'Queued', seconds: 1 },
      { status: 'Running', seconds: 3 },
    ],
    outcome: 'Completed',
    children: [
      { name: 'prep', displayName: 'prep', phases: [{ status: 'Running', seconds: 1 }], outcome: 'Completed' },
      {
        name: 'train',
        displayName: 'train',
        phases: [
          { status: 'Queued', seconds: 1 },
          { status: 'Running', seconds: 1 },
        ],
        outcome: 'Completed',
        metrics: { train_accuracy: 0.97 },
      },
      { name: 'evaluate', displayName: 'evaluate', phases: [{ status: 'Running', seconds: 1 }], outcome: 'Completed', metrics: candidate },
    ],
  };
}
