import type { ModelVersionSeed } from '../types';

/** One model version as PUT (the `properties` object of ModelVersionResource, read-only fields removed). */
export interface ModelVersionRecord {
  name: string;
  version: string;
  /** Emulator clock time; `seq` breaks ties under the manual clock, where many versions share a time. */
  createdAt: number;
  seq: number;
  properties: Record<string, unknown>;
}

interface ModelContainerRecord {
  /** As first created; lookups are case-insensitive like Azure ML's. */
  name: string;
  createdAt: number;
  versions: Map<string, ModelVersionRecord>;
}

/**
 * Model containers and versions. A version PUT creates its container, as Azure ML does (azure-ai-ml
 * never PUTs the container before a version).
 */
export class ModelStore {
  private readonly containers = new Map<string, ModelContainerRecord>();
  private seq = 0;
  private readonly nextVersionReports = new Map<string, string | null>();
  private readonly races = new Map<string, ModelVersionSeed>();

  constructor(private readonly now: () => number) {}

  container(name: string): ModelContainerRecord | undefined {
    return this.containers.get(name.toLowerCase());
  }

  list(): ModelContainerRecord[] {
    return [...this.containers.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  get(name: string, version: string): ModelVersionRecord | undefined {
    return this.container(name)?.versions.get(version);
  }

  /** Newest first: creation time, then creation order. */
  versions(name: string): ModelVersionRecord[] {
    return [...(this.container(name)?.versions.values() ?? [])].sort((a, b) => b.createdAt - a.createdAt || b.seq - a.seq);
  }

  put(name: string, version: string, properties: Record<string, unknown>): { record: ModelVersionRecord; created: boolean } {
    let container = this.container(name);
    if (!container) {
      container = { name, createdAt: this.now(), versions: new Map() };
      this.containers.set(name.toLowerCase(), container);
    }
    const existing = container.versions.get(version);
    if (existing) {
      existing.properties = properties;
      return { record: existing, created: false };
    }
    const record: ModelVersionRecord = { name: container.name, version, createdAt: this.now(), seq: ++this.seq, properties };
    container.versions.set(version, record);
    return { record, created: true };
  }

  seed(name: string, version: string, seed: ModelVersionSeed): void {
    this.put(name, version, {
      description: seed.description,
      tags: { ...seed.tags },
      properties: { ...seed.properties },
      modelType: seed.modelType ?? 'mlflow_model',
      modelUri: seed.modelUri ?? `azureml://jobs/${seed.jobName ?? 'seeded-job'}/outputs/model`,
      ...(seed.jobName ? { jobName: seed.jobName } : {}),
      isAnonymous: false,
      isArchived: seed.archived === true,
    });
  }

  reportNextVersion(name: string, nextVersion: string | null | undefined): void {
    if (nextVersion === undefined) this.nextVersionReports.delete(name.toLowerCase());
    else this.nextVersionReports.set(name.toLowerCase(), nextVersion);
  }

  createBeforeNextPut(name: string, version: string, seed: ModelVersionSeed): void {
    this.races.set(`${name.toLowerCase()}:${version}`, seed);
  }

  /** Called as a version PUT arrives: plays a registration that won the race for this version. */
  runRace(name: string, version: string): void {
    const key = `${name.toLowerCase()}:${version}`;
    const seed = this.races.get(key);
    if (!seed) return;
    this.races.delete(key);
    this.seed(name, version, seed);
  }

  /** The container's latest and next version as Azure ML reports them: next = highest whole-number version + 1. */
  versionSummary(name: string): { latestVersion?: string; nextVersion?: string } {
    const versions = this.versions(name);
    const numeric = versions
      .map((v) => v.version)
      .filter((v) => /^\d+$/.test(v))
      .map(Number);
    const reported = this.nextVersionReports.get(name.toLowerCase());
    const nextVersion = reported === undefined ? String(numeric.length ? Math.max(...numeric) + 1 : 1) : (reported ?? undefined);
    return { latestVersion: versions[0]?.version, ...(nextVersion === undefined ? {} : { nextVersion }) };
  }
}
