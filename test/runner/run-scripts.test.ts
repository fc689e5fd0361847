import { strict as assert } from 'node:assert';
import { job, marked, pipeline, run, script, stage } from './run-helpers';

describe('runner: script and bash steps run like the agent (bash --noprofile --norc <file>)', function () {
  it('a failing command in the middle does not fail the step: no -e, no pipefail, only the last command counts', async () => {
    const { result, lines } = await run(
      pipeline([
        stage('S', [job('J', [script('false\necho "OUT:after false"\nfalse | true\necho "OUT:after pipe"', { name: 'middle' })])]),
      ]),
    );
    assert.equal(result.result, 'Succeeded');
    assert.deepEqual(marked(lines, 'OUT:'), ['after false', 'after pipe']);
    const i = lines.indexOf('Generating script.');
    assert.ok(i >= 0, 'logs Generating script.');
    // a multi-line script's contents are not printed (the agent prints one-liners only)
    assert.equal(lines[i + 1], '========================== Starting Command Output ===========================');
    assert.match(lines[i + 2]!, /^\[command\]bash --noprofile --norc \S+\.sh$/);
  });

  it("the last command's failure fails the step; a one-liner is printed as the agent does", async () => {
    const { result, lines, log } = await run(pipeline([stage('S', [job('J', [script('echo "OUT:first"\nexit 4', { name: 'last' })])])]));
    assert.equal(result.result, 'Failed');
    assert.equal(result.stages[0]!.jobs[0]!.steps[0]!.message, 'the process exited with code 4');
    assert.match(log, /##\[error\]the process exited with code 4/);
    assert.deepEqual(marked(lines, 'OUT:'), ['first']);

    const one = await run(pipeline([stage('S', [job('J', [script('echo one-liner | cat')])])]));
    const i = one.lines.indexOf('Generating script.');
    assert.deepEqual(
      one.lines.slice(i, i + 4).map((l) => l.replace(/\S+\.sh$/, '<file>')),
      [
        'Generating script.',
        'Script contents:',
        'echo one-liner | cat',
        '========================== Starting Command Output ===========================',
      ],
    );
  });

  it('a script that wants to stop at the first error says so itself (set -eo pipefail)', async () => {
    const { result, lines } = await run(
      pipeline([stage('S', [job('J', [script('set -eo pipefail\nfalse | true\necho "OUT:not reached"')])])]),
    );
    assert.equal(result.result, 'Failed');
    assert.deepEqual(marked(lines, 'OUT:'), []);
  });
});
