import { strict as assert } from 'node:assert';
import { job, pipeline, run, script, stage } from './run-helpers';

describe('runner: secrets never reach the log', function () {
  it('masks secret variables, setsecret and isSecret values, and service-connection secrets', async () => {
    const p = pipeline([
      stage('S', [
        job('J', [
          // secrets are not in a script's env, but $(secret) macros expand into its text
          script('echo "macro: $(dbPassword)"; echo "env: [$DBPASSWORD]"'),
          script('echo "##vso[task.setsecret]runtime-s3cret"; echo "later: runtime-s3cret"'),
          script('echo "##vso[task.setvariable variable=tok;issecret=true]tok-9f8e7d"; echo "same step: tok-9f8e7d"'),
          script('echo "next step: $(tok) conn: conn-key-123 json: \\"pa55-word!\\""'),
        ]),
      ]),
    ]);
    const { log, lines } = await run(p, {
      secretVariables: { dbPassword: 'pa55-word!' },
      serviceConnections: { arm: { id: 'c1', env: {}, secrets: ['conn-key-123'] } },
    });
    for (const s of ['pa55-word!', 'runtime-s3cret', 'tok-9f8e7d', 'conn-key-123']) assert.ok(!log.includes(s), `${s} leaked:\n${log}`);
    assert.ok(lines.includes('macro: ***'));
    assert.ok(lines.includes('env: []'));
    assert.ok(lines.includes('later: ***'));
    assert.ok(lines.includes('same step: ***'));
    assert.ok(lines.includes('next step: *** conn: *** json: "***"'));
  });
});
