import { constants, createPublicKey, KeyObject, sign, verify } from 'node:crypto';

type JwtAlgorithm = 'RS256' | 'PS256';

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function signJwt(
  payload: Record<string, unknown>,
  privateKeyPem: string,
  header: Record<string, unknown> = {},
  alg: JwtAlgorithm = 'RS256',
): string {
  const signingInput = `${b64url({ typ: 'JWT', alg, ...header })}.${b64url(payload)}`;
  const signature = sign('sha256', Buffer.from(signingInput), keyOptions(privateKeyPem, alg));
  return `${signingInput}.${signature.toString('base64url')}`;
}

/** Parses without verifying; undefined when the text is not a JWS compact serialization. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    return {
      header: JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')),
      payload: JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')),
      signingInput: `${parts[0]}.${parts[1]}`,
      signature: Buffer.from(parts[2], 'base64url'),
    };
  } catch {
    return undefined;
  }
}

/** msal-node signs certificate assertions with RS256 (x5t) or PS256 (x5t#S256): accept both. */
export function verifyJwtSignature(jwt: DecodedJwt, publicKey: string | KeyObject): boolean {
  const alg = jwt.header.alg;
  if (alg !== 'RS256' && alg !== 'PS256') return false;
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  const options = alg === 'PS256' ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO } : { key };
  try {
    return verify('sha256', Buffer.from(jwt.signingInput), options, jwt.signature);
  } catch {
    return false;
  }
}

function keyOptions(privateKeyPem: string, alg: JwtAlgorithm) {
  return alg === 'PS256'
    ? { key: privateKeyPem, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
    : { key: privateKeyPem };
}
