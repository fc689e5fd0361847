// Our Azure Pipelines YAML templates, validated with azure-pipelines-language-service against the
// service schema extended with our tasks (see pipeline-schema.ts and README.md).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  type Diagnostic,
  DiagnosticSeverity,
  errorsOf,
  formatDiagnostic,
  loadExtendedSchema,
  messageOf,
  readOurTasks,
  repoRoot,
  serviceSchemaPath,
  taskSchemaEntry,
  type TaskJson,
  validateYaml,
} from './pipeline-schema';

const templatesDir = path.join(repoRoot, 'pipeline-templates');
const fixturesDir = path.join(__dirname, 'fixtures');

/** *.yml / *.yaml under dir, recursively, as repo-relative paths with forward slashes; [] when dir is absent. */
function yamlFilesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((f) => /\.ya?ml$/i.test(f) && fs.statSync(path.join(dir, f)).isFile())
    .map((f) => path.relative(repoRoot, path.join(dir, f)).replace(/\\/g, '/'))
    .sort();
}

const fixture = (name: string) => fs.readFileSync(path.join(fixturesDir, name), 'utf8');

/** The fixture with exactly one occurrence of `from` replaced (fails when `from` is not there exactly once). */
function mutate(name: string, from: string, to: string): string {
  const text = fixture(name);
  assert.equal(text.split(from).length - 1, 1, `${name} should contain ${JSON.stringify(from)} exactly once`);
  return text.replace(from, to);
}

/** The text a diagnostic's range covers (single-line ranges). */
function coveredText(text: string, d: Diagnostic): string {
  const { start, end } = d.range;
  assert.equal(start.line, end.line, `multi-line range for: ${messageOf(d)}`);
  return text.split('\n')[start.line].slice(start.character, end.character);
}

/**
 * The Azure Pipelines files under pipeline-templates/: everything but the example repositories' own
 * files (conda environments, the az ml pipeline YAML), which are not pipelines. In an example, the
 * pipelines live in its azure-pipelines/ folder.
 */
function pipelineFilesUnder(dir: string): string[] {
  return yamlFilesUnder(dir).filter(
    (f) => !/^pipeline-templates\/examples\/[^/]+\//.test(f) || /^pipeline-templates\/examples\/[^/]+\/azure-pipelines\//.test(f),
  );
}

/**
 * Errors and warnings both count. The one exception: a diagnostic on a `${{ }}` value (e.g.
 * `mode: ${{ parameters.mode }}` against a closed list, or `name: ${{ parameters.name }}` against the
 * step-name pattern): the schema cannot evaluate expressions; the template's typed `parameters:`
 * (with `values:`) and the local runner's expansion check those values instead.
 */
function templateProblems(text: string, ds: Diagnostic[]): { problems: Diagnostic[]; tolerated: Diagnostic[] } {
  const onExpression = (d: Diagnostic) => d.range.start.line === d.range.end.line && coveredText(text, d).includes('${{');
  return { problems: ds.filter((d) => !onExpression(d)), tolerated: ds.filter(onExpression) };
}

const listing = (ds: Diagnostic[], file = '') => ds.map((d) => `  ${formatDiagnostic(d, file)}`).join('\n') || '  (none)';

/** The one diagnostic whose range covers exactly `covered`; fails with all diagnostics listed otherwise. */
function diagnosticAt(text: string, ds: Diagnostic[], covered: string, message: RegExp): Diagnostic {
  const hits = ds.filter((d) => coveredText(text, d) === covered && message.test(messageOf(d)));
  assert.equal(hits.length, 1, `expected one diagnostic on "${covered}" matching ${message}, got:\n${listing(ds)}`);
  return hits[0];
}

describe('Azure Pipelines templates: schema validation', function () {
  this.timeout(60000);

  describe('pipeline-templates/ (every pipeline and template validates)', () => {
    const files = pipelineFilesUnder(templatesDir);
    if (files.length === 0) {
      it('has YAML files to validate', () => {
        assert.fail(
          `pipeline-templates/ has no YAML files: ${templatesDir} ` +
            `${fs.existsSync(templatesDir) ? 'contains no *.yml / *.yaml file' : 'does not exist'}. ` +
            'The templates are validated from there; nothing was checked.',
        );
      });
    }
    for (const file of files) {
      it(file, async () => {
        const text = fs.readFileSync(path.join(repoRoot, file), 'utf8');
        const { problems, tolerated } = templateProblems(text, await validateYaml(text, file));
        if (tolerated.length > 0)
          console.log(`    ${tolerated.length} expression value(s) left to expansion in ${file}:\n${listing(tolerated, file)}`);
        assert.equal(problems.length, 0, `${file} has ${problems.length} problem(s):\n${listing(problems, file)}`);
      });
    }

    // The rule above must catch what the issue names, in the real templates.
    const template = (rel: string) => fs.readFileSync(path.join(templatesDir, rel), 'utf8');
    const changed = (rel: string, from: string, to: string) => {
      const text = template(rel);
      assert.equal(text.split(from).length - 1, 1, `${rel} should contain ${JSON.stringify(from)} exactly once`);
      return text.replace(from, to);
    };
    const problemsIn = async (text: string) => templateProblems(text, await validateYaml(text)).problems.map(messageOf);

    it('fails steps/publish-pipeline.yml with a misspelled task input', async () => {
      const text = changed(
        'steps/publish-pipeline.yml',
        '      pipelineFile: ${{ parameters.pipelineFile }}',
        '      pipelineFlie: ${{ parameters.pipelineFile }}',
      );
      assert.deepEqual((await problemsIn(text)).sort(), ['Missing property "pipelineFile".', 'Unexpected property pipelineFlie']);
    });

    it('fails steps/deploy-model.yml without its required endpointName input', async () => {
      const text = changed('steps/deploy-model.yml', '      endpointName: ${{ parameters.endpointName }}\n', '');
      assert.deepEqual(await problemsIn(text), ['Missing property "endpointName".']);
    });

    it('fails steps/wait-for-run.yml declaring a parameter with a type that does not exist', async () => {
      const text = changed(
        'steps/wait-for-run.yml',
        '  - name: timeoutMinutes\n    type: number',
        '  - name: timeoutMinutes\n    type: integer',
      );
      const problems = await problemsIn(text);
      assert.ok(problems.length > 0 && problems.every((m) => /pattern|Value is not accepted|Incorrect type/.test(m)), problems.join('\n'));
    });
  });

  describe('the service schema', () => {
    it('fails clearly when ../shared/reference is not there', () => {
      const missing = path.join(repoRoot, 'no-such-dir', 'reference');
      assert.throws(
        () => serviceSchemaPath(missing),
        (e: Error) => {
          assert.match(
            e.message,
            /^Reference data not found at .*no-such-dir.reference\. The template tests read the Azure Pipelines service schema from \.\.\/shared\/reference\/azure-pipelines-yaml\/service-schema\.json/,
          );
          return true;
        },
      );
      assert.throws(() => serviceSchemaPath(fixturesDir), /^Error: Reference file missing: .*service-schema\.json/);
    });

    it('is read from ../shared/reference and extended with every task under tasks/', () => {
      assert.ok(serviceSchemaPath().endsWith(path.join('shared', 'reference', 'azure-pipelines-yaml', 'service-schema.json')));
      const schema = loadExtendedSchema() as {
        definitions: {
          task: { anyOf: { properties: { task: { pattern: string } } }[]; properties: { task: { anyOf: { enum: string[] }[] } } };
        };
      };
      const names = schema.definitions.task.properties.task.anyOf.flatMap((e) => e.enum);
      const patterns = schema.definitions.task.anyOf.map((e) => e.properties.task.pattern);
      const ours = readOurTasks().map((t) => `${t.name}@${t.version.Major}`);
      assert.equal(
        ours.length,
        fs.readdirSync(path.join(repoRoot, 'tasks')).filter((d) => fs.existsSync(path.join(repoRoot, 'tasks', d, 'task.json'))).length,
      );
      for (const ref of ours) {
        assert.equal(names.filter((n) => n === ref).length, 1, `${ref} listed once among task names`);
        assert.equal(patterns.filter((p) => p === `^${ref}$`).length, 1, `${ref} has one inputs entry`);
      }
      assert.ok(names.includes('AzureCLI@2') && names.length > 200, 'the built-in tasks are still there');
      assert.equal(loadExtendedSchema(), schema, 'cached');
    });
  });

  describe('generated task entries (mirroring the built-in ones)', () => {
    const builtIn = (ref: string) => {
      const schema = loadExtendedSchema() as { definitions: { task: { anyOf: { properties: { task: { pattern: string } } }[] } } };
      const entries = schema.definitions.task.anyOf.filter((e) => e.properties.task.pattern === `^${ref}$`);
      assert.ok(entries.length > 0, `${ref} not in service-schema.json`);
      return entries[0] as unknown as {
        required: string[];
        properties: { inputs: { required: string[]; properties: Record<string, unknown> } };
      };
    };

    // Input excerpts of the real task.json files (microsoft/azure-pipelines-tasks, Tasks/AzureCLIV2
    // and Tasks/AzureKeyVaultV2): every required input, plus aliased, boolean and editable ones.
    // Feeding them to our generator must give exactly what service-schema.json has for them —
    // the evidence for the rules: key = first alias, aliases = [name, ...other aliases]; required
    // only when required, without a visibleRule and without a default ("" counts as none).
    const azureCli: TaskJson = {
      name: 'AzureCLI',
      friendlyName: 'Azure CLI',
      description: 'd',
      version: { Major: 2 },
      inputs: [
        {
          name: 'connectedServiceNameARM',
          aliases: ['azureSubscription'],
          type: 'connectedService:AzureRM',
          label: 'Azure Resource Manager connection',
          required: true,
        },
        {
          name: 'scriptType',
          type: 'pickList',
          label: 'Script Type',
          defaultValue: '',
          required: true,
          options: { ps: 'PowerShell', pscore: 'PowerShell Core', batch: 'Batch', bash: 'Shell' },
        },
        {
          name: 'scriptLocation',
          type: 'pickList',
          label: 'Script Location',
          defaultValue: 'scriptPath',
          required: true,
          options: { inlineScript: 'Inline script', scriptPath: 'Script path' },
        },
        {
          name: 'scriptPath',
          type: 'filePath',
          label: 'Script Path',
          defaultValue: '',
          required: true,
          visibleRule: 'scriptLocation = scriptPath',
        },
        {
          name: 'inlineScript',
          type: 'multiLine',
          label: 'Inline Script',
          defaultValue: '',
          required: true,
          visibleRule: 'scriptLocation = inlineScript',
        },
        { name: 'scriptArguments', aliases: ['arguments'], type: 'string', label: 'Script Arguments', defaultValue: '', required: false },
        {
          name: 'addSpnToEnvironment',
          type: 'boolean',
          label: 'Access service principal details in script',
          defaultValue: 'false',
          required: false,
        },
        { name: 'cwd', aliases: ['workingDirectory'], type: 'filePath', label: 'Working Directory', defaultValue: '', required: false },
      ],
    };
    const azureKeyVault: TaskJson = {
      name: 'AzureKeyVault',
      friendlyName: 'Azure Key Vault',
      description: 'd',
      version: { Major: 2 },
      inputs: [
        {
          name: 'ConnectedServiceName',
          aliases: ['azureSubscription'],
          type: 'connectedService:AzureRM',
          label: 'Azure subscription',
          defaultValue: '',
          required: true,
        },
        { name: 'KeyVaultName', type: 'pickList', label: 'Key vault', required: true, properties: { EditableOptions: 'True' } },
        {
          name: 'SecretsFilter',
          type: 'string',
          label: 'Secrets filter',
          defaultValue: '*',
          required: true,
          properties: { EditableOptions: 'True' },
        },
        {
          name: 'RunAsPreJob',
          type: 'boolean',
          label: 'Make secrets available to whole job',
          defaultValue: false,
          required: true,
          properties: { EditableOptions: 'True' },
        },
      ],
    };

    const azureRmWebAppDeployment: TaskJson = {
      name: 'AzureRmWebAppDeployment',
      friendlyName: 'Azure App Service deploy',
      description: 'd',
      version: { Major: 4 },
      inputs: [
        {
          name: 'SlotName',
          type: 'pickList',
          label: 'Slot',
          defaultValue: 'production',
          required: true,
          properties: { EditableOptions: 'True' },
          visibleRule: 'DeployToSlotOrASEFlag = true',
        },
        { name: 'StartupCommand', type: 'string', label: 'Startup command ', defaultValue: '', required: false },
      ],
    };

    for (const [ref, task] of [
      ['AzureCLI@2', azureCli],
      ['AzureKeyVault@2', azureKeyVault],
    ] as const) {
      it(`reproduces the service's own ${ref} entry from its task.json inputs`, () => {
        const real = builtIn(ref);
        const ours = taskSchemaEntry(task).entry as unknown as typeof real;
        assert.deepEqual(ours.properties.inputs.required, real.properties.inputs.required);
        assert.deepEqual(ours.required, real.required);
        for (const [key, prop] of Object.entries(ours.properties.inputs.properties)) {
          assert.deepEqual(prop, real.properties.inputs.properties[key], `inputs.${key}`);
        }
      });
    }

    it('reproduces AzureRmWebAppDeployment@4 inputs: an editable pickList without options is a string', () => {
      const real = builtIn('AzureRmWebAppDeployment@4');
      const ours = taskSchemaEntry(azureRmWebAppDeployment).entry as unknown as typeof real;
      for (const key of ['SlotName', 'StartupCommand']) {
        assert.deepEqual(ours.properties.inputs.properties[key], real.properties.inputs.properties[key], `inputs.${key}`);
      }
      // An editable pickList *with* options (RuntimeStackFunction) is an enum in the service schema all the same.
      const withOptions = real.properties.inputs.properties.RuntimeStackFunction as Record<string, unknown>;
      assert.ok(Array.isArray(withOptions.enum) && withOptions.type === undefined);
    });

    it('every editable pickList of our tasks has no options, so it accepts any string', () => {
      for (const t of readOurTasks()) {
        for (const input of (t.inputs ?? []).filter(
          (i) => i.type === 'pickList' && String(i.properties?.EditableOptions).toLowerCase() === 'true',
        )) {
          // Options would make it an enum, as the service does for RuntimeStackFunction above, and
          // YAML values outside the options would be flagged; decide that deliberately if it comes.
          assert.equal(Object.keys(input.options ?? {}).length, 0, `${t.name}.${input.name}: editable pickList with options`);
          const prop = (taskSchemaEntry(t).entry.properties as { inputs: { properties: Record<string, Record<string, unknown>> } }).inputs
            .properties[input.aliases?.[0] ?? input.name];
          assert.equal(prop.type, 'string', `${t.name}.${input.name}`);
          assert.equal(prop.enum, undefined, `${t.name}.${input.name}`);
        }
      }
    });

    it('AzureMLPublishPipeline@1: aliases as keys, required without visibleRule/default, closed lists as enums', () => {
      const publish = readOurTasks().find((t) => t.name === 'AzureMLPublishPipeline');
      assert.ok(publish);
      const { nameEntry, entry } = taskSchemaEntry(publish);
      assert.deepEqual(nameEntry.enum, ['AzureMLPublishPipeline@1']);
      const inputs = (
        entry.properties as {
          inputs: { properties: Record<string, Record<string, unknown>>; required: string[]; additionalProperties: boolean };
        }
      ).inputs;
      assert.deepEqual(inputs.required, ['azureSubscription', 'resourceGroup', 'workspace', 'pipelineFile']);
      assert.equal(inputs.additionalProperties, false);
      assert.deepEqual(inputs.properties.azureSubscription.aliases, ['connectedServiceNameARM']);
      assert.deepEqual(inputs.properties.resourceGroup, {
        type: 'string',
        description: 'Resource group',
        ignoreCase: 'key',
        aliases: ['resourceGroupName'],
      });
      assert.deepEqual(inputs.properties.mode.enum, ['submit', 'publish', 'both']);
      assert.equal(inputs.properties.defaultCompute.type, 'string', 'editable pickList: any string');
      assert.equal(inputs.properties.defaultCompute.enum, undefined);
      // experimentName has a visibleRule; it is not required either way, but it must be a property.
      assert.ok(!inputs.required.includes('experimentName') && inputs.properties.experimentName);
    });

    it('required inputs with a visibleRule or a default are not required in YAML', () => {
      const required = Object.fromEntries(
        readOurTasks().map((t) => [t.name, (taskSchemaEntry(t).entry.properties as { inputs: { required: string[] } }).inputs.required]),
      );
      // jobName: required, default $(AzureML.JobName); computeName / productionEndpoint: visibleRule.
      assert.ok(!required.AzureMLWaitForRun.includes('jobName'));
      assert.ok(!required.AzureMLDeployModel.includes('computeName'));
      assert.ok(!required.AzureMLCompareModels.includes('productionEndpoint'));
      // endpointName / modelName: required, no visibleRule, default "" -> required.
      assert.ok(required.AzureMLDeployModel.includes('endpointName'));
      assert.ok(required.AzureMLRegisterModel.includes('modelName'));
    });

    const waitForRun = (inputs: string) =>
      `steps:\n- task: AzureMLWaitForRun@1\n  inputs:\n${inputs
        .trim()
        .split('\n')
        .map((l) => `    ${l.trim()}`)
        .join('\n')}\n`;

    it('accepts connectedServiceNameARM (the task.json name) where azureSubscription is expected', async () => {
      assert.deepEqual(await validateYaml(waitForRun('connectedServiceNameARM: sc\nresourceGroupName: rg\nworkspaceName: ws')), []);
      assert.deepEqual(await validateYaml(waitForRun('azureSubscription: sc\nresourceGroup: rg\nworkspace: ws')), []);
    });

    it('rejects an input given under both its alias and its name (an error)', async () => {
      const text = waitForRun('azureSubscription: sc\nconnectedServiceNameARM: sc\nresourceGroup: rg\nworkspace: ws');
      const ds = await validateYaml(text);
      assert.equal(errorsOf(ds).length, 2, listing(ds));
      for (const d of errorsOf(ds)) assert.match(messageOf(d), /Multiple properties found matching azureSubscription/);
    });

    it('accepts any string in an editable pickList (workspace, jobName)', async () => {
      const text = waitForRun('azureSubscription: sc\nresourceGroup: any-group\nworkspace: not-in-any-list\njobName: whatever_123');
      assert.deepEqual(await validateYaml(text), []);
    });
  });

  describe('sample pipelines (test/templates/fixtures)', () => {
    for (const name of ['publish-and-wait.yml', 'deploy-environment.yml']) {
      it(`${name} validates with no diagnostics at all`, async () => {
        const ds = await validateYaml(fixture(name), name);
        assert.deepEqual(
          ds.map((d) => formatDiagnostic(d, name)),
          [],
        );
      });
    }

    it('register-steps.template.yml has no errors; its one warning is the known expression-in-enum false positive', async () => {
      const name = 'register-steps.template.yml';
      const text = fixture(name);
      const ds = await validateYaml(text, name);
      assert.equal(errorsOf(ds).length, 0, listing(ds, name));
      // `modelType: ${{ parameters.modelType }}`: the language service skips type checks for
      // ${{ }} / $( ) / $[ ] values but still compares them with an enum.
      assert.equal(ds.length, 1, listing(ds, name));
      assert.equal(ds[0].severity, DiagnosticSeverity.Warning);
      assert.equal(coveredText(text, ds[0]), '${{ parameters.modelType }}');
      assert.match(messageOf(ds[0]), /Value is not accepted\. Valid values: "mlflow_model", "custom_model", "triton_model"/);
    });
  });

  describe('what the language service reports (severity as it gives it)', () => {
    it('a misspelled input of our task: pipelineFlie (warning), and the required pipelineFile as missing', async () => {
      const text = mutate('publish-and-wait.yml', 'pipelineFile: ml/pipelines/train.yml', 'pipelineFlie: ml/pipelines/train.yml');
      const ds = await validateYaml(text);
      const unexpected = diagnosticAt(text, ds, 'pipelineFlie', /^Unexpected property pipelineFlie$/);
      assert.equal(unexpected.severity, DiagnosticSeverity.Warning);
      const missing = ds.find((d) => messageOf(d) === 'Missing property "pipelineFile".');
      assert.ok(missing, listing(ds));
      assert.equal(ds.length, 2, listing(ds));
    });

    it('a missing required input: AzureMLPublishPipeline@1 without azureSubscription (warning, on "inputs")', async () => {
      const text = mutate(
        'publish-and-wait.yml',
        '              azureSubscription: $(serviceConnection)\n              resourceGroup: $(resourceGroup)\n              workspace: $(workspace)\n              pipelineFile:',
        '              resourceGroup: $(resourceGroup)\n              workspace: $(workspace)\n              pipelineFile:',
      );
      const ds = await validateYaml(text);
      const d = diagnosticAt(text, ds, 'inputs', /^Missing property "azureSubscription"\.$/);
      assert.equal(d.severity, DiagnosticSeverity.Warning);
      assert.equal(ds.length, 1, listing(ds));
    });

    it('no "missing" report for a required input that has a default (AzureMLWaitForRun@1 without jobName)', async () => {
      const text = fixture('publish-and-wait.yml');
      assert.ok(!/jobName/.test(text), 'the fixture relies on the jobName default');
      assert.deepEqual(await validateYaml(text), []);
    });

    it('a wrong value for a closed pickList: onTimeout: explode (warning, lists the valid values)', async () => {
      const text = mutate('publish-and-wait.yml', 'onTimeout: cancelJob', 'onTimeout: explode');
      const ds = await validateYaml(text);
      const d = diagnosticAt(text, ds, 'explode', /^Value is not accepted\. Valid values: "cancelJob", "leaveRunning"\.$/);
      assert.equal(d.severity, DiagnosticSeverity.Warning);
    });

    it('a wrong value for a radio: target: aks (warning)', async () => {
      const text = mutate('deploy-environment.yml', 'target: managed', 'target: aks');
      const ds = await validateYaml(text);
      const d = diagnosticAt(text, ds, 'aks', /^Value is not accepted\. Valid values: "kubernetes", "managed"\.$/);
      assert.equal(d.severity, DiagnosticSeverity.Warning);
    });

    it('closed lists compare values case-insensitively, as the service does (onTimeout: CANCELJOB is fine)', async () => {
      assert.deepEqual(await validateYaml(mutate('publish-and-wait.yml', 'onTimeout: cancelJob', 'onTimeout: CANCELJOB')), []);
    });

    it('a boolean input given maybe: failOnCanceledJob: maybe (warning)', async () => {
      const text = mutate('publish-and-wait.yml', 'failOnCanceledJob: true', 'failOnCanceledJob: maybe');
      const ds = await validateYaml(text);
      const d = diagnosticAt(text, ds, 'maybe', /^Incorrect type\. Expected "boolean"\.$/);
      assert.equal(d.severity, DiagnosticSeverity.Warning);
    });

    it('a template parameter with type: strng (warning on the value; the message names the pattern, not the value)', async () => {
      const text = mutate('register-steps.template.yml', '  - name: modelName\n    type: string', '  - name: modelName\n    type: strng');
      const ds = await validateYaml(text);
      const d = diagnosticAt(text, ds, 'strng', /^String does not match the pattern of "\^boolean\$"\.$/);
      assert.equal(d.severity, DiagnosticSeverity.Warning);
    });

    it('an unknown task AzureMLDeployModle@1: the task name is not accepted (warning listing the known tasks)', async () => {
      const text = mutate('deploy-environment.yml', 'task: AzureMLDeployModel@1', 'task: AzureMLDeployModle@1');
      const ds = await validateYaml(text);
      const d = diagnosticAt(text, ds, 'AzureMLDeployModle@1', /^Value is not accepted\. Valid values: /);
      assert.equal(d.severity, DiagnosticSeverity.Warning);
      assert.ok(messageOf(d).includes('"AzureMLDeployModel@1"') && !messageOf(d).includes('"AzureMLDeployModle@1"'));
      // Its inputs then match no task: each is reported as unexpected against the nearest entry.
      assert.ok(
        ds.some((x) => messageOf(x) === 'Unexpected property endpointName'),
        listing(ds),
      );
    });

    it('a step whose first key is not task: (an error)', async () => {
      const text = mutate(
        'publish-and-wait.yml',
        '          - task: AzureMLWaitForRun@1\n            displayName: Wait for the training run',
        '          - displayName: Wait for the training run\n            task: AzureMLWaitForRun@1',
      );
      const ds = await validateYaml(text);
      const d = diagnosticAt(text, ds, 'displayName: Wait for the training run', /^The first property must be task$/);
      assert.equal(d.severity, DiagnosticSeverity.Error);
    });

    it('broken YAML (an error)', async () => {
      const text = mutate('deploy-environment.yml', 'environment: mlops-staging', 'environment: [mlops-staging');
      const errors = errorsOf(await validateYaml(text));
      assert.ok(errors.length > 0);
    });
  });
});
