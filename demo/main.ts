/**
 * `npm run demo`: the credit-risk example's ML Build then ML Release, run by the local runner
 * against the embedded Azure ML emulator and Azurite, ending with a scoring request to the
 * production endpoint. Prints a summary; exits non-zero on any failure; stops its servers.
 */
import { runMlFlow, flowSucceeded } from './ml-flow';
import { demoSummary } from './summary';

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

runMlFlow({ abortSignal: cancel.signal }).then(
  (r) => {
    console.log('');
    for (const line of demoSummary(r)) console.log(line);
    const ok = flowSucceeded(r);
    if (!ok) console.error('demo failed: see the log above');
    process.exit(ok ? 0 : 1);
  },
  (error: Error) => {
    console.error(`demo failed: ${error.message}`);
    process.exit(1);
  },
);
