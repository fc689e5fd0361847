import type { Workspace } from '../azureml/workspace';
import { getModelVersion, newestModelVersion } from '../azureml/models';
import { UserError } from '../task/user-error';
import { buildManifest, PackageManifest, sha256 } from './manifest';
import type { PackageInputs } from './package-inputs';

export interface PackageRuntime {
  log(line: string): void;
  warn(line: string): void;
  abortSignal?: AbortSignal;
}

const isNotFound = (error: unknown) => (error as { statusCode?: number }).statusCode === 404;

/**
 * Resolves every part of the package to an exact registered version (model, environment, code) and
 * writes nothing but content-addressed environment versions: packaging twice gives the same manifest.
 */
export async function packageModel(ws: Workspace, inputs: PackageInputs, rt: PackageRuntime): Promise<PackageManifest> {
  const signal = rt.abortSignal;
  const model = await resolveModel(ws, inputs, rt);
  const mlflow = (model.modelType ?? '').toLowerCase() === 'mlflow_model';
  if (!mlflow && (!inputs.code || inputs.environment.kind === 'none')) {
    throw new UserError(`Model ${model.name}:${model.version} is a ${model.modelType ?? 'custom'} model: only MLflow models deploy without scoring code and an environment; set 'scoringCode' and 'environmentSource'`);
  }
  if (inputs.environment.kind !== 'none' && !inputs.code) {
    throw new UserError(`An environment without scoring code cannot serve model ${model.name}:${model.version}; set 'scoringCode' too, or leave 'environmentSource' at none for MLflow's no-code deployment`);
  }

  let environmentId: string | null = null;
  const env = inputs.environment;
  if (env.kind === 'registered') {
    try {
      environmentId = (await ws.client.environmentVersions.get(ws.resourceGroup, ws.name, env.name, env.version, { abortSignal: signal })).id ?? null;
    } catch (error) {
      if (isNotFound(error)) throw new UserError(`'environment' is 'azureml:${env.name}:${env.version}', which is not registered in workspace '${ws.name}'`, { cause: error });
      throw error;
    }
  } else if (env.kind === 'image') {
    // Named by content: the same image and conda file always give the same version, registered once.
    const version = sha256(JSON.stringify({ image: env.image, conda: env.conda ?? null })).slice(0, 16);
    const created = await ws.client.environmentVersions.createOrUpdate(
      ws.resourceGroup,
      ws.name,
      env.name,
      version,
      { properties: { image: env.image, ...(env.conda ? { condaFile: env.conda } : {}), description: `Packaged for ${model.name}:${model.version}` } },
      { abortSignal: signal },
    );
    environmentId = created.id ?? null;
    rt.log(`Environment ${env.name}:${version} (${env.image}${env.condaFile ? ` + ${env.condaFile}` : ''}) is registered.`);
  }

  let code: PackageManifest['code'] = null;
  if (inputs.code) {
    const c = inputs.code;
    try {
      const v = await ws.client.codeVersions.get(ws.resourceGroup, ws.name, c.name, c.version, { abortSignal: signal });
      code = { id: v.id!, scoringScript: c.scoringScript };
    } catch (error) {
      if (isNotFound(error)) throw new UserError(`'scoringCode' is 'azureml:${c.name}:${c.version}', which is not registered in workspace '${ws.name}'`, { cause: error });
      throw error;
    }
  }

  return buildManifest({
    model: { name: model.name, version: model.version, id: `azureml:${model.name}:${model.version}`, assetId: model.assetId, modelType: model.modelType ?? null },
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
    rt.warn(`Packaging the LATEST version of ${m.name} (${v.name}), as 'modelSource' latest asks: a release should deploy the version its build registered (model.json).`);
    return { name: m.name, version: v.name!, assetId: v.id!, modelType: v.properties.modelType };
  }
  const v = await getModelVersion(ws, m.name, m.version, rt.abortSignal);
  if (!v) {
    const where = m.kind === 'modelJson' ? `'modelJson' (${m.file}) names` : `'modelName'/'modelVersion' name`;
    throw new UserError(`${where} model ${m.name} version ${m.version}, which is not registered in workspace '${ws.name}'; check the workspace inputs`);
  }
  return { name: m.name, version: m.version, assetId: v.id!, modelType: v.properties.modelType };
}
