import * as tl from 'azure-pipelines-task-lib/task';
import { readServiceConnection, ServiceConnection } from '../auth/service-connection';
import { createCredential } from '../auth/credential';
import { oidcTokenSource } from '../auth/oidc-token';
import { readAgentHttpOptions } from '../http/agent-http-options';
import { connectWorkspace, Workspace } from '../azureml/workspace';
import { maskSecret } from './secrets';
import { readEndpointAuthParameter } from './endpoint-auth';

/** The agent's view of an endpoint, through task-lib (which keeps auth out of process.env). */
const agentEndpoints = {
  url: (id: string) => tl.getEndpointUrl(id, true),
  scheme: (id: string) => tl.getEndpointAuthorizationScheme(id, true),
  authParameter: readEndpointAuthParameter,
  dataParameter: (id: string, key: string) => tl.getEndpointDataParameter(id, key, true),
};

export interface OpenWorkspaceOptions {
  connectionId: string;
  resourceGroup: string;
  workspace: string;
  taskName: string;
  abortSignal?: AbortSignal;
}

/** Service connection → credential → workspace, resolved once; every secret is masked before first use. */
export async function openWorkspace(options: OpenWorkspaceOptions): Promise<{ workspace: Workspace; connection: ServiceConnection }> {
  const connection = readServiceConnection(options.connectionId, agentEndpoints);
  if (connection.kind === 'secret') maskSecret(connection.clientSecret);
  if (connection.kind === 'certificate') maskSecret(connection.certificatePem);
  if (connection.kind === 'workloadIdentity') maskSecret(connection.idToken);
  const armHttp = readAgentHttpOptions(connection.cloud.resourceManagerUrl);
  const oidcToken = connection.kind === 'workloadIdentity' ? oidcTokenSource(connection.id, connection.label, connection.idToken) : undefined;
  const credential = createCredential(connection, { http: readAgentHttpOptions(connection.cloud.authorityHost), oidcToken });
  const workspace = await connectWorkspace({
    credential,
    cloud: connection.cloud,
    subscriptionId: connection.subscriptionId,
    resourceGroup: options.resourceGroup,
    workspace: options.workspace,
    http: armHttp,
    taskName: options.taskName,
    abortSignal: options.abortSignal,
  });
  return { workspace, connection };
}
