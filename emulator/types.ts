/** Public shapes of the emulator API. Other engineers code against these: extend, do not break. */

export interface EmulatorOptions {
  /** Default 0 (random). The server always binds 127.0.0.1 only. */
  port?: number;
  /** Seeds the fault RNG so random faults repeat run after run. */
  seed?: number;
  /** Random fault rates (default: none). */
  faults?: FaultRates;
  /** 'real' (default) or 'manual': time only moves through clock.advance(). */
  clock?: 'real' | 'manual';
  /** Where cert/key files are written (default: a fresh temp dir, removed on stop). */
  dataDir?: string;
  /**
   * A real blob account (Azurite) the workspace's default datastore points at; its container is
   * created at start. Without it the datastore exists but `listSecrets` has no key to give.
   */
  storage?: { blobUrl: string; accountName: string; accountKey: string };
  /**
   * Items per page of every list (ARM lists, run history's child runs, MLflow runs/search without
   * `max_results`), so a test can fill several pages with a few items. Default: 20 for ARM, 50 for
   * run history, 1000 for MLflow search.
   */
  pageSize?: number;
}

export type AssetKind = 'codes' | 'components' | 'environments' | 'data';

/**
 * A datastore besides the default one, in the same storage account: another container, a SAS
 * instead of the key, identity-based access (no secret), or a kind the data readers refuse.
 */
export interface DatastoreSeed {
  name: string;
  containerName: string;
  /** AccountKey (default): listSecrets gives the key; Sas: the given token; None: identity-based, no secrets. */
  credentials?: 'AccountKey' | 'Sas' | 'None';
  sasToken?: string;
  datastoreType?: 'AzureBlob' | 'AzureDataLakeGen2' | 'AzureFile';
}

export interface EmulatedAsset {
  kind: AssetKind;
  name: string;
  version: string;
  /** ARM id, as responses carry it. */
  id: string;
  properties: Record<string, unknown>;
  createdAt: number;
}

export interface EmulatorClock {
  /** Emulator time in ms since the epoch. */
  now(): number;
  /** Moves emulator time forward (both modes; in 'real' it adds an offset). */
  advance(ms: number): void;
}

export type JobOutcome = 'Completed' | 'Failed' | 'Canceled' | 'hang';

export interface JobPhase {
  status: string;
  seconds: number;
}

export interface JobError {
  code: string;
  message: string;
}

export interface ChildScenario {
  name: string;
  displayName: string;
  phases?: JobPhase[];
  outcome: JobOutcome;
  error?: JobError;
  /** MLflow metrics the step logged. */
  metrics?: Record<string, number>;
  /** Every value of a metric the step logged, in order (MLflow metrics/get-history); the last one is its current value. */
  metricHistory?: Record<string, number[]>;
}

export interface JobScenario {
  /** Walked from creation on the emulator clock; default [{Queued,1},{Running,2}]. */
  phases?: JobPhase[];
  /** 'hang' stays in the last phase forever; 'Canceled' = canceled from outside at the end of the phases. */
  outcome: JobOutcome;
  /** For Failed: what run history reports as the job's error. */
  error?: JobError;
  children?: ChildScenario[];
  /** Time from a cancel request to Canceled (CancelRequested meanwhile); default 1. */
  cancelSeconds?: number;
  /** MLflow metrics the job logged (served by the MLflow runs/get route). */
  metrics?: Record<string, number>;
  /** Every value of a metric the job logged, in order (MLflow metrics/get-history); the last one is its current value. */
  metricHistory?: Record<string, number[]>;
}

/** A model version as the registry would hold it (emulator.models.seed). */
export interface ModelVersionSeed {
  /** Default `azureml://jobs/<jobName>/outputs/model`. */
  modelUri?: string;
  /** Default 'mlflow_model'. */
  modelType?: string;
  jobName?: string;
  description?: string;
  tags?: Record<string, string>;
  properties?: Record<string, string>;
  /** Archived versions are left out of a list unless it asks for listViewType All or ArchivedOnly. */
  archived?: boolean;
}

export interface EmulatedModelVersion {
  name: string;
  version: string;
  createdAt: number;
  /** The version's `properties` as PUT (modelUri, modelType, jobName, tags, properties, …). */
  properties: Record<string, unknown>;
}

export interface OnlineDeploymentSeed {
  name: string;
  /** An ARM model version id or `azureml:name:version` as given; `{name, version}` becomes the workspace's ARM id. */
  model?: string | { name: string; version: string };
  /** Default 'Succeeded'. */
  provisioningState?: string;
  /** Overrides the model's behaviour (endpoints.behave) for this seeded deployment. */
  behaviour?: DeploymentBehaviour;
}

/**
 * What a deployment of a model does, as data: how provisioning ends and how its scoring route answers.
 * Set per model version with `endpoints.behave('name:version', …)`; taken when the deployment is written.
 */
export interface DeploymentBehaviour {
  /** Emulator seconds from PUT to the end of provisioning; default 1. */
  provisionSeconds?: number;
  /**
   * 'Succeeded' (default); 'Failed': the container never becomes ready, and the operation fails with
   * ResourceNotReady as Azure ML reports it after the readiness probe gives up; 'hang': stays Creating.
   */
  provisioning?: 'Succeeded' | 'Failed' | 'hang';
  /** How the scoring URI answers: 'healthy' (default), 'error' (HTTP 500), 'wrongShape' (200 with another JSON), 'slow' (healthy after slowMs). */
  scoring?: 'healthy' | 'error' | 'wrongShape' | 'slow';
  /** Body of a healthy answer; default {"predictions":[0]}. */
  response?: unknown;
  /** Wall-clock delay of a 'slow' answer; default 3000. */
  slowMs?: number;
  /** Extra lines the getLogs route returns for this deployment. */
  logs?: { inferenceServer?: string[]; storageInitializer?: string[] };
}

/** A compute of the workspace (emulator.computes.seed): an attached Kubernetes cluster or an AmlCompute cluster. */
export interface ComputeSeed {
  name: string;
  /** Default 'Kubernetes' (an AKS or Arc cluster attached with the Azure ML extension). */
  computeType?: 'Kubernetes' | 'AmlCompute' | 'ComputeInstance';
  /** Kubernetes instance types, name → requests/limits; default one 'defaultinstancetype'. */
  instanceTypes?: Record<string, { requests?: { cpu?: string; memory?: string }; limits?: { cpu?: string; memory?: string } }>;
  defaultInstanceType?: string;
  /** Default 'Succeeded'. */
  provisioningState?: string;
}

/** An online endpoint as the emulator holds it now (endpoints.get). */
export interface EmulatedEndpoint {
  name: string;
  authMode: string;
  computeType: 'Kubernetes' | 'Managed';
  compute?: string;
  traffic: Record<string, number>;
  tags: Record<string, string>;
  provisioningState: string;
  keys: { primaryKey: string; secondaryKey: string };
  deployments: Array<{
    name: string;
    provisioningState: string;
    model?: string;
    tags: Record<string, string>;
    properties: Record<string, unknown>;
    sku?: { name: string; capacity?: number };
  }>;
}

export interface OnlineEndpointSeed {
  name: string;
  /** Deployment name → percent, as the endpoint's `traffic`. */
  traffic?: Record<string, number>;
  deployments?: OnlineDeploymentSeed[];
  /** Default 'Kubernetes' (attached AKS compute). */
  computeType?: 'Kubernetes' | 'Managed';
  /** Default 'Key'. */
  authMode?: 'Key' | 'AMLToken';
  compute?: string;
  tags?: Record<string, string>;
  description?: string;
}

export interface JobSeedMeta {
  displayName?: string;
  experimentName?: string;
  jobType?: 'Pipeline' | 'Command';
  tags?: Record<string, string>;
  /** Outputs the job declares, name → jobOutputType (e.g. { model: 'mlflow_model' }). */
  outputs?: Record<string, string>;
}

export interface EmulatedJob {
  name: string;
  /** Status as of clock.now(). */
  status: string;
  /** True once someone called POST jobs/{name}/cancel (not set by cancelFromOutside). */
  cancelRequested: boolean;
  cancelRequestedAt?: number;
  /** Set by jobs.cancelFromOutside (the Studio's Cancel button). */
  canceledFromOutsideAt?: number;
  createdAt: number;
  scenario: JobScenario;
  jobType: string;
  displayName?: string;
  experimentName: string;
  tags: Record<string, string>;
  /** The `properties` object as it was PUT (or synthesised for seeded jobs). */
  properties: Record<string, unknown>;
  /** Status of each child step as of clock.now(), keyed by child name. */
  children: Array<{ name: string; displayName: string; status: string }>;
}

/**
 * Where random faults can land: `entra` is the token endpoint only (`POST …/oauth2/v2.0/token`),
 * `openid` its discovery documents (OpenID configuration, instance discovery, keys), `identity` the
 * managed-identity token route, `discovery` Azure ML's discovery document, `scoring` the online
 * endpoints' scoring URIs, `devops` the Azure DevOps OIDC and location routes.
 */
export type FaultArea = 'arm' | 'entra' | 'openid' | 'identity' | 'devops' | 'discovery' | 'history' | 'mlflow' | 'scoring';

/** The kinds a `FaultRates.transient` share is spread over: 429 (with Retry-After), 500, 502, 503, a reset before handling, a response lost after handling. */
export type TransientFaultKind = 'throttle' | 'internalError' | 'badGateway' | 'unavailable' | 'reset' | 'lostResponse';

/** Statuses an injected fault can answer with. */
export type FaultStatus = 429 | 500 | 502 | 503 | 504;

export interface FaultRates {
  throttle?: number;
  retryAfterSeconds?: number;
  /** 500 or 503, alternately. */
  serverError?: number;
  /** 502 Bad Gateway (what a gateway in front of the service answers when the backend drops). */
  badGateway?: number;
  /** Destroy the socket without a response, before the request is handled. */
  reset?: number;
  /**
   * Handle the request (its state change sticks: a PUT creates what it creates), then destroy the
   * socket without an answer: a retried PUT then meets its own earlier write.
   */
  lostResponse?: number;
  latencyMs?: number;
  /** Rate of slow responses (each delayed by latencyMs). */
  latency?: number;
  /**
   * Share of requests answered by a transient fault, its kind taken from `transientKinds` (default
   * all six) evenly: each run of n faults in an area uses each of the n kinds once, in a seeded order.
   * Drawn before the per-kind rates above, which still apply to the requests it lets through.
   */
  transient?: number;
  transientKinds?: TransientFaultKind[];
  /** Which areas random faults hit; default ['arm', 'history', 'mlflow']. Scripted rules ignore this. */
  areas?: FaultArea[];
}

export interface FaultRule {
  method?: string;
  /** RegExp, or a substring of the request path (query excluded). */
  path: RegExp | string;
  status?: FaultStatus;
  retryAfterSeconds?: number;
  /** Destroy the socket before the request is handled. */
  reset?: boolean;
  /** Handle the request, then destroy the socket without answering (see FaultRates.lostResponse). */
  lostResponse?: boolean;
  delayMs?: number;
  /** Default 1. */
  times?: number;
  /** Let this many matching requests through before the rule applies (default 0), e.g. fail only the second traffic step. */
  after?: number;
}

export interface RequestRecord {
  method: string;
  path: string;
  /** 0 when the socket was reset; for a lost response, the status the handler produced (the client never saw it). */
  status: number;
  query: Record<string, string>;
  /** Emulator clock time. */
  at: number;
  /** Present when the response was an injected fault (`serverError`: see `status` for 500/502/503/504). */
  fault?: 'throttle' | 'serverError' | 'reset' | 'lostResponse' | 'latency';
  /** Which fault area the request belongs to (FaultRates.areas). */
  area?: FaultArea;
}

export interface TrafficEntry {
  liveRequest: { method: string; url: string; headers: Record<string, string>; body: unknown };
  liveResponse: { statusCode: string; headers: Record<string, string>; body: unknown };
}

export type ConnectionScheme = 'spnKey' | 'spnCertificate' | 'workloadIdentity' | 'managedIdentity';
export type FederatedTokenKind = 'valid' | 'expired' | 'wrongSubject' | 'wrongIssuer' | 'wrongAudience';

export interface ConnectionOptions {
  scheme: ConnectionScheme;
  /** Service connection id (default: a fixed GUID per scheme). */
  id?: string;
  /** ENDPOINT_DATA environment value, default 'AzureCloud' (authority/ARM URL still point at the emulator). */
  environment?: string;
  /** Override, e.g. a wrong secret (the emulator keeps the right one). */
  clientSecret?: string;
  /** What the emulator's OIDC route issues for this connection. */
  federatedToken?: FederatedTokenKind;
  /** Override the PEM (cert+key) for spnCertificate, e.g. an unregistered certificate. */
  certificatePem?: string;
}

export interface TaskConnection {
  id: string;
  env: Record<string, string>;
  /** Every secret value in env, so tests can assert none is ever printed. */
  secrets: string[];
}

export interface Emulator {
  /** 'https://127.0.0.1:<port>' (no trailing slash). */
  url: string;
  caCertPath: string;
  caCertPem: string;
  tenantId: string;
  subscriptionId: string;
  resourceGroup: string;
  workspaceName: string;
  location: string;
  clock: EmulatorClock;
  /**
   * Resource groups of the subscription besides the seeded one. They are listed (paged with
   * `$skiptoken`) and readable; workspaces can be added to them.
   */
  resourceGroups: {
    /** Adds an empty resource group unless one of that name (any case) exists. */
    add(name: string): void;
    /** The seeded one first, then in the order added. */
    names(): string[];
  };
  /**
   * Workspaces besides the seeded one, for pickers to list: listed (by subscription and by resource
   * group, paged with `$skip`) and readable, but they hold nothing — jobs, models, endpoints and the
   * rest live only in the seeded workspace (anything below another workspace is a 404).
   */
  workspaces: {
    /** Adds a workspace to an existing resource group (default: the seeded one) unless it exists. */
    add(name: string, resourceGroup?: string): void;
    /** The seeded one first, then in the order added. */
    list(): Array<{ resourceGroup: string; name: string }>;
  };
  jobs: {
    seed(name: string, scenario?: JobScenario, meta?: JobSeedMeta): void;
    get(name: string): EmulatedJob | undefined;
    cancelFromOutside(name: string): void;
    /** Used for jobs created through ARM PUT. */
    defaultScenario: JobScenario;
  };
  models: {
    /** Adds (or replaces) a model version, creating its container. */
    seed(name: string, version: string, seed?: ModelVersionSeed): void;
    get(name: string, version: string): EmulatedModelVersion | undefined;
    /** Every version of the model, newest first. */
    list(name: string): EmulatedModelVersion[];
    /**
     * What the container reports as `nextVersion`: a stale value (as the service can lag a version
     * created a moment ago), null to leave it out (older api-versions), undefined for the true one.
     */
    reportNextVersion(name: string, nextVersion: string | null | undefined): void;
    /** Another registration wins a race: the version is created just before the next PUT of it arrives. */
    createBeforeNextPut(name: string, version: string, seed?: ModelVersionSeed): void;
  };
  endpoints: {
    /** Adds (or replaces) an online endpoint with its deployments and traffic. */
    seed(endpoint: OnlineEndpointSeed): void;
    /** The endpoint as of clock.now(), or undefined once deleted. */
    get(name: string): EmulatedEndpoint | undefined;
    /** How deployments of a model version (`name:version`) behave; applies to deployments written afterwards. */
    behave(model: string, behaviour: DeploymentBehaviour): void;
    /** For models without their own behaviour; default {} (healthy, provisioned in 1 s). */
    defaultBehaviour: DeploymentBehaviour;
  };
  /** Versioned assets (codes, components, environments, data) of the workspace. */
  assets: {
    /** Registers a version as if created earlier (e.g. a registered component or data asset the YAML names). */
    seed(kind: AssetKind, name: string, version: string, properties: Record<string, unknown>): EmulatedAsset;
    get(kind: AssetKind, name: string, version: string): EmulatedAsset | undefined;
    /** Every version of every name of the kind, newest first. */
    list(kind: AssetKind, name?: string): EmulatedAsset[];
  };
  /**
   * The workspace's computes, one model for every task: cpu-cluster and gpu-cluster (AmlCompute) exist
   * from the start; Kubernetes computes with instance types are seeded for online endpoints.
   */
  computes: {
    /** Adds a compute of that name unless one exists; default AmlCompute. */
    add(name: string, computeType?: 'AmlCompute' | 'Kubernetes' | 'ComputeInstance'): void;
    /** Adds (or replaces) a compute; default Kubernetes (an attached cluster) with one 'defaultinstancetype'. */
    seed(compute: ComputeSeed): void;
    /** In the order they were added. */
    names(): string[];
  };
  /** The default datastore's container (in the storage given at start). */
  datastore: { name: string; containerName: string };
  /** Other datastores of the workspace (readable by name and listSecrets; not in the list of datastores). */
  datastores: {
    /** Adds (or replaces) a datastore over a container of the same storage account, creating the container. */
    seed(seed: DatastoreSeed): Promise<void>;
  };
  faults: {
    setRates(rates: FaultRates): void;
    /** Deterministic faults, consumed in order, checked before random rates. */
    script(rules: FaultRule[]): void;
    clear(): void;
  };
  /** Every request received (also the faulted ones). */
  requests(): RequestRecord[];
  /** Request/response pairs for oav's LiveValidator (ARM Microsoft.MachineLearningServices routes only, faults excluded). */
  traffic(): TrafficEntry[];
  clearTraffic(): void;
  /** One JSON file per pair; returns the count. */
  writeTraffic(dir: string): Promise<number>;
  connection(options: ConnectionOptions): TaskConnection;
  /** Closes the server and all sockets; idempotent. */
  stop(): Promise<void>;
}
