import type { Cloud } from '../cloud';
import { workspaceArmId } from '../cloud';
import { armPage } from '../http/paging';
import type { Route } from '../http/types';
import type { DatastoreSeed } from '../types';
import { json } from '../http/types';
import { systemData } from './system-data';
import { armError } from './errors';
import { route, scopeError, WORKSPACE } from './scope';

/** The blob account the default datastore points at: a real Azurite, handed in by the test. */
export interface DatastoreStorage {
  blobUrl: string;
  accountName: string;
  accountKey: string;
}

export const DEFAULT_DATASTORE = 'workspaceblobstore';
export const defaultContainerName = (cloud: Cloud) => `azureml-blobstore-${cloud.workspaceId}`;

/**
 * Where the datastore says its account lives. Azure writes `endpoint: core.windows.net`,
 * `protocol: https`; Azurite is an IP endpoint, which clients address path-style.
 */
export function datastoreLocation(storage: DatastoreStorage | undefined): { accountName: string; endpoint: string; protocol: string } {
  if (!storage) return { accountName: 'mlwemulatorstorage', endpoint: 'core.windows.net', protocol: 'https' };
  const url = new URL(storage.blobUrl);
  return { accountName: storage.accountName, endpoint: url.host, protocol: url.protocol.replace(/:$/, '') };
}

/** A datastore as ARM answers GET: the default one and seeded ones alike (never with its secret: listSecrets gives that). */
function datastoreResource(cloud: Cloud, storage: DatastoreStorage | undefined, seed: DatastoreSeed, isDefault = false) {
  const type = seed.datastoreType ?? 'AzureBlob';
  const credentialsType = seed.credentials ?? 'AccountKey';
  return {
    id: `${workspaceArmId(cloud)}/datastores/${seed.name}`,
    name: seed.name,
    type: 'Microsoft.MachineLearningServices/workspaces/datastores',
    systemData: systemData(0),
    properties: {
      description: null,
      tags: {},
      properties: {},
      isDefault,
      credentials: credentialsType === 'None' ? { credentialsType } : { credentialsType, secrets: { secretsType: credentialsType } },
      datastoreType: type,
      ...datastoreLocation(storage),
      ...(type === 'AzureDataLakeGen2'
        ? { filesystem: seed.containerName }
        : type === 'AzureFile'
          ? { fileShareName: seed.containerName }
          : { containerName: seed.containerName }),
      serviceDataAccessAuthIdentity: 'WorkspaceSystemAssignedIdentity',
    },
  };
}

export function datastoreRoutes(
  cloud: Cloud,
  storage: () => DatastoreStorage | undefined,
  seeded: () => ReadonlyMap<string, DatastoreSeed> = () => new Map(),
): Route[] {
  // The default datastore is one more datastore: an account-key blob container the workspace made.
  const defaultSeed = (): DatastoreSeed => ({
    name: DEFAULT_DATASTORE,
    containerName: defaultContainerName(cloud),
    credentials: 'AccountKey',
  });
  const resource = () => datastoreResource(cloud, storage(), defaultSeed(), true);
  const notFound = (name: string) => armError(404, 'UserError', `Datastore ${name} not found in workspace ${cloud.workspaceName}.`);
  return [
    {
      method: 'GET',
      pattern: route(`${WORKSPACE}/datastores`),
      area: 'arm',
      traffic: true,
      handle: (req, [s, rg, ws]) => {
        const names = req.query.names ? req.query.names.split(',') : undefined;
        const include = (req.query.isDefault ?? 'true') !== 'false' && (!names || names.includes(DEFAULT_DATASTORE));
        return scopeError(cloud, s, rg, ws) ?? armPage(req, include ? [resource()] : [], { baseUrl: cloud.url, pageSize: cloud.pageSize });
      },
    },
    {
      method: 'GET',
      pattern: route(`${WORKSPACE}/datastores/([^/]+)`),
      area: 'arm',
      traffic: true,
      handle: (_req, [s, rg, ws, name]) => {
        const seed = seeded().get(name);
        return (
          scopeError(cloud, s, rg, ws) ??
          (name === DEFAULT_DATASTORE
            ? json(200, resource())
            : seed
              ? json(200, datastoreResource(cloud, storage(), seed))
              : notFound(name))
        );
      },
    },
    {
      method: 'POST',
      pattern: route(`${WORKSPACE}/datastores/([^/]+)/listSecrets`),
      area: 'arm',
      traffic: true,
      handle: (_req, [s, rg, ws, name]) => {
        const seed = seeded().get(name);
        if (seed) {
          const st = storage();
          const kind = seed.credentials ?? 'AccountKey';
          // A datastore without secrets (identity-based) has nothing to list, as in the service.
          if (kind === 'None' || !st)
            return scopeError(cloud, s, rg, ws) ?? armError(400, 'UserError', `Datastore ${name} has no secrets.`);
          return (
            scopeError(cloud, s, rg, ws) ??
            json(
              200,
              kind === 'Sas' ? { secretsType: 'Sas', sasToken: seed.sasToken ?? '' } : { secretsType: 'AccountKey', key: st.accountKey },
            )
          );
        }
        if (name !== DEFAULT_DATASTORE) return scopeError(cloud, s, rg, ws) ?? notFound(name);
        const st = storage();
        // Without storage wired in there is no real key to give: ARM's answer for a datastore without secrets.
        return (
          scopeError(cloud, s, rg, ws) ??
          (st
            ? json(200, { secretsType: 'AccountKey', key: st.accountKey })
            : armError(400, 'UserError', 'The datastore has no account key secret.'))
        );
      },
    },
  ];
}
