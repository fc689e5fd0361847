import { strict as assert } from 'node:assert';
import { startEmulator, Emulator, ConnectionOptions, TaskConnection } from '../../emulator';
import { runTask, assertNoSecretLeak, TaskRunResult } from '../../devkit/task-runner';
import { conformsToSpec } from '../conformance/conforms';

/**
 * Every service-connection scheme, run through a real task process against the emulator's Entra ID
 * and Azure DevOps endpoints, which check secrets, certificate signatures and federated tokens.
 */
describe('service connection authentication (task process)', function () {
  let emulator: Emulator;

  before(async () => {
    emulator = await startEmulator({ seed: 11 });
    emulator.jobs.seed('auth-job', { phases: [], outcome: 'Completed' });
  });
  after(async () => {
    await emulator.stop();
  });

  function wait(conn: TaskConnection, variables: Record<string, string> = {}): Promise<TaskRunResult> {
    return runTask({
      task: 'AzureMLWaitForRun',
      inputs: {
        connectedServiceNameARM: conn.id,
        resourceGroupName: emulator.resourceGroup,
        workspaceName: emulator.workspaceName,
        jobName: 'auth-job',
        pollIntervalSeconds: '1',
      },
      env: conn.env,
      variables: { 'System.Debug': 'true', ...variables },
      timeoutMs: 60_000,
    });
  }

  const tokenRequests = () => emulator.requests().filter((r) => r.method === 'POST' && /oauth2\/v2\.0\/token$/.test(r.path));
  const oidcRequests = () => emulator.requests().filter((r) => /oidctoken/i.test(r.path));

  const working: Array<[string, ConnectionOptions]> = [
    ['service principal with a secret', { scheme: 'spnKey' }],
    ['service principal with a certificate', { scheme: 'spnCertificate' }],
    ['workload identity federation', { scheme: 'workloadIdentity' }],
    ['managed identity', { scheme: 'managedIdentity' }],
    [
      'a sovereign-cloud connection whose authority and ARM URL are its own',
      { scheme: 'spnKey', environment: 'AzureUSGovernment', id: 'usgov-conn' },
    ],
  ];
  for (const [what, options] of working) {
    it(`signs in with ${what}`, async () => {
      const conn = emulator.connection(options);
      const oidcBefore = oidcRequests().length;
      const r = await wait(conn);
      assert.equal(r.result?.result, 'Succeeded', r.stdout + r.stderr);
      assertNoSecretLeak(r, conn.secrets);
      // Secrets the task reads from the connection are registered with the agent before use (a
      // managed identity's endpoint header belongs to the machine, not to the connection).
      if (options.scheme !== 'managedIdentity') {
        for (const s of conn.secrets.filter((v) => !/[\r\n]/.test(v)))
          assert.ok(r.secrets.includes(s), 'every connection secret is registered with the agent before use');
      }
      if (options.scheme === 'workloadIdentity') assert.ok(oidcRequests().length > oidcBefore, 'the OIDC token came from Azure DevOps');
    });
  }

  it('rejects a wrong client secret with one line naming the connection, and never prints the secret', async () => {
    const conn = emulator.connection({ scheme: 'spnKey', id: 'wrong-secret-conn', clientSecret: 'not-the-secret-Zx9!' });
    const before = tokenRequests().length;
    const r = await wait(conn);
    assert.equal(r.result?.result, 'Failed');
    assert.match(
      r.result!.message,
      /^Could not sign in to Azure with service connection 'wrong-secret-conn'.*AADSTS7000215.*Fix: the client secret is wrong/,
    );
    assert.ok(tokenRequests().length > before);
    assertNoSecretLeak(r, [...conn.secrets, 'not-the-secret-Zx9!']);
    assert.ok(!/\n\s+at /.test(r.result!.message));
  });

  for (const [kind, code] of [
    ['expired', /AADSTS700024/],
    ['wrongSubject', /AADSTS70021/],
  ] as const) {
    it(`rejects an ${kind} federated token clearly`, async () => {
      const conn = emulator.connection({ scheme: 'workloadIdentity', id: `wif-${kind}`, federatedToken: kind });
      const r = await wait(conn);
      assert.equal(r.result?.result, 'Failed');
      assert.match(r.result!.message, new RegExp(`^Could not sign in to Azure with service connection 'wif-${kind}'`));
      assert.match(r.result!.message, code);
      assertNoSecretLeak(r, conn.secrets);
    });
  }

  it('rejects a certificate the app does not know', async () => {
    const other = await startEmulator();
    try {
      const foreignPem = other.connection({ scheme: 'spnCertificate' }).env;
      const pem = Object.entries(foreignPem).find(([k]) => /SERVICEPRINCIPALCERTIFICATE$/.test(k))![1];
      const conn = emulator.connection({ scheme: 'spnCertificate', id: 'foreign-cert', certificatePem: pem });
      const r = await wait(conn);
      assert.equal(r.result?.result, 'Failed');
      assert.match(r.result!.message, /^Could not sign in to Azure with service connection 'foreign-cert'.*certificate/);
      assertNoSecretLeak(r, [...conn.secrets, pem]);
    } finally {
      await other.stop();
    }
  });

  conformsToSpec(() => emulator.traffic());
});
