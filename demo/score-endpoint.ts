/**
 * Sends one scoring request to an online endpoint the way a client application would: its scoring
 * URI, its primary key (from listKeys), JSON in and out. Trusts the emulator's CA only.
 */
import * as https from 'node:https';
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
  return new Promise((resolve, reject) => {
    const req = https.request(
      scoringUri,
      { method: 'POST', ca: where.ca, headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.primaryKey}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            /* keep the text */
          }
          resolve({ status: res.statusCode ?? 0, body, deployment: res.headers['azureml-model-deployment'] as string | undefined });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
