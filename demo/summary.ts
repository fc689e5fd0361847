/** The summary `npm run demo` prints after the flow (also shown in the Marketplace screenshot of the release). */
import type { MlFlowResult } from './ml-flow';

export function demoSummary(r: MlFlowResult): string[] {
  const traffic = r.traffic
    ? Object.entries(r.traffic)
        .map(([d, p]) => `${d} ${p}%`)
        .join(', ')
    : 'n/a';
  const deployments = r.deployments?.map((d) => `${d.name} → ${d.model}`).join(', ') ?? 'n/a';
  return [
    '=== Summary ===',
    `ML Build:    ${r.build.result} (stages: ${r.build.stages.map((s) => `${s.name} ${s.result}`).join(', ')})`,
    `Data check:  ${r.dataValidation ? (r.dataValidation.passed === 'true' ? 'training data passed every expectation' : `${r.dataValidation.violationCount} expectation(s) not met`) : 'not run'}`,
    `Azure ML job: ${r.jobName ?? 'n/a'}`,
    `Verdict:     promote=${r.promote ?? 'n/a'}: ${r.reason ?? ''}`,
    `Model:       ${r.modelVersion ? `credit-risk version ${r.modelVersion} (its training data profile: azureml:credit-risk-profile:${r.modelVersion})` : 'not registered'}`,
    `ML Release:  ${r.release ? `${r.release.result} (stages: ${r.release.stages.map((s) => `${s.name} ${s.result}`).join(', ')})` : 'not run'}`,
    `Endpoint:    ${r.endpoint ?? 'n/a'}; deployments: ${deployments}`,
    `Traffic:     ${traffic}`,
    `Scoring:     ${r.scoring ? `HTTP ${r.scoring.status} ${JSON.stringify(r.scoring.body)}` : 'not called'}`,
    `Emulator:    ${r.calls.arm} ARM requests, ${r.calls.total} requests in all`,
  ];
}
