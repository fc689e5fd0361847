import { strict as assert } from 'node:assert';
import { RestError, createHttpHeaders, createPipelineRequest } from '@azure/core-rest-pipeline';
import { describeCall, describeError } from '../../shared/task/describe-error';
import { describeSignInFailure } from '../../shared/auth/sign-in-error';
import { printableForms as secretForms, maskText, agentSecrets } from '../../shared/task/output-masker';

describe('describeError', () => {
  it("carries the service's code, message and request id", () => {
    const body = JSON.stringify({ error: { code: 'UserError', message: 'Job xyz not found.' } });
    const request = createPipelineRequest({
      url: 'https://management.azure.com/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/jobs/xyz?api-version=2022-10-01',
    });
    const error = new RestError('raw', {
      statusCode: 404,
      code: 'NotFound',
      request,
      response: {
        status: 404,
        headers: createHttpHeaders({ 'x-ms-request-id': 'req-1', 'x-ms-correlation-request-id': 'corr-1' }),
        bodyAsText: body,
        request,
      },
    });
    assert.equal(
      describeError(error),
      'Azure returned HTTP 404 UserError to GET …/jobs/xyz: Job xyz not found. (request id req-1, correlation id corr-1)',
    );
  });

  it('names the call of a request that got no answer, never its query (a SAS could be there)', () => {
    const request = createPipelineRequest({
      url: 'https://acct.blob.core.windows.net/c/LocalUpload/x?sv=2021&sig=SECRETSIG',
      method: 'PUT',
    });
    const error = new RestError('socket hang up', { code: 'ECONNRESET', request });
    assert.equal(describeError(error), 'PUT /c/LocalUpload/x: ECONNRESET socket hang up');
    assert.equal(describeCall({ method: 'GET', url: 'not a url' }), undefined);
    assert.equal(
      describeCall({
        method: 'GET',
        url: 'https://m/subscriptions/s/resourceGroups/r/providers/Microsoft.MachineLearningServices/workspaces/w',
      }),
      'GET /subscriptions/s/resourceGroups/r/providers/Microsoft.MachineLearningServices/workspaces/w',
    );
  });

  it('passes plain errors through', () => {
    assert.equal(describeError(new Error('boom')), 'boom');
    assert.equal(describeError('text'), 'text');
  });
});

describe('describeSignInFailure', () => {
  it('names the connection, the identity, the AADSTS line and the fix', () => {
    const msg = describeSignInFailure(
      "'c1'",
      'service principal app',
      new Error(
        'ClientSecretCredential authentication failed: AADSTS7000215: Invalid client secret provided. Trace ID: abc\nCorrelation ID: x',
      ),
    );
    assert.equal(
      msg,
      "Could not sign in to Azure with service connection 'c1' (service principal app): AADSTS7000215: Invalid client secret provided. Fix: the client secret is wrong: renew it in the app registration and update the service connection.",
    );
  });

  it('explains an unreachable or untrusted authority', () => {
    const msg = describeSignInFailure(
      "'c'",
      'spn',
      new Error('endpoints_resolution_error: Endpoints cannot be resolved'),
      'https://login.contoso/',
    );
    assert.match(
      msg,
      /the sign-in authority https:\/\/login\.contoso\/ could not be reached or its TLS certificate is not trusted \(endpoints_resolution_error/,
    );
  });

  it('explains federated token problems', () => {
    assert.match(
      describeSignInFailure("'c'", 'wif', new Error('AADSTS700024: Client assertion is not within its valid time range.')),
      /federated token has expired/,
    );
    assert.match(
      describeSignInFailure("'c'", 'wif', new Error('AADSTS70021: No matching federated identity record found')),
      /no federated credential on the app matches/,
    );
  });
});

describe('secretForms', () => {
  it('masks the value, its URL-encoded and base64 forms and each PEM line', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0B\nAQEFAASCBKcwggSjAgEAAoIB\n-----END PRIVATE KEY-----';
    const forms = secretForms(pem);
    assert.ok(!forms.includes(pem), 'the agent refuses multi-line secrets');
    assert.ok(forms.every((f) => !/[\r\n]/.test(f)));
    assert.ok(forms.includes('MIIEvQIBADANBgkqhkiG9w0B'));
    assert.ok(!forms.some((f) => f.startsWith('-----BEGIN') && f.length < 40));
    assert.ok(secretForms('a+b/c=d&e').includes(encodeURIComponent('a+b/c=d&e')));
    assert.deepEqual(secretForms(''), []);
  });
});

describe('output masking', () => {
  it('masks every secret in ordinary lines but leaves the agent registration lines intact', () => {
    const secrets = ['hunter2-long', 'aHVudGVyMi1sb25n'];
    assert.equal(maskText('proxy http://u:hunter2-long@p:8080\nnext aHVudGVyMi1sb25n', secrets), 'proxy http://u:***@p:8080\nnext ***');
    assert.equal(maskText('##vso[task.setsecret]hunter2-long', secrets), '##vso[task.setsecret]hunter2-long');
    assert.equal(
      maskText('##vso[task.setvariable variable=k;issecret=true;]hunter2-long', secrets),
      '##vso[task.setvariable variable=k;issecret=true;]hunter2-long',
    );
  });

  it('learns the secrets the agent passes: secret variables and secret endpoint parameters only', () => {
    const found = agentSecrets({
      SECRET_AGENT_PROXYPASSWORD: 'corp-pass-123',
      ENDPOINT_AUTH_PARAMETER_C1_SERVICEPRINCIPALKEY: 'spn-secret-value',
      ENDPOINT_AUTH_PARAMETER_C1_TENANTID: 'tenant-guid-value',
      ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN: 'access-token-value',
      ENDPOINT_AUTH_C1: JSON.stringify({
        scheme: 'ServicePrincipal',
        parameters: { serviceprincipalkey: 'json-secret-value', tenantid: 'tenant-in-json' },
      }),
      ENDPOINT_DATA_C1_SUBSCRIPTIONID: 'sub-guid-value',
    });
    for (const s of ['corp-pass-123', 'spn-secret-value', 'access-token-value', 'json-secret-value']) assert.ok(found.includes(s), s);
    for (const s of ['tenant-guid-value', 'tenant-in-json', 'sub-guid-value']) assert.ok(!found.includes(s), s);
  });
});
