import type { KeyObject } from 'node:crypto';
import type { DecodedJwt } from '../crypto/jwt';
import { verifyJwtSignature } from '../crypto/jwt';
import type { AppRegistration } from './directory';

/**
 * Checks of the two kinds of client_assertion Entra accepts, in the order Entra reports them.
 * Each returns undefined when the assertion is good, else the AADSTS error to send.
 */
interface AssertionFailure {
  error: string;
  aadsts: number;
  description: string;
}

/** Clock skew Entra tolerates on assertion nbf/exp. */
const SKEW_SECONDS = 300;

function timeRangeFailure(jwt: DecodedJwt, nowSeconds: number): AssertionFailure | undefined {
  const exp = Number(jwt.payload.exp);
  const nbf = Number(jwt.payload.nbf ?? jwt.payload.iat ?? 0);
  if (!(exp + SKEW_SECONDS > nowSeconds) || nbf - SKEW_SECONDS > nowSeconds) {
    const iso = (s: number) => new Date(s * 1000).toISOString();
    return {
      error: 'invalid_client',
      aadsts: 700024,
      description:
        `Client assertion is not within its valid time range. Current time: ${iso(nowSeconds)}, ` +
        `assertion valid from ${iso(nbf)}, expiry time of assertion ${iso(exp)}. ` +
        'Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .',
    };
  }
  return undefined;
}

/** A JWT the app signed itself with a registered certificate (iss = sub = client id). */
export function checkCertificateAssertion(
  jwt: DecodedJwt,
  app: AppRegistration,
  tokenEndpoint: string,
  nowSeconds: number,
): AssertionFailure | undefined {
  const x5t = jwt.header['x5t'];
  const x5tS256 = jwt.header['x5t#S256'];
  const certificate = app.certificates.find((c) => c.x5t === x5t || c.x5tS256 === x5tS256);
  if (!certificate) {
    return {
      error: 'invalid_client',
      aadsts: 700027,
      description:
        `The certificate with identifier used to sign the client assertion is not registered on application. ` +
        `[Reason - The key was not found., Thumbprint of key used by client: '${String(x5tS256 ?? x5t ?? '')}', ` +
        `Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${app.clientId}'.]`,
    };
  }
  if (!verifyJwtSignature(jwt, certificate.publicKey)) {
    return { error: 'invalid_client', aadsts: 700027, description: 'Client assertion failed signature validation.' };
  }
  const aud = String(jwt.payload.aud ?? '');
  if (aud.toLowerCase() !== tokenEndpoint.toLowerCase()) {
    return {
      error: 'invalid_client',
      aadsts: 50027,
      description: `JWT token is invalid or malformed: audience '${aud}' is not the token endpoint '${tokenEndpoint}'.`,
    };
  }
  if (jwt.payload.sub !== app.clientId) {
    return {
      error: 'invalid_client',
      aadsts: 700023,
      description: `Client assertion subject '${String(jwt.payload.sub)}' does not match the client id.`,
    };
  }
  return timeRangeFailure(jwt, nowSeconds);
}

/** A token from an external issuer (Azure DevOps) exchanged through a federated identity credential. */
export function checkFederatedAssertion(
  jwt: DecodedJwt,
  app: AppRegistration,
  issuerKeys: Map<string, KeyObject>,
  nowSeconds: number,
): AssertionFailure | undefined {
  const iss = String(jwt.payload.iss ?? '');
  const sub = String(jwt.payload.sub ?? '');
  const aud = String(jwt.payload.aud ?? '');
  const expired = timeRangeFailure(jwt, nowSeconds);
  if (expired) return expired;
  const byIssuer = app.federatedCredentials.filter((c) => c.issuer === iss);
  if (byIssuer.length === 0) {
    return {
      error: 'invalid_request',
      aadsts: 700211,
      description: `No matching federated identity record found for presented assertion issuer '${iss}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation`,
    };
  }
  const bySubject = byIssuer.filter((c) => c.subject === sub);
  if (bySubject.length === 0) {
    return {
      error: 'invalid_client',
      aadsts: 70021,
      description: `No matching federated identity record found for presented assertion. Assertion Issuer: '${iss}'. Assertion Subject: '${sub}'. Assertion Audience: '${aud}'. https://learn.microsoft.com/entra/workload-id/workload-identity-federation`,
    };
  }
  if (!bySubject.some((c) => c.audiences.includes(aud))) {
    return {
      error: 'invalid_client',
      aadsts: 700212,
      description: `No matching federated identity record found for presented assertion audience '${aud}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation`,
    };
  }
  const key = issuerKeys.get(iss);
  if (!key || !verifyJwtSignature(jwt, key)) {
    return { error: 'invalid_client', aadsts: 50013, description: 'Assertion failed signature validation.' };
  }
  return undefined;
}
