import { strict as assert } from 'node:assert';
import { ClientAssertionCredential, ClientCertificateCredential, ClientSecretCredential, ManagedIdentityCredential } from '@azure/identity';
import { WebApi, getBearerHandler } from 'azure-devops-node-api';
import { createClientCertificate, Emulator, FederatedTokenKind, startEmulator } from '../../emulator';
import { call, credentialOptions, tlsFor } from '../../devkit/emulator-clients';

const param = (env: Record<string, string>, id: string, key: string) => env[`ENDPOINT_AUTH_PARAMETER_${id}_${key}`];

/** Decodes a JWT payload without verifying it (what the test wants to look at). */
const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));

describe('emulator: Entra ID token endpoint with real @azure/identity credentials', function () {
  let emulator: Emulator;
  before(async () => (emulator = await startEmulator()));
  after(() => emulator.stop());

  it('issues an ARM-scoped token for the registered client secret', async () => {
    const { id, env } = emulator.connection({ scheme: 'spnKey' });
    const credential = new ClientSecretCredential(
      emulator.tenantId,
      param(env, id, 'SERVICEPRINCIPALID'),
      param(env, id, 'SERVICEPRINCIPALKEY'),
      credentialOptions(emulator),
    );
    const token = await credential.getToken(`${emulator.url}/.default`);
    assert.ok(token);
    assert.equal(claims(token.token).aud, emulator.url);
    assert.equal(claims(token.token).tid, emulator.tenantId);
    assert.ok(token.expiresOnTimestamp > Date.now() + 30 * 60 * 1000);
  });

  it('also accepts the public-cloud ARM scopes', async () => {
    const { id, env } = emulator.connection({ scheme: 'spnKey' });
    const credential = new ClientSecretCredential(
      emulator.tenantId,
      param(env, id, 'SERVICEPRINCIPALID'),
      param(env, id, 'SERVICEPRINCIPALKEY'),
      credentialOptions(emulator),
    );
    const token = await credential.getToken('https://management.azure.com/.default');
    assert.equal(claims(token!.token).aud, 'https://management.azure.com');
  });

  it('rejects a wrong client secret with AADSTS7000215', async () => {
    const { id, env, secrets } = emulator.connection({ scheme: 'spnKey', clientSecret: 'not-the-secret' });
    assert.deepEqual(secrets, ['not-the-secret']);
    const credential = new ClientSecretCredential(
      emulator.tenantId,
      param(env, id, 'SERVICEPRINCIPALID'),
      'not-the-secret',
      credentialOptions(emulator),
    );
    await assert.rejects(credential.getToken(`${emulator.url}/.default`), /AADSTS7000215: Invalid client secret provided/);
  });

  it('answers a wrong secret on the wire exactly as Entra does (401 invalid_client, error_codes)', async () => {
    const { id, env } = emulator.connection({ scheme: 'spnKey' });
    const res = await call(emulator, 'POST', `/${emulator.tenantId}/oauth2/v2.0/token`, {
      form: {
        grant_type: 'client_credentials',
        client_id: param(env, id, 'SERVICEPRINCIPALID'),
        client_secret: 'wrong',
        scope: `${emulator.url}/.default`,
      },
    });
    assert.equal(res.status, 401);
    assert.equal(res.body.error, 'invalid_client');
    assert.deepEqual(res.body.error_codes, [7000215]);
    assert.match(res.body.trace_id, /^[0-9a-f-]{36}$/);
    assert.match(res.body.correlation_id, /^[0-9a-f-]{36}$/);
  });

  it('rejects an unknown tenant (AADSTS90002) and an unknown scope (AADSTS500011)', async () => {
    const { id, env } = emulator.connection({ scheme: 'spnKey' });
    const secret = param(env, id, 'SERVICEPRINCIPALKEY');
    // Like login.microsoftonline.com, the tenant's OpenID metadata already fails (MSAL then
    // reports it cannot resolve endpoints); the wire answer carries AADSTS90002.
    const wrongTenant = new ClientSecretCredential(
      '00000000-0000-4000-8000-000000000000',
      param(env, id, 'SERVICEPRINCIPALID'),
      secret,
      credentialOptions(emulator),
    );
    await assert.rejects(wrongTenant.getToken(`${emulator.url}/.default`), /endpoints_resolution_error/);
    const metadata = await call(emulator, 'GET', '/00000000-0000-4000-8000-000000000000/v2.0/.well-known/openid-configuration');
    assert.equal(metadata.status, 400);
    assert.deepEqual(metadata.body.error_codes, [90002]);
    const credential = new ClientSecretCredential(
      emulator.tenantId,
      param(env, id, 'SERVICEPRINCIPALID'),
      secret,
      credentialOptions(emulator),
    );
    await assert.rejects(credential.getToken('https://vault.azure.net/.default'), /AADSTS500011/);
  });

  it('verifies a certificate-signed client assertion against the registered certificate', async () => {
    const { id, env, secrets } = emulator.connection({ scheme: 'spnCertificate' });
    const pem = param(env, id, 'SERVICEPRINCIPALCERTIFICATE');
    assert.match(pem, /BEGIN CERTIFICATE[\s\S]*BEGIN PRIVATE KEY/);
    assert.deepEqual(secrets, [pem]);
    const credential = new ClientCertificateCredential(
      emulator.tenantId,
      param(env, id, 'SERVICEPRINCIPALID'),
      { certificate: pem },
      credentialOptions(emulator),
    );
    const token = await credential.getToken(`${emulator.url}/.default`);
    assert.equal(claims(token!.token).appid, param(env, id, 'SERVICEPRINCIPALID'));
  });

  it('rejects an unregistered certificate with AADSTS700027', async () => {
    const stranger = await createClientCertificate('someone-else');
    const { id, env } = emulator.connection({ scheme: 'spnCertificate', certificatePem: stranger.pem });
    assert.equal(param(env, id, 'SERVICEPRINCIPALCERTIFICATE'), stranger.pem);
    const credential = new ClientCertificateCredential(
      emulator.tenantId,
      param(env, id, 'SERVICEPRINCIPALID'),
      { certificate: stranger.pem },
      credentialOptions(emulator),
    );
    await assert.rejects(credential.getToken(`${emulator.url}/.default`), /AADSTS700027/);
  });

  it('serves an App Service-style managed identity endpoint that ManagedIdentityCredential uses', async () => {
    const { env, secrets } = emulator.connection({ scheme: 'managedIdentity' });
    assert.equal(env[`ENDPOINT_AUTH_SCHEME_${emulator.connection({ scheme: 'managedIdentity' }).id}`], 'ManagedServiceIdentity');
    assert.ok(secrets.includes(env.IDENTITY_HEADER));
    const saved = { IDENTITY_ENDPOINT: process.env.IDENTITY_ENDPOINT, IDENTITY_HEADER: process.env.IDENTITY_HEADER };
    Object.assign(process.env, { IDENTITY_ENDPOINT: env.IDENTITY_ENDPOINT, IDENTITY_HEADER: env.IDENTITY_HEADER });
    try {
      const token = await new ManagedIdentityCredential({ ...tlsFor(emulator) }).getToken(`${emulator.url}/.default`);
      assert.ok(token);
      assert.equal(claims(token.token).aud, emulator.url);
      const res = await call(emulator, 'GET', `${wsPathOf(emulator)}?api-version=2022-10-01`, { token: token.token });
      assert.equal(res.status, 200);
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  it('refuses the managed identity endpoint without the right X-IDENTITY-HEADER', async () => {
    const res = await call(emulator, 'GET', `/msi/token?api-version=2019-08-01&resource=${encodeURIComponent(emulator.url)}`, {
      headers: { 'x-identity-header': 'guess' },
    });
    assert.equal(res.status, 401);
  });
});

const wsPathOf = (e: Emulator) =>
  `/subscriptions/${e.subscriptionId}/resourceGroups/${e.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${e.workspaceName}`;

describe('emulator: workload identity federation (Azure DevOps OIDC → Entra)', function () {
  let emulator: Emulator;
  before(async () => (emulator = await startEmulator()));
  after(() => emulator.stop());

  /** Exactly what a task does: azure-devops-node-api's TaskApi.createOidcToken with System.AccessToken. */
  async function oidcToken(kind: FederatedTokenKind, id?: string): Promise<{ token: string; clientId: string }> {
    const connection = emulator.connection({ scheme: 'workloadIdentity', federatedToken: kind, id });
    const env = connection.env;
    const api = new WebApi(env.SYSTEM_COLLECTIONURI, getBearerHandler(env.ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN), {
      cert: { caFile: emulator.caCertPath },
    });
    const taskApi = await api.getTaskApi();
    const response = await taskApi.createOidcToken(
      {},
      env.SYSTEM_TEAMPROJECTID,
      env.SYSTEM_HOSTTYPE,
      env.SYSTEM_PLANID,
      env.SYSTEM_JOBID,
      connection.id,
    );
    assert.ok(response.oidcToken, 'no oidcToken in the response');
    return { token: response.oidcToken, clientId: param(env, connection.id, 'SERVICEPRINCIPALID') };
  }

  it('gives the agent environment for WIF, with System.AccessToken listed as a secret', () => {
    const { id, env, secrets } = emulator.connection({ scheme: 'workloadIdentity' });
    assert.equal(env[`ENDPOINT_AUTH_SCHEME_${id}`], 'WorkloadIdentityFederation');
    assert.equal(env.SYSTEM_COLLECTIONURI, `${emulator.url}/devops/emulator-org/`);
    assert.equal(env.SYSTEM_HOSTTYPE, 'build');
    assert.ok(env.SYSTEM_OIDCREQUESTURI.startsWith(env.SYSTEM_COLLECTIONURI));
    assert.ok(secrets.includes(env.ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN));
    assert.equal(env.NODE_EXTRA_CA_CERTS, emulator.caCertPath);
  });

  it('azure-devops-node-api gets an OIDC token that ClientAssertionCredential exchanges for an ARM token', async () => {
    const { token, clientId } = await oidcToken('valid');
    const c = claims(token);
    assert.equal(c.aud, 'api://AzureADTokenExchange');
    assert.match(c.iss, /^https:\/\/vstoken\.dev\.azure\.com\/[0-9a-f-]{36}$/);
    assert.match(c.sub, /^sc:\/\/emulator-org\/emulator-project\//);
    const credential = new ClientAssertionCredential(emulator.tenantId, clientId, async () => token, credentialOptions(emulator));
    const arm = await credential.getToken(`${emulator.url}/.default`);
    assert.equal(claims(arm!.token).appid, clientId);
  });

  it('serves the plain POST $(System.OidcRequestUri)?api-version=7.1&serviceConnectionId=', async () => {
    const { id, env } = emulator.connection({ scheme: 'workloadIdentity' });
    const res = await call(emulator, 'POST', `${new URL(env.SYSTEM_OIDCREQUESTURI).pathname}?api-version=7.1&serviceConnectionId=${id}`, {
      token: env.ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN,
      body: {},
    });
    assert.equal(res.status, 200);
    assert.equal(claims(res.body.oidcToken).aud, 'api://AzureADTokenExchange');
    const refused = await call(
      emulator,
      'POST',
      `${new URL(env.SYSTEM_OIDCREQUESTURI).pathname}?api-version=7.1&serviceConnectionId=${id}`,
      { token: 'nope', body: {} },
    );
    assert.equal(refused.status, 401);
  });

  const rejections: Array<[FederatedTokenKind, RegExp]> = [
    ['expired', /AADSTS700024/],
    ['wrongSubject', /AADSTS70021:/],
    ['wrongIssuer', /AADSTS700211/],
    ['wrongAudience', /AADSTS700212/],
  ];
  for (const [kind, code] of rejections) {
    it(`rejects a federated token that is ${kind} with ${code.source}`, async () => {
      const { token, clientId } = await oidcToken(kind, `0000000${rejections.findIndex(([k]) => k === kind)}-1111-4222-8333-444444444444`);
      const credential = new ClientAssertionCredential(emulator.tenantId, clientId, async () => token, credentialOptions(emulator));
      await assert.rejects(credential.getToken(`${emulator.url}/.default`), code);
    });
  }
});
