/**
 * Our tasks as the agent finds them: `Name@Major` → the bundled folder whose task.json has that
 * `name` and `version.Major`, run with `node <execution.Node20_1.target>`. Inputs are mapped the
 * agent's way: a YAML key may be an input's name or one of its `aliases`. Defaults, trimming and
 * filePath rooting are agent-inputs.ts's (prepareTaskInputs).
 */
import * as fs from 'fs';
import * as path from 'path';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const DEFAULT_TASKS_DIR = path.join(REPO_ROOT, 'build', 'extension', 'tasks');

interface TaskInputDef {
  name: string;
  aliases?: string[];
  type: string;
  defaultValue?: string;
  required?: boolean;
}

export interface TaskDefinition {
  name: string;
  major: number;
  folder: string;
  /** absolute path of the file `node` runs */
  entry: string;
  inputs: TaskInputDef[];
  outputVariables: string[];
}

interface TaskJson {
  name: string;
  version: { Major: number };
  inputs?: TaskInputDef[];
  outputVariables?: Array<{ name: string }>;
  execution?: Record<string, { target: string }>;
}

export function loadTaskCatalog(tasksDir = DEFAULT_TASKS_DIR): TaskDefinition[] {
  if (!fs.existsSync(tasksDir)) return [];
  const out: TaskDefinition[] = [];
  for (const d of fs.readdirSync(tasksDir, { withFileTypes: true })) {
    if (!d.isDirectory()) continue;
    const folder = path.join(tasksDir, d.name);
    const file = path.join(folder, 'task.json');
    if (!fs.existsSync(file)) continue;
    const json = JSON.parse(fs.readFileSync(file, 'utf8')) as TaskJson;
    // the agent picks the newest Node handler it has; ours all list Node20_1
    const handler = json.execution?.['Node20_1'] ?? json.execution?.['Node24'] ?? json.execution?.['Node20'];
    if (!handler) continue;
    out.push({
      name: json.name,
      major: json.version.Major,
      folder,
      entry: path.join(folder, handler.target),
      inputs: json.inputs ?? [],
      outputVariables: (json.outputVariables ?? []).map((o) => o.name),
    });
  }
  return out;
}

/** `Name@Major` → parts; `undefined` when the reference has no major. */
function parseTaskRef(ref: string): { name: string; major: number } | undefined {
  const m = /^([A-Za-z0-9_.-]+)@(\d+)$/.exec(ref.trim());
  return m ? { name: m[1]!, major: Number(m[2]) } : undefined;
}

export function findTask(catalog: TaskDefinition[], ref: string): TaskDefinition | undefined {
  const p = parseTaskRef(ref);
  if (!p) return undefined;
  return catalog.find((t) => t.name.toLowerCase() === p.name.toLowerCase() && t.major === p.major);
}

type InputResolution = { ok: true; inputs: Record<string, string> } | { ok: false; unknown: string[] };

/**
 * YAML inputs (keys may be aliases, case-insensitive) → values by task.json input name; unknown keys
 * are reported. Defaults and expansion are prepareTaskInputs' (agent-inputs.ts).
 */
export function resolveTaskInputs(def: TaskDefinition, given: Record<string, string>): InputResolution {
  const out: Record<string, string> = {};
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(given)) {
    const k = key.toLowerCase();
    const input = def.inputs.find((i) => i.name.toLowerCase() === k || (i.aliases ?? []).some((a) => a.toLowerCase() === k));
    if (!input) unknown.push(key);
    else out[input.name] = value;
  }
  if (unknown.length > 0) return { ok: false, unknown };
  return { ok: true, inputs: out };
}

/** How an input may be written in YAML, for messages: `connectedServiceNameARM (alias azureSubscription)`. */
export function describeInputs(def: TaskDefinition): string {
  return def.inputs.map((i) => (i.aliases?.length ? `${i.name} (alias ${i.aliases.join(', ')})` : i.name)).join(', ');
}
