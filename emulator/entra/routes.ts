import { KeyObject, createPublicKey } from 'node:crypto';
import type { Cloud } from '../cloud';
import { armAudiences } from '../cloud';
import { decodeJwt } from '../crypto/jwt';
import type { EmulatorRequest, EmulatorResponse, Route } from '../http/types';
import { json } from '../http/types';
import { issueAccessToken, SigningKey, ACCESS_TOKEN_LIFETIME_SECONDS } from './access-tokens';
import { checkCertificateAssertion, checkFederatedAssertion } from './client-assertion';
import type { AppRegistration, Directory } from './directory';
import { entraError } from './errors';

/** Entra ID as MSAL (via @azure/identity) talks to it for the client-credentials grant. */
interface EntraDeps {
  cloud: Cloud;
  directory: Directory;
  signingKey: SigningKey;
  /** External OIDC issuers trusted for federated credentials (issuer URL → public key). */
  federatedIssuers: () => Map<string, KeyObject>;
}

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access']);

const tokenEndpointOf = (cloud: Cloud, tenant: string) => `${cloud.url}/${tenant}/oauth2/v2.0/token`;

export function entraRoutes(deps: EntraDeps): Route[] {
  const { cloud } = deps;
  const knownTenant = (tenant: string) =>
    tenant.toLowerCase() === cloud.tenantId || ['common', 'organizations'].includes(tenant.toLowerCase());

  const unknownTenant = (tenant: string) =>
    entraError(
      'invalid_request',
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    );

  return [
    {
      method: 'GET',
      pattern: /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/i,
      area: 'entra',
      anonymous: true,
      handle: (_req, [tenant]) => (knownTenant(tenant) ? json(200, openIdConfiguration(cloud, tenant)) : unknownTenant(tenant)),
    },
    {
      method: 'GET',
      pattern: /^\/common\/discovery\/instance$/i,
      area: 'entra',
      anonymous: true,
      handle: () =>
        json(200, {
          tenant_discovery_endpoint: `${cloud.url}/${cloud.tenantId}/v2.0/.well-known/openid-configuration`,
          'api-version': '1.1',
          metadata: [{ preferred_network: cloud.host, preferred_cache: cloud.host, aliases: [cloud.host] }],
        }),
    },
    {
      method: 'GET',
      pattern: /^\/([^/]+)\/discovery\/v2\.0\/keys$/i,
      area: 'entra',
      anonymous: true,
      handle: () => json(200, { keys: [publicJwk(deps.signingKey)] }),
    },
    {
      method: 'POST',
      pattern: /^\/([^/]+)\/oauth2\/v2\.0\/token$/i,
      area: 'entra',
      anonymous: true,
      handle: (req, [tenant]) =>
        knownTenant(tenant) && tenant.toLowerCase() === cloud.tenantId ? token(deps, req, tenant) : unknownTenant(tenant),
    },
  ];
}

function openIdConfiguration(cloud: Cloud, tenant: string) {
  const base = `${cloud.url}/${tenant}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/v2.0`,
    request_uri_parameter_supported: false,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    tenant_region_scope: 'NA',
    cloud_instance_name: cloud.host,
    cloud_graph_host_name: cloud.host,
    msgraph_host: cloud.host,
  };
}

function publicJwk(key: SigningKey) {
  const jwk = createPublicKey(key.publicKeyPem).export({ format: 'jwk' });
  return { kty: 'RSA', use: 'sig', kid: key.kid, x5t: key.kid, n: jwk.n, e: jwk.e };
}

/** The resource a `<resource>/.default` scope names, when the emulator is that resource. */
function resourceOf(cloud: Cloud, scope: string): string | undefined {
  const scopes = scope.split(/\s+/).filter((s) => s && !OIDC_SCOPES.has(s));
  if (scopes.length !== 1 || !scopes[0].endsWith('/.default')) return undefined;
  const resource = scopes[0].slice(0, -'/.default'.length);
  return armAudiences(cloud).has(resource) ? resource : undefined;
}

function token(deps: EntraDeps, req: EmulatorRequest, tenant: string): EmulatorResponse {
  const { cloud, directory } = deps;
  const form = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, string>;
  if (form.grant_type !== 'client_credentials') {
    return entraError('unsupported_grant_type', 70003, `The app requested an unsupported grant type '${form.grant_type ?? ''}'.`);
  }
  const clientId = form.client_id ?? '';
  const app = directory.find(clientId);
  if (!app) {
    return entraError(
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${cloud.tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  }
  const resource = resourceOf(cloud, form.scope ?? '');
  if (!resource) {
    return entraError(
      'invalid_resource',
      500011,
      `The resource principal named ${form.scope ?? ''} was not found in the tenant named ${cloud.tenantId}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    );
  }
  const failure = authenticateClient(deps, app, form, tenant);
  if (failure) return failure;
  return json(200, {
    token_type: 'Bearer',
    expires_in: ACCESS_TOKEN_LIFETIME_SECONDS,
    ext_expires_in: ACCESS_TOKEN_LIFETIME_SECONDS,
    access_token: issueAccessToken(cloud, deps.signingKey, { audience: resource, appId: app.clientId, objectId: app.clientId }),
  });
}

function authenticateClient(
  deps: EntraDeps,
  app: AppRegistration,
  form: Record<string, string>,
  tenant: string,
): EmulatorResponse | undefined {
  if (form.client_secret !== undefined) {
    return app.secrets.includes(form.client_secret)
      ? undefined
      : entraError(
          'invalid_client',
          7000215,
          `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`,
        );
  }
  if (form.client_assertion === undefined) {
    return entraError(
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  }
  if (form.client_assertion_type !== JWT_BEARER) {
    return entraError('invalid_request', 700025, `client_assertion_type must be '${JWT_BEARER}'.`);
  }
  const jwt = decodeJwt(form.client_assertion);
  if (!jwt) return entraError('invalid_client', 50027, 'JWT token is invalid or malformed.');
  const nowSeconds = Math.floor(Date.now() / 1000);
  // A certificate assertion is self-issued by the app; anything else must be a federated token.
  const failure =
    jwt.payload.iss === app.clientId
      ? checkCertificateAssertion(jwt, app, tokenEndpointOf(deps.cloud, tenant), nowSeconds)
      : checkFederatedAssertion(jwt, app, deps.federatedIssuers(), nowSeconds);
  return failure ? entraError(failure.error, failure.aadsts, failure.description) : undefined;
}
