import { randomUUID } from 'node:crypto';
import type { Cloud } from '../cloud';
import { decodeJwt, signJwt, verifyJwtSignature } from '../crypto/jwt';
import type { SigningKey } from '../entra/access-tokens';
import type { EmulatorResponse, Route } from '../http/types';
import { json } from '../http/types';
import type { FederatedTokenKind } from '../types';
import { federatedTokenClaims } from './federated-token';

export interface WifConnection {
  id: string;
  name: string;
  federatedToken: FederatedTokenKind;
}

const OIDC_LOCATION_ID = '69a319f4-28c1-4bfd-93e6-ea0ff5c6f1a2';

/** System.AccessToken: a job-scoped token Azure DevOps itself signs and later checks. */
export function issueSystemAccessToken(cloud: Cloud, key: SigningKey): string {
  const now = Math.floor(Date.now() / 1000);
  return signJwt(
    {
      nameid: randomUUID(),
      scp: 'app_token',
      aud: 'app.vstoken.visualstudio.com',
      iss: 'app.vstoken.visualstudio.com',
      orgid: cloud.devops.orgId,
      iat: now,
      nbf: now,
      exp: now + 6 * 3600,
    },
    key.privateKeyPem,
    { kid: key.kid },
  );
}

function devopsError(status: number, message: string, typeKey: string): EmulatorResponse {
  return json(status, {
    $id: '1',
    innerException: null,
    message,
    typeName: `Microsoft.TeamFoundation.DistributedTask.WebApi.${typeKey}, Microsoft.TeamFoundation.DistributedTask.WebApi`,
    typeKey,
    errorCode: 0,
    eventId: 3000,
  });
}

/**
 * The two Azure DevOps calls a task makes for workload identity federation:
 * azure-devops-node-api's VsoClient first asks `OPTIONS <collection>/_apis/distributedtask` for
 * ApiResourceLocations (route template + versions), then POSTs to the oidctoken route it built;
 * the plain System.OidcRequestUri call is the same POST.
 */
export function devopsRoutes(cloud: Cloud, key: SigningKey, connections: () => Map<string, WifConnection>): Route[] {
  const org = cloud.devops.orgName;
  const authorized = (authorization: string | undefined) => {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    const jwt = match ? decodeJwt(match[1]) : undefined;
    return !!jwt && verifyJwtSignature(jwt, key.publicKeyPem) && Number(jwt.payload.exp) > Date.now() / 1000;
  };
  const unauthorized = () =>
    devopsError(401, 'TF400813: The user is not authorized to access this resource.', 'UnauthorizedRequestException');

  return [
    {
      method: 'OPTIONS',
      pattern: new RegExp(`^/devops/${org}/_apis/distributedtask/?$`, 'i'),
      area: 'devops',
      anonymous: true,
      handle: (req) =>
        authorized(req.headers.authorization)
          ? json(200, {
              count: 1,
              value: [
                {
                  id: OIDC_LOCATION_ID,
                  area: 'distributedtask',
                  resourceName: 'oidctoken',
                  routeTemplate: '{scopeIdentifier}/_apis/{area}/hubs/{hubName}/plans/{planId}/jobs/{jobId}/{resource}',
                  resourceVersion: 1,
                  minVersion: '7.1',
                  maxVersion: '7.2',
                  releasedVersion: '7.1',
                },
              ],
            })
          : unauthorized(),
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/devops/${org}/([^/]+)/_apis/distributedtask/hubs/([^/]+)/plans/([^/]+)/jobs/([^/]+)/oidctoken$`, 'i'),
      area: 'devops',
      anonymous: true,
      handle: (req, [project]) => {
        if (!authorized(req.headers.authorization)) return unauthorized();
        if (project.toLowerCase() !== cloud.devops.projectId && project.toLowerCase() !== cloud.devops.projectName) {
          return devopsError(404, `TF200016: The following project does not exist: ${project}.`, 'ProjectDoesNotExistException');
        }
        const id = (req.query.serviceConnectionId ?? '').toLowerCase();
        const connection = connections().get(id);
        if (!connection) {
          return devopsError(
            400,
            `Service connection ${id || '(none)'} is not a workload identity federation connection this pipeline may use.`,
            'InvalidServiceEndpointException',
          );
        }
        const claims = federatedTokenClaims(cloud, connection, connection.federatedToken, Math.floor(Date.now() / 1000));
        return json(200, { oidcToken: signJwt(claims, key.privateKeyPem, { kid: key.kid }) });
      },
    },
  ];
}
