import { randomUUID } from 'node:crypto';
import type { Cloud } from '../cloud';
import { decodeJwt, signJwt, verifyJwtSignature } from '../crypto/jwt';

export interface SigningKey {
  kid: string;
  privateKeyPem: string;
  publicKeyPem: string;
}

export const ACCESS_TOKEN_LIFETIME_SECONDS = 3599;

/**
 * Token lifetimes use the wall clock, not the emulator clock: MSAL caches tokens by real time,
 * so advancing the job clock by hours must not make a cached token fail at ARM.
 */
const wallSeconds = () => Math.floor(Date.now() / 1000);

export function issueAccessToken(cloud: Cloud, key: SigningKey, subject: { audience: string; appId: string; objectId: string }): string {
  const now = wallSeconds();
  return signJwt(
    {
      aud: subject.audience,
      iss: `${cloud.url}/${cloud.tenantId}/`,
      iat: now,
      nbf: now,
      exp: now + ACCESS_TOKEN_LIFETIME_SECONDS,
      appid: subject.appId,
      azp: subject.appId,
      oid: subject.objectId,
      sub: subject.objectId,
      tid: cloud.tenantId,
      idtyp: 'app',
      uti: randomUUID(),
      ver: '1.0',
    },
    key.privateKeyPem,
    { kid: key.kid, x5t: key.kid },
  );
}

type BearerCheck =
  | { ok: true; claims: Record<string, unknown> }
  | {
      ok: false;
      code: 'AuthenticationFailed' | 'InvalidAuthenticationToken' | 'ExpiredAuthenticationToken' | 'InvalidAuthenticationTokenAudience';
      message: string;
    };

/** Checks an `Authorization: Bearer` header the way ARM does, with ARM's error codes. */
export function checkBearer(authorization: string | undefined, key: SigningKey, audiences: Set<string>): BearerCheck {
  if (!authorization) {
    return { ok: false, code: 'AuthenticationFailed', message: "Authentication failed. The 'Authorization' header is missing." };
  }
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  if (!match) {
    return {
      ok: false,
      code: 'AuthenticationFailed',
      message: "Authentication failed. The 'Authorization' header is provided in an invalid format.",
    };
  }
  const jwt = decodeJwt(match[1]);
  if (!jwt || !verifyJwtSignature(jwt, key.publicKeyPem)) {
    return { ok: false, code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' };
  }
  const exp = Number(jwt.payload.exp);
  if (!(exp > wallSeconds())) {
    const at = new Date(exp * 1000).toISOString();
    return {
      ok: false,
      code: 'ExpiredAuthenticationToken',
      message: `The access token expiry UTC time '${at}' is earlier than current UTC time.`,
    };
  }
  if (!audiences.has(String(jwt.payload.aud))) {
    return {
      ok: false,
      code: 'InvalidAuthenticationTokenAudience',
      message: `The access token has been obtained for wrong audience or resource '${String(jwt.payload.aud)}'. It should exactly match with one of the allowed audiences.`,
    };
  }
  return { ok: true, claims: jwt.payload };
}
