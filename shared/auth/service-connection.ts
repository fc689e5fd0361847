import { UserError } from '../task/user-error';
import { CloudEndpoints, resolveCloud } from './clouds';

/** An Azure Resource Manager service connection as the agent passes it to a task. */
export type ServiceConnection = {
  id: string;
  /** How to name the connection in messages (the agent passes no display name, only data). */
  label: string;
  subscriptionId: string;
  tenantId: string;
  cloud: CloudEndpoints;
} & (
  | { kind: 'secret'; clientId: string; clientSecret: string }
  | { kind: 'certificate'; clientId: string; certificatePem: string }
  | { kind: 'workloadIdentity'; clientId: string; idToken?: string }
  | { kind: 'managedIdentity'; clientId?: string }
);

/** What the agent exposes of an endpoint; task-lib's functions in production, a map in unit tests. */
export interface EndpointReader {
  url(id: string): string | undefined;
  scheme(id: string): string | undefined;
  authParameter(id: string, key: string): string | undefined;
  dataParameter(id: string, key: string): string | undefined;
}

export function readServiceConnection(id: string, reader: EndpointReader): ServiceConnection {
  const data = (key: string) => reader.dataParameter(id, key)?.trim() || undefined;
  const auth = (key: string) => reader.authParameter(id, key) || undefined;
  const subscriptionId = data('subscriptionid');
  const label = `'${id}'${data('subscriptionname') ? ` (subscription '${data('subscriptionname')}')` : ''}`;
  const scheme = reader.scheme(id);
  if (!scheme) {
    throw new UserError(
      `Service connection ${label} was not found on this agent; check the 'azureSubscription' input names an Azure Resource Manager service connection this pipeline is allowed to use.`,
    );
  }
  if (!subscriptionId) {
    throw new UserError(
      `Service connection ${label} is scoped to a management group or has no subscription; Azure ML tasks need a connection scoped to the workspace's subscription.`,
    );
  }
  let cloud: CloudEndpoints;
  try {
    cloud = resolveCloud({
      environment: data('environment'),
      activeDirectoryAuthority: data('activeDirectoryAuthority') ?? data('environmentAuthorityUrl'),
      resourceManagerUrl: reader.url(id),
      resourceId: data('activeDirectoryServiceEndpointResourceId'),
    });
  } catch (e) {
    throw new UserError(`Service connection ${label}: ${(e as Error).message}`);
  }
  const tenantId = auth('tenantid') ?? '';
  const base = { id, label, subscriptionId, tenantId, cloud };
  const clientId = auth('serviceprincipalid');
  const requireTenant = () => {
    if (!tenantId) throw new UserError(`Service connection ${label} has no tenant id; edit the service connection.`);
  };
  switch (scheme.toLowerCase()) {
    case 'serviceprincipal': {
      requireTenant();
      if (!clientId) throw new UserError(`Service connection ${label} has no service principal (client) id; edit the service connection.`);
      const type = (auth('authenticationType') ?? 'spnKey').toLowerCase();
      if (type === 'spncertificate') {
        const certificatePem = auth('servicePrincipalCertificate');
        if (!certificatePem)
          throw new UserError(
            `Service connection ${label} uses a certificate but holds none; upload the PEM certificate (with its private key) to the service connection.`,
          );
        return { ...base, kind: 'certificate', clientId, certificatePem };
      }
      const clientSecret = auth('serviceprincipalkey');
      if (!clientSecret) throw new UserError(`Service connection ${label} has no service principal secret; edit the service connection.`);
      return { ...base, kind: 'secret', clientId, clientSecret };
    }
    case 'workloadidentityfederation':
      requireTenant();
      if (!clientId) throw new UserError(`Service connection ${label} has no service principal (client) id; edit the service connection.`);
      return { ...base, kind: 'workloadIdentity', clientId, idToken: auth('idToken') };
    case 'managedserviceidentity':
      return { ...base, kind: 'managedIdentity', clientId: data('msiclientId') };
    default:
      throw new UserError(
        `Service connection ${label} uses the authentication scheme '${scheme}', which Azure ML tasks do not support; use a service principal, workload identity federation or managed identity connection.`,
      );
  }
}
