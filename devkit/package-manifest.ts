/**
 * Package manifests as AzureMLPackageModel@1 writes them, for the deploy tests and the bench: an
 * MLflow model version of the workspace, no environment or code, the Kubernetes default instance
 * type, unless `extra` says otherwise.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildManifest, type PackageManifest } from '../shared/package/manifest';

type ManifestContent = Omit<PackageManifest, 'schemaVersion' | 'packageId'>;

/** The manifest's content for `name:version` registered in the workspace `workspaceId` (an ARM id). */
export function manifestContent(
  workspaceId: string,
  model: { name: string; version: string },
  extra: Partial<ManifestContent> = {},
): ManifestContent {
  const { name, version } = model;
  return {
    model: {
      name,
      version,
      id: `azureml:${name}:${version}`,
      assetId: `${workspaceId}/models/${name}/versions/${version}`,
      modelType: 'mlflow_model',
    },
    environmentId: null,
    code: null,
    instanceType: 'defaultinstancetype',
    requestSettings: null,
    livenessProbe: null,
    readinessProbe: null,
    environmentVariables: {},
    ...extra,
  };
}

/** Writes the manifest into `dir`, named by model, version and package id; returns the file. */
export function writePackageManifest(
  dir: string,
  workspaceId: string,
  model: { name: string; version: string },
  extra: Partial<ManifestContent> = {},
): string {
  const m = buildManifest(manifestContent(workspaceId, model, extra));
  const file = path.join(dir, `manifest-${model.name}-${model.version}-${m.packageId}.json`);
  fs.writeFileSync(file, `${JSON.stringify(m, null, 2)}\n`);
  return file;
}
