/**
 * Reading pipeline YAML files. Every mapping read is tagged with the file (and repository root) it
 * came from, so that relative template paths and error messages can name the right file even after
 * a value has travelled through template parameters.
 */
import * as fs from 'node:fs';
import * as YAML from 'yaml';
import { PipelineDefinitionError } from './pipeline-errors';

export interface Origin {
  /** the YAML file a mapping was written in */
  file: string;
  /** root folder of the repository holding that file (absolute-style `/x.yml` paths resolve here) */
  root: string;
}

const origins = new WeakMap<object, Origin>();

export function originOf(value: unknown): Origin | undefined {
  return value !== null && typeof value === 'object' ? origins.get(value) : undefined;
}

export function setOrigin<T>(value: T, origin: Origin | undefined): T {
  if (origin && value !== null && typeof value === 'object') origins.set(value, origin);
  return value;
}

function tagAll(value: unknown, origin: Origin): void {
  if (value === null || typeof value !== 'object') return;
  origins.set(value, origin);
  for (const child of Array.isArray(value) ? value : Object.values(value)) tagAll(child, origin);
}

export function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Parses one YAML file (YAML 1.2 core schema, unique keys) or stops with the file, line and column. */
export function readYamlFile(file: string, root: string, referencedFrom?: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    const from = referencedFrom ? ` (referenced from ${referencedFrom})` : '';
    throw new PipelineDefinitionError(
      `${file}: file not found${from}. Fix: check the path; template paths are relative to the including file, '/x.yml' to the repository root.`,
    );
  }
  const doc = YAML.parseDocument(text);
  const error = doc.errors[0];
  if (error) {
    const pos = error.linePos?.[0];
    const where = pos ? `:${pos.line}:${pos.col}` : '';
    const what = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new PipelineDefinitionError(`${file}${where}: YAML syntax error: ${what}.`);
  }
  const value: unknown = doc.toJS({ maxAliasCount: 1000 });
  tagAll(value, { file, root });
  return value;
}
