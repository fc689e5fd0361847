import * as tl from 'azure-pipelines-task-lib/task';
import type { TokenCredential } from '@azure/core-auth';
import { readServiceConnection, ServiceConnection } from '../auth/service-connection';
import { createCredential } from '../auth/credential';
import { oidcTokenSource } from '../auth/oidc-token';
import { readAgentHttpOptions } from '../http/agent-http-options';
import { createMachineLearningClient, loadWorkspace, Workspace, WorkspaceRef } from '../azureml/workspace';
import { maskSecret } from './secrets';
import { readEndpointAuthParameter } from './endpoint-auth';
import type { WorkspaceTarget } from './input-parsers';

/** The agent's view of an endpoint, through task-lib (which keeps auth out of process.env). */
const agentEndpoints = {
  url: (id: string) => tl.getEndpointUrl(id, true),
  scheme: (id: string) => tl.getEndpointAuthorizationScheme(id, true),
  authParameter: readEndpointAuthParameter,
  dataParameter: (id: string, key: string) => tl.getEndpointDataParameter(id, key, true),
};

interface OpenWorkspaceOptions {
  /** Names the task in the User-Agent, e.g. `AzureMLDeployModel/1`. */
  taskName: string;
  abortSignal?: AbortSignal;
}

/**
 * Service connection → credential → client for the workspace, with no call to Azure yet (so a
 * task cancelled during sign-in can still cancel what it started). Every secret is masked first.
 */
export function workspaceFromAgent(
  target: WorkspaceTarget,
  options: Omit<OpenWorkspaceOptions, 'abortSignal'>,
): { ref: WorkspaceRef; connection: ServiceConnection; credential: TokenCredential } {
  const connection = readServiceConnection(target.connectionId, agentEndpoints);
  if (connection.kind === 'secret') maskSecret(connection.clientSecret);
  if (connection.kind === 'certificate') maskSecret(connection.certificatePem);
  if (connection.kind === 'workloadIdentity') maskSecret(connection.idToken);
  const oidcToken =
    connection.kind === 'workloadIdentity' ? oidcTokenSource(connection.id, connection.label, connection.idToken) : undefined;
  // Sign-in goes to one host: the authority, or for a managed identity the machine's identity endpoint.
  const signInHost =
    connection.kind === 'managedIdentity' ? process.env.IDENTITY_ENDPOINT || 'http://169.254.169.254/' : connection.cloud.authorityHost;
  const credential = createCredential(connection, { http: readAgentHttpOptions(signInHost), oidcToken });
  const client = createMachineLearningClient({
    credential,
    cloud: connection.cloud,
    subscriptionId: connection.subscriptionId,
    httpFor: readAgentHttpOptions,
    taskName: options.taskName,
  });
  // The credential too: reading identity-based datastores signs in to storage as the connection's identity.
  return {
    ref: { client, subscriptionId: connection.subscriptionId, resourceGroup: target.resourceGroup, name: target.workspace },
    connection,
    credential,
  };
}

/** workspaceFromAgent, then the one read of the workspace every task needs. */
export async function openWorkspace(
  target: WorkspaceTarget,
  options: OpenWorkspaceOptions,
): Promise<{ workspace: Workspace; connection: ServiceConnection; credential: TokenCredential }> {
  const { ref, connection, credential } = workspaceFromAgent(target, options);
  return { workspace: await loadWorkspace(ref, options.abortSignal), connection, credential };
}
