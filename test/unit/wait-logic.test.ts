import { strict as assert } from 'node:assert';
import { nextPollDelay, pollsWithin } from '../../shared/wait/poll-schedule';
import { emptyView, statusChanges } from '../../shared/wait/status-changes';
import { isTerminal, resultForStatus } from '../../shared/azureml/job-status';
import { isTransient, retryAfterMs } from '../../shared/wait/transient-error';
import { parseWaitForRunInputs } from '../../shared/wait/wait-for-run-inputs';
import { HANDOFF_VARIABLES, macro } from '../../shared/task/handoff-variables';

describe('poll schedule', () => {
  const schedule = { initialMs: 10_000, maxMs: 60_000 };
  it('starts at the first interval, grows by half while quiet, and caps', () => {
    let d = nextPollDelay(undefined, schedule, { changed: false });
    assert.equal(d, 10_000);
    d = nextPollDelay(d, schedule, { changed: false });
    assert.equal(d, 15_000);
    for (let i = 0; i < 10; i++) d = nextPollDelay(d, schedule, { changed: false });
    assert.equal(d, 60_000);
  });
  it('snaps back when the status changes and honours Retry-After', () => {
    assert.equal(nextPollDelay(60_000, schedule, { changed: true }), 10_000);
    assert.equal(nextPollDelay(10_000, schedule, { changed: false, retryAfterMs: 90_000 }), 90_000);
  });
  it('reads a quiet hour in few polls', () => {
    // After the ramp (10, 15, 22.5, 33.75, 50.6 s) every poll is 60 s apart: about an hour / 60 s.
    const polls = pollsWithin(3_600_000, schedule);
    assert.ok(polls >= 60 && polls <= 66, `polls ${polls}`);
    assert.ok(pollsWithin(3_600_000, { initialMs: 10_000, maxMs: 120_000 }) < pollsWithin(3_600_000, schedule));
  });
});

describe('status changes', () => {
  it('logs the job and each step once per change', () => {
    let r = statusChanges(emptyView(), 'job1', 'Queued', []);
    assert.deepEqual(r.lines, ['Job job1: Queued']);
    r = statusChanges(r.next, 'job1', 'Queued', []);
    assert.deepEqual(r.lines, []);
    r = statusChanges(r.next, 'job1', 'Running', [{ runId: 'c1', name: 'train', status: 'Running' }]);
    assert.deepEqual(r.lines, ['Job job1: Queued → Running', '  step train: Running']);
    r = statusChanges(r.next, 'job1', 'Running', [{ runId: 'c1', name: 'train', status: 'Failed' }]);
    assert.deepEqual(r.lines, ['  step train: Running → Failed']);
  });
});

describe('job status mapping', () => {
  it('knows the terminal statuses', () => {
    for (const s of ['Completed', 'Failed', 'Canceled', 'NotResponding', 'Paused']) assert.ok(isTerminal(s), s);
    for (const s of ['NotStarted', 'Queued', 'Running', 'Finalizing', 'CancelRequested', 'Unknown', undefined])
      assert.ok(!isTerminal(s), String(s));
  });
  it('mirrors results', () => {
    assert.equal(resultForStatus('Completed', { failOnCanceledJob: true }), 'Succeeded');
    assert.equal(resultForStatus('Failed', { failOnCanceledJob: false }), 'Failed');
    assert.equal(resultForStatus('Canceled', { failOnCanceledJob: true }), 'Failed');
    assert.equal(resultForStatus('Canceled', { failOnCanceledJob: false }), 'SucceededWithIssues');
    assert.equal(resultForStatus('NotResponding', { failOnCanceledJob: false }), 'Failed');
  });
});

describe('transient errors', () => {
  const headers = (v: string) => ({ get: (n: string) => (n === 'retry-after' ? v : undefined) });
  it('treats throttling, server errors and resets as transient, not 404/403', () => {
    assert.ok(isTransient({ statusCode: 429 }));
    assert.ok(isTransient({ statusCode: 503 }));
    assert.ok(isTransient({ code: 'ECONNRESET' }));
    assert.ok(!isTransient({ statusCode: 404 }));
    assert.ok(!isTransient({ statusCode: 403 }));
    assert.ok(!isTransient(new Error('x')));
  });
  it('reads Retry-After in seconds and as a date', () => {
    assert.equal(retryAfterMs({ response: { headers: headers('7') } }), 7000);
    assert.equal(retryAfterMs({ response: { headers: headers(new Date(61_000).toUTCString()) } }, 1_000), 60_000);
    assert.equal(retryAfterMs({}), undefined);
  });
});

describe('wait inputs', () => {
  const base: Record<string, string> = {
    connectedServiceNameARM: 'conn',
    resourceGroupName: 'rg',
    workspaceName: 'ws',
    jobName: 'job1',
  };
  const parse = (over: Record<string, string>) => parseWaitForRunInputs((n) => ({ ...base, ...over })[n]);
  it('applies defaults', () => {
    const i = parse({});
    assert.equal(i.timeoutMinutes, 120);
    assert.equal(i.pollIntervalSeconds, 10);
    assert.equal(i.onTimeout, 'cancelJob');
    assert.equal(i.failOnCanceledJob, true);
  });
  it('explains an unset $(AzureML.JobName)', () => {
    assert.throws(
      () => parse({ jobName: macro(HANDOFF_VARIABLES.jobName) }),
      /'jobName' is empty: give the Azure ML job name, or run AzureMLPublishPipeline@1/,
    );
  });
  it('rejects a cap below the first interval', () => {
    assert.throws(
      () => parse({ pollIntervalSeconds: '30', maxPollIntervalSeconds: '10' }),
      /'maxPollIntervalSeconds' \(10\) must not be less than 'pollIntervalSeconds' \(30\)/,
    );
  });
});
