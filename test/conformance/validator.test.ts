import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { formatProblem, getConformanceValidator, SPEC_FOLDER, SPEC_ROOT, type TrafficPair } from './validator';

// The checker itself is tested: a pair built from the spec's own example passes, broken ones fail
// naming the operation, the URL and the field.
const EXAMPLE = path.join(SPEC_ROOT, SPEC_FOLDER, 'examples', 'Job', 'CommandJob', 'get.json');
const WS =
  '/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/test-rg/providers/Microsoft.MachineLearningServices/workspaces/my-aml-workspace';
// the emulator's host: only the path matters for operation lookup
const HOST = 'https://127.0.0.1:8443';

function jobGetPair(): TrafficPair {
  if (!fs.existsSync(EXAMPLE)) throw new Error(`reference data missing: ${EXAMPLE}`);
  const example = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8'));
  return {
    liveRequest: { method: 'GET', url: `${HOST}${WS}/jobs/string?api-version=2022-10-01`, headers: { accept: 'application/json' } },
    liveResponse: { statusCode: 200, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: example.responses['200'].body },
  };
}

describe('conformance/validator: oav LiveValidator against the 2022-10-01 spec', function () {
  this.timeout(60_000);

  it('initialises from ../shared/reference and reports how long it took', async () => {
    const v = await getConformanceValidator();
    assert.ok(v.initMs >= 0);
    console.log(`      LiveValidator.initialize(): ${v.initMs} ms`);
  });

  it('accepts a valid GET workspace job 200 built from the spec example', async () => {
    const v = await getConformanceValidator();
    const problems = await v.validate(jobGetPair());
    assert.deepStrictEqual(problems.map(formatProblem), []);
  });

  it('accepts a JSON body given as a string', async () => {
    const v = await getConformanceValidator();
    const pair = jobGetPair();
    pair.liveResponse.body = JSON.stringify(pair.liveResponse.body);
    assert.deepStrictEqual((await v.validate(pair)).map(formatProblem), []);
  });

  it('fails a response with a wrong type on a required field, naming operation, URL and field', async () => {
    const v = await getConformanceValidator();
    const pair = jobGetPair();
    (pair.liveResponse.body as { properties: Record<string, unknown> }).properties['command'] = 42; // required string
    const problems = await v.validate(pair);
    assert.ok(problems.length > 0, 'expected a failure');
    const text = problems.map(formatProblem).join('\n');
    assert.match(text, /Jobs_Get/);
    assert.ok(text.includes(pair.liveRequest.url), text);
    assert.match(text, /response \$\.properties\.command \[INVALID_TYPE\] Expected type string but found type integer/);
  });

  it('fails a response missing a required field', async () => {
    const v = await getConformanceValidator();
    const pair = jobGetPair();
    delete (pair.liveResponse.body as { properties: Record<string, unknown> }).properties['environmentId'];
    const text = (await v.validate(pair)).map(formatProblem).join('\n');
    assert.match(text, /Jobs_Get .*OBJECT_MISSING_REQUIRED_PROPERTY.*environmentId/);
  });

  it('fails a request body that breaks the spec (PUT model version with a wrong type)', async () => {
    const v = await getConformanceValidator();
    const url = `${HOST}${WS}/models/m1/versions/1?api-version=2022-10-01`;
    const good = {
      properties: { modelType: 'mlflow_model', modelUri: 'azureml://jobs/j1/outputs/model/paths/model', tags: { build: '42' } },
    };
    const response = {
      statusCode: 201,
      headers: { 'content-type': 'application/json' },
      body: { id: `${WS}/models/m1/versions/1`, name: '1', type: 'Microsoft.MachineLearningServices/workspaces/models/versions', ...good },
    };
    const ok = await v.validate({
      liveRequest: { method: 'PUT', url, headers: { 'content-type': 'application/json' }, body: good },
      liveResponse: response,
    });
    assert.deepStrictEqual(ok.map(formatProblem), []);
    const bad = { properties: { ...good.properties, tags: 'not-a-map' } };
    const text = (
      await v.validate({
        liveRequest: { method: 'PUT', url, headers: { 'content-type': 'application/json' }, body: bad },
        liveResponse: response,
      })
    )
      .map(formatProblem)
      .join('\n');
    assert.match(text, /ModelVersions_CreateOrUpdate PUT .*models\/m1\/versions\/1.*request .*tags.*INVALID_TYPE/);
  });

  it('fails a route that is not in the spec, naming it', async () => {
    const v = await getConformanceValidator();
    const url = `${HOST}/history/v1.0${WS}/experimentids/x/runs/j1/children`;
    const text = (
      await v.validate({
        liveRequest: { method: 'GET', url, headers: {} },
        liveResponse: { statusCode: 200, headers: {}, body: { value: [] } },
      })
    )
      .map(formatProblem)
      .join('\n');
    assert.ok(text.includes(url), text);
    assert.match(text, /route not in the 2022-10-01 spec/);
  });
});
