import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseIgnoreFile } from '../../shared/azureml-pipeline/ignore-file';
import { FolderSnapshot, snapshotFolder, uploadOrder } from '../../shared/azureml-pipeline/folder-hash';
import { PyFloat } from '../../shared/azureml-pipeline/yaml-file';
import { readPipeline } from '../../shared/azureml-pipeline/read-pipeline';
import {
  anonymousComponentSpec,
  anonymousVersion,
  literalText,
  nodeBody,
  pipelineJobBody,
  Resolved,
  restMode,
} from '../../shared/azureml-pipeline/rest-body';
import { applyInputOverrides, parseKeyValueLines, parseTags } from '../../shared/azureml-pipeline/overrides';
import { defaultComponentName, parsePublishInputs, experimentNameFrom } from '../../shared/publish/publish-inputs';
import { blobServiceUrl, DefaultDatastore, uploadSnapshot } from '../../shared/azureml/datastore-upload';
import { memoryFiles } from '../support/memory-files';
import { referenceText as reference } from '../support/reference-file';

/** In-memory files: the YAML reader is a pure function of these. */

const resolvedIds: Resolved = {
  workspaceId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws',
  computeId: (n) => `/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/computes/${n}`,
  componentIds: {},
  dataUris: {},
};

describe('publish pipeline: ignore files (azure-ai-ml semantics)', () => {
  it('matches git wildmatch patterns, first matching pattern decides', () => {
    const m = parseIgnoreFile('# comment\n*.pyc\n/outputs\nlogs/\n!keep.pyc\ndata/**/*.csv\n', '.amlignore');
    assert.equal(m.isExcluded('a/b/x.pyc'), true);
    assert.equal(m.isExcluded('keep.pyc'), true, 'the first pattern (*.pyc) decides, as in azure-ai-ml');
    assert.equal(m.isExcluded('outputs/model.pkl'), true);
    assert.equal(m.isExcluded('src/outputs/model.pkl'), false, 'a leading slash anchors at the root');
    assert.equal(m.isExcluded('logs/run.txt'), true);
    assert.equal(m.isExcluded('logs'), false, "a folder pattern matches the files below, not the folder's own path");
    assert.equal(m.isExcluded('data/a/b/x.csv'), true);
    assert.equal(m.isExcluded('train.py'), false);
  });
});

describe('publish pipeline: code folder hashes', () => {
  it("computes azure-ai-ml's MD5 object hash and SHA-256 content hash, honouring .amlignore", () => {
    // Expected values computed with a line-by-line Python port of azure-ai-ml's _get_dir_hash and
    // get_content_hash (sdk/ml/azure-ai-ml/azure/ai/ml/_utils/_asset_utils.py) over this same tree.
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hash-'));
    const src = path.join(root, 'src');
    const files: Record<string, string> = {
      'train.py': 'print(1)\n',
      'lib/util.py': 'A=1\n',
      '.amlignore': '*.tmp\nBuild/\n',
      'junk.tmp': 'x',
      'Build/out.bin': 'y',
      'README.md': 'z\n',
    };
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(src, rel)), { recursive: true });
      fs.writeFileSync(path.join(src, rel), text);
    }
    const s = snapshotFolder(src);
    assert.equal(s.objectHash, '59a0b9773f99e6b8029065bd319e425c');
    assert.equal(s.contentHash, 'f61593821c56ba0a03e6647d3d5592d94c79a2f14f82be325033216f9f25db1c');
    assert.deepEqual(s.files.map((f) => f.relative).sort(), ['.amlignore', 'README.md', 'lib/util.py', 'train.py']);
    assert.equal(s.ignoreSource, '.amlignore');
    fs.writeFileSync(path.join(src, 'train.py'), 'print(2)\n');
    assert.notEqual(snapshotFolder(src).objectHash, s.objectHash, 'a changed file changes the blob prefix');
  });
});

describe('publish pipeline: YAML reading', () => {
  it('reads the azure-ai-ml fixture with inline command steps, inputs, outputs and bindings', () => {
    const yml = reference('azure-ai-ml-fixtures/azure-ai-ml/helloworld_pipeline_job_with_command_job_with_inputs_outputs.yml');
    const def = readPipeline('/repo/p.yml', memoryFiles({ 'p.yml': yml }, ['.']));
    assert.deepEqual(Object.keys(def.steps), [
      'hello_world_inline_commandjob_1',
      'hello_world_inline_commandjob_2',
      'hello_world_inline_commandjob_3',
    ]);
    assert.equal(def.compute, 'cpu-cluster');
    assert.deepEqual(def.inputs.job_literal_input, { kind: 'literal', value: 5 });
    const s2 = def.steps.hello_world_inline_commandjob_2;
    assert.deepEqual(s2.inputs.test2, { kind: 'binding', expression: '${{parent.jobs.hello_world_inline_commandjob_1.outputs.test1}}' });
    assert.equal(s2.component.kind, 'anonymous');
  });

  it('reads local and registered component steps of the azureml-examples pipelines', () => {
    const local = reference(
      'azure-ai-ml-fixtures/azureml-examples/jobs__pipelines-with-components__basics__1a_e2e_local_components__pipeline.yml',
    );
    const train = reference(
      'azure-ai-ml-fixtures/azureml-examples/jobs__pipelines-with-components__basics__1a_e2e_local_components__train.yml',
    );
    const component = (name: string) => train.replace('name: train', `name: ${name}`);
    const def = readPipeline(
      '/repo/p.yml',
      memoryFiles({
        'p.yml': local,
        'train.yml': train,
        'score.yml': component('score')
          .replace(/training_data/g, 'model_input')
          .replace(/max_epocs/g, 'test_data')
          .replace(/model_output/g, 'score_output'),
        'eval.yml': component('eval')
          .replace(/training_data/g, 'scoring_result')
          .replace(/model_output/g, 'eval_output'),
        'data/x.csv': '1',
        'train_src/t.py': '',
      }),
    );
    assert.equal(def.steps.train_job.component.kind, 'anonymous');
    assert.equal(def.steps.train_job.component.kind === 'anonymous' && def.steps.train_job.component.source, 'YAML.COMPONENT');
    const registered = reference(
      'azure-ai-ml-fixtures/azureml-examples/jobs__pipelines-with-components__basics__1b_e2e_registered_components__pipeline.yml',
    );
    const reg = readPipeline('/repo/p.yml', memoryFiles({ 'p.yml': registered, 'data/x.csv': '1' }));
    assert.deepEqual(reg.steps.train_job.component, {
      kind: 'registered',
      name: 'my_train',
      label: 'latest',
      text: 'azureml:my_train@latest',
    });
    assert.equal(reg.settings.defaultCompute, 'cpu-cluster');
  });

  it("types an inline command's bound inputs and outputs by what they point at, as azure-ai-ml does", () => {
    const yml = `type: pipeline
inputs:
  epochs: 10
  rate: 0.5
  name: run
  training_data:
    type: mltable
    path: azureml://datastores/workspaceblobstore/paths/t/
    mode: download
outputs:
  model:
    type: mlflow_model
    mode: upload
  report: {}
jobs:
  score:
    command: echo
    environment: azureml:e:1
    inputs:
      model: \${{parent.jobs.train.outputs.model}}
      stats: \${{parent.jobs.train.outputs.stats}}
      flag: true
    outputs:
      report: \${{parent.outputs.report}}
  train:
    command: echo
    environment: azureml:e:1
    inputs:
      epochs: \${{parent.inputs.epochs}}
      rate: \${{parent.inputs.rate}}
      name: \${{parent.inputs.name}}
      data: \${{parent.inputs.training_data}}
      text: prefix-\${{parent.inputs.name}}
      batch: 32
    outputs:
      model: \${{parent.outputs.model}}
      stats:
        type: uri_file
`;
    const def = readPipeline('/repo/p.yml', memoryFiles({ 'p.yml': yml }));
    const spec = (step: string) => {
      const c = def.steps[step].component;
      assert.equal(c.kind, 'anonymous');
      return anonymousComponentSpec(c as Extract<typeof c, { kind: 'anonymous' }>, { environment: 'azureml:e:1' });
    };
    assert.deepEqual(spec('train').inputs, {
      epochs: { type: 'integer' },
      rate: { type: 'number' },
      name: { type: 'string' },
      data: { type: 'mltable', mode: 'download' },
      text: { type: 'string' },
      // Defaults go as Python's str() of the value, as azure-ai-ml sends them.
      batch: { type: 'integer', default: '32' },
    });
    assert.deepEqual(spec('train').outputs, { model: { type: 'mlflow_model', mode: 'upload' }, stats: { type: 'uri_file' } });
    // A step written before its source still sees the source's declared output types; the mode is the consumer's own.
    assert.deepEqual(spec('score').inputs, {
      model: { type: 'mlflow_model' },
      stats: { type: 'uri_file' },
      flag: { type: 'boolean', default: 'True' },
    });
    assert.deepEqual(spec('score').outputs, { report: { type: 'uri_folder' } });
  });

  it('reads a binding written as path: or value: in the mapping form, keeping its type and mode', () => {
    const yml = `type: pipeline
inputs:
  d:
    type: uri_folder
    path: azureml://datastores/x/paths/d/
jobs:
  a:
    command: echo
    environment: azureml:e:1
    outputs:
      o:
        type: uri_file
  b:
    command: echo
    environment: azureml:e:1
    inputs:
      x:
        path: \${{parent.inputs.d}}
      y:
        type: uri_folder
        path: \${{parent.jobs.a.outputs.o}}
        mode: download
      z:
        value: \${{parent.inputs.d}}
`;
    const def = readPipeline('/repo/p.yml', memoryFiles({ 'p.yml': yml }));
    const b = def.steps.b;
    assert.deepEqual(b.inputs.x, { kind: 'binding', expression: '${{parent.inputs.d}}', type: undefined, mode: undefined });
    assert.deepEqual(b.inputs.y, { kind: 'binding', expression: '${{parent.jobs.a.outputs.o}}', type: 'uri_folder', mode: 'download' });
    const node = nodeBody(b, { ...resolvedIds, componentIds: { b: 'cb' } });
    assert.deepEqual(node.inputs, {
      x: { job_input_type: 'literal', value: '${{parent.inputs.d}}' },
      y: { job_input_type: 'literal', value: '${{parent.jobs.a.outputs.o}}', mode: 'Download' },
      z: { job_input_type: 'literal', value: '${{parent.inputs.d}}' },
    });
    const c = b.component as Extract<typeof b.component, { kind: 'anonymous' }>;
    assert.deepEqual(c.inputs, { x: { type: 'uri_folder' }, y: { type: 'uri_folder', mode: 'download' }, z: { type: 'uri_folder' } });
    // A misspelt reference in the mapping form is still caught before anything is sent.
    assert.throws(
      () => readPipeline('/repo/p.yml', memoryFiles({ 'p.yml': yml.replace('path: ${{parent.inputs.d}}', 'path: ${{parent.inputs.dd}}') })),
      {
        message: "Step 'b' input 'x' in p.yml binds to ${{parent.inputs.dd}}, but the pipeline declares no input 'dd'; declared inputs: d.",
      },
    );
  });

  it('refuses additional_includes in one line instead of running the step without the files', () => {
    const component = 'type: command\ncommand: echo\nenvironment: azureml:e:1\nadditional_includes:\n  - ../shared/utils.py\n';
    const yml = 'type: pipeline\njobs:\n  a:\n    component: ./c.yml\n';
    assert.throws(() => readPipeline('/repo/p.yml', memoryFiles({ 'p.yml': yml, 'c.yml': component })), {
      message:
        "Component c.yml (step 'a') uses 'additional_includes', which AzureMLPublishPipeline@1 does not support yet; copy the files into the 'code' folder instead.",
    });
  });

  it('names an unsupported step type and lists the supported ones', () => {
    const yml = 'type: pipeline\njobs:\n  p:\n    type: pipeline\n    component: ./x.yml\n';
    assert.throws(() => readPipeline('/repo/p.yml', memoryFiles({ 'p.yml': yml })), {
      message:
        "Step 'p' in p.yml is a 'pipeline' step, which AzureMLPublishPipeline@1 does not support yet; supported step types: command, sweep, parallel.",
    });
  });
});

describe('publish pipeline: REST bodies', () => {
  const resolved: Resolved = {
    workspaceId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws',
    computeId: (n) => `/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/computes/${n}`,
    componentIds: { hello_world_inline_commandjob_1: 'c1', hello_world_inline_commandjob_2: 'c2' },
    dataUris: {},
  };

  it('builds the node shape of the recorded az ml request (inline command steps, parent output binding)', () => {
    // The YAML of the recording excerpt pipeline_job_create_inline_command (its _note describes it).
    const yml = `type: pipeline
description: The hello world pipeline job with inline command job having inputs
compute: azureml:cpu-cluster
outputs:
  job_out_path_1:
    mode: mount
jobs:
  hello_world_inline_commandjob_1:
    type: command
    command: echo "Hello World" > \${{outputs.component_out_path_1}}/helloworld.txt
    environment: azureml:AzureML-sklearn-0.24-ubuntu18.04-py37-cpu:1
    compute: azureml:cpu-cluster
    outputs:
      component_out_path_1: \${{parent.outputs.job_out_path_1}}
  hello_world_inline_commandjob_2:
    type: command
    command: echo Hello World
    environment: azureml:AzureML-sklearn-0.24-ubuntu18.04-py37-cpu:1
    compute: azureml:cpu-cluster
`;
    const def = readPipeline('/repo/p.yml', memoryFiles({ 'p.yml': yml }));
    const body = pipelineJobBody(def, resolved, {
      displayName: 'd',
      experimentName: 'azure-ai-ml',
      tags: {},
      description: def.description,
    });
    const excerpt = JSON.parse(reference('azureml-recordings/azure-ai-ml-excerpts/pipeline_job_create_inline_command.excerpt.json'));
    const recorded = excerpt.Entries.find(
      (e: { RequestMethod: string; RequestUri: string }) => e.RequestMethod === 'PUT' && /\/jobs\//.test(e.RequestUri),
    ).RequestBody.properties;
    const ours = body.properties as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- comparing untyped REST bodies
    const strip = (node: Record<string, unknown>) => ({ ...node, componentId: undefined, computeId: undefined });
    for (const name of Object.keys(recorded.jobs)) assert.deepEqual(strip(ours.jobs[name]), strip(recorded.jobs[name]), name);
    assert.deepEqual(ours.outputs, recorded.outputs);
    assert.deepEqual(ours.settings, recorded.settings);
    assert.equal(ours.jobType, recorded.jobType);
    assert.equal(ours.computeId.replace(/.*\/computes\//, ''), 'cpu-cluster');
  });

  it('writes literals and modes as azure-ai-ml does', () => {
    assert.equal(literalText(true), 'True');
    assert.equal(literalText(10.01), '10.01');
    assert.equal(restMode('ro_mount', 'input'), 'ReadOnlyMount');
    assert.equal(restMode('mount', 'output'), 'ReadWriteMount');
    assert.equal(restMode('upload', 'output'), 'Upload');
  });

  it('names anonymous versions by content only', () => {
    const a = anonymousVersion({ name: 'x', version: '1', command: 'echo', type: 'command' });
    assert.equal(a, anonymousVersion({ type: 'command', command: 'echo', name: 'y', version: '7' }));
    assert.notEqual(a, anonymousVersion({ type: 'command', command: 'echo 2' }));
    assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});

describe('publish pipeline: inputs, overrides and tags', () => {
  const def = readPipeline(
    '/repo/p.yml',
    memoryFiles({
      'p.yml':
        'type: pipeline\ninputs:\n  n: 3\n  lr: 0.1\n  flag: true\n  s: hi\njobs:\n  a:\n    command: echo\n    environment: azureml:e:1\n',
    }),
  );

  it('types overrides like the YAML', () => {
    const out = applyInputOverrides(def, parseKeyValueLines('inputOverrides', 'n=5\nlr=1e-3\nflag=FALSE\ns=a=b'), () =>
      assert.fail('no data inputs'),
    );
    assert.deepEqual(out.inputs, {
      n: { kind: 'literal', value: 5 },
      lr: { kind: 'literal', value: new PyFloat(0.001) },
      flag: { kind: 'literal', value: false },
      s: { kind: 'literal', value: 'a=b' },
    });
    assert.throws(() => applyInputOverrides(def, parseKeyValueLines('inputOverrides', 'flag=yes'), () => assert.fail()), {
      message: "'inputOverrides' line 1 sets 'flag' to 'yes', but it is a boolean (true/false) input in p.yml.",
    });
    assert.throws(() => parseKeyValueLines('inputOverrides', 'n'), {
      message: "'inputOverrides' line 1 is 'n'; write one name=value per line.",
    });
  });

  it('parses tags and task inputs, naming the input in errors', () => {
    assert.deepEqual(parseTags('a=1\n\n# c\nb = x y'), { a: '1', b: 'x y' });
    const get = (v: Record<string, string>) => (n: string) => v[n];
    const base = { connectedServiceNameARM: 'c', resourceGroupName: 'rg', workspaceName: 'ws', pipelineFile: 'p.yml' };
    assert.equal(parsePublishInputs(get(base)).mode, 'submit');
    assert.throws(() => parsePublishInputs(get({ ...base, mode: 'deploy' })), {
      message: "'mode' must be one of 'submit', 'publish', 'both', got 'deploy'",
    });
    assert.equal(experimentNameFrom('My Repo.v2'), 'My-Repo-v2');
  });

  it("checks componentName with azure-ai-ml's rule up front and derives a valid default", () => {
    const get = (v: Record<string, string>) => (n: string) => v[n];
    const base = { connectedServiceNameARM: 'c', resourceGroupName: 'rg', workspaceName: 'ws', pipelineFile: 'p.yml' };
    assert.equal(parsePublishInputs(get({ ...base, componentName: 'churn_training_2' })).componentName, 'churn_training_2');
    for (const bad of ['churn-training', 'churn.training', 'Churn_training', '2churn']) {
      assert.throws(() => parsePublishInputs(get({ ...base, componentName: bad })), {
        message: `'componentName' must contain only lower-case letters, digits and '_' and start with a lower-case letter or '_' (at most 255 characters), got '${bad}'`,
      });
    }
    assert.equal(defaultComponentName('Churn-Model.v2'), 'churn_model_v2');
    assert.equal(defaultComponentName('2024 nightly'), '_2024_nightly');
    assert.equal(defaultComponentName('---'), 'pipeline');
  });

  it('addresses IP datastore endpoints path-style, Azure ones by host', () => {
    assert.equal(blobServiceUrl('acct', 'core.windows.net', 'https'), 'https://acct.blob.core.windows.net');
    assert.equal(blobServiceUrl('devstoreaccount1', '127.0.0.1:10000', 'http'), 'http://127.0.0.1:10000/devstoreaccount1');
  });
});

describe('publish pipeline: uploads', () => {
  it("orders files like azure-ai-ml on Windows too: by the '/'-converted path, so the same indicator blob is probed", () => {
    const files = [{ absolute: 'C:\\repo\\src\\a0.py' }, { absolute: 'C:\\repo\\src\\a\\x.py' }, { absolute: 'C:\\repo\\src\\B.py' }];
    assert.deepEqual(
      uploadOrder(files, '\\').map((f) => f.absolute),
      ['C:\\repo\\src\\B.py', 'C:\\repo\\src\\a\\x.py', 'C:\\repo\\src\\a0.py'],
    );
    assert.deepEqual(
      uploadOrder([{ absolute: '/r/a0.py' }, { absolute: '/r/a/x.py' }]).map((f) => f.absolute),
      ['/r/a/x.py', '/r/a0.py'],
    );
  });

  it('stops the other upload workers and aborts their requests at the first failure', async () => {
    const started: Array<{ name: string; abortSignal: AbortSignal }> = [];
    const container = {
      getBlockBlobClient: (name: string) => ({
        getProperties: () => Promise.reject(Object.assign(new Error('not found'), { statusCode: 404 })),
        setMetadata: () => assert.fail('a failed upload must not be confirmed'),
        uploadFile: (_file: string, o: { abortSignal: AbortSignal }) => {
          started.push({ name, abortSignal: o.abortSignal });
          if (name.endsWith('/f0')) return Promise.reject(new Error('disk read error'));
          // Every other upload finishes only when aborted: without the stop, the second worker would hang here.
          return new Promise((_resolve, reject) =>
            o.abortSignal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }),
          );
        },
      }),
    };
    const store = { name: 'ds', container } as unknown as DefaultDatastore;
    const files = Array.from({ length: 10 }, (_, i) => ({ absolute: `/src/f${i}`, relative: `f${i}`, size: 1 }));
    const snapshot: FolderSnapshot = { root: '/src', files, totalBytes: 10, objectHash: 'h', contentHash: 'c' };
    await assert.rejects(uploadSnapshot(store, snapshot, { name: 'src', concurrency: 2, log: () => undefined }), {
      message: 'disk read error',
    });
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    assert.deepEqual(
      started.map((s) => s.name),
      ['LocalUpload/h/src/f0', 'LocalUpload/h/src/f1'],
      'no file is started after the failure',
    );
    assert.ok(
      started.every((s) => s.abortSignal.aborted),
      'the in-flight upload is aborted',
    );
  });
});
