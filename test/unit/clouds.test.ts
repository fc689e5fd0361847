import { strict as assert } from 'node:assert';
import { resolveCloud } from '../../shared/auth/clouds';

describe('resolveCloud', () => {
  it('defaults to the public cloud with the SDK default ARM scope and instance discovery on', () => {
    const c = resolveCloud({});
    assert.equal(c.authorityHost, 'https://login.microsoftonline.com/');
    assert.equal(c.resourceManagerUrl, 'https://management.azure.com/');
    assert.equal(c.resourceManagerScope, 'https://management.azure.com/.default');
    assert.equal(c.disableInstanceDiscovery, false);
  });

  it('selects the US Government authority and ARM', () => {
    const c = resolveCloud({ environment: 'AzureUSGovernment', resourceManagerUrl: 'https://management.usgovcloudapi.net/' });
    assert.equal(c.authorityHost, 'https://login.microsoftonline.us/');
    assert.equal(c.resourceManagerScope, 'https://management.usgovcloudapi.net/.default');
    assert.equal(c.disableInstanceDiscovery, false);
  });

  it('selects the China authority and ARM', () => {
    const c = resolveCloud({ environment: 'AzureChinaCloud' });
    assert.equal(c.authorityHost, 'https://login.chinacloudapi.cn/');
    assert.equal(c.resourceManagerUrl, 'https://management.chinacloudapi.cn/');
  });

  it("lets the connection's own authority and ARM URL win, with its audience, and skips instance discovery", () => {
    const c = resolveCloud({
      environment: 'AzureStack',
      activeDirectoryAuthority: 'https://login.contoso.local/adfs',
      resourceManagerUrl: 'https://management.contoso.local',
      resourceId: 'https://management.contoso.local/abc123/',
    });
    assert.equal(c.authorityHost, 'https://login.contoso.local/adfs/');
    assert.equal(c.resourceManagerUrl, 'https://management.contoso.local/');
    assert.equal(c.resourceManagerScope, 'https://management.contoso.local/abc123/.default');
    assert.equal(c.disableInstanceDiscovery, true);
  });

  it('fails clearly for an unknown cloud without endpoints', () => {
    assert.throws(
      () => resolveCloud({ environment: 'MyCloud' }),
      /environment 'MyCloud' is not a known Azure cloud and does not give its Active Directory authority/,
    );
  });
});
