/**
 * Sends one scoring request to an online endpoint the way a client application would: its scoring
 * URI, its primary key (from listKeys), JSON in and out. Trusts the emulator's CA only.
 */
import { httpsJson } from '../devkit/https-json';
import type { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';

export interface ScoringAnswer {
  status: number;
  body: unknown;
  /** the deployment that answered (azureml-model-deployment response header) */
  deployment?: string;
}

export async function scoreEndpoint(
  client: AzureMachineLearningWorkspaces,
  where: { resourceGroup: string; workspace: string; endpoint: string; ca: string },
  payload: string,
): Promise<ScoringAnswer> {
  const endpoint = await client.onlineEndpoints.get(where.resourceGroup, where.workspace, where.endpoint);
  const scoringUri = endpoint.properties.scoringUri;
  if (!scoringUri) throw new Error(`Endpoint ${where.endpoint} has no scoring URI`);
  const keys = await client.onlineEndpoints.listKeys(where.resourceGroup, where.workspace, where.endpoint);
  const answer = await httpsJson(scoringUri, {
    method: 'POST',
    ca: where.ca,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.primaryKey}` },
    body: payload,
  });
  return { status: answer.status, body: answer.body, deployment: answer.headers['azureml-model-deployment'] };
}
