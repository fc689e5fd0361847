/**
 * Where to sign in and which Resource Manager to call, per Azure cloud. The service connection's own
 * values (authority, ARM URL, resource id) always win: that is how Azure Stack, private clouds and
 * our emulator are reached, through the same code path as the public cloud.
 */
export interface CloudEndpoints {
  name: string;
  /** Entra ID authority host, with a trailing slash. */
  authorityHost: string;
  /** Resource Manager URL, with a trailing slash. */
  resourceManagerUrl: string;
  /** Scope for Resource Manager tokens. */
  resourceManagerScope: string;
  /** Whether MSAL should skip instance discovery (right for any authority that is not a Microsoft cloud's). */
  disableInstanceDiscovery: boolean;
}

interface KnownCloud {
  authority: string;
  arm: string;
}

const KNOWN_CLOUDS: Record<string, KnownCloud> = {
  azurecloud: {
    authority: 'https://login.microsoftonline.com/',
    arm: 'https://management.azure.com/',
  },
  azureusgovernment: {
    authority: 'https://login.microsoftonline.us/',
    arm: 'https://management.usgovcloudapi.net/',
  },
  azurechinacloud: {
    authority: 'https://login.chinacloudapi.cn/',
    arm: 'https://management.chinacloudapi.cn/',
  },
};

const MICROSOFT_AUTHORITY_HOSTS = new Set(Object.values(KNOWN_CLOUDS).map((c) => new URL(c.authority).host));

interface CloudSettings {
  /** `environment` data parameter: AzureCloud, AzureUSGovernment, AzureChinaCloud, AzureStack… */
  environment?: string;
  /** `activeDirectoryAuthority` (or the older `environmentAuthorityUrl`) data parameter. */
  activeDirectoryAuthority?: string;
  /** `ENDPOINT_URL_<id>`: the Resource Manager URL of the connection. */
  resourceManagerUrl?: string;
  /** `activeDirectoryServiceEndpointResourceId` data parameter: the token audience for ARM. */
  resourceId?: string;
}

export function resolveCloud(settings: CloudSettings): CloudEndpoints {
  const name = settings.environment?.trim() || 'AzureCloud';
  const known = KNOWN_CLOUDS[name.toLowerCase()];
  const authorityHost = withSlash(settings.activeDirectoryAuthority) ?? known?.authority;
  const resourceManagerUrl = withSlash(settings.resourceManagerUrl) ?? known?.arm;
  if (!authorityHost || !resourceManagerUrl) {
    throw new Error(
      `The service connection's environment '${name}' is not a known Azure cloud and does not give its ` +
        `${authorityHost ? 'Resource Manager URL' : 'Active Directory authority'}; edit the service connection to set it.`,
    );
  }
  // Public clouds: the audience the Azure SDKs use by default. A connection that brings its own
  // Resource Manager (Azure Stack, a private cloud, the emulator) names its own audience.
  const isKnownArm = known !== undefined && resourceManagerUrl.toLowerCase() === known.arm;
  const audience = isKnownArm ? resourceManagerUrl : (withSlash(settings.resourceId) ?? resourceManagerUrl);
  return {
    name,
    authorityHost,
    resourceManagerUrl,
    resourceManagerScope: `${audience.replace(/\/+$/, '')}/.default`,
    disableInstanceDiscovery: !MICROSOFT_AUTHORITY_HOSTS.has(new URL(authorityHost).host),
  };
}

function withSlash(url: string | undefined): string | undefined {
  const trimmed = url?.trim();
  if (!trimmed) return undefined;
  return trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}
