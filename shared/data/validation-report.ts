/**
 * Data validation in one pass: expectations (shared/data/expectations.ts), Azure ML's data-quality
 * metrics against a baseline profile (shared/data/quality-metrics.ts) and the data's own profile
 * (shared/data/profile.ts) from a single read of the rows; then the report JSON and the Summary-tab
 * markdown, with example values redacted for the columns the user names.
 */
import type { RowSource } from './row-source';
import type { ColumnType, KindOverrides } from './column-kinds';
import {
  ExpectationEvaluator,
  QUALITY_METRICS,
  checkExpectationColumns,
  expectationType,
  mapSuccess,
  type Expectation,
  type Observed,
  type QualityMetricName,
} from './expectations';
import { ProfileBuilder, jsonText, type DataProfile, type ProfileLimits } from './profile';
import { QualityAccumulator, covers, qualityMetrics, type ColumnMetric, type QualityMetric } from './quality-metrics';
import { scanRows } from './scan';
import { UserError } from '../task/user-error';

export const REPORT_SCHEMA_VERSION = 1;
export const REDACTED = '[redacted]';

export interface ExpectationResult {
  /** The line as written. */
  rule: string;
  line: number;
  /** The Great Expectations name of the check (`azureml_data_quality_<metric>` for the Azure ML metrics). */
  expectationType: string;
  column: string | null;
  passed: boolean;
  observed: Observed;
  /** Rows in the data (GE's element_count). */
  elementCount: number;
  /** Nulls and NaNs the expectation skipped (null where none are skipped: table checks, `not null`, quality metrics). */
  missingCount: number | null;
  unexpectedCount: number | null;
  /** 0-100, of all rows (GE's unexpected_percent_total); 0 with no rows; null for table checks. */
  unexpectedPercent: number | null;
  /** 0-100, of the non-missing values (GE's unexpected_percent); 0 when there are none. */
  unexpectedPercentNonMissing: number | null;
  mostly: number | null;
  /** Up to 5 distinct unexpected values as text (cut at 200 characters), or `[redacted]` (then a between's observed min and max are too). */
  examples: string[];
  /** Why a check could not run as written (it then passes), e.g. a column the baseline lacks. */
  note?: string;
}

export interface ValidationReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  createdAt: string;
  data: string;
  dataAssetId: string | null;
  rows: number;
  columns: string[];
  baseline: { data: string; createdAt: string; dataAssetId: string | null; rows: number } | null;
  passed: boolean;
  /** Expectations not met. */
  violationCount: number;
  expectations: ExpectationResult[];
  qualityMetrics: QualityMetric[];
  /** Columns whose example values are replaced by `[redacted]` ('*': all). */
  redacted: string[] | '*';
}

export interface ValidateOptions {
  expectations: readonly Expectation[];
  /** The baseline data profile (needed by DataTypeErrorRate and OutOfBoundsRate). */
  baseline?: DataProfile;
  overrides?: KindOverrides;
  /** Columns whose example values never leave the agent: names, or '*' for all. */
  redact?: readonly string[] | '*';
  abortSignal?: AbortSignal;
  now?: () => Date;
  dataAssetId?: string;
  limits?: Partial<ProfileLimits>;
  /** The input that held the expectations, for messages. */
  input?: string;
}

export interface Validation {
  report: ValidationReport;
  profile: DataProfile;
  summaryMarkdown: string;
  /** Bytes the `unique` expectations' hash tables held at the end (the one part that grows with distinct values). */
  uniqueBytes: number;
}

/** Refuses, before any row is read, expectations that cannot run on this data and baseline. */
export function checkBeforeReading(
  source: Pick<RowSource, 'columns'>,
  options: Pick<ValidateOptions, 'expectations' | 'baseline' | 'input'>,
): void {
  const input = options.input ?? 'expectations';
  checkExpectationColumns(options.expectations, source.columns, input);
  if (!options.baseline) {
    const needs = options.expectations.find((e) => e.kind === 'quality' && e.metric !== 'NullValueRate');
    if (needs) {
      throw new UserError(
        `'${input}' line ${needs.line} ("${needs.text}") compares the data with a baseline, and no baseline data profile was given: give one (a data-profile.json written by this task on the training data), or remove the line`,
      );
    }
  }
}

/** Validates the data in one pass and writes nothing: the caller writes the report, the profile and the summary. */
export async function validateData(source: RowSource, options: ValidateOptions): Promise<Validation> {
  checkBeforeReading(source, options);
  const columns = [...source.columns];
  const profiler = new ProfileBuilder(columns, source.declaredTypes, { overrides: options.overrides, limits: options.limits });
  const evaluator = new ExpectationEvaluator(options.expectations, columns, source.declaredTypes);
  const quality = new QualityAccumulator(columns, options.baseline);
  await scanRows(source, [profiler, evaluator, quality], options.abortSignal);
  const createdAt = (options.now ?? (() => new Date()))();
  const profile = profiler.finish({ data: source.description, createdAt, dataAssetId: options.dataAssetId });
  const computed = quality.finish(profile);
  const typeOf = (column: string): ColumnType => profile.columns[columns.indexOf(column)].type;
  const redact = options.redact ?? [];
  const redacted = (column: string | null) => column !== null && (redact === '*' || redact.includes(column));

  const results = options.expectations.map((e) => {
    const r = evaluate(e, { rows: profile.rows, columns, evaluator, typeOf, computed, hasBaseline: options.baseline !== undefined });
    if (redacted(r.column)) {
      r.examples = r.examples.map(() => REDACTED);
      // between's observed min and max are values of the column too
      if (e.kind === 'between' && r.observed && typeof r.observed === 'object' && !Array.isArray(r.observed) && r.observed.min !== null)
        r.observed = { min: REDACTED, max: REDACTED };
    }
    return inReportOrder(r);
  });
  const violationCount = results.filter((r) => !r.passed).length;
  const b = options.baseline;
  const report: ValidationReport = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    createdAt: createdAt.toISOString(),
    data: source.description,
    dataAssetId: options.dataAssetId ?? null,
    rows: profile.rows,
    columns,
    baseline: b ? { data: b.data, createdAt: b.createdAt, dataAssetId: b.dataAssetId, rows: b.rows } : null,
    passed: violationCount === 0,
    violationCount,
    expectations: results,
    qualityMetrics: qualityMetrics(computed, options.expectations),
    redacted: redact === '*' ? '*' : [...redact],
  };
  return { report, profile, summaryMarkdown: validationSummaryMarkdown(report), uniqueBytes: evaluator.uniqueBytes };
}

/** The result's keys in the order the report shows them. */
function inReportOrder(r: ExpectationResult): ExpectationResult {
  const out: ExpectationResult = {
    rule: r.rule,
    line: r.line,
    expectationType: r.expectationType,
    column: r.column,
    passed: r.passed,
    observed: r.observed,
    elementCount: r.elementCount,
    missingCount: r.missingCount,
    unexpectedCount: r.unexpectedCount,
    unexpectedPercent: r.unexpectedPercent,
    unexpectedPercentNonMissing: r.unexpectedPercentNonMissing,
    mostly: r.mostly,
    examples: r.examples,
  };
  if (r.note !== undefined) out.note = r.note;
  return out;
}

interface EvaluationContext {
  rows: number;
  columns: readonly string[];
  evaluator: ExpectationEvaluator;
  typeOf: (column: string) => ColumnType;
  computed: readonly ColumnMetric[];
  hasBaseline: boolean;
}

const percent = (count: number, of: number) => (of === 0 ? 0 : (count / of) * 100);

function evaluate(e: Expectation, ctx: EvaluationContext): ExpectationResult {
  const base = {
    rule: e.text,
    line: e.line,
    expectationType: expectationType(e),
    elementCount: ctx.rows,
    mostly: 'mostly' in e && e.mostly !== undefined ? e.mostly : null,
  };
  const table = (passed: boolean, observed: Observed): ExpectationResult => ({
    ...base,
    column: null,
    passed,
    observed,
    missingCount: null,
    unexpectedCount: null,
    unexpectedPercent: null,
    unexpectedPercentNonMissing: null,
    examples: [],
  });
  switch (e.kind) {
    case 'columnsInclude': {
      const missing = e.columns.filter((c) => !ctx.columns.includes(c));
      return table(missing.length === 0, { missing });
    }
    case 'columnsExactly': {
      const missing = e.columns.filter((c) => !ctx.columns.includes(c));
      const unexpected = ctx.columns.filter((c) => !e.columns.includes(c));
      return table(missing.length === 0 && unexpected.length === 0, { missing, unexpected });
    }
    case 'rowsBetween':
      return table(ctx.rows >= e.min && ctx.rows <= e.max, { rows: ctx.rows });
    case 'quality':
      return evaluateQuality(e, ctx, base);
    default: {
      const t = ctx.evaluator.tally(e, ctx.typeOf)!;
      const judged = e.kind === 'notNull' ? ctx.rows : ctx.rows - t.missing;
      return {
        ...base,
        column: e.column,
        passed: mapSuccess(judged, t.unexpected, e.mostly),
        observed: t.observed,
        missingCount: e.kind === 'notNull' ? null : t.missing,
        unexpectedCount: t.unexpected,
        unexpectedPercent: percent(t.unexpected, ctx.rows),
        unexpectedPercentNonMissing: percent(t.unexpected, judged),
        examples: [...t.examples],
      };
    }
  }
}

function evaluateQuality(
  e: Extract<Expectation, { kind: 'quality' }>,
  ctx: EvaluationContext,
  base: Pick<ExpectationResult, 'rule' | 'line' | 'expectationType' | 'elementCount' | 'mostly'>,
): ExpectationResult {
  const metrics = ctx.computed.filter((m) => covers(e, m));
  if (e.column !== undefined) {
    const m = metrics[0];
    const none = {
      ...base,
      column: e.column,
      passed: true,
      missingCount: null,
      unexpectedCount: null,
      unexpectedPercent: null,
      unexpectedPercentNonMissing: null,
      examples: [],
    };
    if (!m) {
      const why = !ctx.hasBaseline
        ? 'no baseline'
        : ctx.computed.some((c) => c.column === e.column && c.metric === 'DataTypeErrorRate')
          ? `the monitor computes no ${e.metric} for a column of this kind (only numerical columns and text categorical columns have bounds)`
          : `the baseline profile has no column '${e.column}'`;
      return { ...none, observed: null, note: `not computed: ${why}` };
    }
    if (m.value === null) return { ...none, observed: null, note: `not computed: ${m.note}` };
    return {
      ...none,
      passed: !(m.value > e.threshold),
      observed: { value: m.value, violationCount: m.violationCount },
      unexpectedCount: m.violationCount,
      unexpectedPercent: percent(m.violationCount ?? 0, ctx.rows),
      examples: [...m.examples],
    };
  }
  const computed = metrics.filter((m) => m.value !== null);
  const breached = computed.filter((m) => m.value! > e.threshold);
  let worst: ColumnMetric | undefined;
  for (const m of computed) if (!worst || m.value! > worst.value!) worst = m;
  const skipped = metrics.filter((m) => m.value === null).map((m) => m.column);
  const result: ExpectationResult = {
    ...base,
    column: null,
    passed: breached.length === 0,
    observed: {
      columns: computed.length,
      breached: breached.map((m) => m.column),
      max: worst ? { column: worst.column, value: worst.value } : null,
    },
    missingCount: null,
    unexpectedCount: null,
    unexpectedPercent: null,
    unexpectedPercentNonMissing: null,
    examples: breached.slice(0, 5).map((m) => `${m.column}: ${m.value}`),
  };
  if (skipped.length) result.note = `not computed for ${skipped.join(', ')} (baseline categories truncated)`;
  return result;
}

/** The report as JSON text (stable key order). */
export function writeReport(report: ValidationReport): string {
  return `${jsonText(report)}\n`;
}

// ---------------------------------------------------------------------------------------------
// The Summary tab

/** Longest value shown in the summary; longer ones end with '…'. */
export const SUMMARY_VALUE_MAX = 60;

/** Text made visible and safe in one table cell: newlines as ↵, other control characters as \uXXXX. */
function visible(text: string): string {
  return text.replace(/\r\n|\r|\n/g, '↵').replace(/[\u0000-\u001f\u007f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : text;
}

/** Plain text in a table cell: markdown punctuation escaped, pipes escaped, one line. */
export function mdText(text: string): string {
  return visible(text).replace(/[\\`*_[\]<>|#~]/g, (ch) => `\\${ch}`);
}

/** A value as a code span in a table cell: as many backticks as it needs, pipes escaped, cut at `max` characters. */
export function mdCode(text: string, max = SUMMARY_VALUE_MAX): string {
  const t = visible(truncate(text, max));
  const longest = Math.max(0, ...(t.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = t.startsWith('`') || t.endsWith('`') || (t.startsWith(' ') && t.endsWith(' ') && t.trim() !== '') ? ' ' : '';
  return `${fence}${pad}${t.replace(/\|/g, '\\|')}${pad}${fence}`;
}

const count = (n: number) => n.toLocaleString('en-US');

function formatPercent(p: number): string {
  if (p === 0) return '0%';
  if (p < 0.01) return '<0.01%';
  if (p > 99.99 && p < 100) return '>99.99%';
  return `${Number(p.toFixed(2))}%`;
}

function list(names: readonly string[]): string {
  const shown = names.slice(0, 5).map(mdText).join(', ');
  return names.length > 5 ? `${shown} and ${names.length - 5} more` : shown;
}

function describeObserved(r: ExpectationResult): string {
  const o = r.observed as Record<string, Observed> | number | null;
  if (r.note && (o === null || o === undefined)) return mdText(r.note);
  if (o === null || typeof o !== 'object') return o === null ? '—' : mdText(String(o));
  switch (r.expectationType) {
    case 'expect_table_columns_to_contain_set': {
      const missing = o.missing as string[];
      return missing.length ? `missing: ${list(missing)}` : 'all present';
    }
    case 'expect_table_columns_to_match_set': {
      const missing = o.missing as string[];
      const unexpected = o.unexpected as string[];
      const parts = [
        missing.length ? `missing: ${list(missing)}` : '',
        unexpected.length ? `not expected: ${list(unexpected)}` : '',
      ].filter(Boolean);
      return parts.length ? parts.join('; ') : 'match';
    }
    case 'expect_table_row_count_to_be_between':
      return `${count(o.rows as number)} rows`;
    case 'expect_column_values_to_not_be_null':
      return `${count(o.nulls as number)} missing`;
    case 'expect_column_values_to_be_of_type':
    case 'expect_column_values_to_be_in_type_list':
      return `read as ${mdText(String(o.type))}`;
    case 'expect_column_values_to_be_between':
      return o.min === null ? 'no numbers' : `min ${mdText(String(o.min))}, max ${mdText(String(o.max))}`;
    case 'expect_column_values_to_be_in_set':
      return `${mdText(String(o.distinctOutside))} distinct values outside the set`;
    case 'expect_column_values_to_be_unique':
      return `${count(o.repeatedValues as number)} repeated values`;
    case 'expect_column_values_to_match_regex':
      return `${count(o.matching as number)} match`;
    default:
      if ('value' in o) return `${o.value} (${count((o.violationCount as number) ?? 0)} values)`;
      if ('max' in o) {
        const max = o.max as { column: string; value: number } | null;
        const breached = o.breached as string[];
        const worst = max ? `max ${max.value} (${mdText(max.column)})` : 'no column';
        return breached.length ? `${worst}; over: ${list(breached)}` : worst;
      }
      return mdText(JSON.stringify(o));
  }
}

function unexpectedCell(r: ExpectationResult): string {
  if (r.unexpectedCount === null || r.unexpectedPercent === null) return '—';
  return `${formatPercent(r.unexpectedPercent)} (${count(r.unexpectedCount)})`;
}

function examplesCell(r: ExpectationResult): string {
  if (r.examples.length === 0) return '';
  return r.examples.map((v) => (v === REDACTED ? REDACTED : mdCode(v))).join(', ');
}

/** The Summary-tab markdown: the verdict, one row per expectation, then the data-quality metrics that have thresholds or are not zero. Pure. */
export function validationSummaryMarkdown(report: ValidationReport, options: { maxQualityRows?: number } = {}): string {
  const total = report.expectations.length;
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const headline =
    total === 0
      ? 'no expectations'
      : report.passed
        ? `✅ ${total === 1 ? 'the expectation' : `all ${total} expectations`} met`
        : `❌ ${report.violationCount} of ${plural(total, 'expectation', 'expectations')} not met`;
  const lines = [`## Data validation: ${headline}`, ''];
  lines.push(`**Data:** ${mdCode(report.data, 200)}: ${count(report.rows)} rows, ${count(report.columns.length)} columns`);
  if (report.baseline)
    lines.push(
      '',
      `**Baseline profile:** ${mdCode(report.baseline.data, 200)}: ${count(report.baseline.rows)} rows, profiled ${report.baseline.createdAt}`,
    );
  if (total > 0) {
    lines.push('', '| | expectation | observed | unexpected | examples |', '|:-:|---|---|--:|---|');
    for (const r of report.expectations) {
      const mark = !r.passed ? '❌' : r.note ? '⚠️' : '✅';
      lines.push(`| ${mark} | ${mdCode(r.rule, 120)} | ${describeObserved(r)} | ${unexpectedCell(r)} | ${examplesCell(r)} |`);
    }
  }
  const max = options.maxQualityRows ?? 100;
  const shown = report.qualityMetrics.filter((m) => m.threshold !== null || (m.value !== null && m.value > 0) || m.value === null);
  if (shown.length) {
    lines.push(
      '',
      report.baseline ? '### Data quality against the baseline' : '### Data quality',
      '',
      '| column | metric | value | threshold | |',
      '|---|---|--:|--:|:-:|',
    );
    for (const m of shown.slice(0, max)) {
      const mark = m.breached ? '❌' : m.value === null ? '⚠️' : m.threshold === null ? '' : '✅';
      lines.push(
        `| ${mdText(m.column)} | ${m.metric} | ${m.value === null ? `— (${mdText(m.note ?? 'not computed')})` : m.value} | ${m.threshold ?? '—'} | ${mark} |`,
      );
    }
    if (shown.length > max) lines.push('', `… and ${shown.length - max} more in the report.`);
  }
  if (report.redacted === '*' || report.redacted.length) {
    lines.push('', `Example values of ${report.redacted === '*' ? 'every column' : list(report.redacted)} are redacted.`);
  }
  return `${lines.join('\n')}\n`;
}

/** Every quality metric name, for inputs that list them. */
export const QUALITY_METRIC_NAMES: readonly QualityMetricName[] = QUALITY_METRICS;
