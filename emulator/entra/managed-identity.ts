import type { Cloud } from '../cloud';
import { armAudiences } from '../cloud';
import type { Route } from '../http/types';
import { json } from '../http/types';
import { ACCESS_TOKEN_LIFETIME_SECONDS, issueAccessToken, SigningKey } from './access-tokens';
import type { ManagedIdentity } from './directory';

export const MANAGED_IDENTITY_PATH = '/msi/token';

/**
 * An App Service-style managed identity endpoint (IDENTITY_ENDPOINT + IDENTITY_HEADER): the
 * non-IMDS source msal-node picks first when both variables are set, and it needs no
 * link-local address, so the agent can reach it like any other host.
 */
export function managedIdentityRoutes(cloud: Cloud, identity: ManagedIdentity, signingKey: SigningKey): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^\/msi\/token$/i,
      area: 'identity',
      anonymous: true,
      handle: (req) => {
        if (req.headers['x-identity-header'] !== identity.identityHeader) {
          return json(401, { statusCode: 401, message: 'Unauthorized request: the X-IDENTITY-HEADER header is missing or wrong.' });
        }
        const requestedClient = req.query.client_id;
        if (requestedClient && requestedClient.toLowerCase() !== identity.clientId) {
          return json(400, {
            statusCode: 400,
            message: `No User Assigned or Delegated Managed Identity found for specified ClientId/ResourceId/PrincipalId '${requestedClient}'.`,
          });
        }
        const resource = (req.query.resource ?? '').replace(/\/\.default$/, '');
        if (!armAudiences(cloud).has(resource)) {
          return json(400, {
            statusCode: 400,
            message: `AADSTS500011: The resource principal named ${resource} was not found in the tenant named ${cloud.tenantId}.`,
          });
        }
        const expiresOn = Math.floor(Date.now() / 1000) + ACCESS_TOKEN_LIFETIME_SECONDS;
        return json(200, {
          access_token: issueAccessToken(cloud, signingKey, {
            audience: resource,
            appId: identity.clientId,
            objectId: identity.principalId,
          }),
          expires_on: String(expiresOn),
          resource,
          token_type: 'Bearer',
          client_id: identity.clientId,
        });
      },
    },
  ];
}
