// Azure Pipelines YAML validation for our templates: the official service schema (read from
// ../shared/reference, never copied into the repository) extended with the entries the service
// would generate for our own tasks, run through azure-pipelines-language-service — the validator
// behind the Azure Pipelines VS Code extension.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type CustomSchemaProvider,
  type Diagnostic,
  DiagnosticSeverity,
  type JSONSchema,
  getLanguageService,
  parse,
  TextDocument,
} from 'azure-pipelines-language-service';
import { referenceFile } from '../support/reference-file';

export { DiagnosticSeverity };
export type { Diagnostic };

export const repoRoot = path.resolve(__dirname, '..', '..');
const SERVICE_SCHEMA_PARTS = ['azure-pipelines-yaml', 'service-schema.json'] as const;

/** ../shared/reference/azure-pipelines-yaml/service-schema.json; a clear failure when it is not there. */
export function serviceSchemaPath(dir?: string): string {
  return referenceFile(SERVICE_SCHEMA_PARTS, {
    dir,
    reads: `The template tests read the Azure Pipelines service schema from ../shared/reference/${SERVICE_SCHEMA_PARTS.join('/')}`,
    missingNote: '(the Azure Pipelines service schema the template tests validate against).',
  });
}

// ---- task.json -> service-schema entry ------------------------------------------------------

interface TaskInput {
  name: string;
  type: string;
  label?: string;
  aliases?: string[];
  required?: boolean;
  defaultValue?: unknown;
  visibleRule?: string;
  options?: Record<string, string>;
  properties?: Record<string, unknown>;
}
export interface TaskJson {
  name: string;
  friendlyName: string;
  description: string;
  version: { Major: number };
  inputs?: TaskInput[];
}

type SchemaObject = Record<string, unknown>;

/** The property name YAML uses for an input: the service makes the first alias the key. */
function yamlInputName(input: TaskInput): string {
  return input.aliases?.[0] ?? input.name;
}

function inputSchema(input: TaskInput): SchemaObject {
  const description = input.label ?? input.name;
  let schema: SchemaObject;
  if (input.type === 'boolean') {
    schema = { type: 'boolean', description, ignoreCase: 'key' };
  } else if ((input.type === 'pickList' || input.type === 'radio') && input.options && Object.keys(input.options).length > 0) {
    // Options become an enum (values compared case-insensitively, keys too: "all"), no "type".
    // The service does this even for EditableOptions pickLists (AzureRmWebAppDeployment@4
    // RuntimeStackFunction); ours have no options, so they take the string branch below.
    schema = { description, ignoreCase: 'all', enum: Object.keys(input.options) };
  } else {
    // string, multiLine, filePath, connectedService:*, and pickLists without options (any string).
    schema = { type: 'string', description, ignoreCase: 'key' };
  }
  // The key is the first alias; the task.json name and any further aliases become "aliases".
  if (input.aliases?.length) schema.aliases = [input.name, ...input.aliases.slice(1)];
  return schema;
}

/**
 * Required in YAML, as the service schema marks it: required in task.json, shown unconditionally
 * (no visibleRule) and without a default (absent or ""; a boolean false is a default).
 */
function isRequiredInYaml(input: TaskInput): boolean {
  return input.required === true && !input.visibleRule && (input.defaultValue === undefined || input.defaultValue === '');
}

interface TaskSchemaEntry {
  /** The entry for definitions.task.properties.task.anyOf (the task-name list). */
  nameEntry: SchemaObject;
  /** The entry for definitions.task.anyOf (inputs of that task). */
  entry: SchemaObject;
}

/** The two schema entries the service generates for `task: <name>@<major>`, from a task.json. */
export function taskSchemaEntry(task: TaskJson): TaskSchemaEntry {
  const ref = `${task.name}@${task.version.Major}`;
  const properties: SchemaObject = {};
  const required: string[] = [];
  for (const input of task.inputs ?? []) {
    const key = yamlInputName(input);
    properties[key] = inputSchema(input);
    if (isRequiredInYaml(input)) required.push(key);
  }
  return {
    nameEntry: { description: task.description, doNotSuggest: false, ignoreCase: 'value', enum: [ref] },
    entry: {
      properties: {
        task: { description: `${task.friendlyName}\n\n${task.description}`, ignoreCase: 'value', pattern: `^${ref}$` },
        inputs: { description: `${task.friendlyName} inputs`, properties, additionalProperties: false, required },
      },
      doNotSuggest: false,
      firstProperty: ['task'],
      required: required.length > 0 ? ['task', 'inputs'] : ['task'],
    },
  };
}

/** Our tasks' task.json files, tasks/<Task>/task.json, sorted by folder. */
export function readOurTasks(): TaskJson[] {
  const dir = path.join(repoRoot, 'tasks');
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, 'task.json')))
    .map((d) => d.name)
    .sort()
    .map((name) => JSON.parse(fs.readFileSync(path.join(dir, name, 'task.json'), 'utf8')) as TaskJson);
}

interface ServiceSchema {
  definitions: { task: { anyOf: SchemaObject[]; properties: { task: { anyOf: SchemaObject[] } } } };
}

let extendedSchema: ServiceSchema | undefined;

/** The service schema plus an entry for each of our tasks (read once, cached; treat as read-only). */
export function loadExtendedSchema(): object {
  if (!extendedSchema) {
    const schema = JSON.parse(fs.readFileSync(serviceSchemaPath(), 'utf8')) as ServiceSchema;
    const task = schema.definitions?.task;
    if (!Array.isArray(task?.anyOf) || !Array.isArray(task.properties?.task?.anyOf)) {
      throw new Error('service-schema.json has no definitions.task.anyOf / definitions.task.properties.task.anyOf: unexpected layout');
    }
    for (const t of readOurTasks()) {
      const { nameEntry, entry } = taskSchemaEntry(t);
      task.properties.task.anyOf.push(nameEntry);
      task.anyOf.push(entry);
    }
    extendedSchema = schema;
  }
  return extendedSchema;
}

// ---- validation ----------------------------------------------------------------------------

const SCHEMA_URI = 'azureml-mlops://schemas/azure-pipelines-extended.json';
let service: ReturnType<typeof getLanguageService> | undefined;

function languageService(): ReturnType<typeof getLanguageService> {
  if (!service) {
    // A copy: resolving $refs writes into the schema object, and loadExtendedSchema() stays pristine.
    const schema = structuredClone(loadExtendedSchema()) as JSONSchema;
    // The schema is given inline below, so nothing is ever fetched; refuse anything else.
    const requestService = (uri: string) => Promise.reject(new Error(`no schema fetching here (asked for ${uri})`));
    // No custom provider: getSchemaForResource then picks the schema by the configured fileMatch.
    service = getLanguageService(requestService, [], undefined as unknown as CustomSchemaProvider);
    service.configure({ validate: true, schemas: [{ uri: SCHEMA_URI, fileMatch: ['*'], schema }] });
  }
  return service;
}

/**
 * Validates one Azure Pipelines YAML file the way the VS Code extension does, against the
 * extended schema. Returns every diagnostic with the severity the language service gives it.
 */
export async function validateYaml(text: string, fileName = 'azure-pipelines.yml'): Promise<Diagnostic[]> {
  const ls = languageService();
  const uri = pathToFileURL(path.resolve(repoRoot, fileName)).href;
  // Each call gets its own document version, so the service's per-URI schema cache stays valid
  // (the schema is the same for every file) while the text is always parsed afresh.
  const document = TextDocument.create(uri, 'azure-pipelines', 1, text);
  const yamlDocument = parse(text);
  // jsonSchemaService.getSchemaForResource console.logs its progress synchronously; keep the
  // test output readable by silencing console.log for that synchronous part only.
  const log = console.log;
  let pending: PromiseLike<Diagnostic[]>;
  console.log = () => undefined;
  try {
    pending = ls.doValidation(document, yamlDocument);
  } finally {
    console.log = log;
  }
  return pending;
}

const severityName: Record<number, string> = {
  [DiagnosticSeverity.Error]: 'error',
  [DiagnosticSeverity.Warning]: 'warning',
  [DiagnosticSeverity.Information]: 'info',
  [DiagnosticSeverity.Hint]: 'hint',
};

/** A diagnostic's message as text (the types allow MarkupContent; the service always sends strings). */
export const messageOf = (d: Diagnostic): string => (typeof d.message === 'string' ? d.message : d.message.value);

/** One line per diagnostic: `file:line:col severity message` (1-based positions). */
export function formatDiagnostic(d: Diagnostic, fileName = ''): string {
  const where = `${fileName}:${d.range.start.line + 1}:${d.range.start.character + 1}`;
  return `${where} ${severityName[d.severity ?? DiagnosticSeverity.Error] ?? d.severity} ${messageOf(d)}`;
}

export const errorsOf = (ds: Diagnostic[]) => ds.filter((d) => d.severity === DiagnosticSeverity.Error);
export const warningsOf = (ds: Diagnostic[]) => ds.filter((d) => d.severity === DiagnosticSeverity.Warning);
