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
  evaluateBindingPages,
  MAX_CALLS,
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
    {
      id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws1',
      name: 'ws1',
      properties: { friendlyName: 'Workspace <1>', discoveryUrl: 'https://x/a=b' },
    },
    {
      id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws2',
      name: 'ws2',
      properties: { friendlyName: 'Two' },
    },
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
      assert.strictEqual(
        renderTemplate('{{{endpoint.url}}}subscriptions/{{{endpoint.subscriptionId}}}', ctx),
        'https://h/subscriptions/s1',
      );
      assert.strictEqual(renderTemplate('{{{properties.x}}}|{{properties.x}}', ctx), 'a&b|a&amp;b');
      // the server's triple-stash sections
      assert.strictEqual(
        renderTemplate('{{{#headers.x-ms-continuationtoken}}}true{{{/headers.x-ms-continuationtoken}}}', {
          headers: { 'x-ms-continuationtoken': 't' },
        }),
        'true',
      );
      assert.strictEqual(
        renderTemplate('{{{#headers.x-ms-continuationtoken}}}true{{{/headers.x-ms-continuationtoken}}}', { headers: {} }),
        '',
      );
    });

    it("speaks the server's dialect: helpers, {{else}}, no walk up the context stack, its falsy values", () => {
      // The ARM connection type's TestConnection data source (as the service returns it).
      const testConnection =
        "{{{endpoint.url}}}{{#equals endpoint.scopeLevel 'ManagementGroup'}}providers/Microsoft.Management/managementGroups/{{{endpoint.managementGroupId}}}?api-version=2018-01-01-preview{{else}}subscriptions/{{{endpoint.subscriptionId}}}?api-version=2016-06-01{{/equals}}";
      assert.equal(
        renderTemplate(testConnection, { endpoint: { url: 'https://m/', scopeLevel: 'Subscription', subscriptionId: 's1' } }),
        'https://m/subscriptions/s1?api-version=2016-06-01',
      );
      assert.equal(
        renderTemplate(testConnection, { endpoint: { url: 'https://m/', scopeLevel: 'ManagementGroup', managementGroupId: 'mg' } }),
        'https://m/providers/Microsoft.Management/managementGroups/mg?api-version=2018-01-01-preview',
      );
      assert.equal(renderTemplate('{{#a}}x{{else}}y{{/a}}|{{^a}}n{{else}}m{{/a}}', { a: '' }), 'y|n');
      assert.equal(renderTemplate('{{#if a}}x{{/if}}{{#unless a}}u{{/unless}}{{if a}}', { a: 0 }), 'ufalse');
      // Inside a section only that object is seen: `top` needs ../ (mustache.js would find it).
      assert.equal(renderTemplate('{{#o}}[{{top}}|{{../top}}|{{@root.top}}|{{v}}]{{/o}}', { top: 'T', o: { v: 1 } }), '[|T|T|1]');
      assert.equal(renderTemplate('{{#list}}<{{.}}>{{/list}}{{#empty}}never{{/empty}}', { list: ['a', 'b'], empty: [] }), '<a><b>');
      assert.equal(
        renderTemplate("{{{a['x-y']}}} {{b.c[1]}} {{t}} {{ob}}", { a: { 'x-y': 'q' }, b: { c: [0, 7] }, t: true, ob: { k: 1 } }),
        'q 7 True {\n  &quot;k&quot;: 1\n}',
      );
      assert.equal(renderTemplate('\\{{literal\\}} {{q}}', { q: `it's` }), '{{literal}} it&#39;s');
      assert.equal(renderTemplate('{{! a comment }}{{!-- another }} --}}x', {}), 'x');
      assert.equal(
        renderTemplate('{{add skip 1000}} {{isEqualNumber result.count 1000}} {{isEqualNumber result.count 3}}', {
          skip: '2000',
          result: { count: 3 },
        }),
        '3000 false true',
      );
    });

    it('rejects what the server cannot parse or we do not emulate', () => {
      assert.throws(() => renderTemplate('{{#extractResource id resourcegroups}}', {}), UnsupportedBindingError);
      assert.throws(() => renderTemplate('{{> part}}', {}), /not supported/);
      assert.throws(() => renderTemplate('{{#a}}x{{/b}}', {}), /does not close/);
      assert.throws(() => renderTemplate('{{#a}}x', {}), /never closed/);
      assert.throws(() => renderTemplate('{{{a}}', {}), /three braces/);
    });

    it("follows an ARM nextLink the way Microsoft's tasks do: getTokenValue, extractUrlQueryParameter, isTokenPresent", () => {
      const context = '{"skiptoken": "{{#getTokenValue response.nextLink}}{{extractUrlQueryParameter %24skiptoken}}{{/getTokenValue}}"}';
      const required = '{{isTokenPresent response.nextLink}}';
      const nextLink = 'https://management.azure.com/subscriptions/s/resourcegroups?api-version=2016-02-01&%24skiptoken=ew0KIH0%3d';
      assert.equal(
        renderTemplate(context, { response: { nextLink } }),
        '{"skiptoken": "ew0KIH0%3d"}',
        'the token as it stands in the URL, to go back into one',
      );
      assert.equal(renderTemplate(required, { response: { nextLink } }), 'true');
      assert.equal(
        renderTemplate('{{#getTokenValue u}}{{extractUrlQueryParameter $skip}}{{/getTokenValue}}', { u: 'https://h/x?a=1&$skip=9' }),
        '9',
      );
      for (const response of [{}, { nextLink: null }, { nextLink: '' }]) {
        assert.equal(renderTemplate(required, { response }), 'false');
        assert.equal(renderTemplate(context, { response }), '{"skiptoken": ""}');
      }
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
        'https://management.example/subscriptions/sub-1/resourcegroups?api-version=2016-02-01',
      );
      assert.equal(b.callbackRequiredTemplate, undefined, 'the documented AzureResourceGroups does not page');
      assert.throws(
        () => resolveBinding({ dataSourceBindings: [{ target: 't', dataSourceName: 'AzureVirtualMachinesV2Id' }] }, 't'),
        /not supported/,
      );
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
      assert.deepStrictEqual(
        items.map((i) => i.value),
        ['ws1', 'ws2'],
      );
    });

    const pagedGroups: DataSourceBinding = {
      target: 'rg',
      endpointId: '$(azureSubscription)',
      endpointUrl:
        '{{{endpoint.url}}}subscriptions/{{{endpoint.subscriptionId}}}/resourcegroups?api-version=2021-04-01{{#skiptoken}}&$skiptoken={{{skiptoken}}}{{/skiptoken}}',
      resultSelector: 'jsonpath:$.value[*].name',
      initialContextTemplate: '{"skiptoken": ""}',
      callbackContextTemplate:
        '{"skiptoken": "{{#getTokenValue response.nextLink}}{{extractUrlQueryParameter %24skiptoken}}{{/getTokenValue}}"}',
      callbackRequiredTemplate: '{{isTokenPresent response.nextLink}}',
    };

    it('calls again with the token from nextLink until there is none, concatenating the pages', async () => {
      const urls: string[] = [];
      const tokens = ['', 'p%2B2%3D', 'p3'];
      const result = await evaluateBindingPages({
        taskJson: { dataSourceBindings: [pagedGroups] },
        target: 'rg',
        inputs: {},
        endpoint,
        getToken: async () => 't',
        transport: async (url) => {
          urls.push(url);
          const n = urls.length;
          const next = tokens[n];
          return {
            status: 200,
            headers: {},
            body: {
              value: [{ name: `rg${n}a` }, { name: `rg${n}b` }],
              ...(next ? { nextLink: `https://management.example/x?api-version=2021-04-01&%24skiptoken=${next}` } : {}),
            },
          };
        },
      });
      assert.deepEqual(urls, [
        'https://management.example/subscriptions/sub-1/resourcegroups?api-version=2021-04-01',
        'https://management.example/subscriptions/sub-1/resourcegroups?api-version=2021-04-01&$skiptoken=p%2B2%3D',
        'https://management.example/subscriptions/sub-1/resourcegroups?api-version=2021-04-01&$skiptoken=p3',
      ]);
      assert.deepEqual(
        result.items.map((i) => i.value),
        ['rg1a', 'rg1b', 'rg2a', 'rg2b', 'rg3a', 'rg3b'],
      );
      assert.deepEqual(
        result.calls.map((c) => [c.count, c.callbackRequired, c.callbackContext]),
        [
          [2, true, { skiptoken: 'p%2B2%3D' }],
          [2, true, { skiptoken: 'p3' }],
          [2, false, undefined],
        ],
      );
      assert.equal(result.truncated, false);
    });

    it(`stops after ${MAX_CALLS} calls, the server's documented limit`, async () => {
      let n = 0;
      const result = await evaluateBindingPages({
        taskJson: { dataSourceBindings: [pagedGroups] },
        target: 'rg',
        inputs: {},
        endpoint,
        getToken: async () => 't',
        transport: async () => ({
          status: 200,
          headers: {},
          body: { value: [{ name: `rg${++n}` }], nextLink: `https://management.example/x?%24skiptoken=${n}` },
        }),
      });
      assert.equal(result.calls.length, 5);
      assert.deepEqual(
        result.items.map((i) => i.value),
        ['rg1', 'rg2', 'rg3', 'rg4', 'rg5'],
      );
      assert.equal(result.truncated, true);
    });

    it("pages the other ways Microsoft's bindings do: $skip/$top with result.count, a continuation-token header", async () => {
      // DownloadBuildArtifactsV1's project picker (page size 2 here).
      const skipTop: DataSourceBinding = {
        target: 'project',
        endpointUrl: '{{endpoint.url}}/_apis/projects?$skip={{skip}}&$top=2',
        resultSelector: "jsonpath:$.value[?(@.state=='wellFormed')]",
        resultTemplate: '{ "Value" : "{{{id}}}", "DisplayValue" : "{{{name}}}" }',
        callbackContextTemplate: '{"skip": "{{add skip 2}}"}',
        callbackRequiredTemplate: '{{isEqualNumber result.count 2}}',
        initialContextTemplate: '{"skip": "0"}',
      };
      const projects = [1, 2, 3, 4, 5].map((i) => ({ id: `p${i}`, name: `P${i}`, state: 'wellFormed' }));
      const urls: string[] = [];
      const items = await evaluateBinding({
        taskJson: { dataSourceBindings: [skipTop] },
        target: 'project',
        inputs: {},
        endpoint: { url: 'https://dev.example', data: {} },
        getToken: async () => 't',
        transport: async (url) => {
          urls.push(url);
          const skip = Number(new URL(url).searchParams.get('$skip'));
          return { status: 200, headers: {}, body: { count: 2, value: projects.slice(skip, skip + 2) } };
        },
      });
      assert.deepEqual(
        urls.map((u) => new URL(u).searchParams.get('$skip')),
        ['0', '2', '4'],
      );
      assert.deepEqual(
        items.map((i) => i.displayValue),
        ['P1', 'P2', 'P3', 'P4', 'P5'],
      );

      // The pagination document's sample: the token travels in a response header.
      const header: DataSourceBinding = {
        target: 'definition',
        endpointUrl: '{{endpoint.url}}/_apis/build/definitions?$top=1&continuationToken={{{continuationToken}}}',
        resultSelector: 'jsonpath:$.value[*].name',
        callbackContextTemplate: '{"continuationToken" : "{{{headers.x-ms-continuationtoken}}}"}',
        callbackRequiredTemplate: '{{{#headers.x-ms-continuationtoken}}}true{{{/headers.x-ms-continuationtoken}}}',
        initialContextTemplate: '{"continuationToken" : "{{{system.utcNow}}}"}',
      };
      const seen: string[] = [];
      const defs = await evaluateBinding({
        taskJson: { dataSourceBindings: [header] },
        target: 'definition',
        inputs: {},
        endpoint: { url: 'https://dev.example', data: {} },
        getToken: async () => 't',
        transport: async (url) => {
          const token = new URL(url).searchParams.get('continuationToken') ?? '';
          seen.push(token);
          const next = seen.length < 3 ? `c${seen.length}` : undefined;
          const headers: Record<string, string> = next ? { 'X-MS-ContinuationToken': next } : {};
          return { status: 200, headers, body: { value: [{ name: `d${seen.length}` }] } };
        },
      });
      assert.match(seen[0] ?? '', /^\d{4}-\d{2}-\d{2}T/, 'the first call starts from system.utcNow');
      assert.deepEqual(seen.slice(1), ['c1', 'c2']);
      assert.deepEqual(
        defs.map((d) => d.value),
        ['d1', 'd2', 'd3'],
      );
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
      assert.deepStrictEqual(
        items.map((i) => i.value),
        ['rg1'],
      );
      await assert.rejects(
        evaluateBinding({
          taskJson,
          target: 'resourceGroupName',
          inputs: {},
          endpoint,
          getToken: async () => 't',
          transport: async () => ({ status: 403, headers: {}, body: { error: { code: 'AuthorizationFailed' } } }),
        }),
        /answered 403: .*AuthorizationFailed/,
      );
    });

    it('refuses to send a token over plain HTTP', async () => {
      await assert.rejects(
        evaluateBinding({
          taskJson,
          target: 'resourceGroupName',
          inputs: {},
          endpoint: { url: 'http://127.0.0.1/', data: { subscriptionId: 's' } },
          getToken: async () => 't',
          transport: async () => ({ status: 200, headers: {}, body: { value: [] } }),
        }),
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
      const items = await evaluateBinding({
        taskJson,
        target: 'resourceGroupName',
        inputs: {},
        endpoint: { url, data: { subscriptionId: 's' } },
        getToken: async () => 'real-token',
        ca: caPem,
      });
      assert.deepStrictEqual(items, [
        { value: 'rg-a', displayValue: 'rg-a' },
        { value: 'rg-b', displayValue: 'rg-b' },
      ]);
      assert.deepStrictEqual(seenAuth, ['Bearer real-token']);
    });

    it('fails without the CA (self-signed)', async () => {
      await assert.rejects(
        evaluateBinding({
          taskJson,
          target: 'resourceGroupName',
          inputs: {},
          endpoint: { url, data: { subscriptionId: 's' } },
          getToken: async () => 't',
        }),
        /self.signed|certificate/i,
      );
    });
  });

  it('every picker of tasks/ follows nextLink: the token goes back into the same URL, and paging stops without one', () => {
    const tasksDir = path.resolve(__dirname, '..', '..', 'tasks');
    let bindings = 0;
    for (const t of fs.readdirSync(tasksDir)) {
      const f = path.join(tasksDir, t, 'task.json');
      if (!fs.existsSync(f)) continue;
      const json = JSON.parse(fs.readFileSync(f, 'utf8')) as { dataSourceBindings?: DataSourceBinding[] };
      for (const b of json.dataSourceBindings ?? []) {
        bindings++;
        const what = `${t}: ${b.target}`;
        assert.ok(
          b.endpointUrl && b.callbackContextTemplate && b.callbackRequiredTemplate && b.initialContextTemplate,
          `${what} does not page`,
        );
        const inputs: Record<string, string> = {};
        for (const m of b.endpointUrl.matchAll(/\$\(([^)]+)\)/g)) inputs[m[1] ?? ''] = `v-${m[1]}`;
        const url = substituteInputs(b.endpointUrl, inputs);
        const initial = JSON.parse(renderTemplate(b.initialContextTemplate, {})) as Record<string, string>;
        const first = renderTemplate(url, { ...initial, endpoint: endpointContext(endpoint) });
        assert.doesNotMatch(first, /\$skip/, `${what}: the first call sends no token`);
        const param = b.target === 'resourceGroupName' ? '$skiptoken' : '$skip';
        const nextLink = `${first}&${encodeURIComponent(param)}=tok%3D%3D`;
        const data = { ...initial, response: { value: [], nextLink }, result: { count: 0, value: [] }, headers: {} };
        assert.equal(renderTemplate(b.callbackRequiredTemplate, data), 'true', what);
        const next = JSON.parse(renderTemplate(b.callbackContextTemplate, data)) as Record<string, string>;
        assert.equal(
          renderTemplate(url, { ...initial, ...next, endpoint: endpointContext(endpoint) }),
          `${first}&${param}=tok%3D%3D`,
          what,
        );
        assert.equal(renderTemplate(b.callbackRequiredTemplate, { ...data, response: { value: [] } }), 'false', what);
      }
    }
    assert.equal(bindings, 24);
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
