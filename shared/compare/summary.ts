import type { RuleOutcome } from './rules';
import type { ProductionModel, Verdict } from './verdict';
import { fmt, fmtDelta } from './verdict';

interface SummaryInput {
  candidate: string;
  production?: ProductionModel;
  noProductionWhy?: string;
  outcomes: RuleOutcome[];
  verdict: Verdict;
  /** What happens to the pipeline when the verdict is "do not promote". */
  notBetterResult: 'Succeeded' | 'SucceededWithIssues' | 'Failed';
}

const RESULT: Record<RuleOutcome['status'], string> = { pass: '✅ pass', fail: '❌ fail', skipped: '⏭️ skipped', missing: '⚠️ missing' };

/** Markdown cells must not break the table: escape pipes, keep one line. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** The Summary tab: verdict first (readable at a glance), then one row per rule. Pure. */
export function compareSummaryMarkdown(s: SummaryInput): string {
  const v = s.verdict;
  const headline = v.promote ? (v.forced ? '⚠️ Promote (forced)' : '✅ Promote') : '❌ Do not promote';
  const lines = [
    `## Model comparison: ${headline}`,
    '',
    `**Reason:** ${cell(v.reason)}`,
    '',
    `- **Candidate:** ${cell(s.candidate)}`,
    s.production
      ? `- **Production:** \`${s.production.name}:${s.production.version}\`, ${cell(s.production.how)}; metrics from ${cell(s.production.metricsFrom)}`
      : `- **Production:** none (${cell(s.noProductionWhy ?? 'not compared')})`,
    `- **Rules:** ${v.passed} passed, ${v.failed} failed, ${v.skipped} skipped`,
    '',
    '| metric | candidate | production | rule | threshold | result | delta |',
    '|---|---:|---:|---|---:|---|---:|',
  ];
  for (const o of s.outcomes) {
    const result = o.note && o.status !== 'pass' ? `${RESULT[o.status]} (${cell(o.note)})` : RESULT[o.status];
    lines.push(
      `| ${cell(o.rule.metric)} | ${fmt(o.candidate)} | ${fmt(o.production)} | \`${cell(o.rule.text)}\` | ${fmt(o.threshold)} | ${result} | ${fmtDelta(o.delta)} |`,
    );
  }
  if (!v.promote) {
    const effect = { Succeeded: 'the task succeeds', SucceededWithIssues: 'the task succeeds with issues', Failed: 'the task fails' }[
      s.notBetterResult
    ];
    lines.push('', `The candidate is not promoted: \`promote\` is \`false\` and ${effect} ('whenNotBetter').`);
  }
  return `${lines.join('\n')}\n`;
}
