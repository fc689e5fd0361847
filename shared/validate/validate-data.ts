/**
 * AzureMLValidateData@1's logic: read the data (and a baseline) wherever it lives, run the
 * expectations and Azure ML's data-quality metrics in one pass (shared/data/validation-report.ts),
 * write the report, the data profile and the Summary-tab markdown into one folder, and say what the
 * task should report. Reading never writes anything to Azure.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { getLatestVersion } from '../azureml/assets';
import { openData, type DataWorkspace } from '../data/open-data';
import { profileData, readProfile, writeProfile, type DataProfile } from '../data/profile';
import type { RowSource } from '../data/row-source';
import { isAzureSpec, resolveAzure } from '../data/sources/azure';
import { readRange, type DataFile } from '../data/sources/data-file';
import { LocalLocation } from '../data/sources/local';
import { validateData, writeReport, REDACTED, type ExpectationResult, type ValidationReport } from '../data/validation-report';
import { UserError, isUserError } from '../task/user-error';
import type { ValidateInputs } from './validate-inputs';

export const PROFILE_FILE = 'data-profile.json';
export const REPORT_FILE = 'data-validation-report.json';
export const SUMMARY_FILE = 'data-validation.md';
/** At most this many violations become issues (`##[error]`/`##[warning]` lines); the rest are counted in one more line. */
export const MAX_ISSUES = 50;

export interface ValidateRuntime {
  /** Signs in and reads the workspace; called only when an input is in Azure and a connection is given. */
  workspace?: () => Promise<DataWorkspace>;
  /** Where relative local paths start (System.DefaultWorkingDirectory on an agent). */
  baseDir: string;
  /** Where the report, the profile and the summary are written (created when missing). */
  outputFolder: string;
  log(line: string): void;
  warn(line: string): void;
  abortSignal?: AbortSignal;
  now?: () => Date;
}

export interface ValidateOutcome {
  report: ValidationReport;
  profile: DataProfile;
  summaryMarkdown: string;
  reportPath: string;
  profilePath: string;
  summaryPath: string;
  /** The data read, exactly: `azureml:<asset>:<version>`, a URI without its SAS, or the local path as given. */
  trainingData: string;
  /** One line per expectation not met (at most MAX_ISSUES, then one line counting the rest). */
  issues: string[];
  result: 'Succeeded' | 'SucceededWithIssues' | 'Failed';
  message: string;
}

const LATEST_ASSET = /^azureml:(?!\/\/)([^:@/]+)@latest$/i;
const VERSIONED_ASSET = /^azureml:(?!\/\/)([^:@/]+):([^:@/]+)$/i;

/** The exact version behind `azureml:<asset>@latest` (azure-ai-ml's rule: the newest created), so the report and the model name what was read. */
async function pinLatest(
  spec: string,
  ctx: DataWorkspace | undefined,
  log: (line: string) => void,
  abortSignal?: AbortSignal,
): Promise<string> {
  const m = LATEST_ASSET.exec(spec);
  if (!m || !ctx) return spec;
  const found = await getLatestVersion(ctx.workspace, 'data', m[1], abortSignal);
  if (!found)
    throw new UserError(
      `Data asset '${m[1]}' has no versions in workspace '${ctx.workspace.name}' ('${spec}'); check the name (az ml data list --name ${m[1]}).`,
    );
  const pinned = `azureml:${m[1]}:${found.version}`;
  log(`${spec} is ${pinned} (the newest version).`);
  return pinned;
}

/** A data-profile.json starts with its schemaVersion (writeProfile writes keys in a fixed order). */
const PROFILE_START = /^\uFEFF?\s*\{\s*"schemaVersion"\s*:/;

/**
 * The baseline as a profile file, when it is one: a `.json` file (local, or in Azure: a datastore
 * path, a blob URL, a uri_file data asset such as the profile AzureMLRegisterModel@1 attaches to a
 * model) whose text starts with `{"schemaVersion":`. Anything else is data to profile.
 */
async function profileFileOf(
  spec: string,
  ctx: DataWorkspace | undefined,
  baseDir: string,
  abortSignal?: AbortSignal,
): Promise<DataFile | undefined> {
  // Only a `.json` path, or a data asset (whose file is known once resolved), can be a profile.
  if (!/^azureml:(?!\/\/)/i.test(spec) && !/\.json$/i.test(spec.replace(/[?#].*$/, ''))) return undefined;
  const location = isAzureSpec(spec)
    ? (await resolveAzure(spec, ctx, abortSignal)).location
    : new LocalLocation(path.resolve(baseDir, spec));
  if ((await location.kind(abortSignal)) !== 'file') return undefined;
  const file = location.asFile();
  if (!/\.json$/i.test(file.relativePath)) return undefined;
  const head = new TextDecoder().decode(await readRange(file, 0, 4096, abortSignal));
  return PROFILE_START.test(head) ? file : undefined;
}

const inInput = (input: string, error: unknown) =>
  isUserError(error) ? new UserError(`'${input}': ${error.message}`, { cause: error }) : error;

async function loadBaseline(
  spec: string,
  inputs: ValidateInputs,
  ctx: DataWorkspace | undefined,
  rt: ValidateRuntime,
): Promise<DataProfile> {
  const signal = rt.abortSignal;
  try {
    const file = await profileFileOf(spec, ctx, rt.baseDir, signal);
    if (file) {
      const text = new TextDecoder().decode(await readRange(file, 0, await file.size(signal), signal));
      const profile = readProfile(text, `the baseline profile ${spec}`);
      rt.log(`Baseline: the data profile ${spec} (${profile.data}: ${profile.rows} rows, profiled ${profile.createdAt}).`);
      return profile;
    }
    const pinned = await pinLatest(spec, ctx, rt.log, signal);
    const source = await openData(pinned, {
      format: inputs.format,
      delimiter: inputs.delimiter,
      workspace: ctx,
      baseDir: rt.baseDir,
      abortSignal: signal,
    });
    rt.log(`Baseline: profiling ${source.description} (${source.columns.length} columns)…`);
    const profile = await profileData(source, {
      overrides: inputs.overrides,
      dataAssetId: VERSIONED_ASSET.test(pinned) ? pinned : undefined,
      abortSignal: signal,
      now: rt.now,
    });
    rt.log(`Baseline: ${profile.rows} rows profiled.`);
    return profile;
  } catch (error) {
    throw inInput('baseline', error);
  }
}

/**
 * Every column an input names must exist: a misspelt redacted column would leave the real column's
 * values in the report, a misspelt kind override would silently type the column as it was.
 */
function checkNamedColumns(input: 'redactColumns' | 'kindOverrides', names: readonly string[], why: string, source: RowSource): void {
  for (const name of names) {
    if (!source.columns.includes(name)) {
      const hint = source.columns.find((c) => c.toLowerCase() === name.toLowerCase());
      throw new UserError(
        `'${input}' names '${name}', which the data does not have${hint ? ` (column names are case-sensitive: did you mean '${hint}'?)` : ''}; ${why}. ` +
          `The data's columns: ${source.columns.map((c) => `'${c}'`).join(', ')}`,
      );
    }
  }
}

function checkRedaction(redact: ValidateInputs['redact'], source: RowSource): void {
  if (redact !== '*')
    checkNamedColumns('redactColumns', redact, "a misspelt name would leave the real column's values in the report", source);
}

const shortValue = (v: string) => {
  const points = [...v];
  return JSON.stringify(points.length > 60 ? `${points.slice(0, 60).join('')}…` : v);
};
const formatPercent = (p: number) => `${Number(p.toFixed(p < 1 ? 3 : 2))}%`;

/** One line for an expectation that is not met: the rule, what was seen, a few examples (or that they are redacted). Pure. */
export function violationLine(r: ExpectationResult, rows: number): string {
  let seen: string;
  if (r.unexpectedCount !== null) {
    seen = `${r.unexpectedCount} of ${rows} rows unexpected (${formatPercent(r.unexpectedPercent ?? 0)})`;
    if (r.mostly !== null) seen += `, mostly ${r.mostly} needed`;
  } else {
    seen = `observed ${JSON.stringify(r.observed)}`;
  }
  const examples =
    r.examples.length === 0
      ? ''
      : r.examples.every((e) => e === REDACTED)
        ? '; examples redacted'
        : `; e.g. ${r.examples.map(shortValue).join(', ')}`;
  return `Expectation not met (line ${r.line}): ${r.rule}: ${seen}${examples}`;
}

/** The issue lines for a report: one per expectation not met, at most `max`, then one line counting the rest. Pure. */
export function violationLines(report: ValidationReport, reportPath: string, max = MAX_ISSUES): string[] {
  const failed = report.expectations.filter((r) => !r.passed);
  const lines = failed.slice(0, max).map((r) => violationLine(r, report.rows));
  if (failed.length > max) lines.push(`… and ${failed.length - max} more expectations not met: see the Summary tab and ${reportPath}`);
  return lines;
}

/** Validates the data, writes the report, the profile and the summary, and says how the task ends. */
export async function validateDataTask(inputs: ValidateInputs, rt: ValidateRuntime): Promise<ValidateOutcome> {
  const signal = rt.abortSignal;
  // Sign in only for what needs it: azureml: inputs, and blob URLs without a SAS (read as the connection's identity).
  const needsSignIn = [inputs.data, inputs.baseline].some((s) => s !== undefined && isAzureSpec(s) && !/[?&]sig=/i.test(s));
  const ctx = needsSignIn && rt.workspace ? await rt.workspace() : undefined;

  const baseline = inputs.baseline !== undefined ? await loadBaseline(inputs.baseline, inputs, ctx, rt) : undefined;
  const spec = await pinLatest(inputs.data, ctx, rt.log, signal);
  const dataAssetId = VERSIONED_ASSET.test(spec) ? spec : undefined;
  const source = await openData(spec, {
    format: inputs.format,
    delimiter: inputs.delimiter,
    workspace: ctx,
    baseDir: rt.baseDir,
    abortSignal: signal,
  });
  checkRedaction(inputs.redact, source);
  if (inputs.overrides)
    checkNamedColumns(
      'kindOverrides',
      Object.keys(inputs.overrides),
      'a misspelt name would leave the column typed as the data alone decides',
      source,
    );
  rt.log(`Reading ${source.description}: ${source.columns.length} columns (${source.columns.join(', ')}).`);
  const { report, profile, summaryMarkdown } = await validateData(source, {
    expectations: inputs.expectations,
    baseline,
    overrides: inputs.overrides,
    redact: inputs.redact,
    abortSignal: signal,
    now: rt.now,
    dataAssetId,
    input: 'expectations',
  });

  fs.mkdirSync(rt.outputFolder, { recursive: true });
  const reportPath = path.join(rt.outputFolder, REPORT_FILE);
  const profilePath = path.join(rt.outputFolder, PROFILE_FILE);
  const summaryPath = path.join(rt.outputFolder, SUMMARY_FILE);
  fs.writeFileSync(reportPath, writeReport(report), 'utf8');
  fs.writeFileSync(profilePath, writeProfile(profile), 'utf8');
  fs.writeFileSync(summaryPath, summaryMarkdown, 'utf8');

  const total = report.expectations.length;
  rt.log(
    `${report.rows} rows, ${report.columns.length} columns; ${total === 0 ? 'no expectations given' : `${total - report.violationCount} of ${total} expectations met`}.`,
  );
  for (const r of report.expectations)
    rt.log(`  ${r.passed ? (r.note ? '⚠' : '✓') : '✗'} line ${r.line}: ${r.rule}${r.note ? ` (${r.note})` : ''}`);
  if (report.rows === 0) {
    rt.warn(
      `${source.description} has a header but no rows: every column expectation passes with nothing to judge; add 'rows between 1 and <n>' to refuse empty data.`,
    );
  }
  if (inputs.redact === '*' || inputs.redact.length) {
    rt.log(
      `Example values of ${inputs.redact === '*' ? 'every column' : inputs.redact.join(', ')} are redacted in the report and the summary. ${PROFILE_FILE} is not: it keeps the categories of text columns (drift needs them), so treat it as you treat the data.`,
    );
  }
  rt.log(`Report: ${reportPath}`);
  rt.log(`Profile: ${profilePath}`);

  const issues = violationLines(report, reportPath);
  const where = source.description;
  let result: ValidateOutcome['result'] = 'Succeeded';
  let message: string;
  if (report.passed) {
    message =
      total === 0
        ? `Profiled ${report.rows} rows of ${where} (no expectations given).`
        : `${total === 1 ? 'The expectation is' : `All ${total} expectations are`} met by ${report.rows} rows of ${where}.`;
  } else {
    result = inputs.onViolation === 'warn' ? 'SucceededWithIssues' : 'Failed';
    message = `${report.violationCount} of ${total} expectations not met by ${where}: see the Summary tab and ${reportPath}.`;
  }
  return {
    report,
    profile,
    summaryMarkdown,
    reportPath,
    profilePath,
    summaryPath,
    trainingData: dataAssetId ?? source.description,
    issues,
    result,
    message,
  };
}

/**
 * Log lines carry text from the data (column names): a value holding `##vso[` or `##[` must never
 * be taken by the agent for a logging command. Pure.
 */
export function neutralizeCommands(line: string): string {
  return line.replace(/##(vso)?\[/gi, (m) => `# #${m.slice(2)}`);
}
