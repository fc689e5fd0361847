import { UserError } from '../task/user-error';

/** Azure ML's rule for endpoint and deployment names (azure-ai-ml validate_endpoint_or_deployment_name). */
const ONLINE_NAME = /^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const ONLINE_NAME_MIN = 3;
const ONLINE_NAME_MAX = 32;

export function isOnlineName(name: string): boolean {
  return name.length >= ONLINE_NAME_MIN && name.length <= ONLINE_NAME_MAX && ONLINE_NAME.test(name);
}

export function parseOnlineName(input: string, raw: string | undefined, what: 'endpoint' | 'deployment'): string {
  const text = (raw ?? '').trim();
  if (text === '') throw new UserError(`'${input}' is required`);
  if (!isOnlineName(text)) {
    throw new UserError(
      `'${input}' is '${text}', which Azure ML does not accept as ${what === 'endpoint' ? 'an endpoint' : 'a deployment'} name: use ${ONLINE_NAME_MIN} to ${ONLINE_NAME_MAX} letters, digits and '-', starting with a letter and not ending with '-'` +
        (text.length > ONLINE_NAME_MAX ? ` (it has ${text.length} characters)` : ''),
    );
  }
  return text;
}

/**
 * A deployment name from model name and version, within Azure ML's rules: lower-case, characters
 * other than letters and digits become '-', a letter first, at most 32 characters. The version is
 * kept whole (it is what tells deployments apart); the model name is cut to make room, and when
 * even that is not enough a short hash of the full name keeps two long names apart.
 */
export function deploymentNameFor(modelName: string, version: string, suffix = ''): string {
  const clean = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '');
  let model = clean(modelName) || 'model';
  if (!/^[a-z]/.test(model)) model = `m-${model}`;
  const tail = [clean(version) || '0', clean(suffix)].filter(Boolean).join('-');
  const room = ONLINE_NAME_MAX - tail.length - 1;
  if (room < 1) return `m-${stableHash(`${modelName}:${version}:${suffix}`).slice(0, ONLINE_NAME_MAX - 2)}`;
  if (model.length > room) {
    const hash = stableHash(modelName).slice(0, 4);
    model = `${model.slice(0, Math.max(1, room - 5)).replace(/-+$/, '')}-${hash}`;
  }
  return `${model}-${tail}`;
}

/** A short, stable hex hash (FNV-1a 32 bit, twice) — enough to tell names apart, not a security hash. */
function stableHash(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    h1 = Math.imul(h1 ^ text.charCodeAt(i), 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ text.charCodeAt(text.length - 1 - i), 0x811c9dc5) >>> 0;
  }
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
}
