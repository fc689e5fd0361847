/**
 * Entra ID explains a failed sign-in with an AADSTS code. This turns it into one line that names
 * the service connection and says what to change. Pure, so each code is unit-tested.
 */
const FIXES: Array<[RegExp, string]> = [
  [/AADSTS7000215/, 'the client secret is wrong: renew it in the app registration and update the service connection'],
  [/AADSTS7000222/, 'the client secret has expired: create a new one and update the service connection'],
  [
    /AADSTS700027|AADSTS700023|AADSTS50012/,
    'the certificate is not one registered on the app: upload its public part to the app registration, or update the service connection',
  ],
  [/AADSTS700024/, 'the federated token has expired: re-run the job; if it persists, check the agent clock'],
  [
    /AADSTS70021/,
    "no federated credential on the app matches this token: check the credential's issuer and subject against the service connection's",
  ],
  [/AADSTS700016/, 'the app (client id) does not exist in this tenant: check the service connection'],
  [/AADSTS90002|AADSTS900023/, 'the tenant does not exist: check the tenant id of the service connection'],
];

export function describeSignInFailure(connectionLabel: string, who: string, error: unknown, authorityHost?: string): string {
  const raw = error instanceof Error ? error.message : String(error);
  if (/endpoints_resolution_error|ENOTFOUND|ECONNREFUSED|self[- ]signed|unable to verify|certificate/i.test(raw) && !/AADSTS/.test(raw)) {
    const where = authorityHost ? `the sign-in authority ${authorityHost}` : 'the sign-in authority';
    return (
      `Could not sign in to Azure with service connection ${connectionLabel} (${who}): ${where} could not be reached or its TLS certificate is not trusted (${raw.split(/\r?\n/)[0].trim()}). ` +
      "Fix: check the agent's network and proxy settings; behind a TLS-inspecting proxy or with a private CA, set the agent's CA certificate (Agent.CAInfo) or NODE_EXTRA_CA_CERTS."
    );
  }
  const aadsts = /AADSTS\d+[^\r\n]*/.exec(raw)?.[0];
  const detail = (aadsts ?? raw.split(/\r?\n/)[0]).replace(/\s*Trace ID:.*$/, '').trim();
  const fix = FIXES.find(([pattern]) => pattern.test(raw))?.[1];
  return `Could not sign in to Azure with service connection ${connectionLabel} (${who}): ${detail}${fix ? ` Fix: ${fix}.` : ''}`;
}
