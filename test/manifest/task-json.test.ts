// Every tasks/<Task>/task.json: valid against the official schema, and the rules tfx and the
// Azure DevOps UI rely on but the schema does not express.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv-draft-04';
import type { ValidateFunction } from 'ajv';
import { readJson, readTaskJson, referencePath, repoRoot, taskFolders, type TaskJson } from './helpers';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Input names a visibleRule refers to: `a = x && b != y || c Contains z`. */
function visibleRuleInputs(rule: string): string[] {
  return rule
    .split(/&&|\|\|/)
    .map((clause) => clause.trim().match(/^([A-Za-z][A-Za-z0-9_.]*)\s*(=|!=|<=|>=|<|>|\s(?:Not)?(?:Contains|StartsWith|EndsWith)\s)/i))
    .map((m, i) => {
      if (!m) throw new Error(`cannot parse clause ${i + 1} of visibleRule "${rule}"`);
      return m[1];
    });
}

describe('task.json files', () => {
  const tasks = taskFolders();
  let validate: ValidateFunction;

  before(() => {
    const schema = readJson<Record<string, unknown>>(referencePath('azure-pipelines-task', 'tasks.schema.json'));
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    validate = ajv.compile(schema);
  });

  it('finds at least one task folder', () => {
    assert.ok(tasks.length > 0, 'no folders under tasks/');
  });

  it('the visibleRule parser understands the operators task.json uses', () => {
    assert.deepEqual(visibleRuleInputs('strategy = blueGreen'), ['strategy']);
    assert.deepEqual(visibleRuleInputs('a != x && b Contains y || c NotEndsWith z'), ['a', 'b', 'c']);
    assert.throws(() => visibleRuleInputs('= broken'));
  });

  it('task ids are unique GUIDs across tasks', () => {
    const seen = new Map<string, string>();
    for (const task of tasks) {
      const { id } = readTaskJson(task);
      assert.match(id, GUID, `tasks/${task}: id "${id}" is not a GUID`);
      const key = id.toLowerCase();
      assert.ok(!seen.has(key), `tasks/${task} and tasks/${seen.get(key)} share id ${id}`);
      seen.set(key, task);
    }
  });

  for (const task of tasks) {
    describe(`tasks/${task}/task.json`, () => {
      let tj: TaskJson;
      before(() => {
        tj = readTaskJson(task);
      });

      it('is valid against tasks.schema.json (booleans are real booleans)', () => {
        const ok = validate(tj);
        const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
        assert.ok(ok, `schema errors:\n  ${errors.join('\n  ')}`);
      });

      it('name equals the folder name', () => {
        assert.equal(tj.name, task);
      });

      it('friendlyName is at most 40 characters (tfx limit)', () => {
        assert.ok(typeof tj.friendlyName === 'string' && tj.friendlyName.length > 0, 'friendlyName missing');
        assert.ok(tj.friendlyName.length <= 40, `friendlyName is ${tj.friendlyName.length} characters: "${tj.friendlyName}"`);
      });

      it('execution has Node20_1 and Node24, both running index.js', () => {
        for (const handler of ['Node20_1', 'Node24']) {
          assert.equal(tj.execution?.[handler]?.target, 'index.js', `execution.${handler}.target must be index.js`);
        }
      });

      it('minimumAgentVersion is 3.232.1, the first agent with Node20_1, so 3.x agents still run it on Node 20', () => {
        assert.equal(tj.minimumAgentVersion, '3.232.1');
      });

      it('has its index.ts entry and icon.png beside task.json', () => {
        for (const f of ['index.ts', 'icon.png']) {
          assert.ok(fs.existsSync(path.join(repoRoot, 'tasks', task, f)), `tasks/${task}/${f} is missing`);
        }
      });

      it('every input has helpMarkDown, a unique name and a known group', () => {
        const groups = new Set((tj.groups ?? []).map((g) => g.name));
        const names = new Set<string>();
        for (const input of tj.inputs ?? []) {
          assert.ok(typeof input.helpMarkDown === 'string' && input.helpMarkDown.trim() !== '', `input ${input.name} has no helpMarkDown`);
          assert.ok(!names.has(input.name), `input name ${input.name} is used twice`);
          names.add(input.name);
          if (input.groupName) assert.ok(groups.has(input.groupName), `input ${input.name} names unknown group ${input.groupName}`);
        }
      });

      it('no alias collides with an input name or another alias', () => {
        const seen = new Set<string>();
        for (const input of tj.inputs ?? []) {
          for (const n of [input.name, ...(input.aliases ?? [])]) {
            assert.ok(!seen.has(n.toLowerCase()), `"${n}" names two inputs (YAML would be ambiguous)`);
            seen.add(n.toLowerCase());
          }
        }
      });

      it('every visibleRule names existing inputs', () => {
        const names = new Set((tj.inputs ?? []).map((i) => i.name));
        const rules = [
          ...(tj.inputs ?? []).filter((i) => i.visibleRule).map((i) => [`input ${i.name}`, i.visibleRule as string]),
          ...((tj.groups ?? []) as { name: string; visibleRule?: string }[])
            .filter((g) => g.visibleRule)
            .map((g) => [`group ${g.name}`, g.visibleRule as string]),
        ];
        for (const [where, rule] of rules) {
          for (const ref of visibleRuleInputs(rule)) {
            assert.ok(names.has(ref), `${where}: visibleRule "${rule}" names unknown input "${ref}"`);
          }
        }
      });

      it('every dataSourceBinding targets an existing input and references only existing inputs', () => {
        const names = new Set((tj.inputs ?? []).map((i) => i.name));
        for (const [i, b] of (tj.dataSourceBindings ?? []).entries()) {
          assert.ok(b.target && names.has(b.target), `dataSourceBindings[${i}].target "${b.target}" is not an input`);
          for (const [, ref] of JSON.stringify(b).matchAll(/\$\(([^)]+)\)/g)) {
            assert.ok(names.has(ref), `dataSourceBindings[${i}] refers to $(${ref}), which is not an input`);
          }
        }
      });
    });
  }
});
