import { createHash } from 'node:crypto';

/**
 * The package manifest: everything a deployment needs, pinned by id, so staging and production deploy
 * the identical package. Pure and canonical: the same inputs give byte-identical JSON and the same
 * packageId (a hash of the canonical content), wherever and whenever the package task runs.
 */
export interface ProbeSettings {
  initialDelay?: string;
  period?: string;
  timeout?: string;
  failureThreshold?: number;
  successThreshold?: number;
}

export interface RequestSettings {
  requestTimeout?: string;
  maxQueueWait?: string;
  maxConcurrentRequestsPerInstance?: number;
}

export interface PackageManifest {
  schemaVersion: 1;
  /** sha256 of the canonical manifest without this field, first 16 hex digits. */
  packageId: string;
  model: { name: string; version: string; id: string; assetId: string; modelType: string | null };
  /** ARM id of the environment version; null for an MLflow model deployed without one. */
  environmentId: string | null;
  /** ARM id of the scoring code version and the entry script in it; null for MLflow no-code deployment. */
  code: { id: string; scoringScript: string } | null;
  instanceType: string | null;
  requestSettings: RequestSettings | null;
  livenessProbe: ProbeSettings | null;
  readinessProbe: ProbeSettings | null;
  environmentVariables: Record<string, string>;
}

/** JSON with object keys sorted at every level: the canonical form the hash is taken over. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

export function buildManifest(content: Omit<PackageManifest, 'schemaVersion' | 'packageId'>): PackageManifest {
  const body = { schemaVersion: 1 as const, ...content };
  const packageId = sha256(canonicalJson(body)).slice(0, 16);
  return JSON.parse(canonicalJson({ ...body, packageId })) as PackageManifest;
}

/** Whether a manifest read back from a file is intact (not edited by hand after packaging). */
export function manifestIntact(m: PackageManifest): boolean {
  const { packageId, ...rest } = m;
  return sha256(canonicalJson(rest)).slice(0, 16) === packageId;
}
