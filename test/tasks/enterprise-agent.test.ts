import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import * as net from 'node:net';
import { startEmulator, Emulator, TaskConnection } from '../../emulator';
import { runTask } from '../../devkit/task-runner';
import { conformsToSpec } from '../conformance/conforms';

/**
 * An agent behind a corporate proxy that trusts a private CA: the task must send every Azure call
 * through the agent's proxy (with its credentials) and trust the agent's CA file, with no
 * NODE_EXTRA_CA_CERTS to fall back on.
 */
describe('agent proxy and CA settings (task process)', () => {
  let emulator: Emulator;
  let conn: TaskConnection;
  let proxy: http.Server;
  let proxyPort: number;
  const tunnels: Array<{ target: string; auth?: string }> = [];

  before(async () => {
    emulator = await startEmulator();
    conn = emulator.connection({ scheme: 'spnKey' });
    emulator.jobs.seed('proxied-job', { phases: [], outcome: 'Completed' });
    // A minimal CONNECT proxy on loopback that records each tunnel and its Proxy-Authorization.
    proxy = http.createServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
      tunnels.push({ target: req.url ?? '', auth: req.headers['proxy-authorization'] });
      const [host, port] = (req.url ?? '').split(':');
      const upstream = net.connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length) upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyPort = (proxy.address() as net.AddressInfo).port;
  });
  after(async () => {
    proxy.closeAllConnections();
    await new Promise((resolve) => proxy.close(resolve));
    await emulator.stop();
  });

  function runWithoutNodeCa(more: Partial<Parameters<typeof runTask>[0]>) {
    const env = { ...conn.env };
    delete env.NODE_EXTRA_CA_CERTS;
    return runTask({
      task: 'AzureMLWaitForRun',
      inputs: {
        connectedServiceNameARM: conn.id,
        resourceGroupName: emulator.resourceGroup,
        workspaceName: emulator.workspaceName,
        jobName: 'proxied-job',
        pollIntervalSeconds: '1',
      },
      env,
      timeoutMs: 60_000,
      ...more,
    });
  }

  it('sends sign-in and ARM calls through the agent proxy with its credentials, trusting Agent.CAInfo', async () => {
    const r = await runWithoutNodeCa({
      variables: {
        'System.Debug': 'true',
        'Agent.ProxyUrl': `http://127.0.0.1:${proxyPort}`,
        'Agent.ProxyUsername': 'corp-user',
        'Agent.CAInfo': emulator.caCertPath,
      },
      secretVariables: { 'Agent.ProxyPassword': 'corp-pass-123' },
    });
    assert.equal(r.result?.result, 'Succeeded', r.stdout + r.stderr);
    const port = new URL(emulator.url).port;
    assert.ok(tunnels.length >= 1, 'no request went through the proxy');
    assert.ok(tunnels.every((t) => t.target.endsWith(`:${port}`)));
    const expected = `Basic ${Buffer.from('corp-user:corp-pass-123').toString('base64')}`;
    assert.ok(
      tunnels.every((t) => t.auth === expected),
      `proxy credentials: ${JSON.stringify(tunnels.map((t) => t.auth))}`,
    );
    assert.ok(!r.stdout.includes('corp-pass-123'));
  });

  it('fails clearly without the CA: the emulator certificate is not trusted', async () => {
    const r = await runWithoutNodeCa({});
    assert.equal(r.result?.result, 'Failed');
    assert.match(r.result!.message, /could not be reached or its TLS certificate is not trusted/);
    assert.match(r.result!.message, /Agent\.CAInfo/);
  });

  conformsToSpec(() => emulator.traffic());
});
