import { strict as assert } from 'node:assert';
import { waitForJob, WaitEffects } from '../../shared/wait/wait-for-job';
import type { JobSnapshot } from '../../shared/azureml/jobs';

/** A scripted job on a manual clock: the loop's decisions are checked without timers or HTTP. */
function scripted(statuses: Array<string | Error>, jobType = 'Command') {
  let now = 0;
  const reads: number[] = [];
  const logs: string[] = [];
  const warnings: string[] = [];
  const effects: WaitEffects = {
    async getJob(): Promise<JobSnapshot> {
      reads.push(now);
      const next = statuses.length > 1 ? statuses.shift()! : statuses[0];
      if (next instanceof Error) throw next;
      return { name: 'j', status: next, jobType };
    },
    async listChildren() {
      return [];
    },
    async sleep(ms) {
      now += ms;
    },
    now: () => now,
    log: (l) => logs.push(l),
    warn: (w) => warnings.push(w),
  };
  return { effects, reads, logs, warnings };
}

const schedule = { initialMs: 1000, maxMs: 4000 };

describe('waitForJob loop', () => {
  it('returns the terminal status and reads once per poll', async () => {
    const s = scripted(['Queued', 'Running', 'Running', 'Completed']);
    const out = await waitForJob(s.effects, { jobName: 'j', timeoutMs: 60_000, schedule, abortSignal: new AbortController().signal });
    assert.equal(out.kind, 'terminal');
    assert.equal(out.kind === 'terminal' && out.job.status, 'Completed');
    assert.equal(out.polls, 4);
    assert.deepEqual(s.reads, [0, 1000, 2000, 3500]);
    assert.deepEqual(s.logs, ['Job j: Queued', 'Job j: Queued → Running', 'Job j: Running → Completed']);
  });

  it('times out with a last check at the deadline', async () => {
    const s = scripted(['Running']);
    const out = await waitForJob(s.effects, { jobName: 'j', timeoutMs: 10_000, schedule, abortSignal: new AbortController().signal });
    assert.equal(out.kind, 'timeout');
    assert.equal(s.reads[s.reads.length - 1], 10_000);
  });

  it('survives transient failures, honouring Retry-After, and warns once', async () => {
    const throttled = Object.assign(new Error('throttled'), {
      statusCode: 429,
      response: { headers: { get: (n: string) => (n === 'retry-after' ? '7' : undefined) } },
    });
    const s = scripted([throttled, throttled, 'Completed']);
    const out = await waitForJob(s.effects, { jobName: 'j', timeoutMs: 60_000, schedule, abortSignal: new AbortController().signal });
    assert.equal(out.kind, 'terminal');
    assert.deepEqual(s.reads, [0, 7000, 14000]);
    assert.equal(s.warnings.length, 1);
    assert.match(s.warnings[0], /HTTP 429/);
  });

  it('stops on errors that are not transient', async () => {
    const s = scripted([Object.assign(new Error('nope'), { statusCode: 403 })]);
    await assert.rejects(
      waitForJob(s.effects, { jobName: 'j', timeoutMs: 60_000, schedule, abortSignal: new AbortController().signal }),
      /nope/,
    );
  });

  it('throws when aborted', async () => {
    const controller = new AbortController();
    const s = scripted(['Running']);
    s.effects.sleep = async () => {
      controller.abort(new Error('cancelled'));
    };
    await assert.rejects(waitForJob(s.effects, { jobName: 'j', timeoutMs: 60_000, schedule, abortSignal: controller.signal }), /cancelled/);
  });
});
