import { strict as assert } from 'node:assert';
import type { ChildRun } from '../../shared/azureml/run-history';
import { emptyTrialCache, withSweepTrials } from '../../shared/wait/sweep-trials';
import { emptyView, statusChanges } from '../../shared/wait/status-changes';

/** AzureMLWaitForRun@1 shows a sweep step's trials (the sweep run's children in run history) as steps. */
describe('wait for run: sweep trials as steps', () => {
  const prep: ChildRun = { runId: 'p-1', name: 'prep', status: 'Completed' };
  const tune = (status: string): ChildRun => ({ runId: 'sw-1', name: 'tune', status, sweep: true });
  const trialsAt = (status: string): ChildRun[] => [
    { runId: 'sw-1_0', name: 'sw-1_0', status },
    { runId: 'sw-1_1', name: 'sw-1_1', status: 'Completed' },
  ];

  it('lists each trial after its sweep, named after the step and the trial number', async () => {
    const asked: string[] = [];
    const rows = await withSweepTrials([prep, tune('Running')], async (id) => (asked.push(id), trialsAt('Running')), emptyTrialCache());
    assert.deepEqual(asked, ['sw-1'], 'only the sweep is asked for children');
    assert.deepEqual(
      rows.map((r) => `${r.name}: ${r.status}`),
      ['prep: Completed', 'tune: Running', 'tune trial 0: Running', 'tune trial 1: Completed'],
    );
    // The status view prints them like any step, once per change.
    const first = statusChanges(emptyView(), 'job', 'Running', rows);
    assert.ok(first.lines.includes('  step tune trial 0: Running'), first.lines.join('\n'));
    const later = await withSweepTrials([prep, tune('Running')], async () => trialsAt('Completed'), emptyTrialCache());
    assert.deepEqual(statusChanges(first.next, 'job', 'Running', later).lines, ['  step tune trial 0: Running → Completed']);
  });

  it("reads a finished sweep's trials once more, then no longer", async () => {
    const cache = emptyTrialCache();
    let reads = 0;
    const list = async () => (reads++, trialsAt('Failed'));
    await withSweepTrials([tune('Running')], list, cache);
    await withSweepTrials([tune('Failed')], list, cache);
    const rows = await withSweepTrials([tune('Failed')], list, cache);
    assert.equal(reads, 2);
    assert.deepEqual(
      rows.map((r) => r.status),
      ['Failed', 'Failed', 'Completed'],
    );
  });

  it('leaves pipelines without sweeps as they were, with no extra reads', async () => {
    const rows = await withSweepTrials([prep], async () => assert.fail('no sweep, no read'), emptyTrialCache());
    assert.deepEqual(rows, [prep]);
  });

  it('names a trial whose run id does not follow the sweep by its display name', async () => {
    const rows = await withSweepTrials(
      [tune('Running')],
      async () => [{ runId: 'other', name: 'bold_kiwi', status: 'Queued' }],
      emptyTrialCache(),
    );
    assert.equal(rows[1].name, 'tune trial bold_kiwi');
  });
});
