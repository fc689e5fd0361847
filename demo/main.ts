/**
 * `npm run demo`: the credit-risk example's ML Build then ML Release, run by the local runner
 * against the embedded Azure ML emulator and Azurite, ending with a scoring request to the
 * production endpoint. Prints a summary; exits non-zero on any failure; stops its servers.
 */
import { runMlFlow, flowSucceeded, type MlFlowResult } from './ml-flow';

function summary(r: MlFlowResult): string[] {
  const traffic = r.traffic ? Object.entries(r.traffic).map(([d, p]) => `${d} ${p}%`).join(', ') : 'n/a';
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

// Ctrl-C cancels the running step as the agent would, then the flow stops its servers and removes
// its folders; a second Ctrl-C exits at once.
const cancel = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (cancel.signal.aborted) process.exit(130);
    console.error(`\n${sig}: cancelling the run and stopping the emulator and Azurite...`);
    cancel.abort();
  });
}

runMlFlow({ signal: cancel.signal }).then(
  (r) => {
    console.log('');
    for (const line of summary(r)) console.log(line);
    const ok = flowSucceeded(r);
    if (!ok) console.error('demo failed: see the log above');
    process.exit(ok ? 0 : 1);
  },
  (error: Error) => {
    console.error(`demo failed: ${error.message}`);
    process.exit(1);
  },
);
