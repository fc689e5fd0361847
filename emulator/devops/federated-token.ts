import type { Cloud } from '../cloud';
import type { FederatedTokenKind } from '../types';

/** What Azure DevOps puts into the OIDC token for a service connection. */
export const DEVOPS_AUDIENCE = 'api://AzureADTokenExchange';

export const devopsIssuer = (orgId: string) => `https://vstoken.dev.azure.com/${orgId}`;

export const connectionSubject = (cloud: Cloud, connectionName: string) =>
  `sc://${cloud.devops.orgName}/${cloud.devops.projectName}/${connectionName}`;

/** Real tokens live about 10 minutes. */
const LIFETIME_SECONDS = 600;

/** Claims of the OIDC token, bent one way or another by `kind` so tests can see Entra reject it. */
export function federatedTokenClaims(
  cloud: Cloud,
  connection: { id: string; name: string },
  kind: FederatedTokenKind,
  nowSeconds: number,
): Record<string, unknown> {
  const issuedAt = kind === 'expired' ? nowSeconds - 2 * LIFETIME_SECONDS : nowSeconds;
  return {
    jti: `${connection.id}-${nowSeconds}`,
    sub: connectionSubject(cloud, kind === 'wrongSubject' ? `${connection.name}-other` : connection.name),
    aud: kind === 'wrongAudience' ? 'api://SomeOtherAudience' : DEVOPS_AUDIENCE,
    iss: devopsIssuer(kind === 'wrongIssuer' ? '00000000-dead-4bad-8bad-000000000000' : cloud.devops.orgId),
    iat: issuedAt,
    nbf: issuedAt,
    exp: issuedAt + LIFETIME_SECONDS,
  };
}
