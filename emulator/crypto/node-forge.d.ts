// The few node-forge calls the emulator uses to issue X.509 certificates (the package ships no
// types and node's crypto cannot create certificates). Kept minimal on purpose.
declare module 'node-forge' {
  namespace pki {
    interface PublicKey {
      readonly __publicKey?: never;
    }
    interface PrivateKey {
      readonly __privateKey?: never;
    }
    interface CertificateField {
      name?: string;
      shortName?: string;
      value: string;
    }
    interface Certificate {
      serialNumber: string;
      validity: { notBefore: Date; notAfter: Date };
      publicKey: PublicKey;
      setSubject(attrs: CertificateField[]): void;
      setIssuer(attrs: CertificateField[]): void;
      setExtensions(exts: Array<Record<string, unknown>>): void;
      sign(key: PrivateKey, md?: unknown): void;
    }
    function createCertificate(): Certificate;
    function privateKeyFromPem(pem: string): PrivateKey;
    function publicKeyFromPem(pem: string): PublicKey;
    function certificateToPem(cert: Certificate): string;
  }
  namespace md {
    namespace sha256 {
      function create(): unknown;
    }
  }
}
