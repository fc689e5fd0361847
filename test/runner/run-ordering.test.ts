import { strict as assert } from 'node:assert';
import { job, marked, pipeline, run, script, stage, stepResults } from './run-helpers';

describe('runner: order, conditions and results', function () {
  it('runs stages and jobs in dependency order, declaration order among the ready ones', async () => {
    const p = pipeline([
      stage('Late', [job('L', [script('echo "OUT:stage Late"')])], { dependsOn: ['Early'] }),
      stage('Early', [
        job('C', [script('echo "OUT:job C"')], { dependsOn: ['A', 'B'] }),
        job('B', [script('echo "OUT:job B"')], { dependsOn: ['A'] }),
        job('A', [script('echo "OUT:job A"')]),
        job('D', [script('echo "OUT:job D"')]),
      ]),
    ]);
    const { result, lines } = await run(p);
    assert.deepEqual(marked(lines, 'OUT:'), ['job A', 'job B', 'job C', 'job D', 'stage Late']);
    assert.equal(result.result, 'Succeeded');
    assert.deepEqual(
      result.stages.map((s) => [s.name, s.result]),
      [
        ['Early', 'Succeeded'],
        ['Late', 'Succeeded'],
      ],
    );
  });

  it('a failed job skips its dependents and their stage dependents; always() and failed() still run', async () => {
    const p = pipeline([
      stage('Build', [
        job('Fails', [
          script('echo "OUT:fails"; exit 3'),
          script('echo "OUT:after failure"'),
          script('echo "OUT:cleanup"', { condition: 'always()' }),
          script('echo "OUT:on failure"', { condition: 'failed()' }),
        ]),
        job('Dependent', [script('echo "OUT:dependent"')], { dependsOn: ['Fails'] }),
        job('Always', [script('echo "OUT:always job"')], { dependsOn: ['Fails'], condition: 'always()' }),
        job('OnFail', [script('echo "OUT:onfail job"')], { dependsOn: ['Fails'], condition: "failed('Fails')" }),
      ]),
      stage('Release', [job('R', [script('echo "OUT:release"')])], { dependsOn: ['Build'] }),
      stage('Report', [job('Rep', [script('echo "OUT:report"')])], { dependsOn: ['Build'], condition: 'failed()' }),
    ]);
    const { result, lines, log } = await run(p);
    assert.deepEqual(marked(lines, 'OUT:'), ['fails', 'cleanup', 'on failure', 'always job', 'onfail job', 'report']);
    assert.equal(result.result, 'Failed');
    const build = result.stages[0]!;
    assert.deepEqual(
      build.jobs.map((j) => [j.name, j.result]),
      [
        ['Fails', 'Failed'],
        ['Dependent', 'Skipped'],
        ['Always', 'Succeeded'],
        ['OnFail', 'Succeeded'],
      ],
    );
    assert.deepEqual(
      result.stages.map((s) => [s.name, s.result]),
      [
        ['Build', 'Failed'],
        ['Release', 'Skipped'],
        ['Report', 'Succeeded'],
      ],
    );
    assert.match(log, /the process exited with code 3/);
  });

  it('continueOnError turns a failure into SucceededWithIssues for the step, the job and the run', async () => {
    const p = pipeline([
      stage('S', [
        job('J', [script('exit 1', { name: 'soft', continueOnError: true }), script('echo "OUT:next ran"', { name: 'next' })]),
        job('K', [script('exit 1', { name: 'hard' })], { continueOnError: true }),
        job('After', [script('echo "OUT:after K"')], { dependsOn: ['K'] }),
      ]),
    ]);
    const { result, lines } = await run(p);
    assert.deepEqual(stepResults(result, 'S', 'J'), { soft: 'SucceededWithIssues', next: 'Succeeded' });
    assert.deepEqual(marked(lines, 'OUT:'), ['next ran', 'after K']);
    assert.deepEqual(
      result.stages[0]!.jobs.map((j) => j.result),
      ['SucceededWithIssues', 'SucceededWithIssues', 'Succeeded'],
    );
    assert.equal(result.result, 'SucceededWithIssues');
  });

  it('a disabled step is skipped; conditions can read variables', async () => {
    const p = pipeline(
      [
        stage('S', [
          job('J', [
            script('echo "OUT:disabled"', { enabled: false }),
            script('echo "OUT:gated"', { condition: "and(succeeded(), eq(variables['deploy'], 'yes'))" }),
            script('echo "OUT:plain"'),
          ]),
        ]),
      ],
      { variables: [{ name: 'deploy', value: 'no' }] },
    );
    assert.deepEqual(marked((await run(p)).lines, 'OUT:'), ['plain']);
    assert.deepEqual(marked((await run(p, { variables: { deploy: 'YES' } })).lines, 'OUT:'), ['gated', 'plain']);
  });

  it('refuses a dependsOn cycle and a dependsOn naming a job that does not exist', async () => {
    await assert.rejects(
      run(pipeline([stage('S', [job('A', [], { dependsOn: ['B'] }), job('B', [], { dependsOn: ['A'] })])])),
      /'A', 'B' depend on each other in a cycle/,
    );
    await assert.rejects(
      run(pipeline([stage('S', [job('A', [], { dependsOn: ['Nope'] })])])),
      /stage 'S', job 'A' depends on job 'Nope', which stage 'S' does not have; its jobs: A/,
    );
  });

  it('cancel: SIGINT reaches the running step, later steps are Canceled, always() still runs', async () => {
    const ac = new AbortController();
    const p = pipeline([
      stage('S', [
        job('J', [
          script('trap "echo OUT:got SIGINT; exit 130" INT; echo OUT:started; sleep 30 & wait', { name: 'long' }),
          script('echo "OUT:should not run"', { name: 'next' }),
          script('echo "OUT:cleanup"', { name: 'cleanup', condition: 'always()' }),
        ]),
      ]),
    ]);
    const lines: string[] = [];
    const started = Date.now();
    const r = await run(p, {
      abortSignal: ac.signal,
      log: (l) => {
        lines.push(l);
        if (l === 'OUT:started') ac.abort();
      },
    });
    assert.ok(Date.now() - started < 7000, 'the step ended on SIGINT, not by escalation');
    assert.deepEqual(marked(lines, 'OUT:'), ['started', 'got SIGINT', 'cleanup']);
    assert.deepEqual(stepResults(r.result, 'S', 'J'), { long: 'Canceled', next: 'Canceled', cleanup: 'Succeeded' });
    assert.equal(r.result.result, 'Canceled');
  });
});
