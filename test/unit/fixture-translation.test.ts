import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkJobBody, pipelineNodeError } from '../../emulator/arm/job-body';
import type { DataInput, PipelineDefinition } from '../../shared/azureml-pipeline/definition';
import { readPipeline, SourceFiles } from '../../shared/azureml-pipeline/read-pipeline';
import { anonymousComponentSpec, anonymousVersion, pipelineJobBody, Resolved } from '../../shared/azureml-pipeline/rest-body';
import { parseYamlText } from '../../shared/azureml-pipeline/yaml-file';
import { requireComputes } from '../../shared/publish/publish-pipeline';

/**
 * Every pipeline YAML of ../shared/reference/azure-ai-ml-fixtures (azure-sdk-for-python's test
 * configs and azureml-examples' cli/ folder) is either translated into a job body that passes the
 * emulator's checks (the SDK's 2022-10-01 mappers plus the node shapes) and the shape azure-ai-ml
 * sends, or refused with the one-line reason listed here. A fixture that changes outcome fails.
 *
 * The fixtures are only the YAML files: code and data folders they name are not there, so a path
 * the fixture folder does not hold is taken to exist (a folder, or a file when it has an extension);
 * a component file that is not there cannot be read, which is a refusal reason of its own.
 */
const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'shared', 'reference', 'azure-ai-ml-fixtures');
const ROOT = '/fixtures';

/** The fixture's place in its own repository: azureml-examples files are `cli/` paths with '/' written as '__'. */
function originalPath(folder: string, name: string): string {
  return folder === 'azureml-examples' ? path.join(ROOT, 'cli', ...name.split('__')) : path.join(ROOT, 'sdk', name);
}

class MissingComponent extends Error {}

function virtualRepo(files: Map<string, string>): SourceFiles {
  const dirs = new Set<string>();
  for (const f of files.keys()) for (let d = path.dirname(f); d !== '/'; d = path.dirname(d)) dirs.add(d);
  return {
    kind: (a) => (files.has(a) ? 'file' : dirs.has(a) ? 'dir' : path.extname(a) ? 'file' : 'dir'),
    readText: (a) => {
      const text = files.get(a);
      if (text === undefined) throw new MissingComponent(`component file ${path.relative(ROOT, a)} is not in the reference folder`);
      return text;
    },
    display: (a) => path.relative(ROOT, a),
  };
}

const WS =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws';

/** What publishPipeline would have resolved in a workspace holding everything the YAML names. */
function resolveAll(def: PipelineDefinition): Resolved {
  const componentIds: Record<string, string> = {};
  for (const step of Object.values(def.steps)) {
    const c = step.component;
    if (c.kind === 'registered') componentIds[step.name] = `${WS}/components/${c.name}/versions/${c.version ?? '1'}`;
    else {
      const spec = anonymousComponentSpec(c, {
        codeId: c.code ? `${WS}/codes/c/versions/1` : undefined,
        environment: `azureml:${WS}/environments/e/versions/1`,
      });
      componentIds[step.name] = `${WS}/components/azureml_anonymous/versions/${anonymousVersion(spec)}`;
    }
  }
  const dataUris: Record<string, string> = {};
  const uriOf = (input: DataInput) => {
    const s = input.source;
    if (s.kind === 'uri') return s.uri;
    if (s.kind === 'asset') return `${WS}/${input.type.endsWith('_model') ? 'models' : 'data'}/${s.name}/versions/${s.version ?? '1'}`;
    return `azureml://datastores/workspaceblobstore/paths/LocalUpload/00000000000000000000000000000000/${path.basename(s.absolute)}${input.type === 'uri_folder' ? '/' : ''}`;
  };
  for (const [k, v] of Object.entries(def.inputs)) if (v.kind === 'data') dataUris[`inputs.${k}`] = uriOf(v);
  for (const step of Object.values(def.steps))
    for (const [k, v] of Object.entries(step.inputs)) if (v.kind === 'data') dataUris[`jobs.${step.name}.inputs.${k}`] = uriOf(v);
  return { workspaceId: WS, computeId: (n) => `${WS}/computes/${n}`, componentIds, dataUris };
}

type Outcome = { translated: true; body: Record<string, unknown>; def: PipelineDefinition } | { translated: false; reason: string };

function translate(absolute: string, files: SourceFiles): Outcome {
  try {
    const def = readPipeline(absolute, files);
    const defaultCompute = requireComputes(def);
    const body = pipelineJobBody(def, resolveAll(def), { displayName: 'd', experimentName: 'e', tags: {}, defaultCompute });
    return { translated: true, body, def };
  } catch (error) {
    if (error instanceof MissingComponent || (error as Error).name === 'UserError')
      return { translated: false, reason: (error as Error).message };
    throw error;
  }
}

/** Expected outcome per pipeline fixture: 'translated', or the refusal's one line. */
const EXPECTED: Record<string, string> = {
  'azure-ai-ml/helloworld_pipeline_job_defaults_with_command_job_e2e.yml': 'translated',
  'azure-ai-ml/helloworld_pipeline_job_defaults_with_command_job_e2e_short_uri.yml': 'translated',
  'azure-ai-ml/helloworld_pipeline_job_inline_comps.yml': 'translated',
  'azure-ai-ml/helloworld_pipeline_job_with_command_job_with_inputs_outputs.yml': 'translated',
  'azureml-examples/jobs__pipelines-with-components__basics__1a_e2e_local_components__pipeline.yml':
    'component file cli/jobs/pipelines-with-components/basics/1a_e2e_local_components/score.yml is not in the reference folder',
  'azureml-examples/jobs__pipelines-with-components__basics__1b_e2e_registered_components__pipeline.yml': 'translated',
  'azureml-examples/jobs__pipelines-with-components__basics__2b_component_with_input_output__pipeline.yml':
    'component file cli/jobs/pipelines-with-components/basics/2b_component_with_input_output/component.yml is not in the reference folder',
  'azureml-examples/jobs__pipelines-with-components__basics__3b_pipeline_with_data__pipeline.yml':
    'component file cli/jobs/pipelines-with-components/basics/3b_pipeline_with_data/componentA.yml is not in the reference folder',
  'azureml-examples/jobs__pipelines-with-components__basics__4a_local_data_input__pipeline.yml':
    'component file cli/jobs/pipelines-with-components/basics/4a_local_data_input/component.yml is not in the reference folder',
  'azureml-examples/jobs__pipelines-with-components__basics__5b_env_registered__pipeline.yml':
    'component file cli/jobs/pipelines-with-components/basics/5b_env_registered/component.yml is not in the reference folder',
  'azureml-examples/jobs__pipelines-with-components__basics__5c_env_conda_file__pipeline.yml': 'translated',
  'azureml-examples/jobs__pipelines-with-components__nyc_taxi_data_regression__single-job-pipeline.yml':
    'component file cli/jobs/pipelines-with-components/nyc_taxi_data_regression/train.yml is not in the reference folder',
  'azureml-examples/jobs__pipelines__cifar-10__pipeline.yml': 'translated',
  'azureml-examples/jobs__pipelines__nyc-taxi__pipeline.yml': 'translated',
};

/** A node as azure-ai-ml writes it: snake_case io, REST modes, `_source`, `componentId`. */
function nodeShapeProblems(name: string, node: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (node.name !== name) problems.push(`name ${String(node.name)}`);
  if (node.type !== 'command') problems.push(`type ${String(node.type)}`);
  if (!['YAML.JOB', 'YAML.COMPONENT', 'REMOTE.WORKSPACE.COMPONENT'].includes(String(node._source)))
    problems.push(`_source ${String(node._source)}`);
  if (typeof node.componentId !== 'string' || !node.componentId.startsWith(`${WS}/components/`)) problems.push('componentId');
  for (const [k, v] of Object.entries((node.inputs ?? {}) as Record<string, Record<string, unknown>>)) {
    if (typeof v.job_input_type !== 'string') problems.push(`inputs.${k} has no job_input_type`);
    if (v.job_input_type === 'literal' && typeof v.value !== 'string') problems.push(`inputs.${k} literal value is not text`);
    if (v.job_input_type !== 'literal' && typeof v.uri !== 'string') problems.push(`inputs.${k} data input has no uri`);
    if (
      v.mode !== undefined &&
      !['ReadOnlyMount', 'ReadWriteMount', 'Download', 'Direct', 'EvalMount', 'EvalDownload'].includes(String(v.mode))
    )
      problems.push(`inputs.${k} mode ${String(v.mode)}`);
  }
  for (const [k, v] of Object.entries((node.outputs ?? {}) as Record<string, Record<string, unknown>>)) {
    const bound = v.type === 'literal' && typeof v.value === 'string';
    if (!bound && typeof v.job_output_type !== 'string') problems.push(`outputs.${k} is neither a binding nor typed`);
    if (v.mode !== undefined && !['ReadWriteMount', 'Upload', 'Direct'].includes(String(v.mode)))
      problems.push(`outputs.${k} mode ${String(v.mode)}`);
  }
  return problems;
}

describe('publish: translation of every pipeline YAML in the reference fixtures', () => {
  if (!fs.existsSync(FIXTURES)) {
    it('needs the reference folder', () =>
      assert.fail(
        `reference folder absent: ${FIXTURES} (the fixtures of ../shared/reference beside the checkout); nothing could be translated`,
      ));
    return;
  }
  const files = new Map<string, string>();
  const names: Array<{ key: string; absolute: string }> = [];
  for (const folder of fs.readdirSync(FIXTURES).sort()) {
    for (const name of fs.readdirSync(path.join(FIXTURES, folder)).sort()) {
      if (!/\.ya?ml$/.test(name)) continue;
      const absolute = originalPath(folder, name);
      files.set(absolute, fs.readFileSync(path.join(FIXTURES, folder, name), 'utf8'));
      names.push({ key: `${folder}/${name}`, absolute });
    }
  }
  const repo = virtualRepo(files);
  const pipelines = names.filter(({ absolute }) => {
    const doc = parseYamlText(files.get(absolute)!, absolute) as Record<string, unknown>;
    return doc?.type === 'pipeline' || (!!doc?.jobs && typeof doc.jobs === 'object');
  });

  it('lists every pipeline fixture with its expected outcome, and only those', () => {
    assert.deepEqual(pipelines.map((p) => p.key).sort(), Object.keys(EXPECTED).sort());
  });

  const translated = (key: string) => {
    const found = pipelines.find((p) => p.key === key);
    if (!found) return assert.fail(`fixture ${key} missing`);
    const outcome = translate(found.absolute, repo);
    if (!outcome.translated) return assert.fail(outcome.reason);
    return outcome;
  };

  it("cifar-10: the inline steps' pytorch distribution and resources reach node (REST form) and component (YAML form)", () => {
    const { body, def } = translated('azureml-examples/jobs__pipelines__cifar-10__pipeline.yml');
    const jobs = (body.properties as Record<string, Record<string, Record<string, unknown>>>).jobs;
    for (const step of ['train_model', 'eval_model']) {
      assert.deepEqual(jobs[step].distribution, { distribution_type: 'PyTorch', process_count_per_instance: 1 });
      assert.deepEqual(jobs[step].resources, { instance_count: 2 });
      const c = def.steps[step].component;
      assert.ok(c.kind === 'anonymous');
      const spec = anonymousComponentSpec(c, { environment: 'azureml:e:1' });
      assert.deepEqual(spec.distribution, { type: 'pytorch', process_count_per_instance: 1 });
      assert.deepEqual(spec.resources, { instance_count: 2 });
    }
  });

  it('nyc-taxi: an output written with no settings is part of the inline interface (a later step binds to it) but not set on the node', () => {
    const { body, def } = translated('azureml-examples/jobs__pipelines__nyc-taxi__pipeline.yml');
    const c = def.steps.train_job.component;
    assert.ok(c.kind === 'anonymous');
    assert.deepEqual(c.outputs, { model_output: { type: 'uri_folder' }, test_data: { type: 'uri_folder', mode: 'upload' } });
    const node = (body.properties as Record<string, Record<string, Record<string, unknown>>>).jobs.train_job;
    assert.deepEqual(node.outputs, { test_data: { job_output_type: 'uri_folder', mode: 'Upload' } });
  });

  for (const { key, absolute } of pipelines) {
    const expected = EXPECTED[key] ?? '(not listed)';
    const title =
      expected === 'translated'
        ? 'translates'
        : expected.startsWith('component file ')
          ? 'cannot translate here (a component file it names is not in the reference)'
          : 'refuses';
    it(`${title}: ${key}`, () => {
      const outcome = translate(absolute, repo);
      if (!outcome.translated) {
        assert.equal(outcome.reason, expected, `refused: ${outcome.reason}`);
        assert.ok(!outcome.reason.includes('\n'), 'a refusal is one line');
        return;
      }
      assert.equal('translated', expected);
      const check = checkJobBody(outcome.body);
      assert.ok(check.ok, check.ok ? '' : check.message);
      const properties = outcome.body.properties as Record<string, unknown>;
      assert.equal(pipelineNodeError(properties.jobs), undefined);
      const jobs = properties.jobs as Record<string, Record<string, unknown>>;
      assert.deepEqual(Object.keys(jobs), Object.keys(outcome.def.steps));
      for (const [name, node] of Object.entries(jobs)) assert.deepEqual(nodeShapeProblems(name, node), [], `node ${name}`);
      assert.equal((properties.settings as Record<string, unknown>)._source, 'YAML.JOB');
      for (const [k, v] of Object.entries(properties.inputs as Record<string, Record<string, unknown>>)) {
        assert.ok(
          v.jobInputType === 'literal' ? typeof v.value === 'string' : typeof v.uri === 'string',
          `input ${k}: ${JSON.stringify(v)}`,
        );
      }
      // Anonymous components: interface defaults as text and distribution in YAML form, as azure-ai-ml's spec dump has them.
      for (const step of Object.values(outcome.def.steps)) {
        if (step.component.kind !== 'anonymous') continue;
        const spec = anonymousComponentSpec(step.component, { environment: 'azureml:e:1' }) as Record<
          string,
          Record<string, Record<string, unknown>> | undefined
        >;
        for (const [k, v] of Object.entries(spec.inputs ?? {}))
          if (v.default !== undefined) assert.equal(typeof v.default, 'string', `${step.name} input ${k} default`);
        const d = spec.distribution as unknown as { type?: string } | undefined;
        if (d) assert.match(String(d.type), /^(mpi|pytorch|tensorflow)$/);
      }
    });
  }
});
