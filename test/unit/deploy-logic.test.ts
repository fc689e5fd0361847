import { strict as assert } from 'node:assert';
import { deploymentNameFor, isOnlineName } from '../../shared/deploy/naming';
import { kubernetesPreflight, managedPreflight } from '../../shared/deploy/preflight';
import { failedAssertions, parseAssertions } from '../../shared/deploy/smoke';
import { deploymentsToRemove, parseTrafficSteps, sameTraffic, trafficAt } from '../../shared/deploy/traffic-plan';
import { buildManifest, canonicalJson, manifestIntact, sha256 } from '../../shared/package/manifest';
import { deploymentForPut } from '../../shared/deploy/deploy-model';
import { environmentVersion } from '../../shared/package/package-model';
import type { OnlineDeployment } from '@azure/arm-machinelearning';
import { missingScoringFunctions } from '../../shared/package/scoring-script';
import { manifestContent } from '../../devkit/package-manifest';

describe('deploy: traffic plans', () => {
  it('shares what is left among the previous deployments in proportion, always summing to 100', () => {
    assert.deepEqual(trafficAt({ blue: 100 }, 'green', 10), { blue: 90, green: 10 });
    assert.deepEqual(trafficAt({ a: 50, b: 50 }, 'c', 33), { a: 34, b: 33, c: 33 });
    assert.deepEqual(trafficAt({ a: 70, b: 30, old: 0 }, 'c', 50), { a: 35, b: 15, old: 0, c: 50 });
    for (const p of [1, 7, 33, 50, 99, 100]) {
      const m = trafficAt({ a: 13, b: 29, c: 58 }, 'n', p);
      assert.equal(
        Object.values(m).reduce((s, v) => s + v, 0),
        100,
        `step ${p}`,
      );
    }
  });

  it('gives everything to the new deployment when nothing took traffic', () => {
    assert.deepEqual(trafficAt({}, 'green', 10), { green: 100 });
    assert.deepEqual(trafficAt({ old: 0 }, 'green', 50), { old: 0, green: 100 });
  });

  it('parses steps and refuses ones that do not increase or do not end at 100', () => {
    assert.deepEqual(parseTrafficSteps('trafficSteps', '10, 50,100'), [10, 50, 100]);
    assert.deepEqual(parseTrafficSteps('trafficSteps', ''), [100]);
    assert.throws(() => parseTrafficSteps('trafficSteps', '50,10,100'), /step 10 does not increase on 50/);
    assert.throws(() => parseTrafficSteps('trafficSteps', '10,abc,100'), /'trafficSteps' is '10,abc,100'/);
    assert.throws(() => parseTrafficSteps('trafficSteps', '0,100'), /increasing whole percentages/);
  });

  it('compares maps as Azure ML does: names case-insensitively, 0% the same as absent', () => {
    assert.ok(sameTraffic({ Blue: 100, green: 0 }, { blue: 100 }));
    assert.ok(!sameTraffic({ blue: 90, green: 10 }, { blue: 100 }));
  });

  it('keeps the N most recent old deployments and never the current one', () => {
    const at = (d: string) => new Date(d);
    const all = [
      { name: 'v1', createdAt: at('2025-01-01') },
      { name: 'v3', createdAt: at('2025-03-01') },
      { name: 'v2', createdAt: at('2025-02-01') },
      { name: 'v4', createdAt: at('2025-04-01') },
    ];
    assert.deepEqual(deploymentsToRemove(all, 'v4', 1), ['v2', 'v1']);
    assert.deepEqual(deploymentsToRemove(all, 'v4', 0), ['v3', 'v2', 'v1']);
    assert.deepEqual(deploymentsToRemove(all, 'v4', 5), []);
  });
});

describe('deploy: deployment names within Azure ML rules', () => {
  it('sanitizes model name and version', () => {
    assert.equal(deploymentNameFor('Credit_Risk.Model', '12'), 'credit-risk-model-12');
    assert.equal(deploymentNameFor('2024-model', '1'), 'm-2024-model-1');
    assert.equal(deploymentNameFor('credit', '1', 'a1b2c3'), 'credit-1-a1b2c3');
  });

  it('cuts long model names, keeping the whole version and a hash that tells names apart', () => {
    const a = deploymentNameFor('credit-risk-scoring-model-for-retail-banking', '123');
    const b = deploymentNameFor('credit-risk-scoring-model-for-retail-banking-eu', '123');
    for (const n of [a, b]) {
      assert.ok(isOnlineName(n), `${n} is valid`);
      assert.ok(n.endsWith('-123'), n);
    }
    assert.notEqual(a, b);
    assert.ok(isOnlineName(deploymentNameFor('m', 'a-very-long-version-string-that-fills-it-all')));
  });

  it('knows the limits', () => {
    assert.ok(
      isOnlineName('abc') && !isOnlineName('ab') && !isOnlineName('a'.repeat(33)) && !isOnlineName('blue-') && !isOnlineName('1blue'),
    );
  });
});

describe('deploy: smoke-test assertions', () => {
  const body = { predictions: [0.2, 0.8], label: 'approved', meta: { 'model-version': '3' } };

  it('parses each form and evaluates it on the answer', () => {
    const a = parseAssertions(
      'smokeAssertions',
      '# comment\n$.predictions exists\n$.predictions is array\n$.predictions.length == 2\n$.predictions[1] > 0.5\n$.label == "approved"\n$.meta["model-version"] != "2"',
    );
    assert.equal(a.length, 6);
    assert.deepEqual(failedAssertions(a, body), []);
  });

  it('says what each failed assertion got', () => {
    const a = parseAssertions('smokeAssertions', '$.predictions[1] < 0.5\n$.missing exists\n$.label is number\n$.label.length == 3');
    assert.deepEqual(failedAssertions(a, body), [
      '$.predictions[1] < 0.5: got 0.8',
      '$.missing exists: got missing',
      '$.label is number: got "approved"',
      '$.label.length == 3: got 8',
    ]);
  });

  it('refuses lines it cannot read, naming the line', () => {
    assert.throws(
      () => parseAssertions('smokeAssertions', '$.a exists\npredictions == 1'),
      /line 2 is 'predictions == 1': a path starts with \$/,
    );
    assert.throws(() => parseAssertions('smokeAssertions', '$.label == approved'), /'approved' is not a JSON value \(quote strings/);
    assert.throws(() => parseAssertions('smokeAssertions', '$.label > "a"'), /> compares numbers only/);
    assert.throws(() => parseAssertions('smokeAssertions', '$.a is list'), /'is' takes one of array/);
  });
});

describe('deploy: preflight decisions', () => {
  const facts = {
    computeType: 'Kubernetes',
    provisioningState: 'Succeeded',
    instanceTypes: ['defaultinstancetype', 'gpu'],
    defaultInstanceType: 'defaultinstancetype',
  };
  it('takes the package instance type, else the compute default; refuses what the cluster lacks', () => {
    assert.equal(kubernetesPreflight('aks', 'ws', facts, 'GPU'), 'GPU');
    assert.equal(kubernetesPreflight('aks', 'ws', facts, null), 'defaultinstancetype');
    assert.throws(
      () => kubernetesPreflight('aks', 'ws', facts, 'huge'),
      /'huge' does not exist on Kubernetes compute 'aks'; it has defaultinstancetype, gpu/,
    );
    assert.throws(() => kubernetesPreflight('aks', 'ws', undefined, null), /has no compute of that name/);
    assert.throws(() => kubernetesPreflight('aks', 'ws', { ...facts, provisioningState: 'Failed' }, null), /is Failed, not Succeeded/);
  });
  it('managed SKUs are matched case-insensitively and returned as Azure spells them', () => {
    assert.equal(managedPreflight('standard_ds3_v2'), 'Standard_DS3_v2');
    assert.throws(() => managedPreflight(null), /no instance type/);
  });
});

describe('package: manifest and scoring script', () => {
  const content = manifestContent('/x', { name: 'credit', version: '3' }, { environmentVariables: { B: '2', A: '1' } });
  it('is canonical: key order does not change the JSON or the package id', () => {
    const a = buildManifest(content);
    const b = buildManifest({ ...content, environmentVariables: { A: '1', B: '2' } });
    assert.equal(JSON.stringify(a), JSON.stringify(b));
    assert.equal(canonicalJson({ b: 1, a: { d: 1, c: 2 } }), '{"a":{"c":2,"d":1},"b":1}');
    assert.match(a.packageId, /^[0-9a-f]{16}$/);
  });
  it('another model version is another package, and an edited manifest is detected', () => {
    const a = buildManifest(content);
    assert.notEqual(buildManifest({ ...content, model: { ...content.model, version: '4' } }).packageId, a.packageId);
    assert.ok(manifestIntact(a));
    assert.ok(!manifestIntact({ ...a, instanceType: 'gpu' }));
  });
  it('finds init() and run() only at module level', () => {
    assert.deepEqual(missingScoringFunctions('def init():\n  pass\n\nasync def run(data):\n  return data\n'), []);
    assert.deepEqual(missingScoringFunctions('class M:\n    def init(self): pass\n    def run(self, d): pass\n'), ['init', 'run']);
    assert.deepEqual(missingScoringFunctions('def init ():\n  pass\n# def run(x)\n'), ['run']);
  });
});

describe('deploy: replace rollback body', () => {
  it("keeps a deployment's writable fields and drops the read-only ones the spec refuses in a PUT", () => {
    const read = {
      id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w/onlineEndpoints/e/deployments/dev',
      name: 'dev',
      type: 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments',
      systemData: { createdBy: 'someone', createdAt: new Date(0) },
      location: 'westeurope',
      tags: { 'package.id': 'abc' },
      sku: { name: 'Default', capacity: 2 },
      identity: {
        type: 'UserAssigned',
        principalId: 'p',
        tenantId: 't',
        userAssignedIdentities: { '/ids/one': { principalId: 'p1', clientId: 'c1' } },
      },
      properties: {
        endpointComputeType: 'Kubernetes',
        model: 'azureml:m:1',
        provisioningState: 'Succeeded',
        environmentVariables: { A: '1' },
      },
    } as unknown as OnlineDeployment;
    assert.deepEqual(deploymentForPut(read), {
      location: 'westeurope',
      tags: { 'package.id': 'abc' },
      sku: { name: 'Default', capacity: 2 },
      identity: { type: 'UserAssigned', userAssignedIdentities: { '/ids/one': {} } },
      properties: { endpointComputeType: 'Kubernetes', model: 'azureml:m:1', environmentVariables: { A: '1' } },
    });
  });
});

describe('package: environment versions named by content', () => {
  it('keeps the image versions earlier releases registered, and names a build context by its upload', () => {
    const image = environmentVersion({ image: 'mcr.microsoft.com/x:1', condaFile: 'name: a\n' });
    assert.equal(image, sha256(JSON.stringify({ image: 'mcr.microsoft.com/x:1', conda: 'name: a\n' })).slice(0, 16));
    assert.equal(
      environmentVersion({ image: 'mcr.microsoft.com/x:1' }),
      sha256(JSON.stringify({ image: 'mcr.microsoft.com/x:1', conda: null })).slice(0, 16),
    );
    const build = (hash: string, dockerfilePath = 'Dockerfile') =>
      environmentVersion({ build: { contextUri: `https://a.blob.core.windows.net/c/LocalUpload/${hash}/docker/`, dockerfilePath } });
    assert.match(build('aa'), /^[0-9a-f]{16}$/);
    assert.equal(build('aa'), build('aa'));
    assert.notEqual(build('aa'), build('bb'), 'other content, another version');
    assert.notEqual(build('aa'), build('aa', 'gpu/Dockerfile'), 'another Dockerfile, another version');
  });
});
