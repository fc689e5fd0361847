import * as tl from 'azure-pipelines-task-lib/task';
// The Task API and the bearer handler alone: the WebApi facade would bundle every Azure DevOps
// client (about 1 MB) into each task.
import { TaskApi } from 'azure-devops-node-api/TaskApi';
import { BearerCredentialHandler } from 'azure-devops-node-api/handlers/bearertoken';
import { UserError } from '../task/user-error';
import { maskSecret } from '../task/secrets';
import { readEndpointAuthParameter } from '../task/endpoint-auth';
import { withTransientRetries } from '../http/retry-policy';

/**
 * Workload identity federation: Azure DevOps issues a short-lived OIDC token for the service
 * connection, which Entra ID exchanges for an Azure token. Tokens live minutes, so MSAL calls this
 * every time it needs a new assertion instead of us caching one.
 */
interface OidcRequestContext {
  collectionUri: string;
  projectId: string;
  hostType: string;
  planId: string;
  jobId: string;
  accessToken: string;
}

/** The job's OIDC request context, or the names of what this process lacks to request a token. */
function readOidcRequestContext(): { context: OidcRequestContext } | { missing: string[] } {
  const v = (name: string) => tl.getVariable(name)?.trim() || '';
  const accessToken = readEndpointAuthParameter('SYSTEMVSSCONNECTION', 'AccessToken') ?? '';
  const context = {
    collectionUri: v('System.CollectionUri') || v('System.TeamFoundationCollectionUri'),
    projectId: v('System.TeamProjectId'),
    hostType: v('System.HostType'),
    planId: v('System.PlanId'),
    jobId: v('System.JobId'),
    accessToken,
  };
  const names: Record<string, string> = {
    collectionUri: 'System.CollectionUri',
    projectId: 'System.TeamProjectId',
    hostType: 'System.HostType',
    planId: 'System.PlanId',
    jobId: 'System.JobId',
    accessToken: 'System.AccessToken',
  };
  const missing = Object.entries(context)
    .filter(([, value]) => !value)
    .map(([key]) => names[key]);
  if (missing.length > 0) return { missing };
  maskSecret(accessToken);
  return { context };
}

/**
 * The token source for a workload identity connection: a fresh token from Azure DevOps per MSAL
 * request; the agent-provided `idToken` only when this process cannot ask (it expires within minutes).
 */
export function oidcTokenSource(connectionId: string, connectionLabel: string, idToken: string | undefined): () => Promise<string> {
  const read = readOidcRequestContext();
  if ('context' in read) return createOidcTokenProvider(read.context, connectionId, connectionLabel);
  if (idToken) return () => Promise.resolve(idToken);
  throw new UserError(
    `Service connection ${connectionLabel} uses workload identity federation, but this job does not expose ${read.missing.join(', ')}; ` +
      'run the task inside an Azure Pipelines job so the agent can request an OIDC token.',
  );
}

function createOidcTokenProvider(ctx: OidcRequestContext, connectionId: string, connectionLabel: string): () => Promise<string> {
  const proxy = tl.getHttpProxyConfiguration(ctx.collectionUri) ?? undefined;
  const cert = tl.getHttpCertConfiguration() ?? undefined;
  // WebApi.getTaskApi() resolves no resource area for this API: the collection URL is the base.
  // The typed REST client never retries a POST; ours does (asking for a token twice is harmless).
  const taskApi = new TaskApi(ctx.collectionUri, [new BearerCredentialHandler(ctx.accessToken, false)], {
    proxy,
    cert,
    allowRetries: false,
  });
  return async () => {
    let token: string | undefined;
    try {
      const response = await withTransientRetries(
        () => taskApi.createOidcToken({}, ctx.projectId, ctx.hostType, ctx.planId, ctx.jobId, connectionId),
        {
          what: 'Azure DevOps OIDC token',
        },
      );
      token = response?.oidcToken;
    } catch (e) {
      throw new UserError(
        `Azure DevOps did not issue an OIDC token for service connection ${connectionLabel}: ${(e as Error).message}. ` +
          'Check that the pipeline is allowed to use the connection.',
      );
    }
    if (!token) throw new UserError(`Azure DevOps returned no OIDC token for service connection ${connectionLabel}.`);
    maskSecret(token);
    return token;
  };
}
