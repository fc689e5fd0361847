import type { Cloud } from './cloud';
import type { ConnectionOptions, ConnectionScheme, TaskConnection } from './types';

/** Fixed service-connection ids, one per scheme, so env files and docs stay stable. */
export const DEFAULT_CONNECTION_IDS: Record<ConnectionScheme, string> = {
  spnKey: '8d6a1e52-0c4b-4f7e-9a31-5b2c7d9e0f01',
  spnCertificate: '8d6a1e52-0c4b-4f7e-9a31-5b2c7d9e0f02',
  workloadIdentity: '8d6a1e52-0c4b-4f7e-9a31-5b2c7d9e0f03',
  managedIdentity: '8d6a1e52-0c4b-4f7e-9a31-5b2c7d9e0f04',
};

/** Everything the emulated tenant and org hold that a service connection hands to a task. */
export interface ConnectionMaterial {
  cloud: Cloud;
  caCertPath: string;
  secretApp: { clientId: string; secret: string };
  certificateApp: { clientId: string; pem: string };
  wifApp: { clientId: string; issuer: string; subjectFor: (connectionName: string) => string };
  managedIdentity: { identityHeader: string; endpoint: string };
  pipeline: { systemAccessToken: string; planId: string; jobId: string };
}

export const wifConnectionName = (id: string) => `azureml-wif-${id.slice(0, 8)}`;

const SCHEME_NAMES: Record<ConnectionScheme, string> = {
  spnKey: 'ServicePrincipal',
  spnCertificate: 'ServicePrincipal',
  workloadIdentity: 'WorkloadIdentityFederation',
  managedIdentity: 'ManagedServiceIdentity',
};

/**
 * The environment the Azure Pipelines agent gives a task for an AzureRM service connection
 * (ENDPOINT_URL/AUTH/DATA_<id>...), pointing authority and ARM URL at the emulator.
 */
export function connectionEnv(options: ConnectionOptions, material: ConnectionMaterial): TaskConnection {
  const { cloud } = material;
  const id = options.id ?? DEFAULT_CONNECTION_IDS[options.scheme];
  const base = `${cloud.url}/`;
  const secrets: string[] = [];
  const auth: Record<string, string> = { tenantid: cloud.tenantId };

  switch (options.scheme) {
    case 'spnKey': {
      const secret = options.clientSecret ?? material.secretApp.secret;
      Object.assign(auth, { serviceprincipalid: material.secretApp.clientId, serviceprincipalkey: secret, authenticationType: 'spnKey' });
      secrets.push(secret);
      break;
    }
    case 'spnCertificate': {
      const pem = options.certificatePem ?? material.certificateApp.pem;
      Object.assign(auth, {
        serviceprincipalid: material.certificateApp.clientId,
        servicePrincipalCertificate: pem,
        authenticationType: 'spnCertificate',
      });
      secrets.push(pem);
      break;
    }
    case 'workloadIdentity':
      Object.assign(auth, {
        serviceprincipalid: material.wifApp.clientId,
        workloadIdentityFederationIssuer: material.wifApp.issuer,
        workloadIdentityFederationSubject: material.wifApp.subjectFor(wifConnectionName(id)),
      });
      break;
    case 'managedIdentity':
      break;
  }

  const data: Record<string, string> = {
    subscriptionId: cloud.subscriptionId,
    subscriptionName: cloud.subscriptionName,
    environment: options.environment ?? 'AzureCloud',
    scopeLevel: 'Subscription',
    activeDirectoryAuthority: base,
    environmentAuthorityUrl: base,
    activeDirectoryServiceEndpointResourceId: base,
  };

  const env: Record<string, string> = {
    [`ENDPOINT_URL_${id}`]: base,
    [`ENDPOINT_AUTH_${id}`]: JSON.stringify({ parameters: auth, scheme: SCHEME_NAMES[options.scheme] }),
    [`ENDPOINT_AUTH_SCHEME_${id}`]: SCHEME_NAMES[options.scheme],
    [`ENDPOINT_DATA_${id}`]: JSON.stringify(data),
    NODE_EXTRA_CA_CERTS: material.caCertPath,
  };
  for (const [key, value] of Object.entries(auth)) env[`ENDPOINT_AUTH_PARAMETER_${id}_${key.toUpperCase()}`] = value;
  for (const [key, value] of Object.entries(data)) env[`ENDPOINT_DATA_${id}_${key.toUpperCase()}`] = value;

  if (options.scheme === 'workloadIdentity') Object.assign(env, pipelineEnv(material, secrets));
  if (options.scheme === 'managedIdentity') {
    env.IDENTITY_ENDPOINT = material.managedIdentity.endpoint;
    env.IDENTITY_HEADER = material.managedIdentity.identityHeader;
    secrets.push(material.managedIdentity.identityHeader);
  }
  return { id, env, secrets };
}

/** What a pipeline job exposes for requesting OIDC tokens (System.* variables and System.AccessToken). */
function pipelineEnv(material: ConnectionMaterial, secrets: string[]): Record<string, string> {
  const { cloud, pipeline } = material;
  const collection = `${cloud.url}/devops/${cloud.devops.orgName}/`;
  secrets.push(pipeline.systemAccessToken);
  return {
    ENDPOINT_URL_SYSTEMVSSCONNECTION: collection,
    ENDPOINT_AUTH_SYSTEMVSSCONNECTION: JSON.stringify({ parameters: { AccessToken: pipeline.systemAccessToken }, scheme: 'OAuth' }),
    ENDPOINT_AUTH_SCHEME_SYSTEMVSSCONNECTION: 'OAuth',
    ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN: pipeline.systemAccessToken,
    SYSTEM_COLLECTIONURI: collection,
    SYSTEM_TEAMFOUNDATIONCOLLECTIONURI: collection,
    SYSTEM_TEAMPROJECTID: cloud.devops.projectId,
    SYSTEM_TEAMPROJECT: cloud.devops.projectName,
    SYSTEM_HOSTTYPE: 'build',
    SYSTEM_PLANID: pipeline.planId,
    SYSTEM_JOBID: pipeline.jobId,
    SYSTEM_OIDCREQUESTURI: `${collection}${cloud.devops.projectId}/_apis/distributedtask/hubs/build/plans/${pipeline.planId}/jobs/${pipeline.jobId}/oidctoken`,
  };
}
