import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { ClientAssertionCredential, ClientCertificateCredential, ClientSecretCredential, ManagedIdentityCredential } from '@azure/identity';
import type { HttpClientOptions } from '../http/agent-http-options';
import { DEFAULT_RETRY, transientRetryPolicy } from '../http/retry-policy';
import { UserError, isAbortError } from '../task/user-error';
import type { ServiceConnection } from './service-connection';
import { describeSignInFailure } from './sign-in-error';
import { maskSecret } from '../task/secrets';

interface CredentialOptions {
  http: HttpClientOptions;
  /** Fetches a fresh Azure DevOps OIDC token (workload identity federation only). */
  oidcToken?: () => Promise<string>;
}

/** A TokenCredential for the service connection; sign-in failures become one clear UserError. */
export function createCredential(connection: ServiceConnection, options: CredentialOptions): TokenCredential {
  // Sign-in retries by the same policy as every other call (identity's default gives up after 3
  // tries and skips a 429 without Retry-After): its own retries off, ours per call.
  const retries = {
    retryOptions: { maxRetries: 0 },
    additionalPolicies: [{ policy: transientRetryPolicy(), position: 'perCall' as const }],
  };
  // A managed identity replaces any added policy with its own identity-endpoint retry policy (it
  // knows IMDS's 404/410 while the identity is being assigned); it gets our budget.
  const managedIdentityRetries = {
    retryOptions: {
      maxRetries: DEFAULT_RETRY.maxRetries,
      retryDelayInMs: DEFAULT_RETRY.baseDelayMs,
      maxRetryDelayInMs: DEFAULT_RETRY.maxDelayMs,
    },
  };
  const common = {
    authorityHost: connection.cloud.authorityHost,
    disableInstanceDiscovery: connection.cloud.disableInstanceDiscovery,
    ...options.http,
    ...retries,
  };
  let inner: TokenCredential;
  let who: string;
  switch (connection.kind) {
    case 'secret':
      inner = new ClientSecretCredential(connection.tenantId, connection.clientId, connection.clientSecret, common);
      who = `service principal ${connection.clientId} with a secret, tenant ${connection.tenantId}`;
      break;
    case 'certificate':
      inner = new ClientCertificateCredential(connection.tenantId, connection.clientId, { certificate: connection.certificatePem }, common);
      who = `service principal ${connection.clientId} with a certificate, tenant ${connection.tenantId}`;
      break;
    case 'workloadIdentity': {
      const getToken = options.oidcToken;
      if (!getToken) throw new Error('workload identity federation needs an OIDC token source');
      inner = new ClientAssertionCredential(connection.tenantId, connection.clientId, getToken, common);
      who = `workload identity federation, app ${connection.clientId}, tenant ${connection.tenantId}`;
      break;
    }
    case 'managedIdentity':
      inner = connection.clientId
        ? new ManagedIdentityCredential({ clientId: connection.clientId, ...options.http, ...managedIdentityRetries })
        : new ManagedIdentityCredential({ ...options.http, ...managedIdentityRetries });
      who = connection.clientId ? `managed identity ${connection.clientId}` : "the agent machine's managed identity";
      break;
  }
  return new ExplainingCredential(
    inner,
    connection.label,
    who,
    connection.kind === 'managedIdentity' ? undefined : connection.cloud.authorityHost,
  );
}

class ExplainingCredential implements TokenCredential {
  constructor(
    private readonly inner: TokenCredential,
    private readonly label: string,
    private readonly who: string,
    private readonly authorityHost: string | undefined,
  ) {}

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    try {
      const token = await this.inner.getToken(scopes, options);
      maskSecret(token?.token);
      return token;
    } catch (error) {
      if (isAbortError(error) || error instanceof UserError) throw error;
      throw new UserError(describeSignInFailure(this.label, this.who, error, this.authorityHost), { cause: error });
    }
  }
}
