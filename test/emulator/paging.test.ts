import { strict as assert } from 'node:assert';
import { Emulator, startEmulator } from '../../emulator';
import { armPage, historyPage, pageOf } from '../../emulator/http/paging';
import { armToken, call, mlClient, wsPath } from '../../devkit/emulator-clients';

/** Follows `nextLink` from `path` to the end; returns every page's `value`. */
async function allPages(emulator: Emulator, token: string, path: string): Promise<{ pages: string[][]; links: string[] }> {
  const pages: string[][] = [];
  const links: string[] = [];
  let next: string | undefined = path;
  while (next) {
    const res = await call(emulator, 'GET', next, { token });
    assert.equal(res.status, 200, `${next}: ${res.text}`);
    pages.push((res.body.value as Array<{ name: string }>).map((v) => v.name));
    const link = res.body.nextLink as string | undefined | null;
    if (link) {
      assert.ok(link.startsWith(`${emulator.url}/`), link);
      links.push(link);
      next = link.slice(emulator.url.length);
    } else next = undefined;
    assert.ok(pages.length < 50, 'nextLink loops');
  }
  return { pages, links };
}

describe('emulator: one paging helper for every list', () => {
  describe('pageOf / armPage / historyPage', () => {
    const items = ['a', 'b', 'c', 'd', 'e'];
    const req = (query: Record<string, string>) => ({ path: '/x', query: { 'api-version': '2022-10-01', ...query } });

    it('slices from the token, names the next offset, and ends without one', () => {
      assert.deepEqual(pageOf(items, { size: 2 }), { items: ['a', 'b'], next: '2' });
      assert.deepEqual(pageOf(items, { size: 2, token: '4' }), { items: ['e'], next: undefined });
      assert.deepEqual(pageOf(items, { size: 2, token: 'junk' }), { items: ['a', 'b'], next: '2' });
      assert.deepEqual(pageOf(items, { size: 2, limit: 3, token: '2' }), { items: ['c'], next: undefined });
      assert.deepEqual(pageOf([], { size: 2 }), { items: [], next: undefined });
    });

    it('ARM: nextLink is the same URL with $skip (or $skiptoken), $top caps the whole result', () => {
      const first = armPage(req({}), items, { baseUrl: 'https://h', pageSize: 2 });
      assert.deepEqual(first.body, { value: ['a', 'b'], nextLink: 'https://h/x?api-version=2022-10-01&%24skip=2' });
      const rg = armPage(req({ $skiptoken: '2' }), items, { baseUrl: 'https://h', pageSize: 2, tokenParam: '$skiptoken' });
      assert.deepEqual(rg.body, { value: ['c', 'd'], nextLink: 'https://h/x?api-version=2022-10-01&%24skiptoken=4' });
      assert.deepEqual(armPage(req({ $top: '1' }), items, { baseUrl: 'https://h', pageSize: 2 }).body, { value: ['a'] });
      assert.deepEqual(armPage(req({}), items, { baseUrl: 'https://h' }).body, { value: items }, 'default page size 20');
    });

    it('run history: $top sizes the page (never above the default), continuationToken and nextLink null at the end', () => {
      const first = historyPage(req({ $top: '3' }), items, { baseUrl: 'https://h' });
      assert.deepEqual(first.body, {
        value: ['a', 'b', 'c'],
        continuationToken: '3',
        nextLink: 'https://h/x?api-version=2022-10-01&%24top=3&%24continuationtoken=3',
      });
      assert.deepEqual(historyPage(req({ $top: '9' }), items, { baseUrl: 'https://h', pageSize: 4 }).body, {
        value: ['a', 'b', 'c', 'd'],
        continuationToken: '4',
        nextLink: 'https://h/x?api-version=2022-10-01&%24top=9&%24continuationtoken=4',
      });
      assert.deepEqual(historyPage(req({ $continuationtoken: '3' }), items, { baseUrl: 'https://h' }).body, {
        value: ['d', 'e'],
        continuationToken: null,
        nextLink: null,
      });
    });
  });

  describe('a busy subscription (pageSize 3)', () => {
    let emulator: Emulator;
    let token: string;
    const extraGroups = ['rg-a', 'rg-b', 'rg-c', 'rg-d', 'rg-e', 'rg-f', 'rg-g'];
    const extraWorkspaces = ['mlw-a', 'mlw-b', 'mlw-c', 'mlw-d', 'mlw-e'];
    before(async () => {
      emulator = await startEmulator({ clock: 'manual', pageSize: 3 });
      for (const rg of extraGroups) emulator.resourceGroups.add(rg);
      for (const ws of extraWorkspaces) emulator.workspaces.add(ws);
      emulator.workspaces.add('mlw-elsewhere', 'rg-b');
      token = await armToken(emulator);
    });
    after(() => emulator.stop());

    it('pages resource groups with $skiptoken, as Microsoft.Resources does', async () => {
      const { pages, links } = await allPages(
        emulator,
        token,
        `/subscriptions/${emulator.subscriptionId}/resourcegroups?api-version=2021-04-01`,
      );
      assert.deepEqual(pages, [
        [emulator.resourceGroup, 'rg-a', 'rg-b'],
        ['rg-c', 'rg-d', 'rg-e'],
        ['rg-f', 'rg-g'],
      ]);
      assert.ok(
        links.every((l) => /[?&]%24skiptoken=\d+/.test(l) && l.includes('api-version=2021-04-01')),
        links.join('\n'),
      );
      assert.deepEqual(emulator.resourceGroups.names(), [emulator.resourceGroup, ...extraGroups]);
      const got = await call(emulator, 'GET', `/subscriptions/${emulator.subscriptionId}/resourceGroups/RG-B?api-version=2021-04-01`, {
        token,
      });
      assert.equal(got.status, 200);
      assert.equal(got.body.name, 'rg-b');
    });

    it('pages workspaces by resource group and by subscription with $skip; the SDK follows nextLink', async () => {
      const byRg = await allPages(
        emulator,
        token,
        `/subscriptions/${emulator.subscriptionId}/resourceGroups/${emulator.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces?api-version=2022-10-01`,
      );
      assert.deepEqual(byRg.pages, [
        [emulator.workspaceName, 'mlw-a', 'mlw-b'],
        ['mlw-c', 'mlw-d', 'mlw-e'],
      ]);
      assert.ok(
        byRg.links.every((l) => /[?&]%24skip=\d+/.test(l)),
        byRg.links.join('\n'),
      );
      const inB = await allPages(
        emulator,
        token,
        `/subscriptions/${emulator.subscriptionId}/resourceGroups/rg-b/providers/Microsoft.MachineLearningServices/workspaces?api-version=2022-10-01`,
      );
      assert.deepEqual(inB.pages, [['mlw-elsewhere']]);
      const client = mlClient(emulator);
      const bySubscription: string[] = [];
      for await (const w of client.workspaces.listBySubscription()) bySubscription.push(`${w.id!.split('/')[4]}/${w.name}`);
      assert.deepEqual(bySubscription, [
        `${emulator.resourceGroup}/${emulator.workspaceName}`,
        ...extraWorkspaces.map((w) => `${emulator.resourceGroup}/${w}`),
        'rg-b/mlw-elsewhere',
      ]);
    });

    it('an added workspace is readable but holds nothing; the seeded name under another group is not the seeded workspace', async () => {
      const client = mlClient(emulator);
      const other = await client.workspaces.get('rg-b', 'mlw-elsewhere');
      assert.equal(other.name, 'mlw-elsewhere');
      assert.ok(
        other.workspaceId &&
          other.workspaceId !== (await client.workspaces.get(emulator.resourceGroup, emulator.workspaceName)).workspaceId,
      );
      const jobs = await call(
        emulator,
        'GET',
        `/subscriptions/${emulator.subscriptionId}/resourceGroups/rg-b/providers/Microsoft.MachineLearningServices/workspaces/mlw-elsewhere/jobs?api-version=2022-10-01`,
        { token },
      );
      assert.equal(jobs.status, 404);
      const misplaced = await call(
        emulator,
        'GET',
        `/subscriptions/${emulator.subscriptionId}/resourceGroups/rg-b/providers/Microsoft.MachineLearningServices/workspaces/${emulator.workspaceName}/jobs?api-version=2022-10-01`,
        { token },
      );
      assert.equal(misplaced.status, 404);
      assert.equal(misplaced.body.error.code, 'ResourceNotFound');
      const unknownRg = await call(
        emulator,
        'GET',
        `/subscriptions/${emulator.subscriptionId}/resourceGroups/rg-none/providers/Microsoft.MachineLearningServices/workspaces?api-version=2022-10-01`,
        { token },
      );
      assert.equal(unknownRg.body.error.code, 'ResourceGroupNotFound');
      assert.throws(() => emulator.workspaces.add('mlw-x', 'rg-none'), /does not exist/);
      assert.throws(() => emulator.workspaces.add('-bad'), /not a valid workspace name/);
    });

    it('pages jobs, computes, endpoints, models and model versions with $skip, and the SDK reads every item', async () => {
      for (let i = 1; i <= 7; i++) {
        emulator.jobs.seed(`job-${i}`, { phases: [], outcome: 'Completed' });
        emulator.computes.seed({ name: `k8s-${i}` });
        emulator.endpoints.seed({ name: `endpoint-${i}`, traffic: {}, deployments: [] });
        emulator.models.seed(`model-${i}`, '1');
        emulator.models.seed('many-versions', String(i));
      }
      const ws = wsPath(emulator);
      const jobs = await allPages(emulator, token, `${ws}/jobs?api-version=2022-10-01&listViewType=ActiveOnly`);
      assert.deepEqual(
        jobs.pages.map((p) => p.length),
        [3, 3, 1],
      );
      assert.ok(
        jobs.links.every((l) => l.includes('listViewType=ActiveOnly')),
        'filters travel in nextLink',
      );
      const computes = await allPages(emulator, token, `${ws}/computes?api-version=2022-10-01`);
      assert.deepEqual(computes.pages.flat(), ['cpu-cluster', 'gpu-cluster', ...[1, 2, 3, 4, 5, 6, 7].map((i) => `k8s-${i}`)]);
      assert.equal(computes.pages.length, 3);
      const endpoints = await allPages(emulator, token, `${ws}/onlineEndpoints?api-version=2022-10-01`);
      assert.deepEqual(
        endpoints.pages.map((p) => p.length),
        [3, 3, 1],
      );
      const models = await allPages(emulator, token, `${ws}/models?api-version=2022-10-01`);
      assert.equal(models.pages.flat().length, 8);

      const client = mlClient(emulator);
      const versions: string[] = [];
      for await (const v of client.modelVersions.list(emulator.resourceGroup, emulator.workspaceName, 'many-versions'))
        versions.push(v.name!);
      assert.deepEqual(versions, ['7', '6', '5', '4', '3', '2', '1']);
      const latest: string[] = [];
      for await (const v of client.modelVersions.list(emulator.resourceGroup, emulator.workspaceName, 'many-versions', { top: 1 }))
        latest.push(v.name!);
      assert.deepEqual(latest, ['7'], '$top=1 is one version and no next page');
      const sdkJobs: string[] = [];
      for await (const j of client.jobs.list(emulator.resourceGroup, emulator.workspaceName)) sdkJobs.push(j.name!);
      assert.equal(sdkJobs.length, 7);
    });
  });
});
