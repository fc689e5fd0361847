/**
 * The training data's profile, attached to a model version so any later step (a drift check, the
 * monitor) finds the baseline of the model in production from the model alone.
 *
 * Design: a model's files usually come from a job output, so the profile cannot be a file inside the
 * model. It is a data asset of its own, `<model>-profile`, version = the model's version, type
 * `uri_file`, its data-profile.json uploaded content-addressed to the workspace's default datastore
 * (`LocalUpload/<md5>/data-profile.json`, as `az ml data create --path` uploads). The model version's
 * properties (immutable once the version exists) name it:
 * - `mlops.dataProfile`: `azureml:<model>-profile:<version>`;
 * - `mlops.trainingData`: what was validated, `azureml:<asset>:<version>` for a data asset.
 * Idempotent: the upload is content-addressed, the asset version is read before it is written, and a
 * re-run that reuses the model version only repairs a missing asset.
 */
import * as fs from 'node:fs';
import { getAssetVersion, putAssetVersion } from '../azureml/assets';
import { openDefaultDatastore, uploadSnapshot } from '../azureml/datastore-upload';
import { getModelVersion } from '../azureml/models';
import type { Workspace } from '../azureml/workspace';
import { snapshotFile } from '../azureml-pipeline/folder-hash';
import { readProfile, type DataProfile } from '../data/profile';
import { resolveAzure, type DataWorkspace } from '../data/sources/azure';
import { readRange } from '../data/sources/data-file';
import type { HttpClientOptions } from '../http/agent-http-options';
import { isUserError, UserError } from '../task/user-error';
import { traceabilityTags, type TraceabilityContext } from '../task/traceability';

export const TRAINING_DATA_PROPERTY = 'mlops.trainingData';
export const DATA_PROFILE_PROPERTY = 'mlops.dataProfile';
/** On the profile asset: the model version it belongs to. */
export const PROFILE_MODEL_PROPERTY = 'mlops.model';
export const PROFILE_FILE_NAME = 'data-profile.json';

/** The data asset that holds the profile of a model's versions. */
export const profileAssetName = (modelName: string) => `${modelName}-profile`;
export const profileAssetId = (modelName: string, version: string) => `azureml:${profileAssetName(modelName)}:${version}`;

/** What the validation step handed over (job variables AzureML.DataProfilePath and AzureML.TrainingData). */
export interface ProfileHandoff {
  profilePath?: string;
  trainingData?: string;
}

/** A checked hand-off: the profile file (read and parsed once, before anything is written) and the training data. */
export interface TrainingDataRecord {
  profilePath?: string;
  profile?: DataProfile;
  trainingData?: string;
}

/**
 * Reads the hand-off before anything is written: a profile that is missing or not a profile fails
 * the registration with one line, rather than a model registered without it. The training data falls
 * back to what the profile says it profiled.
 */
export function readTrainingDataRecord(handoff: ProfileHandoff, variable: string): TrainingDataRecord | undefined {
  const profilePath = handoff.profilePath?.trim() || undefined;
  const trainingData = handoff.trainingData?.trim() || undefined;
  if (!profilePath) return trainingData ? { trainingData } : undefined;
  let text: string;
  try {
    text = fs.readFileSync(profilePath, 'utf8');
  } catch (error) {
    throw new UserError(
      `${variable} is '${profilePath}', which cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); it names the data-profile.json AzureMLValidateData@1 wrote earlier in this job.`,
      { cause: error },
    );
  }
  const profile = readProfile(text, `${variable} ('${profilePath}')`);
  return { profilePath, profile, trainingData: trainingData ?? profile.dataAssetId ?? profile.data };
}

/** The properties a new model version carries for its training data. Pure. */
export function trainingDataProperties(record: TrainingDataRecord | undefined, modelName: string, version: string): Record<string, string> {
  if (!record) return {};
  const out: Record<string, string> = {};
  if (record.trainingData) out[TRAINING_DATA_PROPERTY] = record.trainingData;
  if (record.profile) out[DATA_PROFILE_PROPERTY] = profileAssetId(modelName, version);
  return out;
}

export interface ProfileUploadRuntime {
  http: (url: string) => HttpClientOptions;
  mask: (secret: string) => void;
  log(line: string): void;
  abortSignal?: AbortSignal;
}

/** Uploads data-profile.json content-addressed to the default datastore (nothing when the same bytes are there); returns its azureml:// URI. */
export async function uploadProfile(ws: Workspace, profilePath: string, rt: ProfileUploadRuntime): Promise<string> {
  const store = await openDefaultDatastore(ws, rt.http, rt.mask, rt.abortSignal);
  const up = await uploadSnapshot(store, snapshotFile(profilePath), { name: PROFILE_FILE_NAME, log: rt.log, abortSignal: rt.abortSignal });
  return `azureml://datastores/${store.name}/paths/${up.blobPath}`;
}

/**
 * Makes sure `<model>-profile:<version>` exists: read first (a re-run writes nothing), else PUT. A
 * version that exists with another file is kept (asset versions are immutable) and said so.
 */
export async function ensureProfileAsset(
  ws: Workspace,
  model: { name: string; version: string },
  dataUri: () => Promise<string>,
  record: TrainingDataRecord,
  traceability: TraceabilityContext,
  rt: Pick<ProfileUploadRuntime, 'log' | 'abortSignal'> & { warn(line: string): void },
): Promise<'created' | 'existing'> {
  const name = profileAssetName(model.name);
  const existing = await getAssetVersion(ws, 'data', name, model.version, rt.abortSignal);
  if (existing) {
    rt.log(
      `The data profile ${profileAssetId(model.name, model.version)} of model ${model.name} version ${model.version} is already registered.`,
    );
    return 'existing';
  }
  const uri = await dataUri();
  await putAssetVersion(
    ws,
    'data',
    name,
    model.version,
    {
      properties: {
        dataType: 'uri_file',
        dataUri: uri,
        description: `Data profile (data-profile.json) of the training data of model ${model.name} version ${model.version}: the baseline of its data validation and drift checks.`,
        tags: traceabilityTags(traceability),
        properties: {
          [PROFILE_MODEL_PROPERTY]: `azureml:${model.name}:${model.version}`,
          ...(record.trainingData ? { [TRAINING_DATA_PROPERTY]: record.trainingData } : {}),
        },
        isAnonymous: false,
        isArchived: false,
      },
    },
    rt.abortSignal,
  );
  rt.log(
    `Attached the data profile of ${record.trainingData ?? 'the training data'} as ${profileAssetId(model.name, model.version)} (${uri}).`,
  );
  return 'created';
}

export interface ModelProfile {
  /** `azureml:<model>:<version>`. */
  model: string;
  /** `azureml:<model>-profile:<version>`, from the model version's properties. */
  profileAssetId: string;
  /** What the profile is of, as the model version records it; null when it does not. */
  trainingData: string | null;
  profile: DataProfile;
}

/**
 * The data profile of a model version's training data, as AzureMLRegisterModel@1 attached it: the
 * version's `mlops.dataProfile` property names a uri_file data asset holding data-profile.json.
 * undefined when the version records no profile; a UserError when the version does not exist or the
 * profile it names cannot be read. Reads only.
 */
export async function findModelProfile(
  ctx: DataWorkspace,
  modelName: string,
  version: string,
  abortSignal?: AbortSignal,
): Promise<ModelProfile | undefined> {
  const ws = ctx.workspace;
  const v = await getModelVersion(ws, modelName, version, abortSignal);
  if (!v)
    throw new UserError(
      `Model ${modelName} version ${version} was not found in workspace '${ws.name}'; check the model name and version (az ml model list --name ${modelName}).`,
    );
  const properties = (v.properties.properties ?? {}) as Record<string, string>;
  const id = properties[DATA_PROFILE_PROPERTY];
  if (!id) return undefined;
  const what = `the data profile ${id} of model ${modelName} version ${version}`;
  let profile: DataProfile;
  try {
    const { location } = await resolveAzure(id, ctx, abortSignal);
    const file = location.asFile();
    const bytes = await readRange(file, 0, await file.size(abortSignal), abortSignal);
    profile = readProfile(new TextDecoder().decode(bytes), what);
  } catch (error) {
    if (isUserError(error) && !error.message.includes(what)) throw new UserError(`Cannot read ${what}: ${error.message}`, { cause: error });
    throw error;
  }
  return {
    model: `azureml:${modelName}:${version}`,
    profileAssetId: id,
    trainingData: properties[TRAINING_DATA_PROPERTY] ?? null,
    profile,
  };
}
