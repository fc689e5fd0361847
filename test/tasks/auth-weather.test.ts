import { strict as assert } from 'node:assert';
import { startEmulator, Emulator, ConnectionOptions } from '../../emulator';
import { runTask, assertNoSecretLeak } from '../../devkit/task-runner';

/**
 * Sign-in on a bad-weather day: Entra's token endpoint, the managed identity endpoint and the
 * Azure DevOps OIDC request (a POST, which the typed REST client never retried) each answer a
 * throttle, a server error and a dropped connection first; the task still signs in.
 */
describe('sign-in through transient faults (task process)', function () {
  let emulator: Emulator;

  before(async () => {
    emulator = await startEmulator({ seed: 21 });
    emulator.jobs.seed('weather-job', { phases: [], outcome: 'Completed' });
  });
  after(() => emulator.stop());

  const cases: Array<[string, ConnectionOptions, RegExp[]]> = [
    [
      'workload identity federation: the OIDC request and the token exchange',
      { scheme: 'workloadIdentity' },
      [/\/oidctoken$/i, /\/oauth2\/v2\.0\/token$/],
    ],
    ['a service principal secret: the token request', { scheme: 'spnKey' }, [/\/oauth2\/v2\.0\/token$/]],
    ['a managed identity: the identity endpoint', { scheme: 'managedIdentity' }, [/\/msi\/token$/i]],
  ];
  for (const [what, options, paths] of cases) {
    it(`signs in with ${what}`, async () => {
      const conn = emulator.connection(options);
      // In turn, per path: a throttle, a server error, a dropped connection; then the real answer.
      emulator.faults.script(
        paths.flatMap((path) => [
          { path, status: 429 as const, retryAfterSeconds: 0 },
          { path, status: 503 as const },
          { path, reset: true },
        ]),
      );
      const seen = emulator.requests().length;
      const r = await runTask({
        task: 'AzureMLWaitForRun',
        inputs: {
          connectedServiceNameARM: conn.id,
          resourceGroupName: emulator.resourceGroup,
          workspaceName: emulator.workspaceName,
          jobName: 'weather-job',
          pollIntervalSeconds: '1',
        },
        env: conn.env,
        variables: { 'System.Debug': 'false' },
        timeoutMs: 60_000,
      });
      emulator.faults.clear();
      assert.equal(r.result?.result, 'Succeeded', `${r.result?.message}\n${r.stdout}`);
      const faulted = emulator
        .requests()
        .slice(seen)
        .filter((q) => q.fault);
      assert.equal(
        faulted.length,
        3 * paths.length,
        `every injected fault was met: ${faulted.map((q) => `${q.fault} ${q.path}`).join(', ')}`,
      );
      assertNoSecretLeak(r, conn.secrets);
    });
  }
});
