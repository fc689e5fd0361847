import { strict as assert } from 'node:assert';
import { EndpointReader, readServiceConnection } from '../../shared/auth/service-connection';

function reader(
  scheme: string | undefined,
  auth: Record<string, string>,
  data: Record<string, string>,
  url = 'https://management.azure.com/',
): EndpointReader {
  const lower = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k.toLowerCase(), v]));
  const a = lower(auth);
  const d = lower(data);
  return {
    url: () => url,
    scheme: () => scheme,
    authParameter: (_id, key) => a[key.toLowerCase()],
    dataParameter: (_id, key) => d[key.toLowerCase()],
  };
}

const data = { subscriptionId: 'sub-1', subscriptionName: 'Prod', environment: 'AzureCloud' };

describe('readServiceConnection', () => {
  it('reads a service principal with a secret', () => {
    const c = readServiceConnection(
      'conn',
      reader(
        'ServicePrincipal',
        { serviceprincipalid: 'app', serviceprincipalkey: 's3cret!', tenantid: 't', authenticationType: 'spnKey' },
        data,
      ),
    );
    assert.equal(c.kind, 'secret');
    assert.equal(c.subscriptionId, 'sub-1');
    assert.equal(c.label, "'conn' (subscription 'Prod')");
  });

  it('reads a service principal with a certificate', () => {
    const c = readServiceConnection(
      'conn',
      reader(
        'ServicePrincipal',
        { serviceprincipalid: 'app', tenantid: 't', authenticationType: 'spnCertificate', servicePrincipalCertificate: 'PEM' },
        data,
      ),
    );
    assert.equal(c.kind, 'certificate');
  });

  it('reads workload identity federation and managed identity', () => {
    assert.equal(
      readServiceConnection('c', reader('WorkloadIdentityFederation', { serviceprincipalid: 'app', tenantid: 't' }, data)).kind,
      'workloadIdentity',
    );
    const msi = readServiceConnection('c', reader('ManagedServiceIdentity', { tenantid: 't' }, { ...data, msiclientId: 'mi' }));
    assert.equal(msi.kind, 'managedIdentity');
    assert.equal(msi.kind === 'managedIdentity' && msi.clientId, 'mi');
  });

  it('uses the connection authority and ARM URL (the sovereign/custom cloud path)', () => {
    const c = readServiceConnection(
      'c',
      reader(
        'ServicePrincipal',
        { serviceprincipalid: 'app', serviceprincipalkey: 'k', tenantid: 't' },
        { ...data, environment: 'AzureUSGovernment', activeDirectoryAuthority: 'https://login.microsoftonline.us/' },
        'https://management.usgovcloudapi.net/',
      ),
    );
    assert.equal(c.cloud.authorityHost, 'https://login.microsoftonline.us/');
    assert.equal(c.cloud.resourceManagerScope, 'https://management.usgovcloudapi.net/.default');
  });

  it('names the connection in every error', () => {
    assert.throws(() => readServiceConnection('missing', reader(undefined, {}, {})), /Service connection 'missing' was not found/);
    assert.throws(
      () => readServiceConnection('c', reader('ServicePrincipal', { serviceprincipalid: 'a', tenantid: 't' }, data)),
      /Service connection 'c' \(subscription 'Prod'\) has no service principal secret/,
    );
    assert.throws(
      () => readServiceConnection('c', reader('ServicePrincipal', { serviceprincipalid: 'a', tenantid: 't' }, { subscriptionName: 'MG' })),
      /scoped to a management group/,
    );
    assert.throws(() => readServiceConnection('c', reader('PublishProfile', {}, data)), /uses the authentication scheme 'PublishProfile'/);
  });
});
