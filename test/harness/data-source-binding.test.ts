import * as assert from 'assert';
import * as fs from 'fs';
import * as https from 'https';
import type { AddressInfo } from 'net';
import * as path from 'path';
import * as forgeModule from 'node-forge';
import {
  applyResultTemplate,
  endpointContext,
  evaluateBinding,
  renderTemplate,
  resolveBinding,
  selectResults,
  substituteInputs,
  UnsupportedBindingError,
  type DataSourceBinding,
  type HttpAnswer,
} from './data-source-binding';

// only what this test uses of node-forge (typed locally: the project's node-forge.d.ts is partial)
interface ForgeSubset {
  pki: {
    rsa: { generateKeyPair(bits: number): { publicKey: unknown; privateKey: unknown } };
    createCertificate(): {
      publicKey: unknown;
      serialNumber: string;
      validity: { notBefore: Date; notAfter: Date };
      setSubject(a: unknown[]): void;
      setIssuer(a: unknown[]): void;
      setExtensions(e: unknown[]): void;
      sign(key: unknown, md: unknown): void;
    };
    certificateToPem(c: unknown): string;
    privateKeyToPem(k: unknown): string;
  };
  md: { sha256: { create(): unknown } };
}
const forge = ((forgeModule as unknown as { default?: ForgeSubset }).default ?? forgeModule) as unknown as ForgeSubset;

const WS_LIST = {
  value: [
    { id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws1', name: 'ws1', properties: { friendlyName: 'Workspace <1>', discoveryUrl: 'https://x/a=b' } },
    { id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws2', name: 'ws2', properties: { friendlyName: 'Two' } },
  ],
};

const taskJson = {
  dataSourceBindings: [
    { target: 'resourceGroupName', endpointId: '$(azureSubscription)', dataSourceName: 'AzureResourceGroups' },
    {
      target: 'workspaceName',
      endpointId: '$(azureSubscription)',
      endpointUrl:
        '{{{endpoint.url}}}subscriptions/{{{endpoint.subscriptionId}}}/resourceGroups/$(resourceGroupName)/providers/Microsoft.MachineLearningServices/workspaces?api-version=2022-10-01',
      resultSelector: 'jsonpath:$.value[*]',
      resultTemplate: '{"Value":"{{{name}}}","DisplayValue":"{{{name}}} ({{{properties.friendlyName}}})"}',
    },
  ] as DataSourceBinding[],
};
const endpoint = { url: 'https://management.example/', data: { subscriptionId: 'sub-1', environment: 'AzureCloud' } };

describe('harness/data-source-binding: classic-editor pickers as the server evaluates them', () => {
  describe('pure parts', () => {
    it('substitutes $(input) and fails naming an empty one', () => {
      assert.strictEqual(substituteInputs('a/$(resourceGroupName)/b', { resourceGroupName: 'rg' }), 'a/rg/b');
      assert.throws(() => substituteInputs('$(workspaceName)', { workspaceName: '' }), /needs input 'workspaceName', which is empty/);
    });

    it('renders endpoint.* with triple and double mustaches, nested names', () => {
      const ctx = { endpoint: { url: 'https://h/', subscriptionId: 's1' }, properties: { x: 'a&b' } };
      assert.strictEqual(renderTemplate('{{{endpoint.url}}}subscriptions/{{{endpoint.subscriptionId}}}', ctx), 'https://h/subscriptions/s1');
      assert.strictEqual(renderTemplate('{{{properties.x}}}|{{properties.x}}', ctx), 'a&b|a&amp;b');
      // the server's triple-stash sections
      assert.strictEqual(renderTemplate('{{{#headers.x-ms-continuationtoken}}}true{{{/headers.x-ms-continuationtoken}}}', { headers: { 'x-ms-continuationtoken': 't' } }), 'true');
      assert.strictEqual(renderTemplate('{{{#headers.x-ms-continuationtoken}}}true{{{/headers.x-ms-continuationtoken}}}', { headers: {} }), '');
    });

    it('rejects server-side helpers mustache.js would silently drop', () => {
      assert.throws(() => renderTemplate("{{#equals endpoint.scopeLevel 'ManagementGroup'}}x{{/equals}}", {}), UnsupportedBindingError);
      assert.throws(() => renderTemplate('{{#a}}x{{else}}y{{/a}}', {}), /\{\{else\}\}/);
      assert.throws(() => renderTemplate('{{> part}}', {}), /partials/);
    });

    it('selects with jsonpath: and rejects other selectors', () => {
      assert.deepStrictEqual(selectResults(WS_LIST, 'jsonpath:$.value[*].name'), ['ws1', 'ws2']);
      assert.strictEqual(selectResults(WS_LIST, 'jsonpath:$.value[*]').length, 2);
      assert.deepStrictEqual(selectResults({ value: [] }, 'jsonpath:$.value[*]'), []);
      assert.throws(() => selectResults(WS_LIST, 'xpath://value'), UnsupportedBindingError);
      assert.throws(() => selectResults(WS_LIST, undefined), /no resultSelector/);
    });

    it('applies resultTemplate into Value/DisplayValue; plain strings without one', () => {
      const items = selectResults(WS_LIST, 'jsonpath:$.value[*]');
      assert.deepStrictEqual(applyResultTemplate(items, taskJson.dataSourceBindings[1]?.resultTemplate), [
        { value: 'ws1', displayValue: 'ws1 (Workspace <1>)' },
        { value: 'ws2', displayValue: 'ws2 (Two)' },
      ]);
      assert.deepStrictEqual(applyResultTemplate(['a'], undefined), [{ value: 'a', displayValue: 'a' }]);
      assert.throws(() => applyResultTemplate(items, undefined), /no resultTemplate/);
      assert.throws(() => applyResultTemplate(items, '{{{name}}}'), /did not render JSON/);
    });

    it('expands the built-in AzureResourceGroups and rejects unknown data sources', () => {
      const b = resolveBinding(taskJson, 'resourceGroupName');
      assert.strictEqual(
        renderTemplate(b.endpointUrl ?? '', { endpoint: endpointContext(endpoint) }),
        'https://management.example/subscriptions/sub-1/resourcegroups?api-version=2021-04-01',
      );
      assert.throws(() => resolveBinding({ dataSourceBindings: [{ target: 't', dataSourceName: 'AzureVirtualMachinesV2Id' }] }, 't'), /not supported/);
      assert.throws(() => resolveBinding(taskJson, 'nope'), /no dataSourceBinding with target 'nope'/);
    });
  });

  describe('evaluateBinding with a recorded transport', () => {
    it('lists workspaces of the chosen resource group, authenticating with the token', async () => {
      const calls: Array<{ url: string; auth: string | undefined }> = [];
      const items = await evaluateBinding({
        taskJson,
        target: 'workspaceName',
        inputs: { resourceGroupName: 'rg-ml' },
        endpoint,
        getToken: async (scope) => {
          assert.strictEqual(scope, 'https://management.example/.default');
          return { token: 'tok-1' };
        },
        transport: async (url, headers): Promise<HttpAnswer> => {
          calls.push({ url, auth: headers['authorization'] });
          return { status: 200, headers: {}, body: WS_LIST };
        },
      });
      assert.deepStrictEqual(calls, [
        {
          url: 'https://management.example/subscriptions/sub-1/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces?api-version=2022-10-01',
          auth: 'Bearer tok-1',
        },
      ]);
      assert.deepStrictEqual(items.map((i) => i.value), ['ws1', 'ws2']);
    });

    it('pages AzureResourceGroups on nextLink, at most 5 calls', async () => {
      const urls: string[] = [];
      const items = await evaluateBinding({
        taskJson,
        target: 'resourceGroupName',
        inputs: {},
        endpoint,
        getToken: async () => 't',
        transport: async (url) => {
          urls.push(url);
          const n = urls.length;
          return { status: 200, headers: {}, body: { value: [{ name: `rg${n}` }], nextLink: `https://management.example/next?page=${n + 1}` } };
        },
      });
      assert.strictEqual(urls.length, 5);
      assert.strictEqual(urls[1], 'https://management.example/next?page=2');
      assert.deepStrictEqual(items.map((i) => i.value), ['rg1', 'rg2', 'rg3', 'rg4', 'rg5']);
    });

    it('stops paging when there is no nextLink, and reports HTTP errors', async () => {
      let n = 0;
      const items = await evaluateBinding({
        taskJson,
        target: 'resourceGroupName',
        inputs: {},
        endpoint,
        getToken: async () => 't',
        transport: async () => ({ status: 200, headers: {}, body: { value: [{ name: `rg${++n}` }] } }),
      });
      assert.deepStrictEqual(items.map((i) => i.value), ['rg1']);
      await assert.rejects(
        evaluateBinding({ taskJson, target: 'resourceGroupName', inputs: {}, endpoint, getToken: async () => 't', transport: async () => ({ status: 403, headers: {}, body: { error: { code: 'AuthorizationFailed' } } }) }),
        /answered 403: .*AuthorizationFailed/,
      );
    });

    it('refuses to send a token over plain HTTP', async () => {
      await assert.rejects(
        evaluateBinding({ taskJson, target: 'resourceGroupName', inputs: {}, endpoint: { url: 'http://127.0.0.1/', data: { subscriptionId: 's' } }, getToken: async () => 't', transport: async () => ({ status: 200, headers: {}, body: { value: [] } }) }),
        /non-HTTPS/,
      );
    });
  });

  describe('evaluateBinding over HTTPS with a caller-given CA', function () {
    this.timeout(30_000);
    let server: https.Server;
    let url: string;
    let caPem: string;
    const seenAuth: string[] = [];

    before(async () => {
      const keys = forge.pki.rsa.generateKeyPair(2048);
      const cert = forge.pki.createCertificate();
      cert.publicKey = keys.publicKey;
      cert.serialNumber = '01';
      cert.validity.notBefore = new Date(Date.now() - 60_000);
      cert.validity.notAfter = new Date(Date.now() + 3600_000);
      const attrs = [{ name: 'commonName', value: '127.0.0.1' }];
      cert.setSubject(attrs);
      cert.setIssuer(attrs);
      cert.setExtensions([
        { name: 'basicConstraints', cA: true },
        { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
      ]);
      cert.sign(keys.privateKey, forge.md.sha256.create());
      caPem = forge.pki.certificateToPem(cert);
      server = https.createServer({ key: forge.pki.privateKeyToPem(keys.privateKey), cert: caPem }, (req, res) => {
        seenAuth.push(String(req.headers['authorization']));
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(req.url?.includes('/resourcegroups') ? { value: [{ name: 'rg-a' }, { name: 'rg-b' }] } : { value: [] }));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    });
    after(() => new Promise<void>((r) => server.close(() => r())));

    it('trusts the given CA and sends the bearer token', async () => {
      const items = await evaluateBinding({ taskJson, target: 'resourceGroupName', inputs: {}, endpoint: { url, data: { subscriptionId: 's' } }, getToken: async () => 'real-token', ca: caPem });
      assert.deepStrictEqual(items, [
        { value: 'rg-a', displayValue: 'rg-a' },
        { value: 'rg-b', displayValue: 'rg-b' },
      ]);
      assert.deepStrictEqual(seenAuth, ['Bearer real-token']);
    });

    it('fails without the CA (self-signed)', async () => {
      await assert.rejects(
        evaluateBinding({ taskJson, target: 'resourceGroupName', inputs: {}, endpoint: { url, data: { subscriptionId: 's' } }, getToken: async () => 't' }),
        /self.signed|certificate/i,
      );
    });
  });

  it('evaluates the real task.json bindings of tasks/ that it supports', () => {
    const tasksDir = path.resolve(__dirname, '..', '..', 'tasks');
    for (const t of fs.existsSync(tasksDir) ? fs.readdirSync(tasksDir) : []) {
      const f = path.join(tasksDir, t, 'task.json');
      if (!fs.existsSync(f)) continue;
      const json = JSON.parse(fs.readFileSync(f, 'utf8')) as { dataSourceBindings?: DataSourceBinding[] };
      for (const b of json.dataSourceBindings ?? []) {
        const r = resolveBinding(json, b.target);
        const inputs: Record<string, string> = {};
        for (const m of (r.endpointUrl ?? '').matchAll(/\$\(([^)]+)\)/g)) inputs[m[1] ?? ''] = `v-${m[1]}`;
        const u = renderTemplate(substituteInputs(r.endpointUrl ?? '', inputs), { endpoint: endpointContext(endpoint) });
        assert.match(u, /^https:\/\/management\.example\/subscriptions\/sub-1\//, `${t}: ${b.target}`);
      }
    }
  });
});
