import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { ExpandOptions, expandPipeline, PipelineDefinitionError } from '../../local-runner/expansion/expand-pipeline';
import type { DeploymentJob, Pipeline, RegularJob, ScriptStep, Step, TaskStep } from '../../local-runner/pipeline-model';
import { removeFixtures, writeFixture } from './fixtures';
import { compileTimeVariables } from '../../local-runner/evaluation/predefined';

/** Expands `azure-pipelines.yml` of a fixture made of `files`. */
function expand(files: Record<string, string>, options: Partial<ExpandOptions> = {}): Pipeline {
  const dir = writeFixture(files);
  return expandPipeline(path.join(dir, 'azure-pipelines.yml'), { selfRoot: dir, ...options });
}

const job = (p: Pipeline, stage = 0, index = 0): RegularJob => p.stages[stage].jobs[index] as RegularJob;
const scripts = (steps: Step[]): string[] => steps.map((s) => (s as ScriptStep).script);

describe('expandPipeline: normalisation to the model', () => {
  after(removeFixtures);

  it('puts a steps-only pipeline in the implicit __default stage and Job job, with the service defaults', () => {
    const p = expand({
      'azure-pipelines.yml':
        'name: $(Date:yyyyMMdd)$(Rev:.r)\nsteps:\n- script: echo hi\n- bash: echo there\n  name: second\n  condition: always()\n',
    });
    assert.equal(p.name, '$(Date:yyyyMMdd)$(Rev:.r)');
    assert.equal(p.stages.length, 1);
    assert.deepEqual(
      { name: p.stages[0].name, dependsOn: p.stages[0].dependsOn, condition: p.stages[0].condition },
      { name: '__default', dependsOn: [], condition: 'succeeded()' },
    );
    assert.equal(job(p).name, 'Job');
    assert.deepEqual(job(p).steps, [
      {
        kind: 'script',
        keyword: 'script',
        script: 'echo hi',
        displayName: 'CmdLine',
        condition: 'succeeded()',
        env: {},
        continueOnError: false,
        enabled: true,
      },
      {
        kind: 'script',
        keyword: 'bash',
        script: 'echo there',
        name: 'second',
        displayName: 'Bash',
        condition: 'always()',
        env: {},
        continueOnError: false,
        enabled: true,
      },
    ]);
  });

  it('defaults a stage to depend on the previous one; dependsOn: [] means none; a string is one dependency', () => {
    const p = expand({
      'azure-pipelines.yml': `
stages:
- stage: A
  jobs: [{ job: J, steps: [{ script: a }] }]
- stage: B
  jobs: [{ job: J, steps: [{ script: b }] }]
- stage: C
  dependsOn: []
  jobs: [{ job: J, steps: [{ script: c }] }]
- stage: D
  dependsOn: A
  condition: failed()
  jobs:
  - job: X
    steps: [{ script: x }]
  - job: Y
    dependsOn: [X]
    steps: [{ script: y }]
`,
    });
    assert.deepEqual(
      p.stages.map((s) => [s.name, s.dependsOn]),
      [
        ['A', []],
        ['B', ['A']],
        ['C', []],
        ['D', ['A']],
      ],
    );
    assert.equal(p.stages[3].condition, 'failed()');
    assert.deepEqual(
      p.stages[3].jobs.map((j) => [j.name, j.dependsOn]),
      [
        ['X', []],
        ['Y', ['X']],
      ],
    );
  });

  it('converts task inputs to strings and keeps $( ) macros and $[ ] expressions as text', () => {
    const p = expand({
      'azure-pipelines.yml': `
variables:
  isMain: $[eq(variables['Build.SourceBranch'], 'refs/heads/main')]
jobs:
- job: Build
  variables:
  - name: model
    value: mnist
    readonly: true
  steps:
  - task: AzureMLWaitForRun@1
    inputs:
      runId: $(runId)
      cancelOnTimeout: true
      pollSeconds: 30
    env:
      FLAG: false
    continueOnError: 'true'
    timeoutInMinutes: 10
`,
    });
    assert.deepEqual(p.variables, [{ name: 'isMain', value: "$[eq(variables['Build.SourceBranch'], 'refs/heads/main')]" }]);
    assert.deepEqual(job(p).variables, [{ name: 'model', value: 'mnist', readonly: true }]);
    const step = job(p).steps[0] as TaskStep & Step;
    assert.deepEqual(step.inputs, { runId: '$(runId)', cancelOnTimeout: 'true', pollSeconds: '30' });
    assert.deepEqual(step.env, { FLAG: 'false' });
    assert.equal(step.displayName, 'AzureMLWaitForRun');
    assert.equal(step.continueOnError, true);
    assert.equal(step.timeoutInMinutes, 10);
  });

  it('reads publish, download and checkout shortcuts', () => {
    const p = expand({
      'azure-pipelines.yml': `
resources:
  repositories:
  - repository: templates
    type: git
    name: mlops/templates
    ref: refs/heads/main
steps:
- checkout: self
  fetchDepth: 1
- checkout: templates
- publish: $(Build.ArtifactStagingDirectory)/model
- download: build
  artifact: model
  patterns: '**/*.json'
  path: $(Pipeline.Workspace)/m
`,
    });
    const steps = job(p).steps;
    assert.deepEqual(
      steps.map((s) => s.kind),
      ['checkout', 'checkout', 'publish', 'download'],
    );
    assert.equal((steps[1] as { repository: string }).repository, 'templates');
    assert.equal((steps[2] as { artifact: string }).artifact, 'drop');
    assert.deepEqual(
      {
        source: (steps[3] as { source: string }).source,
        artifact: (steps[3] as { artifact: string }).artifact,
        path: (steps[3] as { path: string }).path,
      },
      { source: 'build', artifact: 'model', path: '$(Pipeline.Workspace)/m' },
    );
    assert.deepEqual(p.resources.repositories, [{ alias: 'templates', type: 'git', name: 'mlops/templates', ref: 'refs/heads/main' }]);
  });

  it('reads a runOnce deployment job with all hooks and an environment mapping', () => {
    const p = expand({
      'azure-pipelines.yml': `
jobs:
- deployment: DeployModel
  environment:
    name: production
  strategy:
    runOnce:
      preDeploy: { steps: [{ script: pre }] }
      deploy: { steps: [{ script: deploy }] }
      routeTraffic: { steps: [{ script: route }] }
      postRouteTraffic: { steps: [{ script: post }] }
      on:
        failure: { steps: [{ script: rollback }] }
        success: { steps: [{ script: done }] }
`,
    });
    const d = p.stages[0].jobs[0] as DeploymentJob;
    assert.equal(d.kind, 'deployment');
    assert.equal(d.environment, 'production');
    assert.deepEqual(Object.keys(d.hooks), ['deploy', 'preDeploy', 'routeTraffic', 'postRouteTraffic', 'onFailure', 'onSuccess']);
    assert.deepEqual(scripts(d.hooks.onFailure!), ['rollback']);
    assert.deepEqual(scripts(d.hooks.deploy), ['deploy']);
  });

  it('reads pipeline resources as the service schema has them: trigger none/true/mapping, branch filters, resource-level branch/tags/version/project', () => {
    const p = expand({
      'azure-pipelines.yml': `
resources:
  pipelines:
  - pipeline: any
    source: ML-Build
    trigger: true
  - pipeline: tagged
    source: ML-Build
    project: MLPlatform
    branch: main
    version: '20260101.3'
    tags: [nightly]
    trigger:
      tags: [model-registered, approved]
  - pipeline: filtered
    source: ML-Build
    trigger:
      branches: { include: [main, releases/*], exclude: [releases/old*] }
  - pipeline: listed
    source: ML-Build
    trigger:
      enabled: false
      branches: [main]
  - pipeline: off
    source: ML-Build
    trigger: none
  - pipeline: untriggered
    source: ML-Build
schedules:
- cron: '0 3 * * *'
  branches: { include: [main] }
steps:
- download: tagged
`,
    });
    assert.deepEqual(p.resources.pipelines, [
      { alias: 'any', source: 'ML-Build', tags: [], triggerEnabled: true, triggerTags: [] },
      {
        alias: 'tagged',
        source: 'ML-Build',
        tags: ['nightly'],
        triggerEnabled: true,
        triggerTags: ['model-registered', 'approved'],
        project: 'MLPlatform',
        version: '20260101.3',
        branch: 'main',
      },
      {
        alias: 'filtered',
        source: 'ML-Build',
        tags: [],
        triggerEnabled: true,
        triggerTags: [],
        triggerBranches: { include: ['main', 'releases/*'], exclude: ['releases/old*'] },
      },
      {
        alias: 'listed',
        source: 'ML-Build',
        tags: [],
        triggerEnabled: false,
        triggerTags: [],
        triggerBranches: { include: ['main'], exclude: [] },
      },
      { alias: 'off', source: 'ML-Build', tags: [], triggerEnabled: false, triggerTags: [] },
      { alias: 'untriggered', source: 'ML-Build', tags: [], triggerEnabled: false, triggerTags: [] },
    ]);
    assert.deepEqual(p.schedules, [{ cron: '0 3 * * *', branches: { include: ['main'] } }]);
  });
});

describe('expandPipeline: parameters and ${{ }}', () => {
  after(removeFixtures);

  const withParameters = `
parameters:
- name: runTests
  type: boolean
  default: true
- name: epochs
  type: number
  default: 1
- name: environment
  type: string
  default: dev
  values: [dev, prod]
- name: tags
  type: object
  default: [a, b]
steps:
- script: echo epochs=\${{ parameters.epochs }} tests=\${{ parameters.runTests }} env=\${{ parameters.environment }}
- \${{ if parameters.runTests }}:
  - script: run tests
- \${{ elseif eq(parameters.environment, 'prod') }}:
  - script: prod without tests
- \${{ else }}:
  - script: no tests
- \${{ each tag in parameters.tags }}:
  - script: tag \${{ tag }}
`;

  it('converts runtime parameter strings per declared type and interpolates booleans as True/False', () => {
    const p = expand({ 'azure-pipelines.yml': withParameters }, { parameters: { runTests: 'false', epochs: '3', environment: 'prod' } });
    assert.deepEqual(p.parameters, { runTests: false, epochs: 3, environment: 'prod', tags: ['a', 'b'] });
    assert.deepEqual(scripts(job(p).steps), ['echo epochs=3 tests=False env=prod', 'prod without tests', 'tag a', 'tag b']);
  });

  it('uses defaults when nothing is given, and takes else when no branch matches', () => {
    const p = expand({ 'azure-pipelines.yml': withParameters });
    assert.deepEqual(scripts(job(p).steps), ['echo epochs=1 tests=True env=dev', 'run tests', 'tag a', 'tag b']);
    const q = expand({ 'azure-pipelines.yml': withParameters }, { parameters: { runTests: false, tags: [] } });
    assert.deepEqual(scripts(job(q).steps), ['echo epochs=1 tests=False env=dev', 'no tests']);
  });

  it('applies if/else and each as mapping keys, iterating a mapping as key/value, nested', () => {
    const p = expand({
      'azure-pipelines.yml': `
parameters:
- name: settings
  type: object
  default: { A: '1', B: '2' }
- name: verbose
  type: boolean
  default: false
steps:
- script: echo
  env:
    \${{ each pair in parameters.settings }}:
      \${{ pair.key }}: \${{ pair.value }}
      \${{ if eq(pair.key, 'B') }}:
        B_SEEN: yes
    \${{ if parameters.verbose }}:
      VERBOSE: '1'
    \${{ else }}:
      VERBOSE: '0'
`,
    });
    assert.deepEqual(job(p).steps[0].env, { A: '1', B: '2', B_SEEN: 'yes', VERBOSE: '0' });
  });

  it('keeps the type of a whole-value insertion: a stepList is spliced, an object merged with insert or as a key', () => {
    const p = expand({
      'azure-pipelines.yml': `
parameters:
- name: extraSteps
  type: stepList
  default:
  - script: one
  - script: two
- name: extraEnv
  type: object
  default: { X: x }
- name: moreEnv
  type: object
  default: { Y: y }
steps:
- script: first
- \${{ parameters.extraSteps }}
- script: last
  env:
    \${{ insert }}: \${{ parameters.extraEnv }}
    \${{ parameters.moreEnv }}:
    Z: z
`,
    });
    assert.deepEqual(scripts(job(p).steps), ['first', 'one', 'two', 'last']);
    assert.deepEqual(job(p).steps[3].env, { X: 'x', Y: 'y', Z: 'z' });
  });

  it('gives ${{ variables.x }} the variables defined before, including those from a variables template', () => {
    const p = expand({
      'azure-pipelines.yml': `
variables:
- name: model
  value: mnist
- template: vars.yml
  parameters:
    suffix: \${{ variables.model }}
jobs:
- job: J
  variables:
    local: \${{ variables.registry }}-local
  steps:
  - script: echo \${{ variables.model }} \${{ variables.local }}
`,
      'vars.yml': `
parameters:
- name: suffix
  type: string
variables:
  registry: reg-\${{ parameters.suffix }}
`,
    });
    assert.deepEqual(p.variables, [
      { name: 'model', value: 'mnist' },
      { name: 'registry', value: 'reg-mnist' },
    ]);
    assert.deepEqual(job(p).variables, [{ name: 'local', value: 'reg-mnist-local' }]);
    assert.deepEqual(scripts(job(p).steps), ['echo mnist reg-mnist-local']);
  });
});

describe('expandPipeline: predefined variables at compile time', () => {
  after(removeFixtures);
  const yml = `
steps:
- \${{ if eq(variables['Build.Reason'], 'Schedule') }}:
  - script: nightly \${{ variables['build.sourcebranchname'] }}
- \${{ else }}:
  - script: other
`;
  it("picks the branch ${{ if eq(variables['Build.Reason'], 'Schedule') }} names when Build.Reason is supplied (case-insensitive names)", () => {
    const dir = writeFixture({ 'azure-pipelines.yml': yml });
    const script = (o: ExpandOptions) =>
      (expandPipeline(path.join(dir, 'azure-pipelines.yml'), o).stages[0]!.jobs[0] as RegularJob).steps.map(
        (st) => (st as { script: string }).script,
      );
    assert.deepEqual(
      script({ selfRoot: dir, variables: compileTimeVariables({ sourcesDir: dir, buildReason: 'Schedule', sourceBranch: 'main' }) }),
      ['nightly main'],
    );
    assert.deepEqual(script({ selfRoot: dir, variables: { 'BUILD.REASON': 'Manual' } }), ['other']);
    // a template and an extended template see them too
    const ext = writeFixture({
      'azure-pipelines.yml': 'extends:\n  template: base.yml\n',
      'base.yml': "steps:\n- script: reason=${{ variables['Build.Reason'] }} def=${{ variables['Build.DefinitionName'] }}\n",
    });
    const p = expandPipeline(path.join(ext, 'azure-pipelines.yml'), {
      selfRoot: ext,
      variables: compileTimeVariables({ sourcesDir: ext, buildReason: 'IndividualCI', definitionName: 'ML Build' }),
    });
    assert.equal(((p.stages[0]!.jobs[0] as RegularJob).steps[0] as { script: string }).script, 'reason=IndividualCI def=ML Build');
  });

  it('refuses a predefined variable that was not supplied, or that the service does not have at compile time', () => {
    const dir = writeFixture({ 'azure-pipelines.yml': yml });
    assert.throws(() => expandPipeline(path.join(dir, 'azure-pipelines.yml'), { selfRoot: dir }), {
      message:
        `${dir}/azure-pipelines.yml: the predefined variable 'Build.Reason' is read at compile time (\${{ }}) but was not supplied: Azure DevOps sets it before expanding templates, so pass it in ExpandOptions.variables ` +
        '(compileTimeVariables() in local-runner/evaluation/predefined.ts gives the values a local run uses; the cli passes them, --reason sets Build.Reason).',
    });
    const runtimeOnly = writeFixture({ 'azure-pipelines.yml': "steps:\n- script: echo ${{ variables['Build.BuildId'] }}\n" });
    assert.throws(
      () =>
        expandPipeline(path.join(runtimeOnly, 'azure-pipelines.yml'), {
          selfRoot: runtimeOnly,
          variables: compileTimeVariables({ sourcesDir: runtimeOnly }),
        }),
      {
        message:
          `${runtimeOnly}/azure-pipelines.yml: the predefined variable 'Build.BuildId' is read at compile time (\${{ }}), but Azure DevOps does not make it available in template expressions (it would be empty there). ` +
          "Fix: read it at runtime with $(Build.BuildId) or $[ variables['Build.BuildId'] ].",
      },
    );
    // a variable the pipeline defines, and names outside the predefined prefixes, are as before
    const own = writeFixture({
      'azure-pipelines.yml':
        "variables:\n  Build.Flavor: gpu\nsteps:\n- script: ${{ variables['Build.Flavor'] }}-${{ variables.unknown }}\n",
    });
    assert.equal(
      (
        (expandPipeline(path.join(own, 'azure-pipelines.yml'), { selfRoot: own }).stages[0]!.jobs[0] as RegularJob).steps[0] as {
          script: string;
        }
      ).script,
      'gpu-',
    );
  });
});

describe('expandPipeline: templates and extends', () => {
  after(removeFixtures);

  it('includes stage, job and step templates with parameters, relative to the including file and to the root', () => {
    const p = expand({
      'azure-pipelines.yml': `
stages:
- template: templates/stages.yml
  parameters:
    name: Train
`,
      'templates/stages.yml': `
parameters:
- name: name
  type: string
stages:
- stage: \${{ parameters.name }}
  jobs:
  - template: jobs/job.yml
    parameters:
      jobName: \${{ parameters.name }}Job
      steps:
      - script: passed in
      - template: /templates/steps/common.yml
`,
      'templates/jobs/job.yml': `
parameters:
- name: jobName
  type: string
- name: steps
  type: stepList
  default: []
jobs:
- job: \${{ parameters.jobName }}
  steps:
  - template: ../steps/common.yml
    parameters:
      message: from job
  - \${{ parameters.steps }}
`,
      'templates/steps/common.yml': `
parameters:
- name: message
  type: string
  default: common
steps:
- script: echo \${{ parameters.message }}
`,
    });
    assert.equal(p.stages[0].name, 'Train');
    assert.equal(job(p).name, 'TrainJob');
    assert.deepEqual(scripts(job(p).steps), ['echo from job', 'passed in', 'echo common']);
  });

  it('includes a job template twice with different parameters, and resolves @self to the root', () => {
    const p = expand({
      'azure-pipelines.yml': `
jobs:
- template: ci/job.yml@self
  parameters: { name: Lint, command: lint }
- template: /ci/job.yml
  parameters: { name: Test, command: test, dependsOn: Lint }
`,
      'ci/job.yml': `
parameters:
- name: name
  type: string
- name: command
  type: string
- name: dependsOn
  type: object
  default: []
jobs:
- job: \${{ parameters.name }}
  dependsOn: \${{ parameters.dependsOn }}
  steps:
  - script: make \${{ parameters.command }}
`,
    });
    assert.deepEqual(
      p.stages[0].jobs.map((j) => [j.name, j.dependsOn, scripts((j as RegularJob).steps)]),
      [
        ['Lint', [], ['make lint']],
        ['Test', ['Lint'], ['make test']],
      ],
    );
  });

  it('chooses the elseif branch among mapping keys', () => {
    const p = expand({
      'azure-pipelines.yml': `
parameters:
- name: target
  type: string
  default: managed
jobs:
- job: J
  \${{ if eq(parameters.target, 'kubernetes') }}:
    displayName: AKS
  \${{ elseif eq(parameters.target, 'MANAGED') }}:
    displayName: Managed
  \${{ else }}:
    displayName: Other
  steps: [{ script: x }]
`,
    });
    assert.equal(job(p).displayName, 'Managed');
  });

  it('finds template@alias in the folder given for the alias', () => {
    const dir = writeFixture({ 'steps/build.yml': 'steps:\n- script: from the template repository\n' });
    const p = expand(
      {
        'azure-pipelines.yml': `
resources:
  repositories:
  - repository: tmpl
    type: git
    name: mlops/templates
steps:
- template: steps/build.yml@tmpl
`,
      },
      { repositories: { tmpl: dir } },
    );
    assert.deepEqual(scripts(job(p).steps), ['from the template repository']);
  });

  it('extends a template with parameters; the pipeline keeps its resources and variables', () => {
    const p = expand({
      'azure-pipelines.yml': `
variables:
  fromPipeline: p
resources:
  pipelines:
  - pipeline: build
    source: ML-Build
extends:
  template: ml-release.yml
  parameters:
    environments: [staging, production]
`,
      'ml-release.yml': `
parameters:
- name: environments
  type: object
variables:
  fromTemplate: t-\${{ variables.fromPipeline }}
stages:
- \${{ each env in parameters.environments }}:
  - stage: Deploy_\${{ env }}
    jobs:
    - deployment: Deploy
      environment: \${{ env }}
      strategy:
        runOnce:
          deploy:
            steps:
            - download: build
`,
    });
    assert.deepEqual(p.variables, [
      { name: 'fromPipeline', value: 'p' },
      { name: 'fromTemplate', value: 't-p' },
    ]);
    assert.deepEqual(
      p.stages.map((s) => [s.name, s.dependsOn]),
      [
        ['Deploy_staging', []],
        ['Deploy_production', ['Deploy_staging']],
      ],
    );
    assert.equal((p.stages[1].jobs[0] as DeploymentJob).environment, 'production');
    assert.equal(p.resources.pipelines[0].alias, 'build');
  });
});

describe('expandPipeline: refusals name the file, the construct and the fix', () => {
  after(removeFixtures);

  /** Expands and returns the error message, with the fixture folder replaced by `<dir>`. */
  function errorOf(files: Record<string, string>, options: Partial<ExpandOptions> = {}): string {
    const dir = writeFixture(files);
    try {
      expandPipeline(path.join(dir, 'azure-pipelines.yml'), { selfRoot: dir, ...options });
    } catch (e) {
      assert.ok(e instanceof PipelineDefinitionError, `expected a PipelineDefinitionError, got ${String(e)}`);
      return e.message.split(dir).join('<dir>');
    }
    return assert.fail('expected expansion to fail');
  }

  const stepsTemplate = `
parameters:
- name: enabled
  type: boolean
  default: true
- name: retries
  type: number
  default: 1
- name: size
  type: string
  default: small
  values: [small, large]
- name: extra
  type: stepList
  default: []
- name: label
  type: string
steps:
- script: echo \${{ parameters.label }}
`;
  const callWith = (parameters: string): Record<string, string> => ({
    'azure-pipelines.yml': `steps:\n- template: steps.yml\n  parameters:\n${parameters}`,
    'steps.yml': stepsTemplate,
  });

  const cases: Array<[string, Record<string, string>, string]> = [
    [
      'a boolean parameter given yes',
      callWith('    label: x\n    enabled: yes\n'),
      "<dir>/steps.yml: parameter 'enabled' expects a boolean, got 'yes' (a string). Fix: pass true or false.",
    ],
    [
      'a number parameter given abc',
      callWith('    label: x\n    retries: abc\n'),
      "<dir>/steps.yml: parameter 'retries' expects a number, got 'abc' (a string). Fix: pass a number such as 3 or 0.5.",
    ],
    [
      'a stepList parameter given a mapping',
      callWith('    label: x\n    extra:\n      script: echo\n'),
      "<dir>/steps.yml: parameter 'extra' expects a stepList (a sequence of steps), got a mapping (keys: script). Fix: write it as a YAML sequence ('- script: echo hi').",
    ],
    [
      'a stepList item that is not a step',
      callWith('    label: x\n    extra:\n    - echo\n'),
      "<dir>/steps.yml: parameter 'extra' expects a stepList, but item 0 is not a step (a mapping such as script:, bash: or task:): 'echo' (a string). Fix: make every item a step.",
    ],
    [
      'a value outside values:',
      callWith('    label: x\n    size: medium\n'),
      "<dir>/steps.yml: parameter 'size' must be one of 'small', 'large' (its values:), got 'medium' (a string). Fix: pass one of the allowed values, or add it to values: in <dir>/steps.yml.",
    ],
    [
      'an unknown parameter',
      callWith('    label: x\n    lable: y\n'),
      "<dir>/steps.yml: unknown parameter 'lable' passed by <dir>/azure-pipelines.yml (declared: enabled, retries, size, extra, label). Fix: remove it, fix its spelling, or declare it under parameters: in <dir>/steps.yml.",
    ],
    [
      'a missing required parameter',
      callWith('    enabled: false\n'),
      "<dir>/steps.yml: parameter 'label' (string) is required: it has no default and is not passed by <dir>/azure-pipelines.yml. Fix: pass label, or give it a default: in <dir>/steps.yml.",
    ],
    [
      'a default of the wrong type',
      { 'azure-pipelines.yml': 'parameters:\n- name: n\n  type: number\n  default: many\nsteps:\n- script: x\n' },
      "<dir>/azure-pipelines.yml: the default of parameter 'n' expects a number, got 'many' (a string). Fix: pass a number such as 3 or 0.5.",
    ],
    [
      'a powershell step',
      { 'azure-pipelines.yml': 'jobs:\n- job: Build\n  steps:\n  - powershell: Write-Host hi\n' },
      "<dir>/azure-pipelines.yml: job 'Build', step 1: a 'powershell:' step is not supported by the local runner (it runs on Azure DevOps). Fix: use script: or bash: (the local runner runs steps with bash).",
    ],
    [
      'a matrix strategy',
      { 'azure-pipelines.yml': 'jobs:\n- job: Train\n  strategy:\n    matrix:\n      small: { size: s }\n  steps:\n  - script: x\n' },
      "<dir>/azure-pipelines.yml: job 'Train': 'strategy: matrix' on a job is not supported by the local runner (it runs on Azure DevOps). Fix: run one configuration locally (remove strategy: and set its variables directly).",
    ],
    [
      'a variable group',
      { 'azure-pipelines.yml': 'variables:\n- group: ml-secrets\nsteps:\n- script: x\n' },
      "<dir>/azure-pipelines.yml: variables[0]: variable group 'ml-secrets' (- group:) is not supported by the local runner (it runs on Azure DevOps). Fix: variable groups live on the server; define the variables under variables: (or pass them on the command line) for local runs.",
    ],
    [
      'an unknown repository alias',
      { 'azure-pipelines.yml': 'steps:\n- template: build.yml@templates\n' },
      "<dir>/azure-pipelines.yml: template 'build.yml@templates' uses the repository alias 'templates', which is not known (known: none). Fix: declare it under resources.repositories and give the local runner its folder (repositories: { templates: <folder> }).",
    ],
    [
      'a rolling deployment',
      {
        'azure-pipelines.yml':
          'jobs:\n- deployment: D\n  environment: prod\n  strategy:\n    rolling:\n      deploy: { steps: [{ script: x }] }\n',
      },
      "<dir>/azure-pipelines.yml: deployment 'D': the 'rolling' deployment strategy is not supported by the local runner (it runs on Azure DevOps). Fix: use strategy: runOnce for local runs.",
    ],
    [
      'a container job',
      { 'azure-pipelines.yml': 'jobs:\n- job: C\n  container: ubuntu:22.04\n  steps:\n  - script: x\n' },
      "<dir>/azure-pipelines.yml: job 'C': 'container:' on a job is not supported by the local runner (it runs on Azure DevOps). Fix: run the steps on the local machine (remove container:).",
    ],
    [
      'retryCountOnTaskFailure',
      { 'azure-pipelines.yml': 'steps:\n- task: AzureMLWaitForRun@1\n  retryCountOnTaskFailure: 2\n' },
      "<dir>/azure-pipelines.yml: job 'Job', step 1: 'retryCountOnTaskFailure:' on a task step is not supported by the local runner (it runs on Azure DevOps). Fix: remove it for local runs (a failed step fails the job).",
    ],
    [
      'lockBehavior',
      { 'azure-pipelines.yml': 'lockBehavior: sequential\nsteps:\n- script: x\n' },
      "<dir>/azure-pipelines.yml: 'lockBehavior:' on a pipeline is not supported by the local runner (it runs on Azure DevOps). Fix: run this pipeline on Azure DevOps, or remove it for local runs.",
    ],
    [
      'an unknown key on a step',
      { 'azure-pipelines.yml': 'steps:\n- script: x\n  dispayName: typo\n' },
      "<dir>/azure-pipelines.yml: job 'Job', step 1: unknown key 'dispayName' on a script step. Fix: remove it or fix its spelling (a script step takes script, workingDirectory, failOnStderr, displayName, name, condition, continueOnError, enabled, env, timeoutInMinutes).",
    ],
    [
      'a template reference with an unknown key',
      { 'azure-pipelines.yml': 'steps:\n- template: s.yml\n  paramters: {}\n', 's.yml': 'steps: []\n' },
      "<dir>/azure-pipelines.yml: template: 's.yml' has an unknown key 'paramters'. Fix: a template reference takes only template: and parameters:.",
    ],
    [
      'a missing template file',
      { 'azure-pipelines.yml': 'steps:\n- template: nope.yml\n' },
      "<dir>/nope.yml: file not found (referenced from <dir>/azure-pipelines.yml). Fix: check the path; template paths are relative to the including file, '/x.yml' to the repository root.",
    ],
    [
      'a steps template with jobs',
      { 'azure-pipelines.yml': 'steps:\n- template: s.yml\n', 's.yml': 'jobs:\n- job: A\n' },
      "<dir>/s.yml: 'jobs:' is not allowed in a step template (it is included from <dir>/azure-pipelines.yml). Fix: a step template has only parameters, steps.",
    ],
    [
      'a template including itself',
      { 'azure-pipelines.yml': 'steps:\n- template: loop.yml\n', 'loop.yml': 'steps:\n- template: loop.yml\n' },
      '<dir>/loop.yml: templates are nested more than 100 levels deep (<dir>/loop.yml → <dir>/loop.yml → <dir>/loop.yml → <dir>/loop.yml …). Fix: check for a template that includes itself.',
    ],
    [
      'an unknown function in ${{ }}',
      { 'azure-pipelines.yml': "steps:\n- script: echo ${{ upperCase('x') }}\n" },
      "<dir>/azure-pipelines.yml: Invalid expression 'upperCase('x')': unrecognized function 'upperCase'.",
    ],
    [
      'a status function at compile time',
      { 'azure-pipelines.yml': 'steps:\n- ${{ if succeeded() }}:\n  - script: x\n' },
      "<dir>/azure-pipelines.yml: Invalid expression 'succeeded()': succeeded() is a runtime status function and cannot be used in a compile-time expression.",
    ],
    [
      'an else without an if',
      { 'azure-pipelines.yml': 'steps:\n- script: a\n- ${{ else }}:\n  - script: b\n' },
      "<dir>/azure-pipelines.yml: '${{ else }}' has no ${{ if }} right before it. Fix: put it directly after an ${{ if }} or ${{ elseif }} at the same level.",
    ],
    [
      'an unknown key in an extended template',
      { 'azure-pipelines.yml': 'extends:\n  template: base.yml\n', 'base.yml': 'stages: []\nfoo: 1\n' },
      "<dir>/base.yml: 'foo:' is not allowed in an extended template (it is included from <dir>/azure-pipelines.yml). Fix: an extended template has only parameters, stages, jobs, steps, variables, resources, extends, pool, name, trigger, pr, schedules, lockBehavior.",
    ],
    [
      'stages both in the pipeline and in the template it extends',
      { 'azure-pipelines.yml': 'stages: []\nextends:\n  template: base.yml\n', 'base.yml': 'stages: []\n' },
      "<dir>/base.yml: 'stages:' is defined both in the extended template and in the pipeline that extends it. Fix: define it in one place.",
    ],
    [
      'a dependency on a stage that does not exist',
      { 'azure-pipelines.yml': 'stages:\n- stage: A\n  dependsOn: Biuld\n  jobs: []\n' },
      "<dir>/azure-pipelines.yml: stage 'A' depends on 'Biuld', which is not a stage here. Fix: use one of A.",
    ],
    [
      'two jobs with one name',
      { 'azure-pipelines.yml': 'jobs:\n- job: A\n  steps: []\n- job: a\n  steps: []\n' },
      "<dir>/azure-pipelines.yml: job 'a' is defined twice. Fix: give each job its own name.",
    ],
    [
      'each over a scalar',
      {
        'azure-pipelines.yml':
          'parameters:\n- name: n\n  type: number\n  default: 2\nsteps:\n- ${{ each i in parameters.n }}:\n  - script: x\n',
      },
      '<dir>/azure-pipelines.yml: ${{ each i in parameters.n }} needs a sequence or a mapping, got 2 (a number).',
    ],
    [
      'a checkout of an undeclared repository',
      { 'azure-pipelines.yml': 'steps:\n- checkout: tools\n' },
      "<dir>/azure-pipelines.yml: job 'Job', step 1: checkout: 'tools' is not a repository alias (known: self, none). Fix: declare it under resources.repositories.",
    ],
    [
      'a pwsh step inside a steps template, naming the template file',
      { 'azure-pipelines.yml': 'steps:\n- template: t/s.yml\n', 't/s.yml': 'steps:\n- pwsh: Get-Date\n' },
      "<dir>/t/s.yml: job 'Job', step 1: a 'pwsh:' step is not supported by the local runner (it runs on Azure DevOps). Fix: use script: or bash: (the local runner runs steps with bash).",
    ],
    [
      'trigger.tags of a pipeline resource written as { include: [...] } (the service schema has a list only)',
      {
        'azure-pipelines.yml':
          'resources:\n  pipelines:\n  - pipeline: build\n    source: ML-Build\n    trigger:\n      tags:\n        include: [model-registered]\nsteps:\n- script: x\n',
      },
      "<dir>/azure-pipelines.yml: resources.pipelines 'build': trigger.tags of a pipeline resource is a list of tags that must all be on the run, not { include: [...] } (that form is for repository triggers). Fix: write tags: [model-registered].",
    ],
    [
      'a pipeline resource trigger that is neither none, true nor a mapping',
      {
        'azure-pipelines.yml':
          'resources:\n  pipelines:\n  - pipeline: build\n    source: ML-Build\n    trigger: always\nsteps:\n- script: x\n',
      },
      "<dir>/azure-pipelines.yml: resources.pipelines 'build': trigger: must be none, true, or a mapping with enabled:, branches: and tags:, got 'always' (a string).",
    ],
    [
      'a YAML syntax error',
      { 'azure-pipelines.yml': 'steps:\n- script: echo\n  env: { A: 1\n' },
      '<dir>/azure-pipelines.yml:4:1: YAML syntax error: Flow map in block collection must be sufficiently indented and end with a }.',
    ],
  ];
  for (const [what, files, message] of cases) {
    it(`refuses ${what}`, () => assert.equal(errorOf(files), message));
  }

  it('refuses runtime parameters that do not convert, are unknown, or are missing', () => {
    const files = {
      'azure-pipelines.yml':
        'parameters:\n- name: deploy\n  type: boolean\n- name: count\n  type: number\n  default: 1\nsteps:\n- script: x\n',
    };
    assert.equal(
      errorOf(files, { parameters: { deploy: 'yes' } }),
      "<dir>/azure-pipelines.yml: parameter 'deploy' expects a boolean, got 'yes' (a string). Fix: pass true or false.",
    );
    assert.equal(
      errorOf(files, { parameters: { deploy: 'true', count: '3x' } }),
      "<dir>/azure-pipelines.yml: parameter 'count' expects a number, got '3x' (a string). Fix: pass a number such as 3 or 0.5.",
    );
    assert.equal(
      errorOf(files, { parameters: { deploy: 'true', colour: 'red' } }),
      "<dir>/azure-pipelines.yml: unknown parameter 'colour' passed by the runtime parameters of this run (declared: deploy, count). Fix: remove it, fix its spelling, or declare it under parameters: in <dir>/azure-pipelines.yml.",
    );
    assert.equal(
      errorOf(files),
      "<dir>/azure-pipelines.yml: parameter 'deploy' (boolean) is required: it has no default and is not passed by the runtime parameters of this run. Fix: pass deploy, or give it a default: in <dir>/azure-pipelines.yml.",
    );
  });
});
