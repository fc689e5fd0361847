import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rootCertificates } from 'node:tls';
import { TlsProxyAgent, toHttpClientOptions } from '../../shared/http/agent-http-options';
import { UserError } from '../../shared/task/user-error';
import { readTraceability, traceabilityTags } from '../../shared/task/traceability';
import { USER_AGENT } from '../../shared/azureml/user-agent';

describe('agent proxy and certificate settings → Azure SDK options', () => {
  it('tunnels through the proxy with its credentials, carrying the TLS settings in the same agent', () => {
    const o = toHttpClientOptions(
      { proxyUrl: 'http://proxy.corp:8080', proxyUsername: 'u', proxyPassword: 'p@ss' },
      { caFile: '/ca.pem' },
      () => Buffer.from('CA'),
      () => ['ROOT'],
    );
    assert.ok(o.agent instanceof TlsProxyAgent);
    const agent = o.agent as TlsProxyAgent;
    assert.equal(agent.proxy.href, 'http://u:p%40ss@proxy.corp:8080/');
    assert.deepEqual(agent.tls, { ca: ['ROOT', 'CA'] });
    assert.equal(o.tlsOptions, undefined, 'the SDK ignores tlsOptions behind its own proxy agent');
  });

  it('reads the CA, client certificate and key files the agent names', () => {
    const files: Record<string, string> = { '/ca.pem': 'CA', '/cert.pem': 'CERT', '/key.pem': 'KEY' };
    const o = toHttpClientOptions(
      null,
      { caFile: '/ca.pem', certFile: '/cert.pem', keyFile: '/key.pem', passphrase: 'pw' },
      (p) => Buffer.from(files[p]),
      () => ['ROOT'],
    );
    assert.deepEqual(o.tlsOptions, { ca: ['ROOT', 'CA'], cert: 'CERT', key: 'KEY', passphrase: 'pw' });
  });

  it("adds the agent's CA to Node's public roots instead of replacing them", () => {
    const o = toHttpClientOptions(null, { caFile: '/ca.pem' }, () => Buffer.from('PRIVATE-CA'));
    const ca = o.tlsOptions?.ca as string[];
    assert.ok(ca.length > 100, `only ${ca.length} trusted certificates`);
    assert.equal(ca[ca.length - 1], 'PRIVATE-CA');
    assert.ok(ca.includes(rootCertificates[0]));
  });

  it('names the agent setting and the path when a certificate file cannot be read', () => {
    assert.throws(
      () => toHttpClientOptions(null, { caFile: '/nope/ca.pem' }),
      (e: unknown) =>
        e instanceof UserError &&
        /^The agent setting Agent\.CAInfo names '\/nope\/ca\.pem', which cannot be read \(ENOENT\)/.test(e.message),
    );
  });

  it('sets nothing when the agent has neither', () => {
    assert.deepEqual(toHttpClientOptions(null, null), {});
  });
});

describe('traceability', () => {
  const vars: Record<string, string> = {
    'System.CollectionUri': 'https://dev.azure.com/contoso/',
    'System.TeamProject': 'Fraud Models',
    'Build.BuildId': '1234',
    'Build.BuildNumber': '20261125.3',
    'Build.BuildUri': 'vstfs:///Build/Build/1234',
    'Build.DefinitionName': 'ml-build',
    'System.DefinitionId': '17',
    'Build.Repository.Name': 'fraud-model',
    'Build.SourceBranch': 'refs/heads/main',
    'Build.SourceVersion': 'abc123',
  };

  it('builds the documented tag set with a link back to the run', () => {
    const tags = traceabilityTags(readTraceability((n) => vars[n]));
    assert.deepEqual(tags, {
      'azdo.buildId': '1234',
      'azdo.buildNumber': '20261125.3',
      'azdo.buildUri': 'vstfs:///Build/Build/1234',
      'azdo.runUrl': 'https://dev.azure.com/contoso/Fraud%20Models/_build/results?buildId=1234',
      'azdo.project': 'Fraud Models',
      'azdo.pipeline': 'ml-build',
      'azdo.pipelineId': '17',
      'azdo.repository': 'fraud-model',
      'azdo.branch': 'refs/heads/main',
      'azdo.commit': 'abc123',
    });
  });

  it('prefers the release page in a release and leaves out what is unknown', () => {
    const tags = traceabilityTags(
      readTraceability((n) => ({ 'Release.ReleaseWebUrl': 'https://dev.azure.com/c/p/_release?releaseId=9', 'Release.ReleaseId': '9' })[n]),
    );
    assert.deepEqual(tags, { 'azdo.runUrl': 'https://dev.azure.com/c/p/_release?releaseId=9', 'azdo.releaseId': '9' });
  });

  it('the README documents every tag', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    for (const tag of Object.keys(traceabilityTags(readTraceability((n) => vars[n] ?? `x-${n}`)))) {
      assert.ok(readme.includes(`\`${tag}\``), `README misses ${tag}`);
    }
  });
});

describe('user agent', () => {
  it('names the package version', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
    assert.equal(USER_AGENT, `azureml-mlops-tasks/${pkg.version}`);
  });
});
