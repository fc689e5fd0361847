import * as path from 'node:path';
import type { Workspace } from '../azureml/workspace';
import { getAssetVersion, putAssetVersion } from '../azureml/assets';
import { DefaultDatastore, uploadSnapshot } from '../azureml/datastore-upload';
import { getModelVersion, newestModelVersion } from '../azureml/models';
import { anonymousCodeVersion, FolderSnapshot, snapshotFolder } from '../azureml-pipeline/folder-hash';
import { UserError } from '../task/user-error';
import { buildManifest, PackageManifest, sha256 } from './manifest';
import type { PackageInputs } from './package-inputs';
import { takesBuildCommands } from '../task/job-kind';
import { HANDOFF_VARIABLES } from '../task/handoff-variables';
import { isNotFound } from '../azureml/not-found';

interface PackageRuntime {
  log(line: string): void;
  warn(line: string): void;
  abortSignal?: AbortSignal;
  /** The workspace's default datastore (its key masked); called only when a local folder is uploaded. */
  openDatastore(): Promise<DefaultDatastore>;
}

/**
 * Resolves every part of the package to an exact registered version (model, environment, code) and
 * writes nothing but content-addressed environment versions: packaging twice gives the same manifest.
 */
export async function packageModel(ws: Workspace, inputs: PackageInputs, rt: PackageRuntime): Promise<PackageManifest> {
  const { abortSignal } = rt;
  const model = await resolveModel(ws, inputs, rt);
  const mlflow = (model.modelType ?? '').toLowerCase() === 'mlflow_model';
  if (!mlflow && (!inputs.code || inputs.environment.kind === 'none')) {
    throw new UserError(
      `Model ${model.name}:${model.version} is a ${model.modelType ?? 'custom'} model: only MLflow models deploy without scoring code and an environment; set 'scoringCode' and 'environmentSource'`,
    );
  }
  if (inputs.environment.kind !== 'none' && !inputs.code) {
    throw new UserError(
      `An environment without scoring code cannot serve model ${model.name}:${model.version}; set 'scoringCode' too, or leave 'environmentSource' at none for MLflow's no-code deployment`,
    );
  }

  // Hash local folders before the first write: an unreadable or empty folder fails here, with nothing registered.
  const codeSnapshot = inputs.code?.kind === 'folder' ? snapshotOf(inputs.code.folder, 'codeFolder') : undefined;
  const env = inputs.environment;
  const contextSnapshot = env.kind === 'build' ? snapshotOf(env.context, 'buildContext') : undefined;
  if (inputs.code?.kind === 'folder' && !codeSnapshot!.files.some((f) => f.relative === inputs.code!.scoringScript)) {
    throw new UserError(
      `'scoringScript' ${inputs.code.scoringScript} is excluded by ${codeSnapshot!.ignoreSource} in ${inputs.code.folder}, so it would not be uploaded`,
    );
  }
  let code: PackageManifest['code'] = null;
  if (inputs.code?.kind === 'registered') {
    const c = inputs.code;
    try {
      const v = await ws.client.codeVersions.get(ws.resourceGroup, ws.name, c.name, c.version, { abortSignal });
      code = { id: v.id!, scoringScript: c.scoringScript };
    } catch (error) {
      if (isNotFound(error))
        throw new UserError(`'scoringCode' is 'azureml:${c.name}:${c.version}', which is not registered in workspace '${ws.name}'`, {
          cause: error,
        });
      throw error;
    }
  }
  let environmentId: string | null = null;
  if (env.kind === 'registered') {
    try {
      environmentId =
        (await ws.client.environmentVersions.get(ws.resourceGroup, ws.name, env.name, env.version, { abortSignal })).id ?? null;
    } catch (error) {
      if (isNotFound(error))
        throw new UserError(`'environment' is 'azureml:${env.name}:${env.version}', which is not registered in workspace '${ws.name}'`, {
          cause: error,
        });
      throw error;
    }
  }

  // ---- writes from here on; each is content-addressed, so packaging again registers nothing new.
  const store = codeSnapshot || contextSnapshot ? await rt.openDatastore() : undefined;
  if (env.kind === 'image' || env.kind === 'build') {
    let properties: Record<string, unknown>;
    let shown: string;
    if (env.kind === 'image') {
      properties = { image: env.image, ...(env.conda ? { condaFile: env.conda } : {}) };
      shown = `${env.image}${env.condaFile ? ` + ${env.condaFile}` : ''}`;
    } else {
      const up = await uploadSnapshot(store!, contextSnapshot!, { name: path.basename(env.context), log: rt.log, abortSignal });
      // azure-ai-ml ends a build context URI with '/' (a folder).
      properties = {
        build: { contextUri: `${store!.serviceUrl}/${store!.containerName}/${up.blobPath}/`, dockerfilePath: env.dockerfilePath },
      };
      shown = `build context ${path.basename(env.context)}, ${up.uploadedBytes} bytes uploaded`;
    }
    // Named by content: the same image and conda file (or build context) always give the same version, registered once.
    const version = environmentVersion(properties);
    const created = await ws.client.environmentVersions.createOrUpdate(
      ws.resourceGroup,
      ws.name,
      env.name,
      version,
      { properties: { ...properties, description: `Packaged for ${model.name}:${model.version}` } },
      { abortSignal },
    );
    environmentId = created.id ?? null;
    rt.log(`Environment ${env.name}:${version} (${shown}) is registered.`);
  }
  if (inputs.code?.kind === 'folder') {
    const id = await uploadCode(ws, store!, codeSnapshot!, path.basename(inputs.code.folder), rt);
    code = { id, scoringScript: inputs.code.scoringScript };
  }

  return buildManifest({
    model: {
      name: model.name,
      version: model.version,
      id: `azureml:${model.name}:${model.version}`,
      assetId: model.assetId,
      modelType: model.modelType ?? null,
    },
    environmentId,
    code,
    instanceType: inputs.instanceType,
    requestSettings: inputs.requestSettings,
    livenessProbe: inputs.probe,
    readinessProbe: inputs.probe,
    environmentVariables: inputs.environmentVariables,
  });
}

async function resolveModel(ws: Workspace, inputs: PackageInputs, rt: PackageRuntime) {
  const m = inputs.model;
  if (m.kind === 'latest') {
    const v = await newestModelVersion(ws, m.name, {}, rt.abortSignal);
    if (!v) throw new UserError(`'modelName' is '${m.name}', which has no versions in workspace '${ws.name}'`);
    rt.warn(
      `Packaging the LATEST version of ${m.name} (${v.name}), as 'modelSource' latest asks: a release should deploy the version its build registered (model.json).`,
    );
    return { name: m.name, version: v.name!, assetId: v.id!, modelType: v.properties.modelType };
  }
  const v = await getModelVersion(ws, m.name, m.version, rt.abortSignal);
  if (!v) {
    const where = m.kind === 'modelJson' ? `'modelJson' (${m.file}) names` : `'modelName'/'modelVersion' name`;
    throw new UserError(
      `${where} model ${m.name} version ${m.version}, which is not registered in workspace '${ws.name}'; check the workspace inputs`,
    );
  }
  return { name: m.name, version: m.version, assetId: v.id!, modelType: v.properties.modelType };
}

/**
 * The environment version for inline content: a hash of what the version holds. For an image this is
 * { image, conda }, which keeps the versions earlier releases registered.
 */
export function environmentVersion(properties: Record<string, unknown>): string {
  const content = 'build' in properties ? { build: properties.build } : { image: properties.image, conda: properties.condaFile ?? null };
  return sha256(JSON.stringify(content)).slice(0, 16);
}

function snapshotOf(folder: string, input: string): FolderSnapshot {
  try {
    return snapshotFolder(folder);
  } catch (error) {
    throw new UserError(
      `'${input}' is '${folder}', which cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
}

/**
 * Uploads a code folder under LocalUpload/<md5>/<folder>/ and registers it as an anonymous code
 * version, as AzureMLPublishPipeline@1 (and az ml) do: unchanged content is found by its completed
 * upload indicator, nothing is uploaded and the code version recorded there is reused.
 */
async function uploadCode(
  ws: Workspace,
  store: DefaultDatastore,
  snapshot: FolderSnapshot,
  folderName: string,
  rt: PackageRuntime,
): Promise<string> {
  const up = await uploadSnapshot(store, snapshot, { name: folderName, log: rt.log, abortSignal: rt.abortSignal });
  const known = up.existing ? await getAssetVersion(ws, 'codes', up.name, up.version, rt.abortSignal) : undefined;
  if (known) {
    rt.log(`Code ${folderName} is unchanged: reusing ${up.name}:${up.version}, nothing uploaded.`);
    return known.id;
  }
  const codeUri = `${store.serviceUrl}/${store.containerName}/${up.blobPath}`;
  const body = anonymousCodeVersion(codeUri, snapshot);
  const created = await putAssetVersion(ws, 'codes', up.name, up.version, body, rt.abortSignal);
  rt.log(`Uploaded code ${folderName} (${up.uploadedFiles} files, ${up.uploadedBytes} bytes) as code ${up.name}:${up.version}.`);
  return created.id;
}

/**
 * Whether the manifest can be published as an artifact. The agent takes `artifact.upload` only in
 * build jobs (YAML pipelines, classic builds); in a classic release it refuses the command and fails
 * the step, so there the manifest stays a file the AzureML.PackageManifest variable names.
 */
export function packagePublishing(hostType: string | undefined): { publish: boolean; why?: string } {
  const type = (hostType ?? '').trim();
  if (takesBuildCommands(type)) return { publish: true };
  return {
    publish: false,
    why: `Not uploading the package manifest as an artifact: this runs with System.HostType '${type}', where the agent takes no artifact uploads. AzureMLDeployModel@1 later in this job finds it through the ${HANDOFF_VARIABLES.packageManifest} variable.`,
  };
}
