import { createPublicKey, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endpointRoutes, provisioningState } from './arm/endpoint-routes';
import { OnlineStore } from './endpoints/store';
import { scoringRoutes } from './scoring/routes';
import { modelRoutes } from './arm/model-routes';
import { ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { assetId, assetRoutes } from './arm/asset-routes';
import { AssetRecord, AssetStore } from './arm/asset-store';
import { computeRoutes, ComputeStore, SEEDED_COMPUTES } from './arm/compute-routes';
import { datastoreRoutes, DEFAULT_DATASTORE, defaultContainerName } from './arm/datastore-routes';
import { armError } from './arm/errors';
import { jobRoutes } from './arm/job-routes';
import { pipelineReferenceError } from './arm/pipeline-references';
import { subscriptionRoutes } from './arm/subscription-routes';
import { workspaceRoutes } from './arm/workspace-routes';
import { createClock } from './clock';
import { Cloud, findResourceGroup, resourceGroupNames, SEEDED, workspaceArmId, workspaceNames } from './cloud';
import { connectionEnv, ConnectionMaterial, wifConnectionName } from './connection';
import { createCertificateAuthority, createClientCertificate, createRsaKeyPair, createServerCertificate } from './crypto/certificates';
import { devopsRoutes, issueSystemAccessToken, WifConnection } from './devops/routes';
import { connectionSubject, DEVOPS_AUDIENCE, devopsIssuer } from './devops/federated-token';
import type { SigningKey } from './entra/access-tokens';
import { Directory, newClientSecret, registerCertificate } from './entra/directory';
import { MANAGED_IDENTITY_PATH, managedIdentityRoutes } from './entra/managed-identity';
import { entraRoutes } from './entra/routes';
import { FaultInjector } from './faults/injector';
import { discoveryRoutes } from './history/discovery';
import { mlflowRoutes } from './history/mlflow-routes';
import { historyRoutes } from './history/routes';
import { createDispatcher } from './http/dispatch';
import { listenHttps } from './http/server';
import { DEFAULT_PHASES } from './jobs/simulator';
import { JobRecord, JobStore } from './jobs/store';
import { ModelStore, ModelVersionRecord } from './models/store';
import { seededJobProperties } from './jobs/seeded-job';
import { TrafficLog } from './traffic';
import type { DatastoreSeed, EmulatedModelVersion, Emulator, EmulatorOptions, JobScenario, RequestRecord } from './types';

export * from './types';
export { createClientCertificate } from './crypto/certificates';
export { DEFAULT_CONNECTION_IDS } from './connection';

/** Fixed client ids of the emulated tenant's app registrations and managed identity. */
const CLIENT_IDS = {
  secret: 'a5c0e3b2-7d41-4e8f-9b62-1f0a3c5d7e91',
  certificate: 'a5c0e3b2-7d41-4e8f-9b62-1f0a3c5d7e92',
  wif: 'a5c0e3b2-7d41-4e8f-9b62-1f0a3c5d7e93',
  managedIdentity: 'a5c0e3b2-7d41-4e8f-9b62-1f0a3c5d7e94',
};

async function signingKey(): Promise<SigningKey> {
  const keys = await createRsaKeyPair();
  return { ...keys, kid: randomBytes(20).toString('base64url') };
}

const emulatedModelVersion = (v: ModelVersionRecord): EmulatedModelVersion => ({
  name: v.name,
  version: v.version,
  createdAt: v.createdAt,
  properties: structuredClone(v.properties),
});

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'azureml-emulator-')));
  await mkdir(dataDir, { recursive: true });

  const [ca, entraKey, devopsKey, appCertificate] = await Promise.all([
    createCertificateAuthority(),
    signingKey(),
    signingKey(),
    createClientCertificate(),
  ]);
  const serverCertificate = await createServerCertificate(ca);
  const caCertPath = join(dataDir, 'emulator-ca.pem');
  await writeFile(caCertPath, ca.certPem);
  await writeFile(join(dataDir, 'emulator-server.pem'), serverCertificate.certPem);
  await writeFile(join(dataDir, 'emulator-server.key'), serverCertificate.privateKeyPem, { mode: 0o600 });

  const clock = createClock(options.clock ?? 'real');
  const store = new JobStore(() => clock.now());
  const models = new ModelStore(() => clock.now());
  const endpoints = new OnlineStore(() => clock.now());
  // One compute model and one asset store for every task: pipeline validation, endpoints and deployments read the same ones.
  const computes = new ComputeStore(() => clock.now());
  for (const c of SEEDED_COMPUTES) computes.seed(c);
  const assets = new AssetStore(() => clock.now());
  const faults = new FaultInjector(options.seed ?? 1, options.faults);
  const requests: RequestRecord[] = [];
  const traffic = new TrafficLog();
  const wifConnections = new Map<string, WifConnection>();
  let defaultScenario: JobScenario = { phases: [...DEFAULT_PHASES], outcome: 'Completed' };
  const datastores = new Map<string, DatastoreSeed>();

  // The URL is known only once the server listens; routes read it through this object.
  const cloud: Cloud = {
    url: '',
    host: '',
    tenantId: SEEDED.tenantId,
    subscriptionId: SEEDED.subscriptionId,
    subscriptionName: SEEDED.subscriptionName,
    resourceGroup: SEEDED.resourceGroup,
    workspaceName: SEEDED.workspaceName,
    workspaceId: SEEDED.workspaceId,
    location: SEEDED.location,
    devops: { ...SEEDED.devops },
    clock,
    extras: { resourceGroups: [], workspaces: [] },
    pageSize: options.pageSize,
  };

  const identityHeader = randomUUID();
  const directory = new Directory({ clientId: CLIENT_IDS.managedIdentity, principalId: randomUUID(), identityHeader });
  const secret = newClientSecret();
  directory.register({
    clientId: CLIENT_IDS.secret,
    displayName: 'azureml-emulator-spn-secret',
    secrets: [secret],
    certificates: [],
    federatedCredentials: [],
  });
  directory.register({
    clientId: CLIENT_IDS.certificate,
    displayName: 'azureml-emulator-spn-certificate',
    secrets: [],
    certificates: [registerCertificate(appCertificate.certPem)],
    federatedCredentials: [],
  });
  const wifApp = directory.register({
    clientId: CLIENT_IDS.wif,
    displayName: 'azureml-emulator-wif',
    secrets: [],
    certificates: [],
    federatedCredentials: [],
  });

  const devopsIssuerKeys = new Map([[devopsIssuer(cloud.devops.orgId), createPublicKey(devopsKey.publicKeyPem)]]);
  const routes = [
    ...entraRoutes({ cloud, directory, signingKey: entraKey, federatedIssuers: () => devopsIssuerKeys }),
    ...managedIdentityRoutes(cloud, directory.managedIdentity, entraKey),
    ...devopsRoutes(cloud, devopsKey, () => wifConnections),
    ...discoveryRoutes(cloud),
    ...subscriptionRoutes(cloud),
    ...workspaceRoutes(cloud),
    // Before the job routes: their operation-result route would take the endpoints' operations too.
    ...endpointRoutes({ cloud, store: endpoints, models, computes, assets }),
    ...jobRoutes({
      cloud,
      store,
      defaultScenario: () => defaultScenario,
      checkPipeline: (p) => pipelineReferenceError(cloud, assets, computes, p),
    }),
    ...assetRoutes({ cloud, assets, checkReferences: (kind, p) => assetReferenceError(kind, p) }),
    ...datastoreRoutes(
      cloud,
      () => options.storage,
      () => datastores,
    ),
    ...computeRoutes(cloud, computes),
    ...modelRoutes(cloud, models),
    ...scoringRoutes(cloud, endpoints),
    ...historyRoutes(cloud, store),
    ...mlflowRoutes(cloud, store),
  ];

  /** A component's code and a pipeline component's nodes must name things that exist, as in the service. */
  function assetReferenceError(kind: string, properties: Record<string, unknown>) {
    if (kind !== 'components') return undefined;
    const spec = (properties.componentSpec ?? {}) as Record<string, unknown>;
    const code = typeof spec.code === 'string' ? /\/codes\/([^/]+)\/versions\/([^/]+)$/i.exec(spec.code) : null;
    if (code && !assets.get('codes', code[1], code[2]))
      return armError(404, 'UserError', `Code container=${code[1]}, version=${code[2]} not found`);
    if (spec.type === 'pipeline') return pipelineReferenceError(cloud, assets, computes, { jobs: spec.jobs });
    return undefined;
  }

  if (options.storage) {
    // The workspace's storage account has its default container from the day the workspace exists.
    const { blobUrl, accountName, accountKey } = options.storage;
    await new ContainerClient(
      `${blobUrl}/${defaultContainerName(cloud)}`,
      new StorageSharedKeyCredential(accountName, accountKey),
    ).createIfNotExists();
  }

  const server = await listenHttps(
    { key: serverCertificate.privateKeyPem, cert: serverCertificate.certPem },
    options.port ?? 0,
    createDispatcher({ cloud, routes, faults, accessTokenKey: entraKey, requests, traffic }),
  );
  cloud.host = `127.0.0.1:${server.port}`;
  cloud.url = `https://${cloud.host}`;

  const material: ConnectionMaterial = {
    cloud,
    caCertPath,
    secretApp: { clientId: CLIENT_IDS.secret, secret },
    certificateApp: { clientId: CLIENT_IDS.certificate, pem: appCertificate.pem },
    wifApp: { clientId: CLIENT_IDS.wif, issuer: devopsIssuer(cloud.devops.orgId), subjectFor: (name) => connectionSubject(cloud, name) },
    managedIdentity: { identityHeader, endpoint: `${cloud.url}${MANAGED_IDENTITY_PATH}` },
    pipeline: { systemAccessToken: issueSystemAccessToken(cloud, devopsKey), planId: randomUUID(), jobId: randomUUID() },
  };

  const asset = (r: AssetRecord) => ({
    kind: r.kind,
    name: r.name,
    version: r.version,
    id: assetId(cloud, r.kind, r.name, r.version),
    properties: structuredClone(r.properties),
    createdAt: r.createdAt,
  });

  let stopped: Promise<void> | undefined;

  const emulator: Emulator = {
    url: cloud.url,
    caCertPath,
    caCertPem: ca.certPem,
    tenantId: cloud.tenantId,
    subscriptionId: cloud.subscriptionId,
    resourceGroup: cloud.resourceGroup,
    workspaceName: cloud.workspaceName,
    location: cloud.location,
    clock,
    resourceGroups: {
      add(name) {
        if (!/^[-\w._()]{1,90}$/.test(name) || name.endsWith('.'))
          throw new Error(`emulator.resourceGroups.add: '${name}' is not a valid resource group name`);
        if (!findResourceGroup(cloud, name)) cloud.extras.resourceGroups.push(name);
      },
      names: () => resourceGroupNames(cloud),
    },
    workspaces: {
      add(name, resourceGroup = cloud.resourceGroup) {
        const rg = findResourceGroup(cloud, resourceGroup);
        if (!rg)
          throw new Error(
            `emulator.workspaces.add: resource group '${resourceGroup}' does not exist (add it with emulator.resourceGroups.add)`,
          );
        if (!/^[a-zA-Z0-9][\w-]{2,32}$/.test(name)) throw new Error(`emulator.workspaces.add: '${name}' is not a valid workspace name`);
        if (!workspaceNames(cloud, rg).some((w) => w.name.toLowerCase() === name.toLowerCase()))
          cloud.extras.workspaces.push({ resourceGroup: rg, name });
      },
      list: () => workspaceNames(cloud).map((w) => ({ ...w })),
    },
    jobs: {
      seed(name, scenario, meta = {}) {
        const jobType = meta.jobType ?? 'Pipeline';
        const chosen = structuredClone(scenario ?? defaultScenario);
        const record: JobRecord = {
          name,
          createdAt: clock.now(),
          scenario: chosen,
          jobType,
          displayName: meta.displayName,
          experimentName: meta.experimentName ?? 'Default',
          tags: { ...meta.tags },
          isArchived: false,
          properties: seededJobProperties(cloud, jobType, chosen, meta.outputs),
        };
        store.add(record);
      },
      get: (name) => store.snapshot(name),
      cancelFromOutside: (name) => store.cancelFromOutside(name),
      get defaultScenario() {
        return defaultScenario;
      },
      set defaultScenario(value: JobScenario) {
        defaultScenario = value;
      },
    },
    models: {
      seed: (name, version, seed = {}) => models.seed(name, version, seed),
      get: (name, version) => {
        const v = models.get(name, version);
        return v ? emulatedModelVersion(v) : undefined;
      },
      list: (name) => models.versions(name).map(emulatedModelVersion),
      reportNextVersion: (name, nextVersion) => models.reportNextVersion(name, nextVersion),
      createBeforeNextPut: (name, version, seed = {}) => models.createBeforeNextPut(name, version, seed),
    },
    endpoints: {
      seed: (endpoint) => endpoints.seed(endpoint, (m) => `${workspaceArmId(cloud)}/models/${m.name}/versions/${m.version}`),
      get(name) {
        const e = endpoints.get(name);
        if (!e) return undefined;
        const now = clock.now();
        return {
          name: e.name,
          authMode: e.authMode,
          computeType: e.computeType,
          compute: e.compute,
          traffic: { ...e.traffic },
          tags: { ...e.tags },
          provisioningState: provisioningState(e.op, now),
          keys: { ...e.keys },
          deployments: [...e.deployments.values()].map((d) => ({
            name: d.name,
            provisioningState: provisioningState(d.op, now),
            model: typeof d.properties.model === 'string' ? d.properties.model : undefined,
            tags: { ...d.tags },
            properties: structuredClone(d.properties),
            sku: d.sku && { ...d.sku },
          })),
        };
      },
      behave: (model, behaviour) => endpoints.setBehaviour(model, behaviour),
      get defaultBehaviour() {
        return endpoints.defaultBehaviour;
      },
      set defaultBehaviour(value) {
        endpoints.defaultBehaviour = value;
      },
    },
    assets: {
      seed(kind, name, version, properties) {
        // Seeding other content under an existing version is a bug in the test, not a state to emulate.
        const seeded = assets.put(kind, name, version, { isAnonymous: false, isArchived: false, ...properties });
        if (seeded.conflict) throw new Error(`emulator.assets.seed: ${kind} ${name}:${version} already exists with different content`);
        return asset(seeded.record);
      },
      get: (kind, name, version) => {
        const r = assets.get(kind, name, version);
        return r ? asset(r) : undefined;
      },
      list: (kind, name) =>
        (name ? assets.versions(kind, name) : assets.all(kind).sort((a, b) => b.createdAt - a.createdAt || b.sequence - a.sequence)).map(
          asset,
        ),
    },
    computes: {
      add: (name, computeType = 'AmlCompute') => computes.add(name, computeType),
      seed: (compute) => computes.seed(compute),
      names: () => computes.list().map((c) => c.name),
    },
    datastore: { name: DEFAULT_DATASTORE, containerName: defaultContainerName(cloud) },
    datastores: {
      async seed(seed) {
        if (seed.name === DEFAULT_DATASTORE) throw new Error(`emulator.datastores.seed: ${DEFAULT_DATASTORE} is the default datastore`);
        datastores.set(seed.name, { ...seed });
        const st = options.storage;
        if (st && (seed.datastoreType ?? 'AzureBlob') !== 'AzureFile') {
          await new ContainerClient(
            `${st.blobUrl}/${seed.containerName}`,
            new StorageSharedKeyCredential(st.accountName, st.accountKey),
          ).createIfNotExists();
        }
      },
    },
    faults: {
      setRates: (rates) => faults.setRates(rates),
      script: (rules) => faults.script(rules),
      clear: () => faults.clear(),
    },
    requests: () => requests.map((r) => ({ ...r, query: { ...r.query } })),
    traffic: () => traffic.all(),
    clearTraffic: () => traffic.clear(),
    writeTraffic: (dir) => traffic.write(dir),
    connection(connectionOptions) {
      const result = connectionEnv(connectionOptions, material);
      if (connectionOptions.scheme === 'workloadIdentity') {
        // Registering the connection in the org and its federated credential on the app, as
        // creating a WIF service connection does.
        const name = wifConnectionName(result.id);
        wifConnections.set(result.id.toLowerCase(), { id: result.id, name, federatedToken: connectionOptions.federatedToken ?? 'valid' });
        const subject = connectionSubject(cloud, name);
        if (!wifApp.federatedCredentials.some((c) => c.subject === subject)) {
          wifApp.federatedCredentials.push({ issuer: devopsIssuer(cloud.devops.orgId), subject, audiences: [DEVOPS_AUDIENCE] });
        }
      }
      return result;
    },
    stop() {
      stopped ??= (async () => {
        await server.close();
        if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
  return emulator;
}
