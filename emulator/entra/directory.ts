import { createPublicKey, KeyObject, randomBytes } from 'node:crypto';
import { thumbprints } from '../crypto/certificates';

/** The app registrations and identities the emulated tenant knows. */

interface RegisteredCertificate {
  certPem: string;
  publicKey: KeyObject;
  x5t: string;
  x5tS256: string;
}

interface FederatedCredential {
  issuer: string;
  subject: string;
  audiences: string[];
}

export interface AppRegistration {
  clientId: string;
  displayName: string;
  secrets: string[];
  certificates: RegisteredCertificate[];
  federatedCredentials: FederatedCredential[];
}

export interface ManagedIdentity {
  clientId: string;
  principalId: string;
  /** The App Service-style IDENTITY_HEADER secret the identity endpoint requires. */
  identityHeader: string;
}

export function registerCertificate(certPem: string): RegisteredCertificate {
  const { sha1, sha256 } = thumbprints(certPem);
  return { certPem, publicKey: createPublicKey(certPem), x5t: sha1, x5tS256: sha256 };
}

export const newClientSecret = () => `emu~${randomBytes(24).toString('base64url')}`;

export class Directory {
  private readonly apps = new Map<string, AppRegistration>();

  constructor(readonly managedIdentity: ManagedIdentity) {}

  register(app: AppRegistration): AppRegistration {
    this.apps.set(app.clientId.toLowerCase(), app);
    return app;
  }

  find(clientId: string): AppRegistration | undefined {
    return this.apps.get(clientId.toLowerCase());
  }
}
