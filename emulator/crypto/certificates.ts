import { generateKeyPair, randomBytes, X509Certificate } from 'node:crypto';
import { promisify } from 'node:util';
import { pki, md } from 'node-forge';

const generateRsa = promisify(generateKeyPair);

interface KeyPairPem {
  privateKeyPem: string;
  publicKeyPem: string;
}

interface IssuedCertificate extends KeyPairPem {
  certPem: string;
}

/** RSA keys come from node's crypto: node-forge's pure-JS key generation takes seconds. */
export async function createRsaKeyPair(): Promise<KeyPairPem> {
  const { privateKey, publicKey } = await generateRsa('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

interface CertificateRequest {
  commonName: string;
  keys: KeyPairPem;
  /** Signs as this CA; self-signed when absent. */
  issuer?: CertificateAuthority;
  extensions: Array<Record<string, unknown>>;
}

function issue(request: CertificateRequest): IssuedCertificate {
  const cert = pki.createCertificate();
  // A positive serial: a leading 0x00..0x7f byte keeps the DER integer non-negative.
  cert.serialNumber = '01' + randomBytes(15).toString('hex');
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 24 * 3600 * 1000);
  cert.validity.notAfter = new Date(now + 365 * 24 * 3600 * 1000);
  cert.publicKey = pki.publicKeyFromPem(request.keys.publicKeyPem);
  cert.setSubject([{ name: 'commonName', value: request.commonName }]);
  cert.setIssuer([{ name: 'commonName', value: request.issuer?.commonName ?? request.commonName }]);
  cert.setExtensions(request.extensions);
  cert.sign(pki.privateKeyFromPem((request.issuer ?? request.keys).privateKeyPem), md.sha256.create());
  return { ...request.keys, certPem: pki.certificateToPem(cert) };
}

interface CertificateAuthority extends IssuedCertificate {
  commonName: string;
}

export async function createCertificateAuthority(commonName = 'Azure ML Emulator Root CA'): Promise<CertificateAuthority> {
  const keys = await createRsaKeyPair();
  const issued = issue({
    commonName,
    keys,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ],
  });
  return { ...issued, commonName };
}

/** The HTTPS server certificate: clients reach the emulator as 127.0.0.1 or localhost. */
export async function createServerCertificate(ca: CertificateAuthority): Promise<IssuedCertificate> {
  return issue({
    commonName: '127.0.0.1',
    keys: await createRsaKeyPair(),
    issuer: ca,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
}

/**
 * A self-signed client certificate like the ones users upload to an app registration.
 * Exported so tests can make an unregistered certificate.
 */
export async function createClientCertificate(commonName = 'azureml-emulator-spn'): Promise<IssuedCertificate & { pem: string }> {
  const issued = issue({
    commonName,
    keys: await createRsaKeyPair(),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', clientAuth: true },
    ],
  });
  // The service connection holds one PEM with both the certificate and its private key.
  return { ...issued, pem: issued.certPem + issued.privateKeyPem };
}

/** base64url SHA-1 and SHA-256 thumbprints, as JWT x5t / x5t#S256 headers carry them. */
export function thumbprints(certPem: string): { sha1: string; sha256: string } {
  const cert = new X509Certificate(certPem);
  const hexToB64Url = (hex: string) => Buffer.from(hex.replace(/:/g, ''), 'hex').toString('base64url');
  return { sha1: hexToB64Url(cert.fingerprint), sha256: hexToB64Url(cert.fingerprint256) };
}
