import { createHash } from 'node:crypto';
import { pyyamlDump } from './pyyaml-dump';
import { parseYamlText } from './yaml-file';

/** The name azure-ai-ml gives every anonymous (inline) environment. */
export const ANONYMOUS_ENV_NAME = 'CliV2AnonymousEnvironment';

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');
/** Python's `separator.join(text)`: the characters of `text` with `separator` between them. */
const pyJoin = (separator: string, text: string) => [...text].join(separator);

/**
 * An inline environment's conda file as azure-ai-ml sends it: loaded with safe_load, then
 * `dump_yaml(conda, sort_keys=True)` (entities/_assets/environment.py, `_translated_conda_file`).
 * Sending the same bytes as az ml is what lets the service (and our hash) see one environment.
 */
export function translatedCondaFile(text: string, displayPath: string): string | undefined {
  const conda = parseYamlText(text, displayPath);
  // Python's truthiness: None, {} and [] are "no conda file".
  if (conda === null || conda === undefined || (typeof conda === 'object' && Object.keys(conda as object).length === 0)) return undefined;
  return pyyamlDump(conda);
}

/**
 * The version azure-ai-ml gives an anonymous environment (Environment._generate_anonymous_name_version
 * in azure-sdk-for-python, sdk/ml/azure-ai-ml/azure/ai/ml/entities/_assets/environment.py). It is
 * reproduced with its quirk: `hash_str = hash_str.join(md5(x))` uses the hash so far as the
 * *separator* between the characters of the next md5, not as a prefix. Matching it byte for byte
 * means an environment az ml already registered is found and reused, not registered again.
 */
export function anonymousEnvironmentVersion(
  env: { image: string; condaText?: string } | { uploadHash: string; dockerfilePath?: string },
): string {
  let hash: string;
  if ('image' in env) {
    hash = md5(env.image);
    if (env.condaText) hash = pyJoin(hash, md5(env.condaText));
  } else {
    hash = md5(env.uploadHash);
    if (env.dockerfilePath) hash = pyJoin(hash, md5(env.dockerfilePath));
  }
  return md5(hash);
}
